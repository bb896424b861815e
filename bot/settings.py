"""The one settings object of claimbot, nested by concern. Every field reads `CLAIMBOT_<FIELD>`.

Build it with `Settings()` in an entry point (never at import time); tests pass their own values. The
groups are defined in config modules that import nothing of claimbot's behaviour (`bot/config/*.py`,
`vectorstore/config.py`, and `config.py` in `bot/api`, `bot/slack`, `bot/llm`), so importing a group, or
this object, never pulls in the code that reads it.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from bot.api.config import AuthSettings, HttpSettings
from bot.config.answer import AnswerSettings
from bot.config.base import ENV
from bot.config.check import CheckSettings
from bot.config.conversations import ConversationSettings
from bot.config.feedback import FeedbackSettings
from bot.llm.config import LlmSettings
from bot.slack.config import SlackSettings
from vectorstore.config import EmbeddingSettings, IngestSettings, RetrievalSettings, StoreSettings


class Settings(BaseSettings):
    """All of claimbot's configuration. docs/configuration.md is generated from it (make docs)."""

    model_config = ENV

    store: StoreSettings = Field(default_factory=StoreSettings, description="Where the index lives.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Reading and splitting.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid search.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Composing answers.")
    check: CheckSettings = Field(default_factory=CheckSettings, description="Verdicts on claims.")
    conversations: ConversationSettings = Field(
        default_factory=ConversationSettings, description="Conversation storage and follow-ups."
    )
    auth: AuthSettings = Field(default_factory=AuthSettings, description="API keys and rate limits.")
    http: HttpSettings = Field(default_factory=HttpSettings, description="HTTP limits, CORS and logs.")
    slack: SlackSettings = Field(default_factory=SlackSettings, description="The Slack app.")
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings, description="Feedback on answers.")
    llm: LlmSettings = Field(default_factory=LlmSettings, description="The optional LLM judge of claims.")
