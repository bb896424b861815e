"""PNG charts of an evaluation report (matplotlib, no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.eval.cases import LABELS
from bot.eval.report import ClaimsSection, QuestionsSection


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only: never look for a display
    import matplotlib.pyplot as plt

    return plt


def _bars(ax: Any, groups: Sequence[str], series: dict[str, list[float | None]], ylabel: str) -> None:
    """Grouped bars: one group per entry of `groups`, one bar per series; undefined values left out."""
    width = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        ys = [v if v is not None else 0.0 for v in values]
        bars = ax.bar(xs, ys, width, label=name)
        for bar, v in zip(bars, values, strict=True):
            if v is not None:
                ax.annotate(
                    f"{v:.2f}" if v < 10 else f"{v:.0f}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=6,
                )
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    _pyplot().close(fig)
    return path


def question_chart(section: QuestionsSection, path: Path) -> Path:
    """hit@k, MRR, coverage and citation precision of every system, side by side."""
    plt = _pyplot()
    ks = list(section.systems[0].overall.hit_at)
    budget = section.systems[0].overall.reading_budget
    groups = [f"hit@{k}" for k in ks] + [
        "MRR",
        "coverage",
        "citation\nprecision",
        "character\nprecision",
        f"hit within\n{budget:,} chars",
    ]
    series = {
        s.key: [
            *(s.overall.hit_at[k] for k in ks),
            s.overall.mrr,
            s.overall.coverage,
            s.overall.citation_precision,
            s.overall.character_precision,
            s.overall.hit_within_budget,
        ]
        for s in section.systems
    }
    fig, ax = plt.subplots(figsize=(11, 4.2))
    _bars(ax, groups, series, "share of questions / quotes")
    ax.set_ylim(0, 1.1)
    ax.set_title(f"Questions ({section.systems[0].overall.answerable} answerable), top {section.top_k}")
    ax.legend(fontsize=7, ncols=3, loc="upper right")
    return _save(fig, path)


def language_chart(section: QuestionsSection, path: Path) -> Path:
    """hit@top_k and citation precision per language, per system."""
    plt = _pyplot()
    langs = sorted({lang for s in section.systems for lang in s.per_language})
    k = section.top_k
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, (name, get) in zip(
        axes,
        [(f"hit@{k}", lambda f: f.hit_at.get(k)), ("citation precision", lambda f: f.citation_precision)],
        strict=True,
    ):
        series = {
            s.key: [get(s.per_language[lang]) if lang in s.per_language else None for lang in langs]
            for s in section.systems
        }
        _bars(ax, langs, series, name)
        ax.set_ylim(0, 1.1)
        ax.set_title(f"{name} by question language")
    axes[1].legend(fontsize=6, loc="upper right")  # the precision bars are low: room above them
    return _save(fig, path)


def latency_chart(section: QuestionsSection, path: Path) -> Path:
    """p50 and p95 latency per system (answerable and unanswerable questions)."""
    plt = _pyplot()
    kinds = [k for k in ("answerable", "unanswerable") if k in section.systems[0].overall.latency]
    groups = [f"{kind}\np{p}" for kind in kinds for p in (50, 95)]
    series = {}
    for s in section.systems:
        lat = s.overall.latency
        series[s.key] = [v for kind in kinds for v in (lat[kind].p50_ms, lat[kind].p95_ms)]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    _bars(ax, groups, series, "milliseconds")
    ax.set_title("Latency per question")
    ax.legend(fontsize=7)
    return _save(fig, path)


def claim_chart(section: ClaimsSection, path: Path) -> Path:
    """Evidence hit of every system; the confusion matrix of the verdicts."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1.2, 1]})
    series = {s.key: [s.overall.evidence_hit, s.overall.citation_precision] for s in section.systems}
    _bars(left, ["evidence hit", "citation precision"], series, "share")
    left.set_ylim(0, 1.1)
    left.set_title(f"Claim evidence, top {section.top_k}")
    left.legend(fontsize=6)
    judge = next((s for s in section.systems if s.verdicts and s.overall.confusion), None)
    if judge is not None and judge.overall.confusion is not None:
        matrix = [[judge.overall.confusion[g][p] for p in LABELS] for g in LABELS]
        right.imshow(matrix, cmap="Blues")
        top = max(max(row) for row in matrix) or 1
        for i, row in enumerate(matrix):
            for j, v in enumerate(row):
                colour = "white" if v > top / 2 else "black"
                right.text(j, i, str(v), ha="center", va="center", fontsize=9, color=colour)
        short = [lab.replace("not_enough_evidence", "not enough") for lab in LABELS]
        right.set_xticks(range(len(LABELS)), short, rotation=20, fontsize=7)
        right.set_yticks(range(len(LABELS)), short, fontsize=7)
        right.set_xlabel("verdict")
        right.set_ylabel("gold label")
        acc = judge.overall.accuracy or 0.0
        right.set_title(f"{judge.key}: accuracy {acc:.2f}")
    else:
        right.axis("off")
    return _save(fig, path)
