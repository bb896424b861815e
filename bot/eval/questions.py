"""A quick question-set check of one `ask` function (used by the chain's regression test).

The full evaluation, with the baselines, the claims and the report, is `bot.eval.runner` (`claimbot
eval`); this is the same scoring (`bot.eval.metrics`) for a single callable, without the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from bot.eval import metrics as m
from bot.eval.cases import GoldQuote, QuestionCase, gold_spans, load_questions
from bot.models import Answer

__all__ = ["CaseResult", "GoldQuote", "QuestionCase", "QuestionReport", "evaluate", "load_cases"]


class CaseResult(BaseModel):
    id: str
    lang: str
    answerable: bool
    abstained: bool
    hit_rank: int | None = Field(description="1-based rank of the first citation overlapping a gold quote.")
    citations: int
    hits: int = Field(description="Citations overlapping a gold quote.")
    faithful: bool = Field(description="Every quote equals the article's text at its span.")
    seconds: float


class QuestionReport(BaseModel):
    cases: list[CaseResult]

    def _ranks(self) -> list[int | None]:
        return [c.hit_rank for c in self.cases if c.answerable]

    def hit_at(self, k: int) -> float:
        """Share of answerable questions with a gold quote among the first k citations."""
        return m.hit_at_k(self._ranks(), k) or 0.0

    def mrr(self) -> float:
        return m.mean_reciprocal_rank(self._ranks()) or 0.0

    def citation_precision(self) -> float:
        """Share of the quotes cited on answerable questions that overlap a gold quote (pooled)."""
        cited = sum(c.citations for c in self.cases if c.answerable)
        return sum(c.hits for c in self.cases if c.answerable) / cited if cited else 0.0

    def abstention_recall(self) -> float:
        """Share of unanswerable questions on which claimbot said the articles do not cover it."""
        flags = [c.abstained for c in self.cases]
        return m.abstention_recall(flags, [c.answerable for c in self.cases]) or 0.0

    def fidelity(self) -> float:
        """Share of cases whose every quote is the original text at its span."""
        return m.mean(float(c.faithful) for c in self.cases) or 0.0


def load_cases(path: str | Path) -> list[QuestionCase]:
    """Read a question set (one JSON object per line)."""
    return load_questions(path)


def evaluate(
    cases: Sequence[QuestionCase], ask: Callable[[str], Answer], texts: Mapping[str, str]
) -> QuestionReport:
    """Run every case through `ask` and score it against the gold quotes."""
    results = []
    for case in cases:
        gold = gold_spans(case.id, case.gold, texts)
        started = time.perf_counter()
        answer = ask(case.question)
        seconds = time.perf_counter() - started
        spans = [(c.article_id, c.start, c.end) for c in answer.citations]
        results.append(
            CaseResult(
                id=case.id,
                lang=case.lang,
                answerable=case.answerable,
                abstained=answer.insufficient_evidence,
                hit_rank=m.first_hit_rank(spans, gold),
                citations=len(answer.citations),
                hits=sum(any(m.overlaps(s, g) for g in gold) for s in spans),
                faithful=all(
                    m.is_faithful(c.quote, s, texts) for c, s in zip(answer.citations, spans, strict=True)
                ),
                seconds=seconds,
            )
        )
    return QuestionReport(cases=results)
