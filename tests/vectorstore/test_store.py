"""The Chroma store and ingest, with the real model and a real embedded Chroma on tmp_path."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT, SEEDS, make_settings
from vectorstore.errors import IndexMismatchError, NotFoundError
from vectorstore.models import Filters
from vectorstore.store import ChromaStore


def _copy_seeds(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in SEEDS.iterdir():
        shutil.copy(f, dest / f.name)
    return dest


def _assert_consistent(store: ChromaStore) -> None:
    """No duplicate, no orphan: stored parts are exactly what the ready records say."""
    records = store.records()
    for collection, field in ((store.sentences, "n_sentences"), (store.chunks, "n_chunks")):
        got = collection.get(include=["metadatas"])
        per_article: dict[str, int] = {}
        for meta in got["metadatas"]:
            aid = meta["article_id"]
            assert aid in records, f"orphan {collection.name} row of {aid}"
            assert meta["hash"] == records[aid].content_hash
            per_article[aid] = per_article.get(aid, 0) + 1
        assert per_article == {aid: getattr(r, field) for aid, r in records.items()}
    # Each clause vector belongs to a stored sentence of a ready article, as many as the sentence says.
    sentences = store.sentences.get(include=["metadatas"])
    rows = zip(sentences["ids"], sentences["metadatas"], strict=True)
    expected = {sid: int(meta["clauses"]) for sid, meta in rows}
    clauses = store.clauses.get(include=["metadatas"])
    found: dict[str, int] = {}
    for meta in clauses["metadatas"]:
        assert meta["article_id"] in records and meta["hash"] == records[meta["article_id"]].content_hash
        sid = f"{meta['article_id']}#s{meta['idx']}"
        found[sid] = found.get(sid, 0) + 1
    assert found == {sid: n for sid, n in expected.items() if n}
    assert store.articles.get(where={"state": "pending"})["ids"] == []


def test_ingest_is_idempotent_and_incremental(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path / "articles")
    first = services.ingestor.ingest([folder])
    assert sorted(first.added) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert first.failed == [] and first.chunks > 0 and first.sentences > first.chunks
    counts = services.store.counts()
    assert counts["clauses"] > 0  # the seeds quote people at length: "...," kata X

    again = services.ingestor.ingest([folder])
    assert again.added == [] and again.updated == [] and len(again.unchanged) == 5
    assert services.store.counts() == counts

    target = folder / "004_9706094b4d5c32a3.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nKalimat tambahan untuk menguji pembaruan.\n")
    changed = services.ingestor.ingest([folder])
    assert changed.updated == ["004_9706094b4d5c32a3"] and len(changed.unchanged) == 4
    assert services.store.counts()["sentences"] == counts["sentences"] + 1
    _assert_consistent(services.store)


def test_delete_and_prune(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_seeds(tmp_path / "articles")
    services.ingestor.ingest([folder])
    assert services.store.delete_article("000_42152cb5f7c46a69") is True
    assert services.store.delete_article("000_42152cb5f7c46a69") is False
    with pytest.raises(NotFoundError):
        services.store.get_article("000_42152cb5f7c46a69")

    (folder / "001_c885beee8d69cd11.txt").unlink()
    report = services.ingestor.ingest([folder], prune=True)
    assert report.removed == ["001_c885beee8d69cd11"]
    assert report.added == ["000_42152cb5f7c46a69"]
    assert "001_c885beee8d69cd11" not in services.store.records()
    assert services.searcher.search("Kompas TV Kim Jong Un", top_k=20) != []
    assert all(p.article_id != "001_c885beee8d69cd11" for p in services.searcher.search("Kim", top_k=50))
    _assert_consistent(services.store)


def test_show_returns_the_original_text_byte_for_byte(seeded) -> None:  # type: ignore[no-untyped-def]
    for path in SEEDS.glob("*.txt"):
        art = seeded.store.get_article(path.stem)
        assert art.text == path.read_text(encoding="utf-8")


def test_store_reopens_with_the_same_content(seeded) -> None:  # type: ignore[no-untyped-def]
    settings = seeded.settings
    other = ChromaStore.open(settings.store, model_id=seeded.embeddings.model_id, dim=seeded.embeddings.dim)
    assert other.counts() == seeded.store.counts()
    assert len(other.lex_sentences) == seeded.store.counts()["sentences"]


def test_querying_with_another_model_is_a_clear_error(seeded) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IndexMismatchError, match="re-index"):
        ChromaStore.open(seeded.settings.store, model_id="sentence-transformers/other", dim=384)


def test_filters_by_source_date_and_article(seeded) -> None:  # type: ignore[no-untyped-def]
    search = seeded.searcher.search
    only = search("Kim Jong Un", top_k=10, filters=Filters(source=["kompas tv"]))
    assert only and {p.article_id for p in only} == {"001_c885beee8d69cd11"}
    by_id = search("Kim Jong Un", top_k=10, filters=Filters(article_id=["003_d0311550289dc6a3"]))
    assert by_id and {p.article_id for p in by_id} == {"003_d0311550289dc6a3"}
    late = search("Kim Jong Un", top_k=10, filters=Filters(published_from="2023-09-10"))
    assert late and all(p.published is not None and str(p.published) >= "2023-09-10" for p in late)
    assert search("Kim", filters=Filters(source=["no such outlet"])) == []


def test_results_spread_across_articles(seeded) -> None:  # type: ignore[no-untyped-def]
    top = seeded.searcher.search("Kim Jong Un akan bertemu Putin di Rusia", top_k=5)
    per_article: dict[str, int] = {}
    for p in top:
        per_article[p.article_id] = per_article.get(p.article_id, 0) + 1
    assert len(top) == 5 and max(per_article.values()) <= seeded.settings.retrieval.per_article


KILLER = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {root!r})
    from tests.conftest import make_settings
    from bot.services import build_services
    from vectorstore.store import ChromaStore

    calls = 0
    original = ChromaStore._add

    def dying_add(self, *args, **kwargs):
        global calls
        calls += 1
        original(self, *args, **kwargs)
        if calls == 5:  # the second article's sentences and chunks are written, its clauses are not
            os._exit(9)

    ChromaStore._add = dying_add
    services = build_services(make_settings({data!r}))
    services.ingestor.ingest([{seeds!r}])
    """
)


@pytest.mark.slow
def test_an_ingest_killed_half_way_is_completed_by_the_next_run(tmp_path: Path, e5) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    script = KILLER.format(root=str(ROOT), data=str(data), seeds=str(SEEDS))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 9, proc.stderr

    settings = make_settings(data)
    store = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    assert len(store.records()) == 1  # the first article finished, the second was cut off
    assert store.articles.get(where={"state": "pending"})["ids"] != []

    from bot.services import Services

    services = Services(settings=settings, embeddings=e5, store=store)
    report = services.ingestor.ingest([SEEDS])
    assert len(report.unchanged) == 1 and len(report.added) == 4 and report.failed == []
    _assert_consistent(store)
    fresh = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    _assert_consistent(fresh)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def test_topic_direction_of_a_group_of_articles(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The direction of a group of articles is their sentences' mean; it follows writes and deletes,
    and a process that opens the index afterwards computes the same."""
    folder = _copy_seeds(tmp_path / "articles")
    services.ingestor.ingest([folder])
    store = services.store
    got = store.sentences.get(where={"article_id": "003_d0311550289dc6a3"}, include=["embeddings"])
    own = _unit(np.asarray(got["embeddings"], dtype=np.float64).sum(axis=0))
    corpus = store.topic_direction()
    assert corpus is not None
    assert np.allclose(store.topic_direction(["003_d0311550289dc6a3"]), own, atol=1e-5)
    assert not np.allclose(own, corpus, atol=1e-3)
    two = store.topic_direction(["003_d0311550289dc6a3", "004_9706094b4d5c32a3", "no-such-article"])
    reopened = ChromaStore.open(services.settings.store, model_id=store.model_id, dim=store.dim)
    assert np.allclose(
        reopened.topic_direction(["003_d0311550289dc6a3", "004_9706094b4d5c32a3"]), two, atol=1e-5
    )
    assert np.allclose(store.topic_direction(["no-such-article"]), corpus)  # nothing held: the corpus

    store.delete_article("003_d0311550289dc6a3")
    assert np.allclose(store.topic_direction(["003_d0311550289dc6a3"]), store.topic_direction())
    assert np.allclose(
        store.topic_direction(["003_d0311550289dc6a3", "004_9706094b4d5c32a3"]),
        store.topic_direction(["004_9706094b4d5c32a3"]),
    )
