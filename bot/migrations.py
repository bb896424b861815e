"""Schema migrations of claimbot's SQLite files (conversations, feedback, the Slack event ledger).

Each store lists its migrations in order (`SqliteFile.migrations`); migration N brings a file from
schema version N-1 to N. Migration 1 is the schema the store had before versioning, written with
`IF NOT EXISTS`, so a file made by an older claimbot (version 0, tables already there) is adopted as it
is. The version is SQLite's own `PRAGMA user_version`, written in the same transaction as the changes,
and each migration applied is logged in `schema_migrations` (version, name, when), for people.

Opening a store migrates its file: the version is read first (an up-to-date file takes no lock), then,
under `BEGIN IMMEDIATE`, read again (another process may have just migrated it) and every missing
migration is applied in one transaction, all or nothing. Foreign keys are off while the schema changes,
as SQLite's procedure for rebuilding a table requires, and checked before the commit.

A file whose version is above what this claimbot knows was written by a newer claimbot: it is refused
(`SchemaTooNewError`, naming the file and both versions) and left untouched, never downgraded.

To change a schema, append a migration to the store's list; never edit one that has shipped. See
docs/architecture.md ("SQLite files and their migrations").
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from vectorstore.errors import DataDirError

_LOG = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at REAL NOT NULL
)"""


class SchemaTooNewError(DataDirError):
    """A SQLite file was written by a newer claimbot (its schema version is above the last migration
    this one knows). Nothing is changed: upgrade claimbot, or point the setting at another file."""


@dataclass(frozen=True)
class Migration:
    """One step of a store's schema: `step` is SQL (one or more statements) or a function given the
    connection, run inside the migration transaction (it must not commit)."""

    name: str
    step: str | Callable[[sqlite3.Connection], None]

    def run(self, db: sqlite3.Connection) -> None:
        """Apply this step on `db` (inside the caller's transaction)."""
        if callable(self.step):
            self.step(db)
            return
        for statement in statements(self.step):
            db.execute(statement)


def statements(script: str) -> Iterator[str]:
    """The SQL statements of `script`, one at a time (`executescript` would commit the transaction); the
    last may lack its semicolon. SQLite itself reports a statement it cannot parse."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def schema_version(db: sqlite3.Connection) -> int:
    """The file's schema version (0: never migrated)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration], name: str) -> int:
    """Bring the file open on `db` (in autocommit mode) up to `len(migrations)`; returns how many
    migrations were applied. `name` names the file in errors."""
    target = len(migrations)
    if schema_version(db) == target:
        return 0
    _refuse_newer(db, target, name)
    db.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction, so before it
    db.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(db)
        _refuse_newer(db, target, name)
        db.execute(_LOG)
        for version in range(current + 1, target + 1):
            migration = migrations[version - 1]
            migration.run(db)
            db.execute(
                "INSERT OR REPLACE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, migration.name, time.time()),
            )
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"migrating {name} to version {target} broke foreign keys: {broken[:3]}")
        # user_version takes no parameter; `target` is an int.
        db.execute(f"PRAGMA user_version = {int(target)}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    db.execute("PRAGMA foreign_keys=ON")
    return target - current


def _refuse_newer(db: sqlite3.Connection, known: int, name: str) -> None:
    version = schema_version(db)
    if version <= known:
        return
    names = []
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").fetchone():
        rows = db.execute("SELECT name FROM schema_migrations WHERE version > ? ORDER BY version", (known,))
        names = [r[0] for r in rows]
    newer = f" ({'; '.join(names)})" if names else ""
    raise SchemaTooNewError(
        f"the SQLite database {name} has schema version {version}{newer}, written by a newer claimbot; "
        f"this one knows up to version {known}. Upgrade claimbot, or point it at another file "
        "(nothing was changed)"
    )
