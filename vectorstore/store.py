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

The client, ids and record layout are in `vectorstore/chroma.py`; the BM25 indexes and topic directions
each process derives from the index in `vectorstore/mirror.py`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from vectorstore.chroma import (
    DIM_KEY,
    MODEL_KEY,
    REVISION_KEY,
    SCHEMA,
    SCHEMA_KEY,
    Records,
    article_meta,
    make_client,
    part_records,
    passes,
    record_of,
    sentence_id,
    where_clause,
)
from vectorstore.config import StoreSettings
from vectorstore.errors import ClaimbotError, IndexMismatchError, NotFoundError, UpstreamError
from vectorstore.lexical import BM25
from vectorstore.mirror import Mirror
from vectorstore.models import Article, ArticleRecord, Filters, StoredArticle

if TYPE_CHECKING:
    from numpy.typing import NDArray


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
        self._mirror = Mirror()
        self._records: dict[str, ArticleRecord] = {}
        self._revision = -1
        # One writer at a time per process; readers see whole swaps of the derived indexes.
        self._write_lock = threading.RLock()
        self.refresh()

    @classmethod
    def open(cls, settings: StoreSettings, *, model_id: str, dim: int) -> ChromaStore:
        """Open (or create) the index configured by `settings` for the given embedding model."""
        try:
            client = make_client(settings)
            return cls(client, prefix=settings.collection_prefix, model_id=model_id, dim=dim)
        except ClaimbotError:
            raise  # already says what is wrong (a mismatch, a damaged data directory, an unreachable server)
        except Exception as exc:
            if settings.chroma_url:
                raise UpstreamError(f"Chroma server at {settings.chroma_url} failed: {exc}") from exc
            raise

    @property
    def lex_sentences(self) -> BM25:
        """BM25 over the ready articles' sentences (see `vectorstore/mirror.py`)."""
        return self._mirror.lex_sentences

    @property
    def lex_chunks(self) -> BM25:
        """BM25 over the ready articles' chunks."""
        return self._mirror.lex_chunks

    # ----------------------------------------------------------------- identity and revision
    def _check_model(self) -> None:
        meta = dict(self.sentences.metadata or {})
        recorded = meta.get(MODEL_KEY)
        if recorded is None:
            if self.sentences.count() or self.articles.count():
                raise IndexMismatchError(
                    "this index records no embedding model: delete the data directory and re-index"
                )
            meta.update({MODEL_KEY: self.model_id, DIM_KEY: self.dim, SCHEMA_KEY: SCHEMA})
            self.sentences.modify(metadata=meta)
        elif recorded != self.model_id or meta.get(DIM_KEY) != self.dim:
            raise IndexMismatchError(
                f"the index was built with embedding model {recorded!r} ({meta.get(DIM_KEY)}-d) but "
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
        return int(meta.get(REVISION_KEY, 0))

    def _bump(self) -> None:
        rev = self.revision() + 1
        meta = dict(self.articles.metadata or {})
        meta[REVISION_KEY] = rev
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
        ready = {k: r.content_hash for k, r in records.items()}

        def sentences() -> Iterator[tuple[str, str, str, NDArray[np.float64]]]:
            for ids, docs, metas, vecs in self._pages(
                self.sentences, ["documents", "metadatas", "embeddings"]
            ):
                rows = np.asarray(vecs, dtype=np.float64)
                for i, (doc_id, doc, meta) in enumerate(zip(ids, docs, metas, strict=True)):
                    if ready.get(str(meta["article_id"])) == meta["hash"]:
                        yield doc_id, str(meta["article_id"]), doc, rows[i]

        def chunks() -> Iterator[tuple[str, str, str]]:
            for ids, docs, metas, _ in self._pages(self.chunks, ["documents", "metadatas"]):
                for doc_id, doc, meta in zip(ids, docs, metas, strict=True):
                    if ready.get(str(meta["article_id"])) == meta["hash"]:
                        yield doc_id, str(meta["article_id"]), doc

        mirror = Mirror.build(sentences(), chunks())
        self._records, self._mirror = records, mirror
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
        """What the given articles (or, without them or when none is held, all) are about, as a unit
        vector: see `Mirror.topic_direction`."""
        return self._mirror.topic_direction(article_ids)

    def _read_records(self, state: str = "ready") -> list[ArticleRecord]:
        got = self.articles.get(where={"state": state}, include=["metadatas"])
        return [record_of(i, m) for i, m in zip(got["ids"], got["metadatas"], strict=True)]

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
        rec = record_of(article_id, got["metadatas"][0])
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
            metadatas=[article_meta(article, "pending")],
        )
        self._mirror.sums.pop(aid, None)
        self._delete_parts(aid)
        sentences, chunks, clauses = part_records(article)
        self._add(self.sentences, sentences, sentence_vecs)
        self._add(self.chunks, chunks, chunk_vecs)
        self._add(self.clauses, clauses, clause_vecs)
        self.articles.update(ids=[aid], metadatas=[{"state": "ready"}])
        # Keep the in-process view in step without a full reload.
        self._mirror.add_article(aid, sentences.documents, chunks.documents, sentence_vecs)
        # Copy on write: readers may be iterating the old dict.
        self._records = {**self._records, aid: record_of(aid, article_meta(article, "ready"))}
        self._bump()

    def _add(self, collection: Any, records: Records, vecs: Any) -> None:
        ids, docs, metas = records
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
        self._mirror.sums.pop(article_id, None)
        self._delete_parts(article_id)
        self.articles.delete(ids=[article_id])
        self._mirror.remove_article(article_id)
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
        return where_clause(filters)

    def allowed_articles(self, filters: Filters | None) -> set[str] | None:
        """The ready article ids that pass `filters` (None when nothing is filtered)."""
        if filters is None or where_clause(filters) is None:
            return None
        return {aid for aid, rec in self.records().items() if passes(rec, filters)}

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
        ids = [sentence_id(aid, index) for aid, index in keys]
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
