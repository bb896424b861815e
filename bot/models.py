"""Public data of answers, shared by the CLI's `--json`, the API and the evaluation scripts."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from vectorstore.models import Filters

MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 50


def searchable(text: str) -> str:
    """`text` if it can be searched for: no control characters (a NUL, an escape; tabs and line breaks
    are fine) and at least one letter or digit in any script. "?", an emoji or zero-width spaces have
    no word to look up; quoting the articles nearest to them would answer nothing (422 in the API)."""
    for i, ch in enumerate(text):
        if ch not in "\t\n\r" and unicodedata.category(ch) == "Cc":
            raise PydanticCustomError(
                "control_character",
                "holds the control character {code} at position {at}: send plain text",
                {"code": f"U+{ord(ch):04X}", "at": i},
            )
    if not any(ch.isalnum() for ch in text):
        raise PydanticCustomError("no_words", "has no word to search for (no letter or digit)")
    return text


class Citation(BaseModel):
    """A verbatim quote with where it comes from. Invariant: `quote == original_text[start:end]`."""

    n: int = Field(ge=1, description="The marker number used in the answer text, [n].")
    article_id: str
    title: str | None = None
    source: str | None = Field(default=None, description="The outlet that published the article.")
    published: date | None = None
    quote: str = Field(description="Exactly the article's original text[start:end].")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    score: float = Field(description="Relevance in [0, 1]; higher is better.")


class AskRequest(BaseModel):
    """A question about the indexed articles."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    top_k: int = Field(default=5, ge=1, le=MAX_TOP_K, description="Most citations to return.")
    filters: Filters | None = None

    _searchable = field_validator("question")(searchable)


class Answer(BaseModel):
    """An answer made of verbatim quotes with [n] markers, or an honest 'the articles do not say'."""

    question: str
    answer: str
    insufficient_evidence: bool = Field(
        description="True when the articles do not cover the question; then `citations` is empty."
    )
    citations: list[Citation] = Field(default_factory=list)


class SearchResults(BaseModel):
    """Ranked passages, each with the citation fields."""

    query: str
    results: list[Citation]


Verdict = Literal["supported", "refuted", "not_enough_evidence", "mixed"]
EvidenceStance = Literal["supports", "refutes", "neutral"]
MAX_EVIDENCE = 10


class CheckRequest(BaseModel):
    """A claim to check against the indexed articles (English or Indonesian)."""

    model_config = ConfigDict(extra="forbid")

    claim: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    top_k: int = Field(default=5, ge=1, le=MAX_EVIDENCE, description="Most evidence quotes to return.")
    filters: Filters | None = None

    _searchable = field_validator("claim")(searchable)


class Evidence(Citation):
    """A cited quote with its stance towards the claim."""

    stance: EvidenceStance = Field(
        description="supports / refutes the claim, or neutral: on the topic but not deciding it."
    )


class CheckResult(BaseModel):
    """A verdict on a claim with the verbatim quotes that decide it.

    `supported` / `refuted`: the deciding quotes agree; `mixed`: sources disagree; `not_enough_evidence`:
    nothing in the articles decides the claim (then `evidence` holds no supporting or refuting quote).
    """

    claim: str
    verdict: Verdict
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the engine is of the verdict.")
    explanation: str = Field(description="Who said what and when, in a sentence or two.")
    evidence: list[Evidence] = Field(default_factory=list)
    engine: str = Field(default="offline", description="`offline` (stance model and rules) or `llm`.")
    dropped_quotes: int = Field(
        default=0, ge=0, description="Quotes an LLM judge returned that were not verbatim in the article."
    )
