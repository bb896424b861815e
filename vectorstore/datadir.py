"""Checks of the data directory before anything is opened in it: one clear line instead of a traceback.

A data directory can be wrong in ways no retry fixes: `CLAIMBOT_DATA_DIR` names a file, the embedded
index's `chroma.sqlite3` or a SQLite file beside it is damaged. Each check raises `DataDirError` naming
the file and what to do (CLI exit code 6; the server refuses to start). Nothing is created, overwritten
or deleted to "repair" anything: moving a damaged file aside is the operator's decision.

`index_location` answers "which index will this open, and is it there?" without creating it, so a
command that only reads (`claimbot ask`) run in the wrong folder says so instead of creating `./data`
there and answering that the articles do not cover the question.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from vectorstore.config import StoreSettings
from vectorstore.errors import DataDirError, EmptyIndexError

CHROMA_FOLDER = "chroma"
CHROMA_FILE = "chroma.sqlite3"
_SQLITE_HEADER = b"SQLite format 3\x00"


def check_folder(path: Path, what: str) -> None:
    """`path` is a directory or does not exist yet; a file (or anything else) there is a `DataDirError`."""
    if path.exists() and not path.is_dir():
        raise DataDirError(
            f"{what} {path.resolve()} is a file, not a directory: point it at a directory "
            "(nothing was changed)"
        )


def check_sqlite(path: Path, what: str, remedy: str) -> None:
    """A SQLite file that exists must be one and pass SQLite's own `quick_check`.

    Read-only, so checking never changes the file (and works while another process writes it)."""
    if not path.exists():
        return
    if not path.is_file():
        raise DataDirError(f"{what} {path.resolve()} is not a file: {remedy} (nothing was changed)")
    try:
        with path.open("rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
        problem = None
        if header and header != _SQLITE_HEADER:
            problem = "file is not a database"
        else:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30.0)
            try:
                rows = db.execute("PRAGMA quick_check").fetchall()
            finally:
                db.close()
            if rows != [("ok",)]:
                problem = "; ".join(str(r[0]) for r in rows[:3])
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return  # another process holds it: it is a database, and whoever writes it will tell
        problem = str(exc)
    except (sqlite3.DatabaseError, OSError) as exc:
        problem = str(exc)
    if problem:
        raise DataDirError(f"{what} {path.resolve()} is damaged ({problem}): {remedy} (nothing was changed)")


def check_store(settings: StoreSettings) -> None:
    """The data directory and, for the embedded index, its Chroma folder and database file."""
    data_dir = Path(settings.data_dir)
    check_folder(data_dir, "the data directory (CLAIMBOT_DATA_DIR)")
    if settings.chroma_url:
        return
    folder = data_dir / CHROMA_FOLDER
    check_folder(folder, "the index folder")
    check_sqlite(
        folder / CHROMA_FILE,
        "the index database",
        f"restore {folder.resolve()} from a backup, or move it aside and re-index with "
        "`claimbot ingest PATH`",
    )


def index_location(settings: StoreSettings) -> str:
    """Where the configured index lives, for people: the Chroma server's URL or the embedded folder."""
    if settings.chroma_url:
        return f"the Chroma server at {settings.chroma_url}"
    return str((Path(settings.data_dir) / CHROMA_FOLDER).resolve())


def require_index(settings: StoreSettings) -> None:
    """For commands that only read: the embedded index must exist (`EmptyIndexError` if not), checked
    without creating anything. A Chroma server is asked when the store opens."""
    check_store(settings)
    if settings.chroma_url:
        return
    if not (Path(settings.data_dir) / CHROMA_FOLDER / CHROMA_FILE).is_file():
        raise EmptyIndexError(
            f"there is no index at {index_location(settings)}: run `claimbot ingest PATH` first, or set "
            "CLAIMBOT_DATA_DIR to the folder that holds one"
        )
