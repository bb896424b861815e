"""`claimbot eval dev`: claimbot and the baselines on every set of the development benchmark, one
report with a 95% bootstrap interval per figure.

Each set is asked over its own corpus, indexed afresh in a temporary folder (sets sharing a corpus,
the seeds' two, share the index); the embeddings go through the embedding cache when
`CLAIMBOT_EMBEDDING_CACHE_DIR` is set, so a second run embeds nothing it has embedded before, the
baselines' texts included (they embed through the same `ArrayEmbeddings.embed_array`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from bot.eval import bootstrap
from bot.eval.devsets import DevSet
from bot.eval.report import EvalReport


class DevSetReport(BaseModel):
    """One set of the benchmark and its report."""

    name: str
    title: str
    credit: str
    corpus: list[str]
    report: EvalReport


class DevReport(BaseModel):
    """What `claimbot eval dev` writes to report.json."""

    created: str
    command: str
    seconds: float
    limit: int | None = Field(description="Cases sampled per set (None: every case).")
    resamples: int
    sets: list[DevSetReport]


Opened = Callable[[DevSet, int], None]
"""Called when a set's index is ready, with the number of (case, system) runs to make."""


def run_dev(
    sets: Sequence[DevSet],
    *,
    command: str,
    top_k: int = 5,
    baselines: bool = True,
    limit: int | None = None,
    resamples: int = bootstrap.RESAMPLES,
    on_set: Opened | None = None,
    progress: Callable[[str], None] | None = None,
) -> DevReport:
    """Every set through claimbot and the baselines; sets sharing a corpus share one fresh index."""
    from bot.eval.backends import Distractors, open_backend
    from bot.eval.runner import build_suite, cases_to_run, evaluate
    from bot.settings import Settings

    started = time.perf_counter()
    done: list[DevSetReport] = []
    groups: dict[tuple[Path, ...], list[DevSet]] = {}
    for s in sets:
        groups.setdefault(s.corpus, []).append(s)
    settings = Settings()
    for corpus, members in groups.items():
        with open_backend(settings, None, None, list(corpus), Distractors(None, 0, 0)) as (
            backend,
            embeddings,
            recorded,
            _,
        ):
            suite = build_suite(backend, embeddings, baselines=baselines)
            try:
                for s in members:
                    if on_set is not None:
                        on_set(s, cases_to_run(suite, s.questions, s.claims, limit))
                    report = evaluate(
                        suite,
                        questions=s.questions,
                        claims=s.claims,
                        top_k=top_k,
                        settings=recorded,
                        progress=progress,
                        limit=limit,
                        resamples=resamples,
                    )
                    done.append(
                        DevSetReport(
                            name=s.name,
                            title=s.title,
                            credit=s.credit,
                            corpus=[str(p) for p in corpus],
                            report=report,
                        )
                    )
            finally:
                suite.close()
    order = {s.name: i for i, s in enumerate(sets)}
    done.sort(key=lambda r: order[r.name])
    return DevReport(
        created=time.strftime("%Y-%m-%d %H:%M"),
        command=command,
        seconds=time.perf_counter() - started,
        limit=limit,
        resamples=resamples,
        sets=done,
    )
