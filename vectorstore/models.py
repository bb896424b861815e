"""Public data of the index: what loading produces, what the store keeps and what search returns.

Every offset (`start`, `end`) is a half-open character range into `Article.text`, the original text
exactly as ingested, so `text[start:end]` is always the verbatim passage.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SourceFormat = Literal["txt", "md", "html", "jsonl"]


class Span(BaseModel):
    """A half-open character range `[start, end)` into an article's original text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ArticleMeta(BaseModel):
    """Descriptive metadata of an article. `None` means unknown (or, in overrides, not given)."""

    title: str | None = None
    source: str | None = Field(default=None, description="The outlet that published the article.")
    author: str | None = None
    published: date | None = Field(default=None, description="Publication date.")
    url: str | None = None

    def merged_over(self, base: ArticleMeta) -> ArticleMeta:
        """Fields given here win over `base`; fields left `None` here keep `base`'s value."""
        data = base.model_dump()
        data.update({k: v for k, v in self.model_dump().items() if v is not None})
        return ArticleMeta(**data)


class LoadedArticle(BaseModel):
    """One article read from a file or a JSONL record, before cleaning and splitting."""

    article_id: str
    text: str = Field(description="The original text as ingested; every offset refers to it.")
    origin: str = Field(description="Where it came from: a path, or path:line for JSONL records.")
    format: SourceFormat
    overrides: ArticleMeta = Field(
        default_factory=ArticleMeta,
        description="Metadata given explicitly (sidecar file or JSONL fields); wins over heuristics.",
    )


class LoadFailure(BaseModel):
    """A file or record that could not be ingested, with a reason a person can act on."""

    origin: str
    reason: str


class Sentence(BaseModel):
    """A sentence of an article's indexed content."""

    index: int
    start: int
    end: int


class Clause(BaseModel):
    """A part of a long sentence with a vector of its own (`vectorstore.sentences.clause_spans`)."""

    sentence_index: int
    index: int
    start: int
    end: int


class Chunk(BaseModel):
    """A run of whole sentences `[sentence_start, sentence_end)`, overlapping its neighbours."""

    index: int
    start: int
    end: int
    sentence_start: int
    sentence_end: int


class Article(BaseModel):
    """An article ready to index: original text, resolved metadata, sentences and chunks."""

    article_id: str
    text: str
    origin: str
    format: SourceFormat
    meta: ArticleMeta
    content_hash: str = Field(description="Hash of text, metadata and pipeline version: changes re-index.")
    sentences: list[Sentence]
    chunks: list[Chunk]
    clauses: list[Clause] = Field(default_factory=list)


class ArticleRecord(BaseModel):
    """What the index keeps about an article (without its sentences and chunks)."""

    article_id: str
    title: str | None = None
    source: str | None = None
    author: str | None = None
    published: date | None = None
    url: str | None = None
    origin: str
    content_hash: str
    n_sentences: int
    n_chunks: int
    chars: int


class StoredArticle(ArticleRecord):
    """An article record with the original text that every offset refers to."""

    text: str


class Filters(BaseModel):
    """Metadata filters for search. Empty lists and `None` mean no restriction."""

    model_config = ConfigDict(extra="forbid")

    source: list[str] | None = Field(default=None, description="Outlets to keep (case-insensitive).")
    article_id: list[str] | None = Field(default=None, description="Article ids to keep.")
    published_from: date | None = Field(default=None, description="Earliest publication date (inclusive).")
    published_to: date | None = Field(default=None, description="Latest publication date (inclusive).")


class Passage(BaseModel):
    """A retrieved sentence with its scores and the metadata of its article."""

    article_id: str
    sentence_index: int = Field(
        description="Index of the passage's (last) sentence, whose stored vector stands for the passage."
    )
    sentence_count: int = Field(
        default=1,
        ge=1,
        description="Sentences in the passage: 2 for a sentence that leans back on the one before it "
        "(`vectorstore.sentences.leans_back`), quoted together with it as one verbatim span.",
    )
    start: int
    end: int
    text: str = Field(description="Equal to the article's original text[start:end].")
    score: float = Field(description="Fused relevance score in [0, 1]; higher is better.")
    dense: float = Field(description="Centred cosine similarity of the question and the sentence.")
    context: float = Field(description="Centred cosine similarity of the question and its best chunk.")
    lexical: float = Field(description="Normalised BM25 score of the sentence and its chunk.")
    title: str | None = None
    source: str | None = None
    published: date | None = None
    _vector: Any = PrivateAttr(default=None)
    """The passage's unit vector, topic-centred like `dense` (set by search, never serialised): how
    alike two passages are, so that the chosen ones do not repeat each other (`diversify`)."""


class IngestReport(BaseModel):
    """What an ingest run did."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    failed: list[LoadFailure] = Field(default_factory=list)
    chunks: int = Field(default=0, description="Chunks written in this run.")
    sentences: int = Field(default=0, description="Sentences written in this run.")
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed
