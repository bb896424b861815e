"""Ingest: load -> clean -> split -> embed -> store, idempotent and incremental.

Unchanged articles (same content hash) are skipped, changed ones replace their old sentences and
chunks, and `prune` removes stored articles that the given paths no longer contain. Texts of several
articles are embedded together so the encoder sees full batches, then each article is written as its
own small transaction (see `vectorstore.store`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vectorstore.chroma import chunk_text
from vectorstore.chunking import build_chunks
from vectorstore.cleaning import content_regions
from vectorstore.config import IngestSettings
from vectorstore.embeddings import ArrayEmbeddings
from vectorstore.loading import iter_sources
from vectorstore.metadata import extract_metadata
from vectorstore.models import Article, Clause, IngestReport, LoadedArticle, LoadFailure, Sentence
from vectorstore.sentences import clause_spans, embedding_spans, split_sentences
from vectorstore.store import ChromaStore

# Bump when cleaning, splitting or chunking change what is indexed: every article is then re-indexed.
# 2: a sentence that leans back is embedded with the sentence before it (`embedding_spans`).
# 3: the parts of long sentences get vectors of their own (`clause_spans`).
PIPELINE_VERSION = "3"

# Texts gathered across articles before one call to the encoder.
_EMBED_GROUP = 256


@dataclass
class IngestProgress:
    """Callbacks an entry point can use to draw progress (all optional)."""

    on_plan: Callable[[int, int], None] | None = None
    """Called once with (articles to write, texts to embed)."""
    on_embedded: Callable[[int], None] | None = None
    """Called with the number of texts just embedded."""
    on_article: Callable[[str], None] | None = None
    """Called with the id of each article written."""


def prepare(loaded: LoadedArticle, settings: IngestSettings) -> Article:
    """Clean, split and chunk one loaded article, resolving metadata (explicit overrides win)."""
    text = loaded.text
    meta = loaded.overrides.merged_over(extract_metadata(text))
    spans = split_sentences(text, content_regions(text))
    sentences = [Sentence(index=i, start=s.start, end=s.end) for i, s in enumerate(spans)]
    chunks = build_chunks(spans, max_chars=settings.chunk_max_chars, overlap=settings.chunk_overlap)
    clauses = [
        Clause(sentence_index=s.index, index=k, start=c.start, end=c.end)
        for s in sentences
        for k, c in enumerate(clause_spans(text, s))
    ]
    digest = hashlib.sha256()
    for part in (
        PIPELINE_VERSION,
        f"{settings.chunk_max_chars}/{settings.chunk_overlap}",
        meta.model_dump_json(),
        loaded.origin.rsplit(":", 1)[0] if loaded.format == "jsonl" else loaded.origin,
        text,
    ):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return Article(
        article_id=loaded.article_id,
        text=text,
        origin=loaded.origin,
        format=loaded.format,
        meta=meta,
        content_hash=digest.hexdigest(),
        sentences=sentences,
        chunks=chunks,
        clauses=clauses,
    )


class Ingestor:
    """Writes articles from files into a store with an embedding model."""

    def __init__(self, store: ChromaStore, embeddings: ArrayEmbeddings, settings: IngestSettings) -> None:
        self.store = store
        self.embeddings = embeddings
        self.settings = settings

    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        prune: bool = False,
        progress: IngestProgress | None = None,
    ) -> IngestReport:
        """Ingest files and folders; per-file problems land in `report.failed`, the rest goes in."""
        started = time.perf_counter()
        progress = progress or IngestProgress()
        report = IngestReport()
        self.store.repair()
        stored = self.store.stored_hashes()
        seen: set[str] = set()
        todo: list[Article] = []
        for item in iter_sources(paths, max_bytes=self.settings.max_file_bytes):
            if isinstance(item, LoadFailure):
                report.failed.append(item)
                continue
            seen.add(item.article_id)
            try:
                article = prepare(item, self.settings)
            except ValueError as exc:
                report.failed.append(LoadFailure(origin=item.origin, reason=f"cannot split the text: {exc}"))
                continue
            if not article.sentences:
                report.failed.append(
                    LoadFailure(
                        origin=item.origin, reason="no indexable text left after removing page furniture"
                    )
                )
                continue
            if stored.get(article.article_id) == article.content_hash:
                report.unchanged.append(article.article_id)
            else:
                todo.append(article)
        total_texts = sum(_text_count(a) for a in todo)
        if progress.on_plan:
            progress.on_plan(len(todo), total_texts)
        for group in _groups(todo):
            self._write_group(group, stored, report, progress)
        if prune:
            for article_id in sorted(set(stored) - seen):
                if self.store.delete_article(article_id):
                    report.removed.append(article_id)
        report.seconds = time.perf_counter() - started
        return report

    def _write_group(
        self, group: list[Article], stored: dict[str, str], report: IngestReport, progress: IngestProgress
    ) -> None:
        texts = [t for a in group for t in embedded_texts(a)]
        vecs = self.embeddings.embed_array(texts, progress=progress.on_embedded)
        offset = 0
        for a in group:
            ns, nc, nk = len(a.sentences), len(a.chunks), len(a.clauses)
            s_vecs = vecs[offset : offset + ns]
            c_vecs = vecs[offset + ns : offset + ns + nc]
            k_vecs = vecs[offset + ns + nc : offset + ns + nc + nk]
            offset += ns + nc + nk
            self.store.write_article(a, s_vecs, c_vecs, k_vecs)
            (report.updated if a.article_id in stored else report.added).append(a.article_id)
            report.sentences += ns
            report.chunks += nc
            if progress.on_article:
                progress.on_article(a.article_id)


def _groups(articles: list[Article]) -> list[list[Article]]:
    groups: list[list[Article]] = []
    current: list[Article] = []
    size = 0
    for a in articles:
        current.append(a)
        size += _text_count(a)
        if size >= _EMBED_GROUP:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def embedded_texts(article: Article) -> list[str]:
    """What ingest embeds for an article, in order: a text per sentence (`embedding_spans`), per chunk
    and per clause."""
    text = article.text
    out = [text[s.start : s.end] for s in embedding_spans(text, article.sentences)]
    out += [chunk_text(article, c.sentence_start, c.sentence_end) for c in article.chunks]
    out += [text[c.start : c.end] for c in article.clauses]
    return out


def _text_count(article: Article) -> int:
    """Texts embedded for an article: its sentences, chunks and clauses."""
    return len(article.sentences) + len(article.chunks) + len(article.clauses)


def describe(report: IngestReport) -> str:
    """A one-line JSON summary (for logs)."""
    return json.dumps(
        {
            "added": len(report.added),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
            "removed": len(report.removed),
            "failed": len(report.failed),
            "chunks": report.chunks,
        }
    )
