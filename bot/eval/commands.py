"""`claimbot eval questions|claims|all`: run data sets against claimbot and the baselines, write the
report (JSON, Markdown, PNG charts) and print the summary table.

Like the rest of the CLI this only translates: the work is in `bot.eval.runner` and the drawing in
`bot.eval.render`. Heavy imports happen inside the commands, never when the CLI starts.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.console import edge, err, out, progress_bar
from bot.eval.backends import Distractors, open_backend
from bot.eval.extra import require_eval_extra
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.eval.report import EvalReport

eval_app = typer.Typer(
    help="Measure claimbot against baselines on question and claim sets (formats in docs/evaluation.md).",
    no_args_is_help=True,
)

OutOpt = Annotated[Path, typer.Option("--out", help="Folder for report.json, summary.md and the charts.")]
SummaryOpt = Annotated[
    Path | None,
    typer.Option("--summary", help="Also write summary.md and the charts here (e.g. docs/eval)."),
]
AgainstOpt = Annotated[
    str | None,
    typer.Option("--against", help="Evaluate a running API at this URL (e.g. http://127.0.0.1:8000)."),
]
KeyOpt = Annotated[
    str | None,
    typer.Option("--api-key", envvar="CLAIMBOT_EVAL_API_KEY", help="Bearer key for --against."),
]
TopKOpt = Annotated[
    int, typer.Option("--top-k", "-k", min=1, max=50, help="Quotes per case (claims: 10 at most).")
]
CorpusOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--corpus", help="Evaluate a fresh temporary index of these files or folders, not the configured one."
    ),
]
BaselinesOpt = Annotated[bool, typer.Option(help="Run the baselines beside claimbot.")]
DistractorsOpt = Annotated[
    Path | None,
    typer.Option(
        "--distractors",
        help="With --corpus: also index articles on other subjects drawn from this JSONL file (e.g. "
        "../shared/data/indosum-dev-articles.jsonl), as a newsroom's index holds.",
    ),
]
DistractorCountOpt = Annotated[
    int, typer.Option("--distractor-count", min=1, help="How many articles to draw for --distractors.")
]
DistractorSeedOpt = Annotated[int, typer.Option("--distractor-seed", help="Seed of that random draw.")]


def _command() -> str:
    args = [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else ["claimbot"]
    if args[0] in ("cli.py", "__main__.py"):
        args[0] = "claimbot"
    return " ".join(shlex.quote(a) for a in args)


def print_summary(report: EvalReport) -> None:
    """The figures table(s) on the terminal."""
    from rich.table import Table

    from bot.eval.render import claim_rows, question_rows

    def show(title: str, systems: list[str], rows: list[tuple[str, list[str]]]) -> None:
        table = Table(title=title)
        table.add_column("figure")
        for key in systems:
            table.add_column(key, justify="right")
        for label, values in rows:
            table.add_row(label, *values)
        out.print(table)

    if q := report.questions:
        show(f"questions: {q.dataset} (top {q.top_k})", [s.key for s in q.systems], question_rows(q))
    if c := report.claims:
        show(f"claims: {c.dataset} (top {c.top_k})", [s.key for s in c.systems], claim_rows(c))


def _evaluate(
    *,
    questions: Path | None,
    claims: Path | None,
    out_dir: Path,
    summary: Path | None,
    against: str | None,
    api_key: str | None,
    top_k: int,
    corpus: list[Path] | None,
    baselines: bool,
    distractors: Distractors,
) -> None:
    from bot.eval.render import write_report
    from bot.eval.runner import build_suite, cases_to_run, evaluate

    with edge():
        require_eval_extra()
        command = _command()
        with open_backend(Settings(), against, api_key, corpus, distractors) as (
            backend,
            embeddings,
            recorded,
            described,
        ):
            with err.status("reading the articles and building the baselines"):
                suite = build_suite(backend, embeddings, baselines=baselines)
            try:
                with progress_bar() as bar:
                    task = bar.add_task("evaluating", total=cases_to_run(suite, questions, claims))
                    report = evaluate(
                        suite,
                        questions=questions,
                        claims=claims,
                        top_k=top_k,
                        settings=recorded,
                        distractors=described,
                        progress=lambda key: bar.update(task, advance=1, description=f"evaluating {key}"),
                    )
            finally:
                suite.close()
        written = write_report(report, out_dir, command)
        if summary is not None:
            written += write_report(report, summary, command, with_json=False)
        print_summary(report)
        out.print("wrote " + ", ".join(str(p) for p in written), highlight=False)


@eval_app.command("questions")
def questions_command(
    file: Annotated[Path, typer.Argument(help="Question set (JSONL).")],
    out_dir: OutOpt = Path("reports/eval"),
    summary: SummaryOpt = None,
    against: AgainstOpt = None,
    api_key: KeyOpt = None,
    top_k: TopKOpt = 5,
    corpus: CorpusOpt = None,
    baselines: BaselinesOpt = True,
    distractors: DistractorsOpt = None,
    distractor_count: DistractorCountOpt = 300,
    distractor_seed: DistractorSeedOpt = 0,
) -> None:
    """Questions: hit@k, MRR, coverage, citation precision, fidelity, abstention, latency."""
    _evaluate(
        questions=file,
        claims=None,
        out_dir=out_dir,
        summary=summary,
        against=against,
        api_key=api_key,
        top_k=top_k,
        corpus=corpus,
        baselines=baselines,
        distractors=Distractors(distractors, distractor_count, distractor_seed),
    )


@eval_app.command("claims")
def claims_command(
    file: Annotated[Path, typer.Argument(help="Claim set (JSONL).")],
    out_dir: OutOpt = Path("reports/eval"),
    summary: SummaryOpt = None,
    against: AgainstOpt = None,
    api_key: KeyOpt = None,
    top_k: TopKOpt = 5,
    corpus: CorpusOpt = None,
    baselines: BaselinesOpt = True,
    distractors: DistractorsOpt = None,
    distractor_count: DistractorCountOpt = 300,
    distractor_seed: DistractorSeedOpt = 0,
) -> None:
    """Claims: verdict accuracy, macro-F1, confusion matrix, evidence hit, latency."""
    _evaluate(
        questions=None,
        claims=file,
        out_dir=out_dir,
        summary=summary,
        against=against,
        api_key=api_key,
        top_k=top_k,
        corpus=corpus,
        baselines=baselines,
        distractors=Distractors(distractors, distractor_count, distractor_seed),
    )


@eval_app.command("all")
def all_command(
    questions: Annotated[Path, typer.Argument(help="Question set (JSONL).")],
    claims: Annotated[Path, typer.Argument(help="Claim set (JSONL).")],
    out_dir: OutOpt = Path("reports/eval"),
    summary: SummaryOpt = None,
    against: AgainstOpt = None,
    api_key: KeyOpt = None,
    top_k: TopKOpt = 5,
    corpus: CorpusOpt = None,
    baselines: BaselinesOpt = True,
    distractors: DistractorsOpt = None,
    distractor_count: DistractorCountOpt = 300,
    distractor_seed: DistractorSeedOpt = 0,
) -> None:
    """Both sets in one run and one report (what `make eval` does)."""
    _evaluate(
        questions=questions,
        claims=claims,
        out_dir=out_dir,
        summary=summary,
        against=against,
        api_key=api_key,
        top_k=top_k,
        corpus=corpus,
        baselines=baselines,
        distractors=Distractors(distractors, distractor_count, distractor_seed),
    )


@eval_app.command("dev")
def dev_command(
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Only this set (repeat for more): facqa, idkmrc, tydiqa, indonli, seeds, seeds-heldout.",
        ),
    ] = None,
    data: Annotated[Path, typer.Option("--data", help="Folder of the external development sets.")] = Path(
        "../shared/data/dev"
    ),
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="A quick run: this many cases of each set, drawn at random."),
    ] = None,
    resamples: Annotated[
        int, typer.Option("--resamples", min=100, help="Bootstrap resamples per interval.")
    ] = 1000,
    out_dir: OutOpt = Path("reports/eval-dev"),
    summary: SummaryOpt = None,
    top_k: TopKOpt = 5,
    baselines: BaselinesOpt = True,
) -> None:
    """The development benchmark: FacQA, IDK-MRC, TyDi QA, IndoNLI claims and the seeds' sets, each over its
    own corpus, one report with 95% bootstrap intervals (what `make eval-dev` does)."""
    from bot.eval.dev import run_dev
    from bot.eval.dev_render import write_dev_report
    from bot.eval.devsets import DevSet, check_present, dev_sets, pick

    with edge():
        require_eval_extra()
        chosen = pick(dev_sets(data), sets)
        check_present(chosen)
        with progress_bar() as bar:
            task = bar.add_task("indexing", total=None)
            current = {"set": ""}

            def opened(s: DevSet, total: int) -> None:
                current["set"] = s.name
                bar.update(task, description=s.name, total=total, completed=0)

            report = run_dev(
                chosen,
                command=_command(),
                top_k=top_k,
                baselines=baselines,
                limit=limit,
                resamples=resamples,
                on_set=opened,
                progress=lambda key: bar.update(task, advance=1, description=f"{current['set']}: {key}"),
            )
        written = write_dev_report(report, out_dir)
        if summary is not None:
            written += write_dev_report(report, summary, with_json=False)
        for s in report.sets:
            err.print(f"[bold]{s.name}[/bold]: {s.title}")
            print_summary(s.report)
        out.print("wrote " + ", ".join(str(p) for p in written), highlight=False)
