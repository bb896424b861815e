"""Benchmarks: `make bench` (or `python -m bot.bench [--indosum PATH]`). Figures only, never pass/fail.

One table, a column per corpus (the five seeds; the 3,463 IndoSum articles when `--indosum` is given):

- ingest: a cold `claimbot ingest` in a fresh process (model load included) and its peak RSS;
  throughput of the whole ingest as a ratio to the bare encoder on the same texts; the naive langchain
  recipe (RecursiveCharacterTextSplitter 1000/200 + the same model + Chroma) on the same articles;
- `ask`, `search` and `check` latency p50/p95, warm, in-process and over HTTP (a real `claimbot
  serve`), one client; 20 concurrent clients asking for 30 s: requests/s, p50/p95, errors;
- peak RSS of the server and of this process; the machine (cores, CPU model, model id) beside it.

The large index is built once under `data/bench-indosum` (its cold ingest figures are kept in
`build.json` there) and reused; the throughput and naive-recipe figures of IndoSum use a sample of
its articles (`--sample`): embedding the whole text again would take the encoder a long while.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.bench_http import bench_http, percentile
from bot.models import AskRequest, CheckRequest
from bot.services import Services, build_services
from bot.settings import Settings
from vectorstore.embeddings import ArrayEmbeddings
from vectorstore.errors import BadInputError
from vectorstore.ingest import PIPELINE_VERSION, embedded_texts, prepare
from vectorstore.loading import iter_sources
from vectorstore.models import LoadedArticle
from vectorstore.store import ChromaStore

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
CLAIMS = ROOT / "tests" / "data" / "claims.jsonl"
LARGE_INDEX = ROOT / "data" / "bench-indosum"
Figures = dict[str, Any]


def _step(what: str) -> None:
    """Where the benchmark is, on stderr (the table goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def _env(data_dir: Path) -> dict[str, str]:
    # The caller's settings apply (model, splitting), but the index is the one given, embedded.
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMBOT_DATA_DIR", "CLAIMBOT_CHROMA_URL")}
    return env | {
        "CLAIMBOT_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }


def cold_ingest(path: Path, data_dir: Path) -> Figures:
    """A fresh `claimbot ingest` process writes `path` into `data_dir`: what a user waits for first.

    The child's own peak RSS comes from `wait4`, so earlier children do not mix into it."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "ingest", str(path), "--json"],
            cwd=ROOT,
            env=_env(data_dir),
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        report = json.loads(out.read().decode("utf-8") or "{}")
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"claimbot ingest exited with code {proc.returncode}")
    return {
        "cold_ingest_s": seconds,
        "cold_ingest_rss_mb": usage.ru_maxrss / 1024.0,
        "articles": len(report.get("added", [])) + len(report.get("updated", [])),
        "sentences": report.get("sentences", 0),
        "chunks": report.get("chunks", 0),
        "failed": len(report.get("failed", [])),
    }


def large_index(path: Path, data_dir: Path = LARGE_INDEX) -> Figures:
    """Build the large index once (cold, in a child process) and reuse it: the build's figures are
    kept in `build.json` beside it, so later runs report what the build cost. An index built by another
    pipeline version is brought up to date first (the ingest re-indexes every article), and that is
    what the figures then say."""
    record = data_dir / "build.json"
    if record.exists():
        kept: Figures = json.loads(record.read_text(encoding="utf-8"))
        if kept.get("source") == str(path.resolve()) and kept.get("pipeline") == PIPELINE_VERSION:
            return kept
    # An interrupted build is completed by the next ingest (it is idempotent); its time then covers
    # only the articles written in this run, which the table says.
    resumed = (data_dir / "chroma").exists()
    built = cold_ingest(path, data_dir)
    figures = built | {
        "articles_written": built["articles"],
        "resumed": resumed,
        "source": str(path.resolve()),
        "pipeline": PIPELINE_VERSION,
        "built": time.strftime("%Y-%m-%d %H:%M"),
        # The CPU may have been shared during the build: this says how busy it was at the end.
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    record.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return figures


def load_articles(path: Path, limit: int | None = None) -> list[LoadedArticle]:
    """The articles under `path` as the loader reads them (the first `limit` of them)."""
    loaded = [a for a in iter_sources([path], max_bytes=50_000_000) if isinstance(a, LoadedArticle)]
    return loaded[:limit]


def _as_jsonl(articles: Sequence[LoadedArticle], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "articles.jsonl"
    with target.open("w", encoding="utf-8") as fh:
        for a in articles:
            meta = a.overrides.model_dump(mode="json", exclude_none=True)
            if "published" in meta:
                meta["date"] = meta.pop("published")
            fh.write(json.dumps({"id": a.article_id, "text": a.text, **meta}, ensure_ascii=False) + "\n")
    return target


def ingest_throughput(embeddings: ArrayEmbeddings, articles: Sequence[LoadedArticle]) -> Figures:
    """Texts/s of the whole warm ingest (clean, split, embed, write Chroma and BM25) against the bare
    encoder on the same texts; and the naive langchain recipe over the same original texts."""
    from bot.eval.baselines import NaiveLangchain

    settings = Settings()
    prepared = [prepare(a, settings.ingest) for a in articles]
    texts = [t for a in prepared for t in embedded_texts(a)]  # exactly what the ingest embeds
    started = time.perf_counter()
    embeddings.embed_array(texts)
    raw = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Settings(store={"data_dir": Path(tmp) / "data"})
        store = ChromaStore.open(fresh.store, model_id=embeddings.model_id, dim=embeddings.dim)
        other = Services(settings=fresh, embeddings=embeddings, store=store)
        source = _as_jsonl(articles, Path(tmp) / "in")
        started = time.perf_counter()
        other.ingestor.ingest([source])
        full = time.perf_counter() - started
    started = time.perf_counter()
    naive = NaiveLangchain.build({a.article_id: a.text for a in articles}, embeddings)
    naive_s = time.perf_counter() - started
    chunks = naive.size
    naive.close()
    return {
        "sample_articles": len(articles),
        "texts": len(texts),
        "raw_texts_per_s": len(texts) / raw,
        "ingest_s": full,
        "ingest_texts_per_s": len(texts) / full,
        "throughput_ratio": raw / full,
        "naive_ingest_s": naive_s,
        "naive_chunks": chunks,
    }


def _timed(fn: Callable[[str], object], inputs: Sequence[str], rounds: int) -> list[float]:
    fn(inputs[0])  # warm-up: the first call loads lazily built parts
    times = []
    for _ in range(rounds):
        for text in inputs:
            started = time.perf_counter()
            fn(text)
            times.append((time.perf_counter() - started) * 1000)
    return times


def query_latency(services: Services, questions: list[str], claims: list[str], rounds: int = 3) -> Figures:
    """Warm, in-process latency of ask, search and check."""
    figures: Figures = {}
    runs: dict[str, tuple[Callable[[str], object], list[str]]] = {
        "ask": (lambda q: services.ask(AskRequest(question=q)), questions),
        "search": (lambda q: services.search(q), questions),
        "check": (lambda c: services.check(CheckRequest(claim=c)), claims),
    }
    for name, (fn, inputs) in runs.items():
        times = _timed(fn, inputs, rounds)
        figures[f"{name}_p50_ms"] = percentile(times, 50)
        figures[f"{name}_p95_ms"] = percentile(times, 95)
    return figures


def _lines(path: Path, key: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)[key] for line in lines if line.strip()]


def bench_corpus(
    services: Services, articles: list[LoadedArticle], data_dir: Path, args: argparse.Namespace
) -> Figures:
    """The in-process and HTTP figures of one index (`services` opened on `data_dir`)."""
    questions = _lines(QUESTIONS, "question")
    claims = _lines(CLAIMS, "claim")
    titles = [r.title for r in list(services.store.records().values())[:40] if r.title]
    figures: Figures = {"model": services.embeddings.model_id, **services.store.counts()}
    _step(f"throughput and the naive recipe on {len(articles)} article(s)")
    figures |= ingest_throughput(services.embeddings, articles)
    _step("ask, search and check in-process")
    figures |= query_latency(services, questions + titles, claims + titles, rounds=args.rounds)
    _step(f"over HTTP: one client, then {args.clients} clients for {args.seconds:.0f} s")
    figures |= bench_http(
        data_dir,
        clients=args.clients,
        seconds=args.seconds,
        rounds=args.rounds,
        questions=questions + titles,
        claims=claims + titles,
        startup_timeout=900.0,  # a large index rebuilds its BM25 from Chroma when the server starts
    )
    return figures


def bench_seeds(args: argparse.Namespace) -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        _step("seeds: cold ingest")
        figures = cold_ingest(ROOT / "seeds", data_dir)
        services = build_services(Settings(store={"data_dir": data_dir}))
        return figures | bench_corpus(services, load_articles(ROOT / "seeds"), data_dir, args)


def bench_large(path: Path, args: argparse.Namespace) -> Figures:
    _step(f"{path.name}: the large index (built once under {LARGE_INDEX}; this takes a while the first time)")
    figures = large_index(path)
    services = build_services(Settings(store={"data_dir": LARGE_INDEX}))
    sample = load_articles(path, args.sample)
    return figures | bench_corpus(services, sample, LARGE_INDEX, args)


ROWS: list[tuple[str, str, str]] = [
    ("articles / sentences / chunks / clauses in the index", "counts", ""),
    ("cold ingest: fresh process, model load included (s)", "cold_ingest_s", ".1f"),
    ("cold ingest: peak RSS of that process (MB)", "cold_ingest_rss_mb", ".0f"),
    ("throughput sample (articles / texts: sentences + chunks + clauses)", "sample", ""),
    ("bare encoder on those texts (texts/s)", "raw_texts_per_s", ".0f"),
    ("whole warm ingest of those articles (texts/s)", "ingest_texts_per_s", ".0f"),
    ("ingest throughput / bare encoder", "throughput_ratio", ".2f"),
    ("claimbot ingest of the sample (s)", "ingest_s", ".1f"),
    ("naive langchain ingest (1000/200 chunks + Chroma) of the same articles (s)", "naive_ingest_s", ".1f"),
    ("naive langchain chunks", "naive_chunks", ""),
    ("ask, in-process, p50 / p95 (ms)", "ask", ""),
    ("search, in-process, p50 / p95 (ms)", "search", ""),
    ("check, in-process, p50 / p95 (ms)", "check", ""),
    ("server start until /readyz (s)", "http_startup_s", ".1f"),
    ("POST /v1/ask, one client, p50 / p95 (ms)", "http_ask", ""),
    ("POST /v1/search, one client, p50 / p95 (ms)", "http_search", ""),
    ("POST /v1/check, one client, p50 / p95 (ms)", "http_check", ""),
    ("errors, one client (ask / search / check)", "http_errors", ""),
    ("concurrent /v1/ask: clients x seconds", "concurrent", ""),
    ("concurrent /v1/ask: requests/s", "concurrent_rps", ".1f"),
    ("concurrent /v1/ask: p50 / p95 (ms)", "concurrent_ms", ""),
    ("concurrent /v1/ask: errors", "concurrent_errors", ""),
    ("server peak RSS (MB)", "http_server_rss_mb", ".0f"),
]


def _cell(f: Figures, key: str, spec: str) -> str:
    """One table cell; composite cells join several figures."""

    def num(k: str, s: str = ".0f") -> str:
        v = f.get(k)
        return "n/a" if v is None or v != v else format(v, s)

    def count(k: str) -> str:
        v = f.get(k)
        return f"{v:,}" if isinstance(v, int) else "n/a"

    pairs = {"ask", "search", "check", "http_ask", "http_search", "http_check"}
    if key in pairs:
        return f"{num(key + '_p50_ms')} / {num(key + '_p95_ms')}"
    if key == "counts":
        return " / ".join(count(k) for k in ("articles", "sentences", "chunks", "clauses"))
    if key == "sample":
        return f"{count('sample_articles')} / {count('texts')}"
    if key == "http_errors":
        return " / ".join(str(f.get(f"http_{r}_errors", "n/a")) for r in ("ask", "search", "check"))
    if key == "concurrent":
        return f"{f.get('concurrent_clients', 'n/a')} x {num('concurrent_seconds')}"
    if key == "concurrent_ms":
        return f"{num('concurrent_p50_ms')} / {num('concurrent_p95_ms')}"
    return num(key, spec) if spec else str(f.get(key, "n/a"))


def table(columns: dict[str, Figures]) -> str:
    """The one Markdown table: a row per figure, a column per corpus."""
    lines = ["| figure | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for label, key, spec in ROWS:
        lines.append(f"| {label} | " + " | ".join(_cell(f, key, spec) for f in columns.values()) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--indosum", type=Path, help="IndoSum JSONL (../shared/data/indosum-dev-articles.jsonl)"
    )
    parser.add_argument("--sample", type=int, default=300, help="IndoSum articles for throughput (300)")
    parser.add_argument("--clients", type=int, default=20, help="Concurrent HTTP clients (20)")
    parser.add_argument("--seconds", type=float, default=30.0, help="Seconds of concurrent load (30)")
    parser.add_argument("--rounds", type=int, default=3, help="Passes over the questions per latency (3)")
    parser.add_argument("--skip-seeds", action="store_true", help="Only the IndoSum column")
    args = parser.parse_args(argv)
    from bot.eval.extra import require_eval_extra
    from bot.eval.runner import machine_info

    try:
        require_eval_extra("make bench")
    except BadInputError as exc:
        parser.exit(2, f"error: {exc}\n")

    columns: dict[str, Figures] = {}
    started = time.perf_counter()
    load_at_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    if not args.skip_seeds:
        columns["seeds (5 articles)"] = bench_seeds(args)
    if args.indosum:
        columns[f"IndoSum ({args.indosum.name})"] = bench_large(args.indosum.resolve(), args)
    info = machine_info(next((f["model"] for f in columns.values()), "n/a"))
    info["load average"] = f"{load_at_start} at the start, {info['load average']} at the end"
    info["bench wall time"] = f"{time.perf_counter() - started:.0f} s"
    info["peak RSS of the bench process"] = f"{_rss_mb():.0f} MB"
    if args.indosum and "built" in columns[f"IndoSum ({args.indosum.name})"]:
        big = columns[f"IndoSum ({args.indosum.name})"]
        info["IndoSum index built"] = f"{big['built']} (load average then {big.get('load_average_after')})"
        if big.get("resumed"):
            info["IndoSum index built"] += (
                f"; resumed after an interruption, so its cold-ingest time and RSS cover the last "
                f"{big.get('articles_written')} articles only"
            )
    print("\n".join(f"- {k}: {v}" for k, v in info.items()))
    print()
    print(table(columns))
    out = ROOT / "reports"
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps({"machine": info, "figures": columns}, indent=1, default=str))


if __name__ == "__main__":
    main()
