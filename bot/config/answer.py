"""Settings of how answers are composed from retrieved passages (read by `bot/chain.py`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from bot.config.base import ENV


class AnswerSettings(BaseSettings):
    """How answers are composed from retrieved passages."""

    model_config = ENV

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
