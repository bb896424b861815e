"""Each figure of a set as a function of case weights (`bot.eval.bootstrap`), from the scored runs.

The figures here are the same as `bot.eval.scoring`'s (a test holds the two equal on the data set
itself); they are written as weighted sums of per-case values so that 1,000 resamples cost a few
matrix products. Cases are aligned across systems by id, which makes the differences paired.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.eval import bootstrap as b
from bot.eval import metrics as m
from bot.eval.cases import LABELS
from bot.eval.report import CaseRun, SystemClaims, SystemQuestions
from bot.eval.scoring import READING_BUDGET

BASELINE = "naive-langchain"
"""Baseline 1, which every other system is compared with (paired differences)."""


def _quote_stats(runs: Sequence[CaseRun]) -> dict[str, b.Stat]:
    quotes = [float(len(r.quotes)) for r in runs]
    return {"quote_fidelity": b.ratio([sum(q.faithful for q in r.quotes) for r in runs], quotes)}


def question_stats(runs: Sequence[CaseRun], *, abstains: bool, ks: Sequence[int]) -> dict[str, b.Stat]:
    """Figure name -> weighted statistic, over one system's runs (one per case, in case order)."""
    ans = np.array([r.kind == "answerable" for r in runs], dtype=float)
    una = 1.0 - ans
    rank = np.array([r.hit_rank or 0 for r in runs], dtype=float)
    stats: dict[str, b.Stat] = {f"hit@{k}": b.ratio(ans * ((rank > 0) & (rank <= k)), ans) for k in ks}
    stats["mrr"] = b.ratio(ans * np.divide(1.0, rank, out=np.zeros_like(rank), where=rank > 0), ans)
    stats["coverage"] = b.ratio(ans * [r.coverage or 0.0 for r in runs], ans)
    hits = [sum(q.hit for q in r.quotes) for r in runs]
    stats["citation_precision"] = b.ratio(ans * hits, ans * [len(r.quotes) for r in runs])
    inside = [sum(m.characters_inside(q.span, r.gold) for q in r.quotes) for r in runs]
    cited = [sum(q.end - q.start for q in r.quotes) for r in runs]
    stats["character_precision"] = b.ratio(ans * inside, ans * cited)
    reached = [r.chars_to_gold is not None and r.chars_to_gold < READING_BUDGET for r in runs]
    stats["hit_within_budget"] = b.ratio(ans * reached, ans)
    stats.update(_quote_stats(runs))
    if abstains:
        refused = np.array([r.abstained for r in runs], dtype=float)
        stats["abstention_recall"] = b.ratio(una * refused, una)
        stats["refused_answerable"] = b.ratio(ans * refused, ans)
        stats["abstention_precision"] = b.ratio(una * refused, refused)
    return stats


def claim_stats(runs: Sequence[CaseRun], *, verdicts: bool) -> dict[str, b.Stat]:
    """Figure name -> weighted statistic, over one system's claim runs (in case order)."""
    has_gold = np.array([bool(r.gold) for r in runs], dtype=float)
    hit = np.array([r.hit_rank is not None for r in runs], dtype=float)
    stats: dict[str, b.Stat] = {"evidence_hit": b.ratio(has_gold * hit, has_gold)}
    stats["citation_precision"] = b.ratio(
        has_gold * [sum(q.hit for q in r.quotes) for r in runs], has_gold * [len(r.quotes) for r in runs]
    )
    stats.update(_quote_stats(runs))
    if verdicts:
        gold = [r.kind for r in runs]
        predicted = [r.verdict or "" for r in runs]
        ones = np.ones(len(runs))
        stats["accuracy"] = b.ratio([g == p for g, p in zip(gold, predicted, strict=True)], ones)
        stats["macro_f1"] = b.macro_f1(gold, predicted, LABELS)
        wrong = [p in m.DECISIVE and p != g for g, p in zip(gold, predicted, strict=True)]
        stats["decisive_wrong"] = b.ratio(wrong, ones)
        if all(r.confidence is not None for r in runs):
            right = [g == p for g, p in zip(gold, predicted, strict=True)]
            stats["ece"] = b.calibration_error([r.confidence or 0.0 for r in runs], right)
    return stats


def _aligned(runs: Sequence[CaseRun], systems: Sequence[str]) -> tuple[list[str], dict[str, list[CaseRun]]]:
    order: list[str] = []
    by: dict[str, dict[str, CaseRun]] = {s: {} for s in systems}
    for r in runs:
        if r.case_id not in by[r.system] and r.system == systems[0]:
            order.append(r.case_id)
        by[r.system][r.case_id] = r
    return order, {s: [by[s][c] for c in order] for s in systems}


def attach_question_intervals(
    systems: Sequence[SystemQuestions],
    runs: Sequence[CaseRun],
    ks: Sequence[int],
    *,
    resamples: int = b.RESAMPLES,
    seed: int = b.SEED,
) -> None:
    """Fill each system's `intervals` and (against baseline 1) `against_baseline`, in place."""
    order, by = _aligned(runs, [s.key for s in systems])
    weights = b.resample_weights(len(order), resamples, seed)
    stats = {s.key: question_stats(by[s.key], abstains=s.abstains, ks=ks) for s in systems}
    _attach(systems, stats, weights)


def attach_claim_intervals(
    systems: Sequence[SystemClaims],
    runs: Sequence[CaseRun],
    *,
    resamples: int = b.RESAMPLES,
    seed: int = b.SEED,
) -> None:
    """Fill each claim system's `intervals` and `against_baseline`, in place."""
    order, by = _aligned(runs, [s.key for s in systems])
    weights = b.resample_weights(len(order), resamples, seed)
    stats = {s.key: claim_stats(by[s.key], verdicts=s.verdicts) for s in systems}
    _attach(systems, stats, weights)


def _attach(
    systems: Sequence[SystemQuestions] | Sequence[SystemClaims],
    stats: dict[str, dict[str, b.Stat]],
    weights: np.ndarray,
) -> None:
    base = stats.get(BASELINE)
    for s in systems:
        s.intervals = {name: b.interval(stat, weights) for name, stat in stats[s.key].items()}
        if base is not None and s.key != BASELINE:
            s.against_baseline = {
                name: b.interval(b.difference(stat, base[name]), weights)
                for name, stat in stats[s.key].items()
                if name in base
            }
