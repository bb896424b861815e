"""The Markdown summary of `claimbot eval dev`: headline tables (claimbot against baseline 1 on every
set, with intervals and paired differences), then each set's full table and reliability table.
Drawn from a `DevReport` only; nothing is measured here. `write_dev_report` writes it with the report."""

from __future__ import annotations

from pathlib import Path

from bot.eval.cases import LABELS
from bot.eval.dev import DevReport
from bot.eval.intervals import BASELINE
from bot.eval.render import (
    CLAIM_FIGURES,
    DASH,
    DEFINITIONS,
    QUESTION_FIGURES,
    cell,
    fmt,
    interval_table,
    md_table,
    reliability_table,
)
from bot.eval.report import ClaimsSection, QuestionsSection

HEADLINE_QUESTIONS = (
    "hit@5",
    "hit_within_budget",
    "citation_precision",
    "character_precision",
    "mrr",
    "abstention_recall",
    "refused_answerable",
    "quote_fidelity",
)


def _headline(report: DevReport, *, claims: bool) -> list[str]:
    """claimbot (`ask`, or `check` for claims) against baseline 1 on every set: one row a figure."""
    ours_key, ours_label = ("claimbot-check", "claimbot check") if claims else ("claimbot", "claimbot (ask)")
    figures = CLAIM_FIGURES if claims else {name: QUESTION_FIGURES[name] for name in HEADLINE_QUESTIONS}
    rows = []
    for s in report.sets:
        section = s.report.claims if claims else s.report.questions
        if section is None:
            continue
        by = {x.key: x for x in section.systems}
        ours = by.get(ours_key)
        for name, label in figures.items():
            if ours is None or name not in ours.intervals:
                continue
            rows.append(
                [
                    s.name,
                    label,
                    *(
                        cell(by[k].intervals.get(name)) if k in by else DASH
                        for k in (BASELINE, "claimbot-search")
                    ),
                    cell(ours.intervals.get(name)),
                    cell(ours.against_baseline.get(name), signed=True),
                ]
            )
    if not rows:
        return []
    difference = "check − baseline 1" if claims else "claimbot − baseline 1"
    header = ["set", "figure", "baseline 1 (naive)", "claimbot-search", ours_label, difference]
    title = "Claims: claimbot check" if claims else "Questions: claimbot"
    return [f"## {title} against baseline 1", "", *md_table(header, rows), ""]


def _question_section(q: QuestionsSection) -> list[str]:
    f = q.systems[0].overall
    out = [
        f"Questions `{q.dataset}`: {f.cases} ({f.answerable} answerable, {f.unanswerable} not), "
        f"top {q.top_k}.",
        "",
    ]
    out += interval_table(q.systems, QUESTION_FIGURES)
    return [*out, ""]


def _claim_section(c: ClaimsSection) -> list[str]:
    n = len({r.case_id for r in c.runs})
    out = [f"Claims `{c.dataset}`: {n}, top {c.top_k} evidence quotes.", ""]
    out += interval_table(c.systems, CLAIM_FIGURES)
    out += ["", f"Always answering `{c.reference.label}` scores accuracy {fmt(c.reference.accuracy)}.", ""]
    for s in c.systems:
        if s.overall.confusion:
            out += [f"Confusion of `{s.key}` (rows: gold, columns: verdict):", ""]
            out += md_table(
                ["gold \\ verdict", *LABELS],
                [[g, *(str(s.overall.confusion[g][p]) for p in LABELS)] for g in LABELS],
            )
            out.append("")
        if s.overall.calibration:
            out += [
                f"Reliability of `{s.key}`'s confidence:",
                "",
                *reliability_table(s.overall.calibration),
                "",
            ]
    return out


INTERVALS = """## How to read the intervals

Each cell is the figure on the whole set and, in brackets, its 95% bootstrap interval: the set's
cases (questions or claims) drawn again with replacement, {resamples} times with a fixed seed, the
figure recomputed on each draw, the 2.5th and 97.5th percentiles kept. The last column is the paired
difference, claimbot minus baseline 1, bootstrapped over the same draws; it is in **bold** when its
interval excludes 0. A difference whose interval holds 0 is no difference.
"""


def dev_markdown(report: DevReport) -> str:
    """The whole summary of the development benchmark."""
    first = report.sets[0].report if report.sets else None
    machine = (
        f" on {first.machine['cores']} cores ({first.machine['cpu']}), model `{first.model}`" if first else ""
    )
    sampled = f", {report.limit} cases sampled per set" if report.limit else ""
    out = [
        "# claimbot on the development benchmark",
        "",
        f"Produced by `{report.command}` on {report.created}{machine}{sampled}; "
        f"{report.seconds / 60:.0f} min in all.",
        "",
        "| set | what | corpus | source |",
        "|---|---|---|---|",
        *(f"| {s.name} | {s.title} | {s.report.articles} articles | {s.credit} |" for s in report.sets),
        "",
    ]
    out += _headline(report, claims=False) + _headline(report, claims=True)
    out.append(INTERVALS.format(resamples=report.resamples))
    for s in report.sets:
        out += [f"## {s.name}: {s.title}", ""]
        if s.report.questions:
            out += _question_section(s.report.questions)
        if s.report.claims:
            out += _claim_section(s.report.claims)
    return "\n".join(out) + "\n" + DEFINITIONS


def write_dev_report(report: DevReport, folder: Path, *, with_json: bool = True) -> list[Path]:
    """report.json (every figure and case of every set) and summary.md into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if with_json:
        (folder / "report.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
        written.append(folder / "report.json")
    (folder / "summary.md").write_text(dev_markdown(report), encoding="utf-8")
    return [*written, folder / "summary.md"]
