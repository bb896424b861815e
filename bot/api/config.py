"""Settings groups of the HTTP API. `bot.settings.Settings` nests them into the one settings object.

Lists (`CLAIMBOT_API_KEYS`, `CLAIMBOT_ADMIN_KEYS`, `CLAIMBOT_CORS_ORIGINS`) are comma-separated in the
environment, not JSON, so `CLAIMBOT_API_KEYS=k1,k2` works as people write it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_ENV = SettingsConfigDict(env_prefix="CLAIMBOT_", extra="ignore", env_file=None)


def _comma_list(value: Any) -> Any:
    """'a, b,,c' -> ['a', 'b', 'c']; lists pass through (tests and code give lists)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class AuthSettings(BaseSettings):
    """Who may call the API, and how often."""

    model_config = _ENV

    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default=[],
        description="Comma-separated bearer keys. When set, every /v1/* route needs "
        "`Authorization: Bearer <key>` (an admin key works too). Unset: the API is open.",
    )
    admin_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default=[],
        description="Comma-separated bearer keys for the admin routes (POST /v1/articles, DELETE "
        "/v1/articles/{id}). When API keys are set but no admin keys, the admin routes are refused.",
    )
    rate_limit_per_minute: int = Field(
        default=600,
        ge=0,
        le=1_000_000,
        description="Requests per minute to /v1/* allowed per API key (per client address when no keys "
        "are set), in each worker process; 0 turns the limit off. Over it: 429 with Retry-After.",
    )
    rate_limit_burst: int = Field(
        default=60,
        ge=1,
        le=1_000_000,
        description="Requests a key may make at once before the per-minute rate applies.",
    )
    auth_failures_per_minute: int = Field(
        default=10,
        ge=0,
        le=1_000_000,
        description="Requests with a missing or wrong API key allowed per client address a minute (10 "
        "at once), in each worker; beyond it: 429 with Retry-After, whatever key is sent. 0 turns it "
        "off. 10: a person who mistypes a key retries a few times; a guesser gets 14,400 tries a day.",
    )

    @field_validator("api_keys", "admin_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        return _comma_list(value)

    def secrets(self, *, admin: bool) -> list[str]:
        """The plain keys a route accepts (admin routes: admin keys only)."""
        keys = self.admin_keys if admin else [*self.api_keys, *self.admin_keys]
        return [k.get_secret_value() for k in keys]

    @property
    def enabled(self) -> bool:
        """True when any key is configured, so requests must authenticate."""
        return bool(self.api_keys or self.admin_keys)


class HttpSettings(BaseSettings):
    """Limits and behaviour of the HTTP layer."""

    model_config = _ENV

    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Comma-separated origins browsers may call the API from (e.g. "
        "`https://chat.example.org`); `*` allows any. Unset: no CORS headers.",
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1_000,
        le=100_000_000,
        description="Largest request body accepted by the JSON routes; larger ones get 413.",
    )
    max_upload_bytes: int = Field(
        default=50_000_000,
        ge=1_000,
        le=2_000_000_000,
        description="Largest request body of POST /v1/articles (all files of one upload together); each "
        "file is also limited by CLAIMBOT_MAX_FILE_BYTES.",
    )
    reconnect_max_s: float = Field(
        default=30.0,
        ge=0.5,
        le=3600,
        description="Longest pause between attempts to reach an index (Chroma server) that failed or "
        "was down at start; pauses start at 0.5 s and double. 30 s: a returning server is used again "
        "within half a minute (a readiness probe's usual period is 10 s) while a dead one is asked at "
        "most twice a minute per worker.",
    )
    log_message_text: bool = Field(
        default=False,
        description="Put the question or message text in the request log line. Off by default: what "
        "people ask may be private.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        return _comma_list(value)
