"""The report as people read it: a Markdown summary, PNG charts (matplotlib) and the table printed at
the end of a run. Everything here is drawn from an `EvalReport`; nothing is measured here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from bot.eval.bootstrap import Interval
from bot.eval.cases import LABELS
from bot.eval.report import (
    Calibration,
    ClaimFigures,
    ClaimsSection,
    EvalReport,
    QuestionFigures,
    QuestionsSection,
    SystemClaims,
    SystemQuestions,
)

NAIVE = "naive-langchain"
DASH = "—"
Row = tuple[str, list[str]]


def fmt(value: float | None, digits: int = 2) -> str:
    """A figure for a table: `—` for undefined."""
    return DASH if value is None else f"{value:.{digits}f}"


def _ms(p50: float | None, p95: float | None) -> str:
    if p50 is None or p95 is None:
        return DASH
    digits = 1 if p95 < 10 else 0
    return f"{p50:.{digits}f} / {p95:.{digits}f}"


def gain(ours: float | None, theirs: float | None) -> str:
    """How much better `ours` is than `theirs`: difference and ratio."""
    if ours is None or theirs is None:
        return DASH
    ratio = f", ×{ours / theirs:.2f}" if theirs else ""
    word = "ahead" if ours > theirs else "behind" if ours < theirs else "level"
    return f"{ours:.2f} against {theirs:.2f} ({ours - theirs:+.2f}{ratio}, {word})"


QUESTION_FIGURES: dict[str, str] = {
    "hit@1": "hit@1",
    "hit@3": "hit@3",
    "hit@5": "hit@5",
    "hit_within_budget": "hit within 1,000 characters read",
    "mrr": "MRR",
    "coverage": "gold-quote coverage",
    "citation_precision": "citation precision",
    "character_precision": "character precision",
    "abstention_recall": "refused, of unanswerable",
    "refused_answerable": "refused, of answerable",
    "abstention_precision": "abstention precision",
    "quote_fidelity": "quotes verbatim",
}
CLAIM_FIGURES: dict[str, str] = {
    "accuracy": "verdict accuracy",
    "macro_f1": "verdict macro-F1",
    "decisive_wrong": "decisive wrong verdicts",
    "ece": "expected calibration error",
    "evidence_hit": "evidence hit",
    "citation_precision": "citation precision",
    "quote_fidelity": "quotes verbatim",
}


def cell(i: Interval | None, *, signed: bool = False) -> str:
    """`0.93 [0.89, 0.96]`; a difference whose interval excludes 0 in bold."""
    if i is None or i.value is None:
        return DASH
    f = "{:+.2f}" if signed else "{:.2f}"
    text = f.format(i.value)
    if i.low is not None and i.high is not None:
        text += f" [{f.format(i.low)}, {f.format(i.high)}]"
    return f"**{text}**" if signed and i.excludes_zero() else text


def interval_table(
    systems: Sequence[SystemQuestions] | Sequence[SystemClaims], labels: dict[str, str]
) -> list[str]:
    """One row per figure, one column per system, each cell the figure with its 95% interval; the
    last column the paired difference of claimbot (`ask` or `check`) minus baseline 1."""
    ours = next((s for s in systems if s.key in ("claimbot", "claimbot-check")), None)
    diff = ours.against_baseline if ours is not None else {}
    rows = [
        [
            label,
            *(cell(s.intervals.get(name)) for s in systems),
            *([cell(diff.get(name), signed=True)] if diff else []),
        ]
        for name, label in labels.items()
        if any(name in s.intervals for s in systems)
    ]
    header = ["figure", *(s.key for s in systems), *([f"{ours.key} − baseline 1"] if diff and ours else [])]
    return md_table(header, rows)


def reliability_table(calibration: Calibration) -> list[str]:
    """Confidence bins against accuracy, with the count in each bin and the ECE under it."""
    rows = [
        [f"{b.low:.1f}–{b.high:.1f}", str(b.count), fmt(b.confidence), fmt(b.accuracy)]
        for b in calibration.bins
        if b.count
    ]
    return [
        *md_table(["confidence", "verdicts", "mean confidence", "accuracy"], rows),
        "",
        f"Expected calibration error {fmt(calibration.ece)}.",
    ]


INTERVALS_NOTE = (
    "Each cell: the figure on the whole set and its 95% bootstrap interval (the cases drawn again with "
    "replacement, as many times as the header says, with a fixed seed; 2.5th and 97.5th percentiles). "
    "The last column is the paired difference against baseline 1 over the same draws, in **bold** "
    "when its interval excludes 0: a difference whose interval holds 0 is no difference."
)


def question_rows(section: QuestionsSection) -> list[Row]:
    """One row per figure, one column per system."""
    figs = [s.overall for s in section.systems]

    def row(name: str, get: Callable[[QuestionFigures], str]) -> Row:
        return name, [get(f) for f in figs]

    def hit(k: int) -> Callable[[QuestionFigures], str]:
        return lambda f: fmt(f.hit_at.get(k))

    def latency(kind: str) -> Callable[[QuestionFigures], str]:
        return lambda f: _ms(f.latency[kind].p50_ms, f.latency[kind].p95_ms) if kind in f.latency else DASH

    rows = [row(f"hit@{k}", hit(k)) for k in figs[0].hit_at]
    rows += [
        row("MRR (quote level)", lambda f: fmt(f.mrr)),
        row("gold-quote coverage", lambda f: fmt(f.coverage)),
        row("citation precision", lambda f: fmt(f.citation_precision)),
        row("character precision", lambda f: fmt(f.character_precision)),
        row(
            f"hit within {figs[0].reading_budget:,} characters read",
            lambda f: fmt(f.hit_within_budget),
        ),
        row("quote fidelity", lambda f: fmt(f.quote_fidelity, 3)),
        row("quotes per answer", lambda f: fmt(f.quotes_per_answer, 1)),
        row("characters per quote", lambda f: fmt(f.quote_chars, 0)),
        row("abstention precision", lambda f: fmt(f.abstention_precision)),
        row("abstention recall", lambda f: fmt(f.abstention_recall)),
    ]
    rows += [row(f"latency p50 / p95 ms, {k}", latency(k)) for k in ("answerable", "unanswerable", "all")]
    return rows


def claim_rows(section: ClaimsSection) -> list[Row]:
    figs = [s.overall for s in section.systems]

    def row(name: str, get: Callable[[ClaimFigures], str]) -> Row:
        return name, [get(f) for f in figs]

    def latency(kind: str) -> Callable[[ClaimFigures], str]:
        return lambda f: _ms(f.latency[kind].p50_ms, f.latency[kind].p95_ms) if kind in f.latency else DASH

    kinds = [k for k in LABELS if k in figs[0].latency] + ["all"]
    return [
        row("verdict accuracy", lambda f: fmt(f.accuracy)),
        row("verdict macro-F1", lambda f: fmt(f.macro_f1)),
        row("evidence hit", lambda f: fmt(f.evidence_hit)),
        row("citation precision", lambda f: fmt(f.citation_precision)),
        row("quote fidelity", lambda f: fmt(f.quote_fidelity, 3)),
        *(row(f"latency p50 / p95 ms, {k}", latency(k)) for k in kinds),
    ]


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def _counts(section: QuestionsSection) -> str:
    f = section.systems[0].overall
    langs = ", ".join(f"{lang} {v.cases}" for lang, v in section.systems[0].per_language.items())
    return f"{f.cases} questions ({f.answerable} answerable, {f.unanswerable} not; {langs})"


def question_markdown(section: QuestionsSection, corpus_chars: int = 0) -> list[str]:
    by_key = {s.key: s.overall for s in section.systems}
    out = [
        f"## Questions: `{section.dataset}`",
        "",
        f"{_counts(section)}, top {section.top_k}. A quote *hits* when its span overlaps a gold quote's "
        "span in the same article.",
        "",
    ]
    out += md_table(
        ["figure", *(s.key for s in section.systems)], [[n, *v] for n, v in question_rows(section)]
    )
    if any(s.intervals for s in section.systems):
        out += ["", "With 95% intervals: " + INTERVALS_NOTE, ""]
        out += interval_table(section.systems, QUESTION_FIGURES)
    out += ["", "Systems:", ""] + [f"- `{s.key}`: {s.title}" for s in section.systems]
    out += [
        "",
        "The baselines and `claimbot-search` never abstain, so abstention figures are for `claimbot` "
        "only; its hit@k and citation precision count an abstention on an answerable question as a miss.",
        "",
    ]
    if NAIVE in by_key:
        naive = by_key[NAIVE]
        out += ["**Against the naive langchain recipe (baseline 1):**", ""]
        for key in ("claimbot", "claimbot-search"):
            if key in by_key:
                ours = by_key[key]
                k = max(ours.hit_at)
                budget = f"{ours.reading_budget:,}"
                out.append(
                    f"- `{key}`: hit@{k} {gain(ours.hit_at[k], naive.hit_at[k])}; citation precision "
                    f"{gain(ours.citation_precision, naive.citation_precision)}; MRR "
                    f"{gain(ours.mrr, naive.mrr)}; character precision "
                    f"{gain(ours.character_precision, naive.character_precision)}; hit within {budget} "
                    f"characters {gain(ours.hit_within_budget, naive.hit_within_budget)}."
                )
        if corpus_chars and naive.quote_chars and naive.quotes_per_answer:
            handed = naive.quote_chars * naive.quotes_per_answer
            out += [
                "",
                f"Baseline 1 hands the reader {handed:,.0f} characters per question (whole chunks of about "
                f"{naive.quote_chars:,.0f}), {handed / corpus_chars:.0%} of the {corpus_chars:,} characters "
                "of all the articles evaluated. Large quotes overlap gold quotes easily, the more so in a "
                "small corpus: character precision and the hit rate within an equal reading budget are "
                "shown beside the overlap figures for that reason.",
            ]
        out.append("")
    out += ["![question figures by system](questions.png)", "", "### Per language", ""]
    rows = []
    for s in section.systems:
        for lang, f in s.per_language.items():
            k = max(f.hit_at)
            rows.append(
                [
                    s.key,
                    lang,
                    str(f.cases),
                    fmt(f.hit_at[k]),
                    fmt(f.mrr),
                    fmt(f.citation_precision),
                    fmt(f.abstention_recall),
                ]
            )
    k = section.top_k
    out += md_table(
        ["system", "lang", "cases", f"hit@{k}", "MRR", "citation precision", "abstention recall"], rows
    )
    out += ["", "![hit rate by language](languages.png)", "", "![latency by system](latency.png)", ""]
    return out


def claim_markdown(section: ClaimsSection) -> list[str]:
    n = len({r.case_id for r in section.runs})
    labels = ", ".join(
        f"{lab} {sum(1 for r in section.runs if r.kind == lab) // len(section.systems)}" for lab in LABELS
    )
    ref = section.reference
    out = [
        f"## Claims: `{section.dataset}`",
        "",
        f"{n} claims ({labels}), top {section.top_k} evidence quotes. The baselines and `claimbot-search` "
        "retrieve for the claim's text and give no verdict: only their evidence is scored.",
        "",
    ]
    out += md_table(
        ["figure", *(s.key for s in section.systems)], [[n_, *v] for n_, v in claim_rows(section)]
    )
    if any(s.intervals for s in section.systems):
        out += ["", "With 95% intervals: " + INTERVALS_NOTE, ""]
        out += interval_table(section.systems, CLAIM_FIGURES)
    out += [
        "",
        f"For reference, always answering `{ref.label}` (the most frequent label) scores accuracy "
        f"{fmt(ref.accuracy)} and macro-F1 {fmt(ref.macro_f1)}.",
        "",
    ]
    for s in section.systems:
        if s.verdicts and s.overall.confusion:
            out += [f"Confusion matrix of `{s.key}` (rows: gold label, columns: verdict):", ""]
            rows = [[g, *(str(s.overall.confusion[g][p]) for p in LABELS)] for g in LABELS]
            out += md_table(["gold \\ verdict", *LABELS], rows)
            f1 = ", ".join(f"{lab} {v:.2f}" for lab, v in s.overall.f1.items())
            out += ["", f"F1 per label: {f1}.", ""]
            per_lang = [
                [lang, str(f.cases), fmt(f.accuracy), fmt(f.macro_f1), fmt(f.evidence_hit)]
                for lang, f in s.per_language.items()
            ]
            out += [*md_table(["lang", "claims", "accuracy", "macro-F1", "evidence hit"], per_lang), ""]
        if s.overall.calibration:
            out += [
                f"Reliability of `{s.key}`'s confidence:",
                "",
                *reliability_table(s.overall.calibration),
                "",
            ]
    out += ["![claim figures](claims.png)", ""]
    return out


DEFINITIONS = """## What the figures mean

- **hit@k**: share of answerable questions with a quote among the first k that overlaps a gold quote.
- **MRR**: mean of 1/rank of the first such quote (0 when none), at quote level.
- **gold-quote coverage**: share of a question's gold quotes that some citation overlaps (mean).
- **citation precision**: share of the quotes cited on answerable questions that overlap a gold quote.
  A 1,000-character chunk overlaps more than a sentence does, so `characters per quote` is shown too.
- **quote fidelity**: share of quotes equal to `original_text[start:end]`; anything under 1 is a bug.
- **decisive wrong verdicts**: share of claims given `supported`, `refuted` or `mixed` when the gold
  label is another (the worst failure of a fact-checking tool).
- **reliability, expected calibration error**: verdicts grouped by confidence in ten bins of width
  0.1; each bin's accuracy against its mean confidence; ECE is the count-weighted mean of the gaps.
- **refused, of answerable**: share of answerable questions on which claimbot said the articles do
  not say (abstention recall is the share of unanswerable ones refused).
- **abstention precision / recall**: of the "the articles do not say" answers, the share on
  unanswerable questions; of the unanswerable questions, the share answered that way.
- **verdict accuracy, macro-F1**: on the claim labels (macro-F1 over the labels that occur).
- **evidence hit**: share of claims with gold quotes where an evidence quote overlaps one.
- **latency**: wall time per call in this process (over HTTP with `--against`), p50 / p95.
"""


def markdown(report: EvalReport, command: str) -> str:
    """The whole Markdown summary."""
    m = report.machine
    out = [
        "# claimbot evaluation",
        "",
        f"Produced by `{command}` on {report.created}: {report.where}, {report.articles} articles, "
        f"model `{report.model}` (baselines: `{report.baseline_model}`); {m['cores']} cores "
        f"({m['cpu']}), load average {m['load average']}; {report.seconds:.0f} s in all.",
        "",
    ]
    if report.intervals:
        out += [f"Intervals: {report.intervals}.", ""]
    if report.distractors:
        out += [
            f"The index also held articles on other subjects, as a newsroom's does: {report.distractors}.",
            "",
        ]
    if report.questions:
        out += question_markdown(report.questions, report.corpus_chars)
    if report.claims:
        out += claim_markdown(report.claims)
    return "\n".join(out) + "\n" + DEFINITIONS


def write_charts(report: EvalReport, folder: Path) -> list[Path]:
    """The PNG charts of the report into `folder`; returns their paths."""
    from bot.eval.charts import claim_chart, language_chart, latency_chart, question_chart

    written = []
    if report.questions:
        written += [
            question_chart(report.questions, folder / "questions.png"),
            language_chart(report.questions, folder / "languages.png"),
            latency_chart(report.questions, folder / "latency.png"),
        ]
    if report.claims:
        written.append(claim_chart(report.claims, folder / "claims.png"))
    return written


def write_report(report: EvalReport, folder: Path, command: str, *, with_json: bool = True) -> list[Path]:
    """report.json (every figure and case), summary.md and the charts into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if with_json:
        (folder / "report.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
        written.append(folder / "report.json")
    (folder / "summary.md").write_text(markdown(report, command), encoding="utf-8")
    written.append(folder / "summary.md")
    return written + write_charts(report, folder)
