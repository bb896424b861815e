"""Chroma itself: the client, the index's collections, and how articles and their parts are laid out as
Chroma records (ids, metadata, `where` clauses). `ChromaStore` (`vectorstore/store.py`) builds on this.

Four collections per index (`<prefix>-articles`, `-sentences`, `-chunks`, `-clauses`). Ids are
deterministic (`ARTICLE#sN`, `ARTICLE#cN`, `ARTICLE#sN#kM`), so writing an article again replaces it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlparse

from vectorstore.config import StoreSettings
from vectorstore.datadir import CHROMA_FILE, CHROMA_FOLDER, check_store
from vectorstore.errors import BadInputError, UpstreamError
from vectorstore.guard import guarded
from vectorstore.models import Article, ArticleRecord, Filters

PARTS = ("articles", "sentences", "chunks", "clauses")
# Stored in the sentences collection's metadata: the model and its dimension (an index is only ever
# read with the model that wrote it) and the layout's version.
MODEL_KEY = "claimbot_model"
DIM_KEY = "claimbot_dim"
SCHEMA_KEY = "claimbot_schema"
# Stored in the articles collection's metadata: bumped by every write, so other processes reload.
REVISION_KEY = "claimbot_revision"
SCHEMA = 1
# Chroma filters need numbers: an unknown date is this ordinal, which no date range includes.
NO_DATE = -1


def make_client(settings: StoreSettings) -> Any:
    """An embedded Chroma client under the data directory, or an HTTP client for `chroma_url`."""
    # Here rather than at the top: chromadb takes about a second to import.
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise BadInputError(
                f"CLAIMBOT_CHROMA_URL must be http(s)://host:port, got {settings.chroma_url!r}"
            )
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise UpstreamError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from exc
        # Failures while running become IndexUnavailableError (the API's 503 and reconnect).
        return guarded(client, "the Chroma server")
    # A file where the data directory belongs, or a damaged chroma.sqlite3: one line naming it.
    check_store(settings)
    path = Path(settings.data_dir) / CHROMA_FOLDER
    path.mkdir(parents=True, exist_ok=True)
    client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    return guarded(client, f"the embedded index ({CHROMA_FILE})")


def drop_index(settings: StoreSettings) -> None:
    """Delete the index's collections (for `ingest --rebuild`, e.g. after changing the model)."""
    client = make_client(settings)
    names = {getattr(c, "name", c) for c in client.list_collections()}
    for part in PARTS:
        name = f"{settings.collection_prefix}-{part}"
        if name in names:
            client.delete_collection(name)


def published_ordinal(day: date | None) -> int:
    """Dates as integers so Chroma can range-filter them; unknown dates never match a date filter."""
    return day.toordinal() if day else NO_DATE


def source_key(source: str | None) -> str:
    """An outlet as filters compare it: trimmed and lower-cased."""
    return (source or "").strip().lower()


def sentence_id(article_id: str, sentence_index: int) -> str:
    """The id of a sentence's record ("ARTICLE#sN")."""
    return f"{article_id}#s{sentence_index}"


def chunk_id(article_id: str, chunk_index: int) -> str:
    """The id of a chunk's record ("ARTICLE#cN")."""
    return f"{article_id}#c{chunk_index}"


def clause_id(article_id: str, sentence_index: int, clause_index: int) -> str:
    """The id of a sentence's clause vector ("ARTICLE#sN#kM")."""
    return f"{article_id}#s{sentence_index}#k{clause_index}"


def chunk_text(article: Article, first: int, last: int) -> str:
    """The indexed text of a chunk: its sentences joined, without the furniture between them."""
    text = article.text
    return " ".join(text[s.start : s.end] for s in article.sentences[first:last])


class Records(NamedTuple):
    """Chroma records of one collection, as `add` takes them."""

    ids: list[str]
    documents: list[str]
    metadatas: list[dict[str, Any]]


def part_records(article: Article) -> tuple[Records, Records, Records]:
    """The records of an article's sentences, chunks and clauses (without their vectors)."""
    aid, text = article.article_id, article.text
    # Every part carries what filters and the hash check need, so no lookup of its article is needed.
    common = {
        "article_id": aid,
        "hash": article.content_hash,
        "source_key": source_key(article.meta.source),
        "published_ord": published_ordinal(article.meta.published),
    }
    n_clauses: dict[int, int] = {}
    for k in article.clauses:
        n_clauses[k.sentence_index] = n_clauses.get(k.sentence_index, 0) + 1
    sentences = Records(
        [sentence_id(aid, s.index) for s in article.sentences],
        [text[s.start : s.end] for s in article.sentences],
        [
            {**common, "idx": s.index, "start": s.start, "end": s.end, "clauses": n_clauses.get(s.index, 0)}
            for s in article.sentences
        ],
    )
    chunks = Records(
        [chunk_id(aid, c.index) for c in article.chunks],
        [chunk_text(article, c.sentence_start, c.sentence_end) for c in article.chunks],
        [
            {
                **common,
                "idx": c.index,
                "start": c.start,
                "end": c.end,
                "s0": c.sentence_start,
                "s1": c.sentence_end,
            }
            for c in article.chunks
        ],
    )
    clauses = Records(
        [clause_id(aid, k.sentence_index, k.index) for k in article.clauses],
        [text[k.start : k.end] for k in article.clauses],
        [{**common, "idx": k.sentence_index, "start": k.start, "end": k.end} for k in article.clauses],
    )
    return sentences, chunks, clauses


def article_meta(article: Article, state: str) -> dict[str, Any]:
    """The metadata of an article's record in the articles collection."""
    m = article.meta
    return {
        "state": state,
        "title": m.title or "",
        "source": m.source or "",
        "source_key": source_key(m.source),
        "author": m.author or "",
        "published": m.published.isoformat() if m.published else "",
        "published_ord": published_ordinal(m.published),
        "url": m.url or "",
        "origin": article.origin,
        "format": article.format,
        "hash": article.content_hash,
        "n_sentences": len(article.sentences),
        "n_chunks": len(article.chunks),
        "chars": len(article.text),
    }


def record_of(article_id: str, meta: dict[str, Any]) -> ArticleRecord:
    """An article's record read back from its metadata."""
    published = meta.get("published") or None
    return ArticleRecord(
        article_id=article_id,
        title=meta.get("title") or None,
        source=meta.get("source") or None,
        author=meta.get("author") or None,
        published=date.fromisoformat(published) if published else None,
        url=meta.get("url") or None,
        origin=str(meta.get("origin", "")),
        content_hash=str(meta.get("hash", "")),
        n_sentences=int(meta.get("n_sentences", 0)),
        n_chunks=int(meta.get("n_chunks", 0)),
        chars=int(meta.get("chars", 0)),
    )


def where_clause(filters: Filters | None) -> dict[str, Any] | None:
    """A Chroma `where` clause over sentence, chunk and clause records for `filters` (None when nothing
    is filtered)."""
    if filters is None:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.source:
        clauses.append({"source_key": {"$in": [source_key(s) for s in filters.source]}})
    if filters.article_id:
        clauses.append({"article_id": {"$in": list(filters.article_id)}})
    if filters.published_from:
        clauses.append({"published_ord": {"$gte": published_ordinal(filters.published_from)}})
    if filters.published_to:
        clauses.append({"published_ord": {"$lte": published_ordinal(filters.published_to)}})
        clauses.append({"published_ord": {"$gt": NO_DATE}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def passes(record: ArticleRecord, filters: Filters) -> bool:
    """Whether an article passes `filters` (the same test as `where_clause`, in Python)."""
    sources = {source_key(s) for s in filters.source or []}
    if sources and source_key(record.source) not in sources:
        return False
    if filters.article_id and record.article_id not in set(filters.article_id):
        return False
    if filters.published_from and (not record.published or record.published < filters.published_from):
        return False
    return not (filters.published_to and (not record.published or record.published > filters.published_to))
