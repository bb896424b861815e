"""Settings of where conversations are kept, for how long, and how much of them a follow-up uses."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from bot.config.base import ENV


class ConversationSettings(BaseSettings):
    """Where conversations are kept, for how long, and how much of them a follow-up uses."""

    model_config = ENV

    conversations_db: str | None = Field(
        default=None,
        description="SQLite file of the conversations, as a path or a `sqlite:///path` URL; unset: "
        "`conversations.sqlite3` in CLAIMBOT_DATA_DIR. Shared by the workers of one machine.",
    )
    conversation_retention_days: float = Field(
        default=30.0,
        ge=0,
        le=36_500,
        description="Conversations untouched for longer than this are deleted; 0 keeps them forever.",
    )
    conversation_max_turns: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Turns a conversation keeps: each new turn beyond it drops the oldest (turn numbers "
        "are not reused). 100: a follow-up reads at most 10 earlier questions, and 100 turns of 5 "
        "citations make a GET of about 0.3 MB.",
    )
    followup_max_words: int = Field(
        default=3,
        ge=0,
        le=20,
        description="A message of at most this many words is read as a follow-up whatever its words "
        '("why?", "kapan?", "since when?"; see bot/conversations/followup.py); 0: only words that refer '
        "back or continue make one. 3: set by hand, not measured (no set of conversations exists to "
        'measure it on); it also takes short questions of their own such as "who is Kim?" as follow-ups, '
        "which costs relevance, never truth (answers only quote).",
    )
    followup_questions: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Most earlier questions put before a follow-up message when retrieving for it "
        "(0 turns follow-up handling off).",
    )
