"""Run data sets through claimbot and the baselines, side by side, and build the report.

Each case goes through every system in turn (so a busy moment of the machine falls on all of them),
and every gold quote is located before anything runs: a data set that does not match the index is a
clear error at once, not a wrong figure at the end.
"""

from __future__ import annotations

import os
import platform
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bot.eval import bootstrap
from bot.eval.backends import Backend
from bot.eval.baselines import DenseSentences, Lexical, NaiveLangchain
from bot.eval.cases import Case, ClaimCase, QuestionCase, gold_spans, load_claims, load_questions
from bot.eval.intervals import attach_claim_intervals, attach_question_intervals
from bot.eval.metrics import Span
from bot.eval.report import (
    CaseRun,
    ClaimsSection,
    EvalReport,
    QuestionsSection,
    SystemClaims,
    SystemQuestions,
)
from bot.eval.scoring import claim_figures, majority_reference, per_language, question_figures, score_case
from bot.eval.systems import ClaimbotAsk, ClaimbotCheck, ClaimbotSearch, System
from bot.models import MAX_EVIDENCE
from vectorstore.embeddings import ArrayEmbeddings

Progress = Callable[[str], None]
"""Called after each (case, system) run with the system's key."""


@dataclass
class Suite:
    """The systems of one evaluation, built once over the texts the backend serves."""

    backend: Backend
    texts: dict[str, str]
    baseline_model: str
    baselines: list[System] = field(default_factory=list)

    def question_systems(self) -> list[System]:
        return [*self.baselines, ClaimbotSearch(self.backend), ClaimbotAsk(self.backend)]

    def claim_systems(self) -> list[System]:
        return [*self.baselines, ClaimbotSearch(self.backend), ClaimbotCheck(self.backend)]

    def close(self) -> None:
        for b in self.baselines:
            if isinstance(b, NaiveLangchain):
                b.close()


def build_suite(backend: Backend, embeddings: ArrayEmbeddings, *, baselines: bool = True) -> Suite:
    """Fetch the articles' original texts from the backend and build the baselines over them."""
    texts = backend.texts()
    suite = Suite(backend=backend, texts=texts, baseline_model=embeddings.model_id)
    if baselines:
        suite.baselines = [
            NaiveLangchain.build(texts, embeddings),
            Lexical(texts),
            DenseSentences(texts, embeddings),
        ]
    return suite


def _run(
    systems: Sequence[System],
    items: Sequence[tuple[str, str, str, str, list[Span]]],
    texts: dict[str, str],
    top_k: int,
    progress: Progress | None,
) -> list[CaseRun]:
    runs = []
    for case_id, text, lang, kind, gold in items:
        for system in systems:
            started = time.perf_counter()
            output = system.run(text, top_k)
            ms = (time.perf_counter() - started) * 1000
            runs.append(
                score_case(
                    case_id=case_id,
                    system=system.key,
                    lang=lang,
                    kind=kind,
                    gold=gold,
                    output=output,
                    texts=texts,
                    ms=ms,
                )
            )
            if progress:
                progress(system.key)
    return runs


def hit_ks(top_k: int) -> list[int]:
    """The k of hit@k to report: 1, 3, 5, 10 up to top_k, and top_k itself."""
    return sorted({k for k in (1, 3, 5, 10) if k <= top_k} | {top_k})


def run_questions(
    suite: Suite,
    cases: Sequence[QuestionCase],
    *,
    top_k: int = 5,
    dataset: str = "",
    progress: Progress | None = None,
    resamples: int = bootstrap.RESAMPLES,
) -> QuestionsSection:
    """Every question through every question system; figures overall and per language."""
    items = [(c.id, c.question, c.lang, c.kind, gold_spans(c.id, c.gold, suite.texts)) for c in cases]
    systems = suite.question_systems()
    runs = _run(systems, items, suite.texts, top_k, progress)
    ks = hit_ks(top_k)
    out = []
    for s in systems:
        mine = [r for r in runs if r.system == s.key]
        figures = partial(question_figures, abstains=s.abstains, ks=ks)
        out.append(
            SystemQuestions(
                key=s.key,
                title=s.title,
                abstains=s.abstains,
                overall=figures(mine),
                per_language=per_language(mine, figures),
            )
        )
    attach_question_intervals(out, runs, ks, resamples=resamples)
    return QuestionsSection(dataset=dataset, top_k=top_k, systems=out, runs=runs)


def run_claims(
    suite: Suite,
    cases: Sequence[ClaimCase],
    *,
    top_k: int = 5,
    dataset: str = "",
    progress: Progress | None = None,
    resamples: int = bootstrap.RESAMPLES,
) -> ClaimsSection:
    """Every claim through the claim systems: verdict figures for claimbot check, evidence for all."""
    top_k = min(top_k, MAX_EVIDENCE)
    items = [(c.id, c.claim, c.lang, c.kind, gold_spans(c.id, c.gold, suite.texts)) for c in cases]
    systems = suite.claim_systems()
    runs = _run(systems, items, suite.texts, top_k, progress)
    out = []
    for s in systems:
        mine = [r for r in runs if r.system == s.key]
        verdicts = isinstance(s, ClaimbotCheck)
        scored = partial(claim_figures, verdicts=verdicts)
        out.append(
            SystemClaims(
                key=s.key,
                title=s.title,
                verdicts=verdicts,
                overall=scored(mine),
                per_language=per_language(mine, scored),
            )
        )
    attach_claim_intervals(out, runs, resamples=resamples)
    reference = majority_reference([c.label for c in cases])
    return ClaimsSection(dataset=dataset, top_k=top_k, systems=out, reference=reference, runs=runs)


def machine_info(model_id: str) -> dict[str, str]:
    """What the figures were measured on (the CPU may be shared: the load average says how much)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": f"{len(os.sched_getaffinity(0))} usable of {os.cpu_count()}",
        "cpu": cpu,
        "python": platform.python_version(),
        "model": model_id,
        "load average": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def evaluate(
    suite: Suite,
    *,
    questions: Path | None = None,
    claims: Path | None = None,
    top_k: int = 5,
    settings: dict[str, object] | None = None,
    progress: Progress | None = None,
    distractors: str | None = None,
    limit: int | None = None,
    resamples: int = bootstrap.RESAMPLES,
) -> EvalReport:
    """Run the given data sets and return the whole report (with `limit`, a fixed random sample of
    that many cases of each set: a quick run)."""
    started = time.perf_counter()
    model = suite.backend.model_id()
    q_cases = sample_cases(load_questions(questions), limit) if questions else None
    c_cases = sample_cases(load_claims(claims), limit) if claims else None
    report = EvalReport(
        created=time.strftime("%Y-%m-%d %H:%M"),
        where=suite.backend.where,
        model=model,
        baseline_model=suite.baseline_model,
        articles=len(suite.texts),
        corpus_chars=sum(len(t) for t in suite.texts.values()),
        distractors=distractors,
        machine=machine_info(model),
        settings=settings,
        seconds=0.0,
        intervals=f"95% percentile bootstrap over cases: {resamples} resamples, seed {bootstrap.SEED}; "
        "differences against baseline 1 are paired (the same draws for both systems)",
    )
    if q_cases is not None:
        report.questions = run_questions(
            suite, q_cases, top_k=top_k, dataset=str(questions), progress=progress, resamples=resamples
        )
    if c_cases is not None:
        report.claims = run_claims(
            suite, c_cases, top_k=top_k, dataset=str(claims), progress=progress, resamples=resamples
        )
    report.seconds = time.perf_counter() - started
    return report


def sample_cases(cases: list[Case], limit: int | None, seed: int = 0) -> list[Case]:
    """`limit` cases drawn at random with `seed`, in their file order (all of them without a limit)."""
    if limit is None or limit >= len(cases):
        return cases
    keep = set(random.Random(seed).sample(range(len(cases)), limit))
    return [c for i, c in enumerate(cases) if i in keep]


def cases_to_run(suite: Suite, questions: Path | None, claims: Path | None, limit: int | None = None) -> int:
    """How many (case, system) runs `evaluate` will make, for a progress bar."""
    total = 0
    if questions:
        total += len(sample_cases(load_questions(questions), limit)) * len(suite.question_systems())
    if claims:
        total += len(sample_cases(load_claims(claims), limit)) * len(suite.claim_systems())
    return total
