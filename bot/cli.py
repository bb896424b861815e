"""The `claimbot` command line. It only translates between the terminal and the services.

Exit codes: 0 success; 1 some inputs failed (the rest was ingested); 2 bad input or usage;
3 not found; 4 index built with another embedding model; 5 an upstream service failed (see
`bot/console.py`, which `claimbot eval` shares). The services are imported inside the commands that use
them: they load the embedding model's libraries, which `claimbot --help` should not wait for.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from bot.console import edge, err, ingest_with_progress, out, print_json
from bot.eval.commands import eval_app
from bot.models import AskRequest, CheckRequest, CheckResult, Citation
from bot.settings import Settings
from vectorstore.datadir import check_sqlite, check_store, index_location, require_index
from vectorstore.errors import BadInputError, EmptyIndexError, NotFoundError
from vectorstore.models import Filters

app = typer.Typer(
    help="claimbot: answers and claim checks from news articles, in verbatim cited quotes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
T = TypeVar("T")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (the same model as the API).")]
SourceOpt = Annotated[list[str] | None, typer.Option("--source", help="Only this outlet (repeatable).")]
ArticleOpt = Annotated[list[str] | None, typer.Option("--article", help="Only this article id (repeatable).")]
FromOpt = Annotated[str | None, typer.Option("--from", help="Published on or after (YYYY-MM-DD).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Published on or before (YYYY-MM-DD).")]


def _services(*, need_articles: bool = True) -> Any:
    """The services over the configured index, which must exist: a command that only reads never
    creates one (run in the wrong folder, it says there is no index instead of answering "not
    covered"). Says on stderr which index it opened; `need_articles`: an empty one is an error."""
    from bot.services import build_services

    settings = Settings()
    require_index(settings.store)
    services = build_services(settings)
    n = len(services.store.records())
    where = index_location(settings.store)
    err.print(f"index: {escape(where)} ({n} article{'' if n == 1 else 's'})", style="dim", highlight=False)
    if need_articles and n == 0:
        raise EmptyIndexError(f"the index at {where} holds no articles: run `claimbot ingest PATH`")
    return services


def _filters(
    source: list[str] | None, article: list[str] | None, since: str | None, until: str | None
) -> Filters | None:
    def day(value: str | None, flag: str) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadInputError(f"{flag} must be a date like 2023-09-13, got {value!r}") from None

    f = Filters(
        source=source or None,
        article_id=article or None,
        published_from=day(since, "--from"),
        published_to=day(until, "--to"),
    )
    return None if f == Filters() else f


def _print_sources(citations: list[Citation]) -> None:
    """One line per source, readable at any terminal width and easy to grep."""
    out.print("[bold]Sources[/bold]")
    for c in citations:
        title = f" “{escape(c.title)}”" if c.title else ""
        out.print(
            f"[{c.n}] {escape(c.source or '(outlet unknown)')}, {c.published or '(undated)'}{title} "
            f"(article {c.article_id}, characters {c.start}-{c.end}, score {c.score:.2f})",
            highlight=False,
        )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .html .jsonl).")],
    prune: Annotated[
        bool, typer.Option(help="Remove stored articles the given paths no longer contain.")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option(help="Drop the whole index first (e.g. after changing the model).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add or update articles. Unchanged articles are skipped; re-running never duplicates."""
    with edge():
        settings = Settings()
        check_store(settings.store)
        if rebuild:
            from vectorstore.chroma import drop_index

            drop_index(settings.store)
        from bot.services import build_services

        services = build_services(settings)
        report = ingest_with_progress(services, paths, prune=prune, quiet=as_json)
        if as_json:
            print_json(report.model_dump(mode="json"))
        else:
            for f in report.failed:
                err.print(f"[red]failed[/red] {escape(f.origin)}: {escape(f.reason)}")
            out.print(
                f"added {len(report.added)}, updated {len(report.updated)}, "
                f"unchanged {len(report.unchanged)}, removed {len(report.removed)}, "
                f"failed {len(report.failed)}; "
                f"{report.chunks} chunks and {report.sentences} sentences written in {report.seconds:.1f}s"
            )
            where = index_location(settings.store)
            err.print(f"index: {escape(where)}", style="dim", highlight=False)
        if report.failed:
            raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question in English or Indonesian.")],
    k: Annotated[int, typer.Option("-k", "--top-k", help="Most citations.")] = 5,
    source: SourceOpt = None,
    article: ArticleOpt = None,
    since: FromOpt = None,
    until: ToOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer with verbatim quotes, each cited [n], or say the articles do not cover it."""
    with edge():
        request = AskRequest(question=question, top_k=k, filters=_filters(source, article, since, until))
        answer = _services().ask(request)
        if as_json:
            print_json(answer.model_dump(mode="json"))
            return
        out.print(escape(answer.answer))
        if answer.citations:
            out.print()
            _print_sources(answer.citations)


_VERDICT_STYLE = {
    "supported": "green",
    "refuted": "red",
    "mixed": "yellow",
    "not_enough_evidence": "dim",
}


_STANCE_STYLE = {"supports": "green", "refutes": "red", "neutral": "dim"}


def _print_check(result: CheckResult) -> None:
    style = _VERDICT_STYLE[result.verdict]
    out.print(f"[bold {style}]{result.verdict}[/bold {style}] (confidence {result.confidence:.2f})")
    out.print(escape(result.explanation))
    for e in result.evidence:
        stance = _STANCE_STYLE[e.stance]
        out.print(f"  {escape(f'[{e.n}]')} [{stance}]{e.stance}[/{stance}] “{escape(e.quote)}”")
    if result.evidence:
        out.print()
        _print_sources(list(result.evidence))


@app.command()
def check(
    claim: Annotated[str, typer.Argument(help="A claim in English or Indonesian.")],
    k: Annotated[int, typer.Option("-k", "--top-k", help="Most evidence quotes.")] = 5,
    source: SourceOpt = None,
    article: ArticleOpt = None,
    since: FromOpt = None,
    until: ToOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a claim: supported, refuted, mixed or not_enough_evidence, with the deciding quotes."""
    with edge():
        request = CheckRequest(claim=claim, top_k=k, filters=_filters(source, article, since, until))
        result = _services().check(request)
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        _print_check(result)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--top-k", help="How many passages.")] = 5,
    source: SourceOpt = None,
    article: ArticleOpt = None,
    since: FromOpt = None,
    until: ToOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ranked passages for a query (no abstention), with the citation fields."""
    with edge():
        request = AskRequest(question=query, top_k=k, filters=_filters(source, article, since, until))
        results = _services().search(request.question, top_k=request.top_k, filters=request.filters)
        if as_json:
            print_json(results.model_dump(mode="json"))
            return
        for c in results.results:
            out.print(f"[bold]\\[{c.n}][/bold] {escape(c.quote)}", highlight=False)
        out.print()
        _print_sources(results.results)


def _store() -> Any:
    """The index of a command that reads or deletes articles (it must exist; it may be empty)."""
    return _services(need_articles=False).store


@app.command()
def articles(as_json: JsonOpt = False) -> None:
    """List the indexed articles."""
    with edge():
        records = sorted(_store().records().values(), key=lambda r: r.article_id)
        if as_json:
            print_json([r.model_dump(mode="json") for r in records])
            return
        table = Table(box=None)
        for col in ("article", "outlet", "date", "title", "sentences", "chunks"):
            table.add_column(col, overflow="fold")
        for r in records:
            table.add_row(
                r.article_id,
                r.source or "",
                str(r.published or ""),
                escape(r.title or ""),
                str(r.n_sentences),
                str(r.n_chunks),
            )
        out.print(table)
        out.print(f"{len(records)} article(s)")


@app.command()
def show(article_id: str, as_json: JsonOpt = False) -> None:
    """Metadata and the original text that every start/end offset refers to."""
    with edge():
        art = _store().get_article(article_id)
        if as_json:
            print_json(art.model_dump(mode="json"))
            return
        for key in ("article_id", "title", "source", "author", "published", "url", "origin", "chars"):
            out.print(f"[bold]{key}:[/bold] {escape(str(getattr(art, key) or ''))}")
        out.print()
        sys.stdout.write(art.text + ("\n" if not art.text.endswith("\n") else ""))


@app.command()
def delete(article_id: str) -> None:
    """Remove an article and everything indexed from it."""
    with edge():
        if not _store().delete_article(article_id):
            raise NotFoundError(f"no article with id {article_id!r}")
        out.print(f"deleted {article_id}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (each loads the model once).")] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    with edge():
        settings = Settings()
        # A damaged data directory stops the start here, with one line naming the file, rather than as
        # a traceback from inside the server (the app's start-up checks the same).
        from bot.conversations.store import database_path

        check_store(settings.store)
        check_sqlite(
            database_path(settings.conversations, settings.store.data_dir),
            "the conversations database",
            "restore it from a backup, or move it aside to start with no conversations",
        )
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.auth.api_keys:
        what = "the answer routes are open" if settings.auth.admin_keys else "no API keys are set"
        err.print(
            f"[yellow]warning:[/yellow] serving on {host} and {what}: anyone who can reach it can use "
            "it (set CLAIMBOT_API_KEYS)"
        )
    # The app writes one JSON line per request itself; uvicorn's access log would repeat it.
    if workers > 1:
        uvicorn.run(
            "bot.api.app:create_app", factory=True, host=host, port=port, workers=workers, access_log=False
        )
    else:
        from bot.api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, access_log=False)


@app.command()
def config(
    markdown: Annotated[bool, typer.Option(help="Print every setting as one Markdown table.")] = False,
) -> None:
    """Show the settings (environment variables CLAIMBOT_*) and their current values."""
    from bot.settings_doc import settings_rows, settings_table_markdown

    if markdown:
        sys.stdout.write(settings_table_markdown())
        return
    with edge():
        settings = Settings()
        for env, _group, _type, _default, _desc, current in settings_rows(settings):
            out.print(f"{env}={escape(current)}")


app.add_typer(eval_app, name="eval")

feedback_app = typer.Typer(
    help="Feedback people gave on answers (the Slack app's buttons).", no_args_is_help=True
)


@feedback_app.command("export")
def feedback_export(as_json: JsonOpt = False) -> None:
    """Every vote with the question, the answer and its citations, oldest first."""
    from bot.feedback import FeedbackStore, database_path

    with edge():
        settings = Settings()
        path = database_path(settings.feedback, settings.store.data_dir)
        records = (
            FeedbackStore.open(settings.feedback, settings.store.data_dir).export() if path.exists() else []
        )
        if as_json:
            print_json([r.model_dump(mode="json") for r in records])
            return
        table = Table(box=None)
        for col in ("voted", "vote", "kind", "origin", "question", "citations"):
            table.add_column(col, overflow="fold")
        for r in records:
            quoted = r.citations or r.evidence
            table.add_row(
                r.voted_at.isoformat(timespec="seconds"),
                r.vote,
                r.kind if r.verdict is None else f"check: {r.verdict}",
                r.origin,
                escape(r.question),
                str(len(quoted)),
            )
        out.print(table)
        out.print(f"{len(records)} vote(s)")


app.add_typer(feedback_app, name="feedback")


def main(argv: list[str] | None = None) -> Callable[..., Any] | None:
    """Console-script entry point."""
    return app(args=argv)


if __name__ == "__main__":
    main()
