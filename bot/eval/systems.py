"""The systems an evaluation compares, behind one small interface: a text in, ranked quotes out.

claimbot itself (`ask` with its abstention, `search` without, `check` with a verdict) runs through a
`Backend` (this process or HTTP); the baselines (`bot.eval.baselines`) run here, over the same texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from bot.eval.backends import Backend
from bot.eval.metrics import Span
from bot.models import Citation, Evidence, Verdict


class Quote(BaseModel):
    """A cited quote as a system returned it. Unconstrained on purpose: a baseline that gets an offset
    wrong must be measured (quote fidelity), not rejected before it is scored."""

    article_id: str
    start: int
    end: int
    quote: str
    score: float | None = None
    stance: str | None = Field(default=None, description="For claim evidence: supports / refutes / neutral.")

    @property
    def span(self) -> Span:
        return (self.article_id, self.start, self.end)


class Output(BaseModel):
    """What one system said about one question or claim."""

    quotes: list[Quote]
    abstained: bool = False
    verdict: Verdict | None = None
    confidence: float | None = None


class System(Protocol):
    """A text and a number of quotes in, an `Output` out."""

    key: str
    """Short name used in the JSON report and the charts."""
    title: str
    """What it is, for the Markdown summary."""
    abstains: bool
    """Whether it can say 'the articles do not say' (abstention figures are shown only for these)."""

    def run(self, text: str, top_k: int) -> Output: ...


def quotes_of(citations: Sequence[Citation]) -> list[Quote]:
    """Citations (or evidence, with their stance) as quotes."""
    return [
        Quote(
            article_id=c.article_id,
            start=c.start,
            end=c.end,
            quote=c.quote,
            score=c.score,
            stance=c.stance if isinstance(c, Evidence) else None,
        )
        for c in citations
    ]


class ClaimbotAsk:
    """claimbot as configured: the answer chain, which may say the articles do not cover a question."""

    key = "claimbot"
    title = "4. claimbot (`ask`: hybrid search, answerability, quote selection)"
    abstains = True

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def run(self, text: str, top_k: int) -> Output:
        answer = self.backend.ask(text, top_k)
        return Output(quotes=quotes_of(answer.citations), abstained=answer.insufficient_evidence)


class ClaimbotSearch:
    """claimbot's hybrid search alone (`/v1/search`): the same ranking, never abstaining, so it can be
    compared with the baselines on equal terms."""

    key = "claimbot-search"
    title = "4b. claimbot `search` (hybrid search only, no abstention)"
    abstains = False

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def run(self, text: str, top_k: int) -> Output:
        return Output(quotes=quotes_of(self.backend.search(text, top_k).results))


class ClaimbotCheck:
    """claimbot's claim checker (`/v1/check`): a verdict and the quotes that decide it."""

    key = "claimbot-check"
    title = "claimbot `check` (verdict and evidence)"
    abstains = False

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def run(self, text: str, top_k: int) -> Output:
        result = self.backend.check(text, top_k)
        return Output(quotes=quotes_of(result.evidence), verdict=result.verdict, confidence=result.confidence)
