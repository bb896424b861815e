"""Schema migrations of the SQLite stores: a file made by an older claimbot is adopted, a migration added
later is applied to it with its data kept, a failed migration changes nothing, and a file written by a
newer claimbot is refused untouched."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.conversations.store import ConversationStore
from bot.feedback import FeedbackStore
from bot.migrations import Migration, SchemaTooNewError, schema_version, statements
from bot.models import Answer, Citation
from bot.slack.ledger import EventLedger
from bot.sqlite_file import SqliteFile

# The conversation store's schema as claimbot wrote it before versioning (user_version 0).
UNVERSIONED = """
CREATE TABLE conversations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX conversations_by_update ON conversations(updated_at);
CREATE TABLE turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL, message TEXT NOT NULL, search_query TEXT NOT NULL, answer TEXT NOT NULL,
    insufficient_evidence INTEGER NOT NULL, citations TEXT NOT NULL, created_at REAL NOT NULL,
    PRIMARY KEY (conversation_id, n)
);
"""

RATING = Migration("turns.rating: a person's rating of a turn", "ALTER TABLE turns ADD COLUMN rating INTEGER")


class RatedStore(ConversationStore):
    """The conversation store as a later claimbot would have it: one more migration."""

    migrations = (*ConversationStore.migrations, RATING)


def _answer() -> Answer:
    citation = Citation(
        n=1, article_id="a", source="Outlet", title="T", published=None, start=0, end=1, quote="x", score=0.9
    )
    return Answer(question="q", answer="“x” [1]", insufficient_evidence=False, citations=[citation])


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return schema_version(db)
    finally:
        db.close()


def _with_a_turn(path: Path) -> str:
    store = ConversationStore(path)
    cid = store.start("owner")
    store.add_turn(cid, "owner", message="who denied it?", search_query="who denied it?", answer=_answer())
    return cid


def test_a_file_from_before_versioning_is_adopted_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(UNVERSIONED)
        db.execute("INSERT INTO conversations VALUES ('c1', '', 1e9, 4e9)")
        db.execute("INSERT INTO turns VALUES ('c1', 1, 'm', 'q', 'a', 0, '[]', 4e9)")
    assert _version(path) == 0

    store = ConversationStore(path, retention_days=0)
    assert _version(path) == 1
    assert [t.message for t in store.get("c1").turns] == ["m"]


def test_a_migration_added_later_keeps_the_data_and_adds_the_column(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    cid = _with_a_turn(path)
    assert _version(path) == 1 and "rating" not in _columns(path, "turns")

    store = RatedStore(path)
    assert _version(path) == 2
    assert "rating" in _columns(path, "turns")
    (turn,) = store.get(cid, "owner").turns
    assert turn.message == "who denied it?" and turn.citations[0].quote == "x"
    with sqlite3.connect(path) as db:
        log = db.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert log == [(1, "conversations and their turns"), (2, RATING.name)]
    RatedStore(path)  # opening again applies nothing
    assert _version(path) == 2


def test_a_file_written_by_a_newer_claimbot_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    cid = _with_a_turn(path)
    RatedStore(path)
    before = path.read_bytes()

    with pytest.raises(SchemaTooNewError, match=r"schema version 2 \(turns.rating.*knows up to version 1"):
        ConversationStore(path)
    assert path.read_bytes() == before
    assert _version(path) == 2 and RatedStore(path).get(cid, "owner").turns


def test_a_failed_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    _with_a_turn(path)

    def backfill(db: sqlite3.Connection) -> None:
        db.execute("UPDATE turns SET rating = 5")
        raise RuntimeError("a bug in migration 3")

    class Broken(ConversationStore):
        migrations = (*ConversationStore.migrations, RATING, Migration("backfill", backfill))

    with pytest.raises(RuntimeError, match="migration 3"):
        Broken(path)
    assert _version(path) == 1 and "rating" not in _columns(path, "turns")


def test_processes_opening_an_old_file_together_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "conversations.sqlite3"
    _with_a_turn(path)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            RatedStore(path)
        except BaseException as exc:  # an ALTER run twice would fail with "duplicate column"
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM schema_migrations WHERE version = 2").fetchone() == (1,)


@pytest.mark.parametrize("store", [ConversationStore, FeedbackStore, EventLedger])
def test_every_store_has_a_versioned_schema(store: type[SqliteFile], tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store(path)
    assert len(store.migrations) >= 1
    assert _version(path) == len(store.migrations)


def test_statements_split_a_script_one_statement_at_a_time() -> None:
    script = "CREATE TABLE a (x TEXT DEFAULT ';');\n\nCREATE INDEX i\n  ON a(x);\nDROP INDEX i"
    assert list(statements(script)) == [
        "CREATE TABLE a (x TEXT DEFAULT ';');",
        "CREATE INDEX i\n  ON a(x);",
        "DROP INDEX i",
    ]
