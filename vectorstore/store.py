"""The Chroma store: articles, sentences, chunks and clauses, with the lexical index kept in step.

Four collections per index (`<prefix>-articles`, `-sentences`, `-chunks`, `-clauses`: the parts of
long sentences, see `vectorstore.sentences.clause_spans`). An article is written as a small
transaction that survives being killed at any point:

1. its record is upserted with `state="pending"` (so every sentence and chunk always has a record);
2. its old sentences, chunks and clauses are deleted and the new ones added, with deterministic ids;
3. the record is marked `state="ready"`.

A run killed before 3 leaves a pending record; `repair()` (run before every ingest) deletes what such
an article left behind, and the ingest then writes it again. Search only returns passages of ready
articles whose content hash matches the record, so a half-written article is never quoted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from vectorstore.config import StoreSettings
from vectorstore.errors import BadInputError, IndexMismatchError, NotFoundError, UpstreamError
from vectorstore.lexical import BM25
from vectorstore.models import Article, ArticleRecord, Filters, StoredArticle

if TYPE_CHECKING:
    from numpy.typing import NDArray

SCHEMA = 1
_MODEL_KEY = "claimbot_model"
_DIM_KEY = "claimbot_dim"
_SCHEMA_KEY = "claimbot_schema"
_REV_KEY = "claimbot_revision"
_NO_DATE = -1


def make_client(settings: StoreSettings) -> Any:
    """An embedded Chroma client under the data directory, or an HTTP client for `chroma_url`."""
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
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise UpstreamError(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}") from exc
    path = Path(settings.data_dir) / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def published_ordinal(day: date | None) -> int:
    """Dates as integers so Chroma can range-filter them; unknown dates never match a date filter."""
    return day.toordinal() if day else _NO_DATE


def _source_key(source: str | None) -> str:
    return (source or "").strip().lower()


class ChromaStore:
    """Articles, sentence and chunk vectors in Chroma, plus the BM25 indexes derived from them."""

    def __init__(self, client: Any, *, prefix: str, model_id: str, dim: int) -> None:
        self.client = client
        self.model_id = model_id
        self.dim = dim
        self.max_batch = int(client.get_max_batch_size())
        cosine = {"hnsw": {"space": "cosine"}}
        self.articles = client.get_or_create_collection(f"{prefix}-articles", embedding_function=None)
        self.sentences = client.get_or_create_collection(
            f"{prefix}-sentences", configuration=cosine, embedding_function=None
        )
        self.chunks = client.get_or_create_collection(
            f"{prefix}-chunks", configuration=cosine, embedding_function=None
        )
        self.clauses = client.get_or_create_collection(
            f"{prefix}-clauses", configuration=cosine, embedding_function=None
        )
        self._check_model()
        self.lex_sentences = BM25()
        self.lex_chunks = BM25()
        self._records: dict[str, ArticleRecord] = {}
        self._revision = -1
        # Sum of each ready article's sentence vectors: the direction of a group's sums is what those
        # articles are about, of all of them what the corpus is about (see `topic_direction`).
        self._article_sums: dict[str, NDArray[np.float64]] = {}
        # One writer at a time per process; readers see whole swaps of the derived indexes.
        self._write_lock = threading.RLock()
        self.refresh()

    @classmethod
    def open(cls, settings: StoreSettings, *, model_id: str, dim: int) -> ChromaStore:
        """Open (or create) the index configured by `settings` for the given embedding model."""
        try:
            client = make_client(settings)
            return cls(client, prefix=settings.collection_prefix, model_id=model_id, dim=dim)
        except (IndexMismatchError, BadInputError):
            raise
        except Exception as exc:
            if settings.chroma_url:
                raise UpstreamError(f"Chroma server at {settings.chroma_url} failed: {exc}") from exc
            raise

    # ----------------------------------------------------------------- identity and revision
    def _check_model(self) -> None:
        meta = dict(self.sentences.metadata or {})
        recorded = meta.get(_MODEL_KEY)
        if recorded is None:
            if self.sentences.count() or self.articles.count():
                raise IndexMismatchError(
                    "this index records no embedding model: delete the data directory and re-index"
                )
            meta.update({_MODEL_KEY: self.model_id, _DIM_KEY: self.dim, _SCHEMA_KEY: SCHEMA})
            self.sentences.modify(metadata=meta)
        elif recorded != self.model_id or meta.get(_DIM_KEY) != self.dim:
            raise IndexMismatchError(
                f"the index was built with embedding model {recorded!r} ({meta.get(_DIM_KEY)}-d) but "
                f"{self.model_id!r} ({self.dim}-d) is configured: re-index with `claimbot ingest --rebuild "
                "PATH...` or set CLAIMBOT_EMBEDDING_BACKEND/CLAIMBOT_EMBEDDING_MODEL back"
            )

    @property
    def loaded_revision(self) -> int:
        """The revision this process's derived indexes reflect."""
        return self._revision

    def vocabulary(self) -> set[str]:
        """Every (stemmed) term of the indexed sentences."""
        self.refresh()
        return self.lex_sentences.vocabulary()

    def revision(self) -> int:
        """A counter bumped by every write, so other processes know to reload."""
        meta = self.client.get_collection(self.articles.name, embedding_function=None).metadata or {}
        return int(meta.get(_REV_KEY, 0))

    def _bump(self) -> None:
        rev = self.revision() + 1
        meta = dict(self.articles.metadata or {})
        meta[_REV_KEY] = rev
        self.articles.modify(metadata=meta)
        self._revision = rev

    def refresh(self, force: bool = False) -> None:
        """Reload records and rebuild the lexical indexes if another process wrote to the index."""
        rev = self.revision()
        if rev == self._revision and not force:
            return
        with self._write_lock:
            self._reload(rev)

    def _reload(self, rev: int) -> None:
        records = {r.article_id: r for r in self._read_records()}
        lex_s, lex_c = BM25(), BM25()
        ready = {k: r.content_hash for k, r in records.items()}
        sums: dict[str, NDArray[np.float64]] = {}
        for ids, docs, metas, vecs in self._pages(self.sentences, ["documents", "metadatas", "embeddings"]):
            rows = np.asarray(vecs, dtype=np.float64)
            for i, (doc_id, doc, meta) in enumerate(zip(ids, docs, metas, strict=True)):
                aid = str(meta["article_id"])
                if ready.get(aid) == meta["hash"]:
                    lex_s.add(doc_id, aid, doc)
                    sums[aid] = sums[aid] + rows[i] if aid in sums else rows[i]
        for ids, docs, metas, _ in self._pages(self.chunks, ["documents", "metadatas"]):
            for doc_id, doc, meta in zip(ids, docs, metas, strict=True):
                if ready.get(str(meta["article_id"])) == meta["hash"]:
                    lex_c.add(doc_id, str(meta["article_id"]), doc)
        self._records, self.lex_sentences, self.lex_chunks = records, lex_s, lex_c
        self._article_sums = sums
        self._revision = rev

    def _pages(
        self, collection: Any, include: list[str]
    ) -> Iterator[tuple[list[str], list[Any], list[Any], Any]]:
        total = collection.count()
        step = min(self.max_batch, 5000)
        for offset in range(0, total, step):
            got = collection.get(include=include, limit=step, offset=offset)
            embeddings = got.get("embeddings")
            yield got["ids"], got.get("documents") or [], got.get("metadatas") or [], embeddings

    def topic_direction(self, article_ids: Iterable[str] | None = None) -> NDArray[np.float32] | None:
        """Unit vector of the mean sentence embedding: what every article of the corpus shares, or,
        given `article_ids`, what those articles share (the whole corpus when none of them is held).

        Search removes this component before comparing a question with sentences, so a sentence does
        not win merely for naming the actors every candidate names (every question about the seeds
        mentions Kim and Putin; so do their headlines). It takes the articles near the question: in a
        newsroom's index of thousands of articles on everything, the corpus mean is general news, and
        removing it would leave Kim and Putin in every score.
        """
        sums = self._article_sums
        held = [sums[a] for a in dict.fromkeys(article_ids) if a in sums] if article_ids is not None else []
        near = _unit_sum(held)
        return near if near is not None else _unit_sum(list(sums.values()))

    def _read_records(self, state: str = "ready") -> list[ArticleRecord]:
        got = self.articles.get(where={"state": state}, include=["metadatas"])
        return [_record(i, m) for i, m in zip(got["ids"], got["metadatas"], strict=True)]

    # ----------------------------------------------------------------- reading articles
    def records(self) -> dict[str, ArticleRecord]:
        """Ready articles by id (cached; reloaded when another process wrote)."""
        self.refresh()
        return self._records

    def get_article(self, article_id: str) -> StoredArticle:
        """An article with its original text; `NotFoundError` if absent."""
        got = self.articles.get(ids=[article_id], include=["metadatas", "documents"])
        if not got["ids"] or got["metadatas"][0].get("state") != "ready":
            raise NotFoundError(f"no article with id {article_id!r}")
        rec = _record(article_id, got["metadatas"][0])
        return StoredArticle(**rec.model_dump(), text=got["documents"][0])

    def texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Original texts of the given articles (those that exist)."""
        if not article_ids:
            return {}
        got = self.articles.get(ids=list(dict.fromkeys(article_ids)), include=["documents"])
        return dict(zip(got["ids"], got["documents"], strict=True))

    # ----------------------------------------------------------------- writing
    def write_article(
        self,
        article: Article,
        sentence_vecs: NDArray[np.float32],
        chunk_vecs: NDArray[np.float32],
        clause_vecs: NDArray[np.float32] | None = None,
    ) -> None:
        """Replace everything stored for `article` (see the module docstring for the protocol)."""
        if clause_vecs is None:
            clause_vecs = np.zeros((0, self.dim), dtype=np.float32)
        with self._write_lock:
            self._write_article(article, sentence_vecs, chunk_vecs, clause_vecs)

    def _write_article(
        self,
        article: Article,
        sentence_vecs: NDArray[np.float32],
        chunk_vecs: NDArray[np.float32],
        clause_vecs: NDArray[np.float32],
    ) -> None:
        if sentence_vecs.shape != (len(article.sentences), self.dim):
            raise ValueError("sentence vectors do not match the article's sentences")
        if chunk_vecs.shape != (len(article.chunks), self.dim):
            raise ValueError("chunk vectors do not match the article's chunks")
        if clause_vecs.shape != (len(article.clauses), self.dim):
            raise ValueError("clause vectors do not match the article's clauses")
        aid = article.article_id
        self.articles.upsert(
            ids=[aid],
            embeddings=[[1.0]],
            documents=[article.text],
            metadatas=[_article_meta(article, "pending")],
        )
        self._article_sums.pop(aid, None)
        self._delete_parts(aid)
        common = {
            "article_id": aid,
            "hash": article.content_hash,
            "source_key": _source_key(article.meta.source),
            "published_ord": published_ordinal(article.meta.published),
        }
        text = article.text
        s_docs = [text[s.start : s.end] for s in article.sentences]
        n_clauses: dict[int, int] = {}
        for c in article.clauses:
            n_clauses[c.sentence_index] = n_clauses.get(c.sentence_index, 0) + 1
        s_meta = [
            {**common, "idx": s.index, "start": s.start, "end": s.end, "clauses": n_clauses.get(s.index, 0)}
            for s in article.sentences
        ]
        self._add(
            self.sentences, [f"{aid}#s{s.index}" for s in article.sentences], sentence_vecs, s_docs, s_meta
        )
        c_docs = [chunk_text(article, c.sentence_start, c.sentence_end) for c in article.chunks]
        c_meta = [
            {
                **common,
                "idx": c.index,
                "start": c.start,
                "end": c.end,
                "s0": c.sentence_start,
                "s1": c.sentence_end,
            }
            for c in article.chunks
        ]
        self._add(self.chunks, [f"{aid}#c{c.index}" for c in article.chunks], chunk_vecs, c_docs, c_meta)
        self._add(
            self.clauses,
            [clause_id(aid, c.sentence_index, c.index) for c in article.clauses],
            clause_vecs,
            [text[c.start : c.end] for c in article.clauses],
            [{**common, "idx": c.sentence_index, "start": c.start, "end": c.end} for c in article.clauses],
        )
        self.articles.update(ids=[aid], metadatas=[{"state": "ready"}])
        # Keep the in-process view in step without a full reload.
        self._article_sums[aid] = sentence_vecs.astype(np.float64).sum(axis=0)
        self.lex_sentences.remove_article(aid)
        self.lex_chunks.remove_article(aid)
        for i, doc in enumerate(s_docs):
            self.lex_sentences.add(f"{aid}#s{i}", aid, doc)
        for i, doc in enumerate(c_docs):
            self.lex_chunks.add(f"{aid}#c{i}", aid, doc)
        # Copy on write: readers may be iterating the old dict.
        self._records = {**self._records, aid: _record(aid, _article_meta(article, "ready"))}
        self._bump()

    def _add(
        self, collection: Any, ids: list[str], vecs: Any, docs: list[str], metas: list[dict[str, Any]]
    ) -> None:
        for i in range(0, len(ids), self.max_batch):
            j = i + self.max_batch
            collection.add(ids=ids[i:j], embeddings=vecs[i:j], documents=docs[i:j], metadatas=metas[i:j])

    def _delete_parts(self, article_id: str) -> None:
        for collection in (self.sentences, self.chunks, self.clauses):
            collection.delete(where={"article_id": article_id})

    def delete_article(self, article_id: str) -> bool:
        """Remove an article and everything derived from it. False if it was not there."""
        with self._write_lock:
            return self._delete_article(article_id)

    def _delete_article(self, article_id: str) -> bool:
        got = self.articles.get(ids=[article_id], include=[])
        if not got["ids"]:
            return False
        self.articles.update(ids=[article_id], metadatas=[{"state": "pending"}])
        self._article_sums.pop(article_id, None)
        self._delete_parts(article_id)
        self.articles.delete(ids=[article_id])
        self.lex_sentences.remove_article(article_id)
        self.lex_chunks.remove_article(article_id)
        self._records = {k: v for k, v in self._records.items() if k != article_id}
        self._bump()
        return True

    def repair(self) -> list[str]:
        """Delete what interrupted writes left behind; returns the article ids cleaned up."""
        pending = [r.article_id for r in self._read_records(state="pending")]
        for article_id in pending:
            self.delete_article(article_id)
        return pending

    def stored_hashes(self) -> dict[str, str]:
        """Content hash of every ready article (to skip unchanged ones on ingest)."""
        return {k: r.content_hash for k, r in self.records().items()}

    def counts(self) -> dict[str, int]:
        """Number of articles, sentences, chunks and clause vectors stored."""
        return {
            "articles": len(self.records()),
            "sentences": self.sentences.count(),
            "chunks": self.chunks.count(),
            "clauses": self.clauses.count(),
        }

    # ----------------------------------------------------------------- search
    def where(self, filters: Filters | None) -> dict[str, Any] | None:
        """A Chroma `where` clause for `filters` (None when nothing is filtered)."""
        if filters is None:
            return None
        clauses: list[dict[str, Any]] = []
        if filters.source:
            clauses.append({"source_key": {"$in": [_source_key(s) for s in filters.source]}})
        if filters.article_id:
            clauses.append({"article_id": {"$in": list(filters.article_id)}})
        if filters.published_from:
            clauses.append({"published_ord": {"$gte": published_ordinal(filters.published_from)}})
        if filters.published_to:
            clauses.append({"published_ord": {"$lte": published_ordinal(filters.published_to)}})
            clauses.append({"published_ord": {"$gt": _NO_DATE}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allowed_articles(self, filters: Filters | None) -> set[str] | None:
        """The ready article ids that pass `filters` (None when nothing is filtered)."""
        if filters is None or self.where(filters) is None:
            return None
        sources = {_source_key(s) for s in filters.source or []}
        ids = set(filters.article_id or [])
        out = set()
        for aid, rec in self.records().items():
            if sources and _source_key(rec.source) not in sources:
                continue
            if ids and aid not in ids:
                continue
            if filters.published_from and (not rec.published or rec.published < filters.published_from):
                continue
            if filters.published_to and (not rec.published or rec.published > filters.published_to):
                continue
            out.add(aid)
        return out

    def query(
        self, collection: Any, vector: NDArray[np.float32], n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, dict[str, Any], str, NDArray[np.float32]]]:
        """Nearest neighbours as (id, metadata, document, vector), only from ready, current articles."""
        total = collection.count()
        if total == 0:
            return []
        got = collection.query(
            query_embeddings=[vector],
            n_results=min(n, total),
            where=where,
            include=["metadatas", "documents", "embeddings"],
        )
        records = self.records()
        out = []
        rows = zip(got["ids"][0], got["metadatas"][0], got["documents"][0], got["embeddings"][0], strict=True)
        for doc_id, meta, doc, vec in rows:
            rec = records.get(str(meta["article_id"]))
            if rec is not None and rec.content_hash == meta["hash"]:
                out.append((doc_id, meta, doc, np.asarray(vec, dtype=np.float32)))
        return out

    def sentence_vectors(self, keys: Sequence[tuple[str, int]]) -> NDArray[np.float32]:
        """Stored vectors of sentences given as (article_id, sentence_index), one row each, in order."""
        ids = [f"{aid}#s{index}" for aid, index in keys]
        got = self.fetch(self.sentences, ids)
        missing = [i for i in ids if i not in got]
        if missing:
            raise NotFoundError(f"sentences not in the index: {', '.join(missing[:3])}")
        if not ids:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([got[i][2] for i in ids]).astype(np.float32)

    def fetch(
        self, collection: Any, ids: Sequence[str]
    ) -> dict[str, tuple[dict[str, Any], str, NDArray[np.float32]]]:
        """Stored (metadata, document, vector) by id, for candidates that came from the lexical side."""
        if not ids:
            return {}
        got = collection.get(ids=list(ids), include=["metadatas", "documents", "embeddings"])
        rows = zip(got["ids"], got["metadatas"], got["documents"], got["embeddings"], strict=True)
        return {i: (m, d, np.asarray(v, dtype=np.float32)) for i, m, d, v in rows}


def clause_id(article_id: str, sentence_index: int, clause_index: int) -> str:
    """The id of a sentence's clause vector ("ARTICLE#sN#kM")."""
    return f"{article_id}#s{sentence_index}#k{clause_index}"


def chunk_text(article: Article, first: int, last: int) -> str:
    """The indexed text of a chunk: its sentences joined, without the furniture between them."""
    text = article.text
    return " ".join(text[s.start : s.end] for s in article.sentences[first:last])


def _article_meta(article: Article, state: str) -> dict[str, Any]:
    m = article.meta
    return {
        "state": state,
        "title": m.title or "",
        "source": m.source or "",
        "source_key": _source_key(m.source),
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


def _unit_sum(vectors: Sequence[NDArray[np.float64]]) -> NDArray[np.float32] | None:
    """The direction of the sum of `vectors`; None when there are none or they cancel out."""
    if not vectors:
        return None
    total = np.sum(vectors, axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm).astype(np.float32) if norm else None


def _record(article_id: str, meta: dict[str, Any]) -> ArticleRecord:
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


def drop_index(settings: StoreSettings) -> None:
    """Delete the index's collections (for `ingest --rebuild`, e.g. after changing the model)."""
    client = make_client(settings)
    names = {getattr(c, "name", c) for c in client.list_collections()}
    for part in ("articles", "sentences", "chunks", "clauses"):
        name = f"{settings.collection_prefix}-{part}"
        if name in names:
            client.delete_collection(name)
