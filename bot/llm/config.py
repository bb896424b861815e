"""Settings of the optional LLM judge. `bot.settings.Settings` nests them as the `llm` group.

The judge is off until `CLAIMBOT_LLM_BASE_URL` names an OpenAI-compatible endpoint; everything else has
a default that works with OpenAI itself (pick the model of a local server with `CLAIMBOT_LLM_MODEL`).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ENV = SettingsConfigDict(env_prefix="CLAIMBOT_", extra="ignore", env_file=None)

# OpenAI-compatible servers without authentication (Ollama, llama.cpp, vLLM by default) still need some
# key from the client library, which refuses to start without one.
NO_API_KEY = "not-needed"


class LlmSettings(BaseSettings):
    """Where the LLM judge is, which model it uses, and how long and how often it may try."""

    model_config = _ENV

    llm_base_url: str | None = Field(
        default=None,
        description="Base URL of an OpenAI-compatible chat API (`https://api.openai.com/v1`, Ollama's "
        "`http://127.0.0.1:11434/v1`, vLLM's or llama.cpp's `http://HOST:PORT/v1`). Set: claims are "
        "judged by that model (`engine: llm`). Unset: the offline engine judges them.",
    )
    llm_model: str = Field(
        default="gpt-4o-mini",
        min_length=1,
        description="Model name sent to the endpoint (e.g. `gpt-4o-mini`, `qwen2.5:7b-instruct` on Ollama).",
    )
    llm_api_key: SecretStr | None = Field(
        default=None,
        description="Bearer key for the endpoint; unset for local servers that need none. Never logged.",
    )
    llm_timeout_s: float = Field(
        default=60.0, gt=0, le=600, description="Seconds one request to the endpoint may take."
    )
    llm_max_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries of a request that failed in transport (connection error, timeout, 429, 5xx), "
        "with the client library's back-off.",
    )
    llm_parse_retries: int = Field(
        default=1,
        ge=0,
        le=5,
        description="Times the model is asked again when its reply is not the JSON asked for; after that "
        "the check fails with an upstream error.",
    )
    llm_temperature: float | None = Field(
        default=0.0,
        ge=0,
        le=2,
        description="Sampling temperature sent with each request; empty: the endpoint's default (some "
        "reasoning models accept no other).",
    )
    llm_max_tokens: int = Field(
        default=1024, ge=64, le=32768, description="Most tokens the model may write in one reply."
    )
    llm_json_mode: bool = Field(
        default=True,
        description='Ask the endpoint for a JSON reply (`response_format: {"type": "json_object"}`); turn '
        "off for servers that refuse the field. The reply is parsed leniently either way.",
    )
    llm_prompt_version: str = Field(
        default="v1",
        description="Version of the `check` prompt template (`prompts/check.<version>.md`).",
    )
    llm_prompts_dir: Path | None = Field(
        default=None,
        description="Folder of prompt templates; unset: the repository's `prompts/` (claimbot is "
        "installed editable, `pip install -e .`).",
    )

    @field_validator("llm_base_url", "llm_api_key", "llm_temperature", "llm_prompts_dir", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `CLAIMBOT_LLM_BASE_URL=` in an env file means "not set", not an empty URL.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("llm_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value

    @field_validator("llm_prompt_version")
    @classmethod
    def _version_name(cls, value: str) -> str:
        # The version becomes part of a file name: keep it to `v` and a number (v1, v2, v10).
        if not re.fullmatch(r"v\d+", value):
            raise ValueError(f"must look like v1, v2, ...; got {value!r}")
        return value

    @property
    def enabled(self) -> bool:
        """An endpoint is configured, so claims go to the LLM judge."""
        return self.llm_base_url is not None

    def api_key_value(self) -> str:
        """The key to send: the configured one, or a placeholder for servers that need none."""
        return self.llm_api_key.get_secret_value() if self.llm_api_key is not None else NO_API_KEY
