"""The terminal side of the command line, shared by `claimbot` (`bot/cli.py`) and `claimbot eval`
(`bot/eval/commands.py`): the two consoles, the translation of errors into one line and an exit code, and
the progress bar of long commands.

Exit codes: 0 success; 1 some inputs failed (the rest was ingested); 2 bad input or usage;
3 not found; 4 index built with another embedding model; 5 an upstream service failed (a Chroma
server, a SQLite file, the LLM); 6 a damaged or wrong data directory (the line names the file and what
to do; nothing was changed); 7 no index where one was expected, or one with no articles.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from vectorstore.errors import (
    BadInputError,
    ClaimbotError,
    DataDirError,
    EmptyIndexError,
    IndexMismatchError,
    NotFoundError,
    UpstreamError,
)

if TYPE_CHECKING:
    # Types only: importing the services loads the embedding model's libraries (about a second and a
    # half), which `claimbot --help` and the commands that never touch the index should not pay for.
    from bot.services import Services
    from vectorstore.models import IngestReport

out = Console(soft_wrap=True)
# Soft wrap: an error is one line however narrow the terminal, so it can be grepped from a log.
err = Console(stderr=True, soft_wrap=True)

EXIT_CODES: dict[type[ClaimbotError], int] = {
    BadInputError: 2,
    NotFoundError: 3,
    IndexMismatchError: 4,
    UpstreamError: 5,
    DataDirError: 6,
    EmptyIndexError: 7,
}


@contextmanager
def edge() -> Iterator[None]:
    """Turn claimbot errors into one clear line and an exit code; never a traceback for user errors."""
    try:
        yield
    except ClaimbotError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        code = next((c for t, c in EXIT_CODES.items() if isinstance(exc, t)), 1)
        raise typer.Exit(code) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        err.print(f"[red]error:[/red] {where}: {escape(first['msg'])}")
        raise typer.Exit(2) from None


def print_json(data: Any) -> None:
    """`data` as indented JSON on stdout (dates and paths as strings), for `--json`."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def progress_bar(*, quiet: bool = False) -> Progress:
    """The progress bar of long commands, on stderr: what is done of the total, and the time left."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=quiet,
    )


def ingest_with_progress(
    services: Services, paths: Sequence[Path], *, prune: bool = False, quiet: bool = False
) -> IngestReport:
    """`Ingestor.ingest` with a progress bar on stderr (texts embedded of the planned total)."""
    # Here rather than at the top: vectorstore.ingest loads Chroma and the splitters (see above).
    from vectorstore.ingest import IngestProgress

    with progress_bar(quiet=quiet) as bar:
        task = bar.add_task("reading", total=None)

        def plan(n_articles: int, n_texts: int) -> None:
            bar.update(task, description=f"embedding {n_articles} article(s)", total=n_texts, completed=0)

        return services.ingestor.ingest(
            paths,
            prune=prune,
            progress=IngestProgress(on_plan=plan, on_embedded=lambda n: bar.advance(task, n)),
        )
