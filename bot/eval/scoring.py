"""From what the systems said to figures: score each case, then sum the cases up per system.

All arithmetic is in `bot.eval.metrics`; this module only decides which cases each figure counts
(answerable questions for hit@k, unanswerable ones for abstention recall, claims with gold quotes
for evidence hit...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from bot.eval import metrics as m
from bot.eval.cases import LABELS
from bot.eval.metrics import Span
from bot.eval.report import (
    Calibration,
    CaseRun,
    ClaimFigures,
    Latency,
    QuestionFigures,
    Reference,
    ReliabilityBin,
    ScoredQuote,
)
from bot.eval.systems import Output

F = TypeVar("F")

READING_BUDGET = 1000
"""Characters of quotes a reader goes through for `hit_within_budget`: one naive 1,000-character chunk,
or about five sentences."""


def score_case(
    *,
    case_id: str,
    system: str,
    lang: str,
    kind: str,
    gold: Sequence[Span],
    output: Output,
    texts: Mapping[str, str],
    ms: float,
) -> CaseRun:
    """One case's record: each quote checked for a hit and for fidelity, the rank of the first hit."""
    quotes = [
        ScoredQuote(
            **q.model_dump(),
            hit=any(m.overlaps(q.span, g) for g in gold),
            faithful=m.is_faithful(q.quote, q.span, texts),
        )
        for q in output.quotes
    ]
    spans = [q.span for q in output.quotes]
    return CaseRun(
        case_id=case_id,
        system=system,
        lang=lang,
        kind=kind,
        gold=list(gold),
        quotes=quotes,
        abstained=output.abstained,
        verdict=output.verdict,
        confidence=output.confidence,
        hit_rank=m.first_hit_rank(spans, gold),
        coverage=m.gold_coverage(spans, gold),
        chars_to_gold=m.chars_before_gold(spans, gold),
        ms=ms,
    )


def _latency(runs: Sequence[CaseRun]) -> dict[str, Latency]:
    groups: dict[str, list[float]] = {"all": [r.ms for r in runs]}
    for r in runs:
        groups.setdefault(r.kind, []).append(r.ms)
    return {
        kind: Latency(n=len(ms), p50_ms=m.percentile(ms, 50), p95_ms=m.percentile(ms, 95))
        for kind, ms in groups.items()
    }


def _spans(run: CaseRun) -> list[Span]:
    return [q.span for q in run.quotes]


def _fidelity(runs: Sequence[CaseRun]) -> float | None:
    return m.mean(float(q.faithful) for r in runs for q in r.quotes)


def question_figures(runs: Sequence[CaseRun], *, abstains: bool, ks: Sequence[int]) -> QuestionFigures:
    """The question figures of one system over `runs` (its runs only)."""
    answerable = [r for r in runs if r.kind == "answerable"]
    ranks = [r.hit_rank for r in answerable]
    cited = [q for r in answerable for q in r.quotes]
    flags = [r.abstained for r in runs]
    is_answerable = [r.kind == "answerable" for r in runs]
    return QuestionFigures(
        cases=len(runs),
        answerable=len(answerable),
        unanswerable=len(runs) - len(answerable),
        hit_at={k: m.hit_at_k(ranks, k) for k in ks},
        mrr=m.mean_reciprocal_rank(ranks),
        coverage=m.mean(r.coverage for r in answerable if r.coverage is not None),
        citation_precision=m.citation_precision(
            [_spans(r) for r in answerable], [r.gold for r in answerable]
        ),
        character_precision=m.character_precision(
            [_spans(r) for r in answerable], [r.gold for r in answerable]
        ),
        reading_budget=READING_BUDGET,
        hit_within_budget=m.hit_within([r.chars_to_gold for r in answerable], READING_BUDGET),
        quote_fidelity=_fidelity(runs),
        quotes_per_answer=m.mean(float(len(r.quotes)) for r in answerable),
        quote_chars=m.mean(float(len(q.quote)) for q in cited),
        abstention_precision=m.abstention_precision(flags, is_answerable) if abstains else None,
        abstention_recall=m.abstention_recall(flags, is_answerable) if abstains else None,
        refused_answerable=m.mean(float(r.abstained) for r in answerable) if abstains else None,
        latency=_latency(runs),
    )


def claim_figures(runs: Sequence[CaseRun], *, verdicts: bool) -> ClaimFigures:
    """The claim figures of one system over `runs`; verdict figures only for a system that gives one."""
    with_gold = [r for r in runs if r.gold]
    gold_labels = [r.kind for r in runs]
    predicted = [r.verdict or "" for r in runs]
    return ClaimFigures(
        cases=len(runs),
        evidence_hit=m.evidence_hit([_spans(r) for r in runs], [r.gold for r in runs]),
        citation_precision=m.citation_precision([_spans(r) for r in with_gold], [r.gold for r in with_gold]),
        quote_fidelity=_fidelity(runs),
        accuracy=m.accuracy(gold_labels, predicted) if verdicts else None,
        macro_f1=m.macro_f1(gold_labels, predicted, LABELS) if verdicts else None,
        f1=m.f1_per_label(gold_labels, predicted, LABELS) if verdicts else {},
        confusion=m.confusion_matrix(gold_labels, predicted, LABELS) if verdicts else None,
        decisive_wrong=m.decisive_wrong(gold_labels, predicted) if verdicts else None,
        calibration=calibration(runs) if verdicts else None,
        latency=_latency(runs),
    )


def calibration(runs: Sequence[CaseRun], bins: int = 10) -> Calibration | None:
    """The reliability table of the verdicts that carry a confidence (None when none does)."""
    rated = [r for r in runs if r.confidence is not None and r.verdict is not None]
    if not rated:
        return None
    table = m.reliability([r.confidence or 0.0 for r in rated], [r.verdict == r.kind for r in rated], bins)
    return Calibration(
        bins=[
            ReliabilityBin(low=lo, high=hi, count=n, confidence=c, accuracy=a) for lo, hi, n, c, a in table
        ],
        ece=m.expected_calibration_error(table),
    )


def per_language(runs: Sequence[CaseRun], figures: Callable[[Sequence[CaseRun]], F]) -> dict[str, F]:
    """`figures` of each language's subset, languages in alphabetical order."""
    langs = sorted({r.lang for r in runs})
    return {lang: figures([r for r in runs if r.lang == lang]) for lang in langs}


def majority_reference(labels: Sequence[str]) -> Reference:
    """Always answering the most frequent gold label (ties: the first in LABELS order)."""
    counts = Counter(labels)
    label = max(LABELS, key=lambda lab: (counts[lab], -LABELS.index(lab)))
    constant = [label] * len(labels)
    return Reference(
        label=label,
        accuracy=m.accuracy(labels, constant),
        macro_f1=m.macro_f1(labels, constant, LABELS),
    )
