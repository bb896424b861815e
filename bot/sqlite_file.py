"""One SQLite file shared by the threads and worker processes of a machine: the base of the
conversation store, the feedback store and the Slack event ledger.

A new connection for every operation (connections are not shared between threads), WAL mode so readers
run while one writer writes, and `BEGIN IMMEDIATE` for writes so two processes never both think they
hold the write lock. Opening the file applies the store's schema migrations it lacks (`bot/migrations.py`).

Faults are said as such: a damaged file (or a file where its folder belongs) is a `DataDirError`
naming it when the store opens, before anything is written (the file is never replaced or deleted);
a failure while running (locked past the timeout, disk full or gone) is an `UpstreamError` naming the
file, which the API answers 503 with `Retry-After`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from bot.migrations import Migration, migrate
from vectorstore.datadir import check_folder, check_sqlite
from vectorstore.errors import UpstreamError

_REMEDY = "restore it from a backup, or move it aside to start a new one (what it held is then lost)"


class SqliteFile:
    """A SQLite file brought up to the schema of `migrations` (see `bot/migrations.py`), opened per
    operation."""

    # Every store lists its schema's migrations, oldest first; migration 1 is the original schema.
    migrations: ClassVar[Sequence[Migration]] = ()

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        check_folder(self.path.parent, "the folder of the SQLite database")
        check_sqlite(self.path, "the SQLite database", _REMEDY)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            # The journal mode is stored in the file: set once, it holds for every later connection.
            db.execute("PRAGMA journal_mode=WAL")
            migrate(db, self.migrations, self.path.name)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._failed(exc) from exc
        try:
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA busy_timeout=30000")
            yield db
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
                raise  # a bug in a statement, not the file failing
            raise self._failed(exc) from exc
        finally:
            db.close()

    def _failed(self, exc: sqlite3.Error) -> UpstreamError:
        # The file's name only: the message may reach API clients, the folder is the server's affair.
        return UpstreamError(f"the SQLite database {self.path.name} failed ({exc}); try again later")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
