"""What every settings group shares: environment variables read as `CLAIMBOT_<FIELD>`."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

# No .env file: the environment (or the values a test passes) is the whole configuration.
ENV = SettingsConfigDict(env_prefix="CLAIMBOT_", extra="ignore", env_file=None)
