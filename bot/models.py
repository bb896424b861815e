"""Public data of answers, shared by the CLI's `--json`, the API and the evaluation scripts."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from vectorstore.models import Filters

MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 50


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
