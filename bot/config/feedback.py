"""Settings of where feedback on answers (the Slack app's votes) is kept."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from bot.config.base import ENV


class FeedbackSettings(BaseSettings):
    """Where feedback on answers is kept."""

    model_config = ENV

    feedback_db: str | None = Field(
        default=None,
        description="SQLite file of the answers posted to Slack and the votes on them, as a path or a "
        "`sqlite:///path` URL; unset: `feedback.sqlite3` in CLAIMBOT_DATA_DIR.",
    )
    feedback_retention_days: float = Field(
        default=30.0,
        ge=0,
        le=36_500,
        description="Answers nobody voted on are forgotten after this many days (voted ones are kept); "
        "0 keeps all.",
    )
