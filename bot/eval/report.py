"""The evaluation report: every case as each system answered it, and every figure, as typed models.

The JSON file is `EvalReport.model_dump_json()`; the Markdown summary and the charts are drawn from
the same object (`bot.eval.render`), so they cannot disagree with it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.eval.bootstrap import Interval
from bot.eval.systems import Quote


class ScoredQuote(Quote):
    """A quote with its two checks."""

    hit: bool = Field(description="Overlaps a gold quote of the case in the same article.")
    faithful: bool = Field(description="Equals the article's original text[start:end].")


class CaseRun(BaseModel):
    """One case through one system."""

    case_id: str
    system: str
    lang: str
    kind: str = Field(description="answerable / unanswerable for questions, the gold label for claims.")
    gold: list[tuple[str, int, int]] = Field(description="Spans of the gold quotes (article_id, start, end).")
    quotes: list[ScoredQuote]
    abstained: bool = False
    verdict: str | None = None
    confidence: float | None = Field(default=None, description="The verdict's confidence (claim checkers).")
    hit_rank: int | None = Field(default=None, description="1-based rank of the first quote that hits.")
    coverage: float | None = Field(default=None, description="Share of gold quotes hit (None: no gold).")
    chars_to_gold: int | None = Field(default=None, description="Characters read before the first gold text.")
    ms: float = Field(description="Wall time of the call, milliseconds.")


class Latency(BaseModel):
    n: int
    p50_ms: float | None
    p95_ms: float | None


class QuestionFigures(BaseModel):
    """Figures of one system on a set (or a language's subset) of questions."""

    cases: int
    answerable: int
    unanswerable: int
    hit_at: dict[int, float | None] = Field(description="k -> share of answerable questions hit in top k.")
    mrr: float | None
    coverage: float | None = Field(description="Mean share of an answerable question's gold quotes cited.")
    citation_precision: float | None = Field(description="Share of quotes on answerable questions that hit.")
    character_precision: float | None = Field(description="Share of cited characters that are gold text.")
    reading_budget: int = Field(description="Characters of quotes read for hit_within_budget.")
    hit_within_budget: float | None = Field(
        description="Share of answerable questions whose gold text is reached within reading_budget "
        "characters of quotes."
    )
    quote_fidelity: float | None = Field(description="Share of all quotes equal to original_text[start:end].")
    quotes_per_answer: float | None = Field(description="Mean number of quotes on answerable questions.")
    quote_chars: float | None = Field(description="Mean length of a cited quote, characters.")
    abstention_precision: float | None = Field(description="None for systems that never abstain.")
    abstention_recall: float | None = Field(
        description="Share of unanswerable questions refused; None for systems that never abstain."
    )
    refused_answerable: float | None = Field(
        default=None,
        description="Share of answerable questions refused; None for systems that never abstain.",
    )
    latency: dict[str, Latency] = Field(description="By case type (answerable, unanswerable) and all.")


class ReliabilityBin(BaseModel):
    """Verdicts whose confidence fell in [low, high): how many, how confident, how often right."""

    low: float
    high: float
    count: int
    confidence: float | None = Field(description="Mean confidence of the verdicts in the bin.")
    accuracy: float | None = Field(description="Share of those verdicts that are right.")


class Calibration(BaseModel):
    """Confidence against accuracy: the reliability table and the expected calibration error."""

    bins: list[ReliabilityBin]
    ece: float | None = Field(
        description="Expected calibration error: mean over bins, weighted by count, of |accuracy - "
        "mean confidence|."
    )


class ClaimFigures(BaseModel):
    """Figures of one system on a set (or a language's subset) of claims."""

    cases: int
    evidence_hit: float | None = Field(
        description="Share of claims with gold quotes where evidence hits one."
    )
    citation_precision: float | None = Field(
        description="Share of evidence quotes (claims with gold) that hit."
    )
    quote_fidelity: float | None
    accuracy: float | None = Field(description="None for systems without a verdict.")
    macro_f1: float | None = None
    f1: dict[str, float] = Field(default_factory=dict, description="F1 per label.")
    confusion: dict[str, dict[str, int]] | None = Field(default=None, description="counts[gold][predicted]")
    decisive_wrong: float | None = Field(
        default=None,
        description="Share of claims given supported, refuted or mixed when the gold label is another.",
    )
    calibration: Calibration | None = Field(
        default=None, description="Reliability of the verdicts' confidence (systems that give one)."
    )
    latency: dict[str, Latency] = Field(description="By gold label and all.")


class SystemQuestions(BaseModel):
    key: str
    title: str
    abstains: bool
    overall: QuestionFigures
    per_language: dict[str, QuestionFigures]
    intervals: dict[str, Interval] = Field(
        default_factory=dict, description="Figure name -> the figure with its 95% bootstrap interval."
    )
    against_baseline: dict[str, Interval] = Field(
        default_factory=dict,
        description="Figure name -> this system minus baseline 1 (naive langchain), paired bootstrap.",
    )


class SystemClaims(BaseModel):
    key: str
    title: str
    verdicts: bool
    overall: ClaimFigures
    per_language: dict[str, ClaimFigures]
    intervals: dict[str, Interval] = Field(
        default_factory=dict, description="Figure name -> the figure with its 95% bootstrap interval."
    )
    against_baseline: dict[str, Interval] = Field(
        default_factory=dict,
        description="Figure name -> this system minus baseline 1 (naive langchain), paired bootstrap.",
    )


class Reference(BaseModel):
    """A constant answer, to read verdict figures against: always the most frequent gold label."""

    label: str
    accuracy: float | None
    macro_f1: float | None


class QuestionsSection(BaseModel):
    dataset: str
    top_k: int
    systems: list[SystemQuestions]
    runs: list[CaseRun]


class ClaimsSection(BaseModel):
    dataset: str
    top_k: int
    systems: list[SystemClaims]
    reference: Reference
    runs: list[CaseRun]


class EvalReport(BaseModel):
    """What `claimbot eval` writes to report.json."""

    created: str
    where: str = Field(description="in-process, or the URL of the API evaluated.")
    model: str = Field(description="Embedding model of claimbot (and of the baselines).")
    baseline_model: str
    articles: int
    corpus_chars: int = Field(default=0, description="Characters of all the articles' original texts.")
    distractors: str | None = Field(
        default=None, description="The articles on other subjects the index also held (`--distractors`)."
    )
    machine: dict[str, str]
    settings: dict[str, object] | None = Field(description="claimbot's settings when run in-process.")
    seconds: float
    intervals: str = Field(
        default="", description="How the intervals were computed (bootstrap over cases: resamples, seed)."
    )
    questions: QuestionsSection | None = None
    claims: ClaimsSection | None = None
