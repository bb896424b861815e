"""The one settings object of claimbot, nested by concern. Every field reads `CLAIMBOT_<FIELD>`.

Build it with `Settings()` in an entry point (never at import time); tests pass their own values.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.api.config import AuthSettings, HttpSettings
from bot.conversations import ConversationSettings
from bot.feedback import FeedbackSettings
from bot.llm.config import LlmSettings
from bot.slack.config import SlackSettings
from vectorstore.config import EmbeddingSettings, IngestSettings, RetrievalSettings, StoreSettings

_ENV = SettingsConfigDict(env_prefix="CLAIMBOT_", extra="ignore", env_file=None)


class AnswerSettings(BaseSettings):
    """How answers are composed from retrieved passages."""

    model_config = _ENV

    min_evidence: float = Field(
        default=0.15,
        ge=-1,
        le=1,
        description="Least similarity (topic-centred cosine) of the best sentence to the question; below it "
        "(and below CLAIMBOT_MIN_LEXICAL) the answer says the articles do not cover the question.",
    )
    min_lexical: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="BM25 coverage of the question by the best passage that counts as evidence on its own.",
    )
    relative_cutoff: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="Quotes scoring below this share of the best quote's score are left out of the answer.",
    )
    quote_floor: float = Field(
        default=0.45,
        ge=0,
        le=1,
        description="A quote scoring at least this is kept whatever the best quote's score, so one very "
        "close match does not push out the rest.",
    )


class Settings(BaseSettings):
    """All of claimbot's configuration. See the README's configuration table (generated from this)."""

    model_config = _ENV

    store: StoreSettings = Field(default_factory=StoreSettings, description="Where the index lives.")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Reading and splitting.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid search.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Composing answers.")
    conversations: ConversationSettings = Field(
        default_factory=ConversationSettings, description="Conversation storage and follow-ups."
    )
    auth: AuthSettings = Field(default_factory=AuthSettings, description="API keys and rate limits.")
    http: HttpSettings = Field(default_factory=HttpSettings, description="HTTP limits, CORS and logs.")
    slack: SlackSettings = Field(default_factory=SlackSettings, description="The Slack app.")
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings, description="Feedback on answers.")
    llm: LlmSettings = Field(default_factory=LlmSettings, description="The optional LLM judge of claims.")
