"""The benchmark's parts on tiny inputs: they measure what they say (never how fast it must be)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from bot import bench
from bot.bench_http import bench_http
from tests.conftest import SEEDS

ONE = "003_d0311550289dc6a3"


@pytest.fixture
def one_article(tmp_path: Path) -> Path:
    folder = tmp_path / "one"
    folder.mkdir()
    for path in SEEDS.glob(f"{ONE}*"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.slow
def test_cold_ingest_is_a_fresh_process_with_its_own_peak_rss(
    one_article: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAIMBOT_EMBEDDING_CACHE_DIR")  # cold: the child encodes every text
    figures = bench.cold_ingest(one_article, tmp_path / "data")
    assert figures["articles"] == 1 and figures["failed"] == 0
    assert figures["sentences"] > 10 and figures["chunks"] > 1
    assert figures["cold_ingest_s"] > 0 and figures["cold_ingest_rss_mb"] > 50  # the model is in it
    assert (tmp_path / "data" / "chroma").is_dir()


def test_the_large_index_is_built_once_and_reused(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    source.write_text("")
    kept = {
        "source": str(source.resolve()),
        "pipeline": bench.PIPELINE_VERSION,
        "cold_ingest_s": 1234.5,
        "built": "2023-09-13 08:00",
    }
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "build.json").write_text(json.dumps(kept))
    # Reused as recorded: an ingest of the (empty) source would fail or report other figures.
    assert bench.large_index(source, tmp_path / "index") == kept


def test_throughput_compares_the_same_texts(e5, one_article: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(e5, "cache", None)  # the encoder's own speed, not the session cache's
    articles = bench.load_articles(one_article)
    figures = bench.ingest_throughput(e5, articles)
    assert figures["sample_articles"] == 1
    assert figures["texts"] > 10 and figures["naive_chunks"] >= 4  # 4,603 characters in 1000/200 pieces
    assert figures["raw_texts_per_s"] > 0 and figures["ingest_texts_per_s"] > 0
    assert figures["throughput_ratio"] == pytest.approx(
        figures["ingest_texts_per_s"] / figures["raw_texts_per_s"]
    )


def test_query_latency_covers_ask_search_and_check(seeded) -> None:  # type: ignore[no-untyped-def]
    figures = bench.query_latency(seeded, ["who denied arms transfers?"], ["Kim flew to Russia."], rounds=2)
    assert set(figures) == {f"{r}_{p}_ms" for r in ("ask", "search", "check") for p in ("p50", "p95")}
    assert all(0 < figures[f"{r}_p50_ms"] <= figures[f"{r}_p95_ms"] for r in ("ask", "search", "check"))


def test_one_table_with_a_column_per_corpus() -> None:
    seeds = {
        "articles": 5,
        "sentences": 114,
        "chunks": 30,
        "clauses": 12,
        "ask_p50_ms": 41.2,
        "ask_p95_ms": 80.9,
    }
    seeds |= {
        "http_ask_errors": 0,
        "http_search_errors": 0,
        "http_check_errors": 2,
        "throughput_ratio": 0.4567,
    }
    big = {"articles": 3463, "sentences": 70000, "chunks": 20000, "ask_p50_ms": math.nan}  # no clause count
    lines = bench.table({"seeds": seeds, "IndoSum": big}).splitlines()
    assert lines[0] == "| figure | seeds | IndoSum |"
    assert len(lines) == 2 + len(bench.ROWS)
    row = {line.split(" | ")[0].lstrip("| "): line for line in lines[2:]}
    assert row["articles / sentences / chunks / clauses in the index"].endswith(
        "| 5 / 114 / 30 / 12 | 3,463 / 70,000 / 20,000 / n/a |"
    )
    assert row["ask, in-process, p50 / p95 (ms)"].endswith("| 41 / 81 | n/a / n/a |")
    assert row["throughput sample (articles / texts: sentences + chunks + clauses)"].endswith(
        "| n/a / n/a | n/a / n/a |"
    )
    assert row["ingest throughput / bare encoder"].endswith("| 0.46 | n/a |")
    assert row["errors, one client (ask / search / check)"].endswith("| 0 / 0 / 2 | n/a / n/a / n/a |")


@pytest.mark.slow
def test_http_part_measures_every_route_of_a_real_server(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data_dir / "chroma")
    figures = bench_http(
        data_dir,
        clients=2,
        seconds=1,
        rounds=1,
        questions=["who denied arms transfers?", "kapan Kim bertemu Putin?"],
        claims=["Kim Jong Un flew to Russia on his private plane."],
    )
    assert (figures["http_asks"], figures["http_searches"], figures["http_checks"]) == (2, 2, 1)
    assert figures["http_ask_errors"] == figures["http_search_errors"] == figures["http_check_errors"] == 0
    assert figures["concurrent_requests"] > 0 and figures["concurrent_errors"] == 0
    assert figures["http_server_rss_mb"] > 50


@pytest.mark.slow
def test_a_large_index_of_another_pipeline_version_is_brought_up_to_date(
    one_article: Path, tmp_path: Path
) -> None:
    source = one_article / f"{ONE}.txt"
    old = {"source": str(source.resolve()), "pipeline": "0", "cold_ingest_s": 1234.5}
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "build.json").write_text(json.dumps(old))
    figures = bench.large_index(source, tmp_path / "index")
    assert figures["pipeline"] == bench.PIPELINE_VERSION and figures["cold_ingest_s"] != 1234.5
    assert figures["articles"] == 1
    assert json.loads((tmp_path / "index" / "build.json").read_text())["pipeline"] == bench.PIPELINE_VERSION
