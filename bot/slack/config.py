"""Settings of the Slack app. `bot.settings.Settings` nests them as the `slack` group.

The app is served only when both the bot token and the signing secret are set; one without the other
is a configuration error, said at start-up rather than discovered when Slack calls.
"""

from __future__ import annotations

from urllib.parse import quote

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ENV = SettingsConfigDict(env_prefix="CLAIMBOT_", extra="ignore", env_file=None)

SLACK_API_URL = "https://slack.com/api/"


class SlackSettings(BaseSettings):
    """The Slack app's credentials, where its Web API is, and how answers link back to the API."""

    model_config = _ENV

    slack_bot_token: SecretStr | None = Field(
        default=None,
        description="The app's Bot User OAuth Token (`xoxb-...`, from OAuth & Permissions). With the "
        "signing secret it turns the Slack app on at POST /slack/events. Never logged.",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        description="The app's Signing Secret (Basic Information): requests whose signature does not match, "
        "or whose timestamp is more than five minutes off, are refused with 401. Never logged.",
    )
    slack_api_url: str = Field(
        default=SLACK_API_URL,
        description="Base URL of Slack's Web API (Enterprise set-ups behind a gateway; tests point it at "
        "a local fake).",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people reach this API at; Slack answers link each quote to "
        "`{this}/v1/articles/{article_id}?start=S&end=E`.",
    )
    slack_top_k: int = Field(
        default=3, ge=1, le=10, description="Most quotes in an answer or a verdict posted to Slack."
    )
    slack_event_retention_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 30,
        description="How long event ids are remembered to drop Slack's retries (Slack retries within "
        "minutes).",
    )
    slack_event_lease_s: float = Field(
        default=50.0,
        gt=0,
        le=3600,
        description="How long a worker holds an event it took before another may take it over (when the "
        "first died before answering). 50: longer than any answer takes (check p95 251 ms in-process on "
        "the IndoSum index, make bench, docs/benchmarks.md) and shorter than Slack's second retry, one "
        "minute after the first, so that retry finds a dead worker's lease lapsed.",
    )

    @field_validator("slack_bot_token", "slack_signing_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `CLAIMBOT_SLACK_BOT_TOKEN=` in an env file means "not set", not an empty token.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_api_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value

    @model_validator(mode="after")
    def _both_or_neither(self) -> SlackSettings:
        if (self.slack_bot_token is None) != (self.slack_signing_secret is None):
            missing = "CLAIMBOT_SLACK_SIGNING_SECRET"
            if self.slack_bot_token is None:
                missing = "CLAIMBOT_SLACK_BOT_TOKEN"
            raise ValueError(f"the Slack app needs both the bot token and the signing secret: set {missing}")
        return self

    @property
    def enabled(self) -> bool:
        """Both credentials are set, so the app serves POST /slack/events."""
        return self.slack_bot_token is not None and self.slack_signing_secret is not None

    @property
    def api_base(self) -> str:
        """The Web API URL with the trailing slash slack_sdk joins method names to."""
        return self.slack_api_url.rstrip("/") + "/"

    def article_link(self, article_id: str, start: int, end: int) -> str:
        """The API address of an article with a quote's span."""
        base = self.public_base_url.rstrip("/")
        return f"{base}/v1/articles/{quote(article_id, safe='')}?start={start}&end={end}"
