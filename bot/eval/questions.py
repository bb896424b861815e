"""Question-set evaluation: does a gold quote appear among the citations, and does claimbot abstain
when the articles cannot answer?

Data set format (JSONL): `{id, question, lang, answerable, gold: [{article_id, quote}]}`; each gold quote
is an exact substring of its article. A citation *hits* when its span overlaps a gold quote's span.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from bot.models import Answer, Citation


class GoldQuote(BaseModel):
    article_id: str
    quote: str


class QuestionCase(BaseModel):
    id: str
    question: str
    lang: Literal["en", "id"]
    answerable: bool
    gold: list[GoldQuote] = Field(default_factory=list)


class CaseResult(BaseModel):
    id: str
    lang: str
    answerable: bool
    abstained: bool
    hit_rank: int | None = Field(description="1-based rank of the first citation overlapping a gold quote.")
    citations: int
    faithful: bool = Field(description="Every quote equals the article's text at its span.")
    seconds: float


class QuestionReport(BaseModel):
    cases: list[CaseResult]

    def _answerable(self) -> list[CaseResult]:
        return [c for c in self.cases if c.answerable]

    def hit_at(self, k: int) -> float:
        """Share of answerable questions with a gold quote among the first k citations."""
        cases = self._answerable()
        return sum(c.hit_rank is not None and c.hit_rank <= k for c in cases) / max(len(cases), 1)

    def mrr(self) -> float:
        cases = self._answerable()
        return sum(1.0 / c.hit_rank for c in cases if c.hit_rank) / max(len(cases), 1)

    def abstention_recall(self) -> float:
        """Share of unanswerable questions on which claimbot said the articles do not cover it."""
        cases = [c for c in self.cases if not c.answerable]
        return sum(c.abstained for c in cases) / max(len(cases), 1)

    def fidelity(self) -> float:
        return sum(c.faithful for c in self.cases) / max(len(self.cases), 1)


def load_cases(path: str | Path) -> list[QuestionCase]:
    """Read a question set (one JSON object per line)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [QuestionCase.model_validate(json.loads(line)) for line in lines if line.strip()]


def gold_spans(case: QuestionCase, texts: Mapping[str, str]) -> list[tuple[str, int, int]]:
    """(article_id, start, end) of each gold quote, located in the original texts."""
    spans = []
    for g in case.gold:
        start = texts[g.article_id].find(g.quote)
        if start < 0:
            raise ValueError(f"{case.id}: gold quote not found in {g.article_id}: {g.quote[:60]!r}")
        spans.append((g.article_id, start, start + len(g.quote)))
    return spans


def first_hit(citations: Sequence[Citation], spans: Sequence[tuple[str, int, int]]) -> int | None:
    """1-based rank of the first citation that overlaps a gold span."""
    for rank, c in enumerate(citations, start=1):
        if any(c.article_id == a and c.start < e and s < c.end for a, s, e in spans):
            return rank
    return None


def evaluate(
    cases: Sequence[QuestionCase], ask: Callable[[str], Answer], texts: Mapping[str, str]
) -> QuestionReport:
    """Run every case through `ask` and score it against the gold quotes."""
    results = []
    for case in cases:
        started = time.perf_counter()
        answer = ask(case.question)
        seconds = time.perf_counter() - started
        results.append(
            CaseResult(
                id=case.id,
                lang=case.lang,
                answerable=case.answerable,
                abstained=answer.insufficient_evidence,
                hit_rank=first_hit(answer.citations, gold_spans(case, texts)),
                citations=len(answer.citations),
                faithful=all(texts[c.article_id][c.start : c.end] == c.quote for c in answer.citations),
                seconds=seconds,
            )
        )
    return QuestionReport(cases=results)
