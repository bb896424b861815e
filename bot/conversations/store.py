"""The conversation store: conversations and their turns in one SQLite file.

**Storage.** One SQLite file (default `<data dir>/conversations.sqlite3`) in WAL mode, a new connection
for every operation and `BEGIN IMMEDIATE` for writes, so several threads and worker processes on one
machine share it safely and it survives restarts. Conversations untouched for longer than the retention
are deleted (checked when the store opens and at most every ten minutes after) and are never returned.

**Bound.** A conversation keeps its last `max_turns` turns (CLAIMBOT_CONVERSATION_MAX_TURNS): adding
one more drops the oldest, in the same transaction. Turn numbers are never reused, so a conversation
read back after trimming starts at a number above 1 and says how many turns it dropped.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from bot.config.conversations import ConversationSettings
from bot.migrations import Migration
from bot.models import Answer, CheckResult, Citation
from bot.sqlite_file import SqliteFile
from vectorstore.errors import BadInputError, NotFoundError

CONVERSATION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_PURGE_EVERY_S = 600.0


class Turn(BaseModel):
    """One exchange: what was asked, what was retrieved for, and the answer with its citations."""

    n: int = Field(ge=1, description="Position in the conversation, from 1.")
    message: str
    search_query: str = Field(description="What was retrieved for (the message, or it with context).")
    check: CheckResult | None = Field(
        default=None,
        description='Set when the message asked for a claim to be checked ("is it true that ...?", '
        '"cek: ..."): the verdict, whose evidence is also in `citations`.',
    )
    answer: str
    insufficient_evidence: bool
    citations: list[Citation]
    created_at: datetime


class Conversation(BaseModel):
    """A conversation and its turns, oldest first."""

    conversation_id: str
    created_at: datetime
    updated_at: datetime
    dropped_turns: int = Field(
        default=0,
        ge=0,
        description="Earlier turns no longer kept (a conversation keeps its last "
        "CLAIMBOT_CONVERSATION_MAX_TURNS turns).",
    )
    turns: list[Turn]


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def database_path(settings: ConversationSettings, data_dir: Path) -> Path:
    """The SQLite file `settings` name (a path or a sqlite:/// URL), or the default under `data_dir`."""
    value = settings.conversations_db
    if not value:
        return Path(data_dir) / "conversations.sqlite3"
    if "://" in value:
        if not value.startswith("sqlite:///"):
            raise BadInputError(
                f"CLAIMBOT_CONVERSATIONS_DB must be a file path or sqlite:///PATH, got {value!r}"
            )
        value = value.removeprefix("sqlite:///")
        # sqlite:////abs/path is absolute, sqlite:///rel/path is relative (the SQLAlchemy convention).
    return Path(value)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_update ON conversations(updated_at);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    message TEXT NOT NULL,
    search_query TEXT NOT NULL,
    answer TEXT NOT NULL,
    insufficient_evidence INTEGER NOT NULL,
    citations TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (conversation_id, n)
);
"""

# The schema's migrations, oldest first (bot/migrations.py): to change the schema, append one; never
# edit one that has shipped. Migration 1 is the schema from before versioning (IF NOT EXISTS adopts
# a file made then).
MIGRATIONS = (Migration("conversations and their turns", _SCHEMA),)


class ConversationStore(SqliteFile):
    """Conversations in one SQLite file, safe across threads and processes.

    `owner` scopes a conversation to whoever started it (an API key's fingerprint, or "" when the API is
    open): another owner gets "not found", as for a conversation that does not exist.
    """

    migrations = MIGRATIONS

    def __init__(self, path: Path, *, retention_days: float = 30.0, max_turns: int = 100) -> None:
        self.retention_s = retention_days * 86_400
        self.max_turns = max_turns
        self._purge_lock = threading.Lock()
        self._last_purge = 0.0
        super().__init__(path)
        self.purge()

    @classmethod
    def open(cls, settings: ConversationSettings, data_dir: Path) -> ConversationStore:
        """The store `settings` describe (see `database_path`)."""
        return cls(
            database_path(settings, data_dir),
            retention_days=settings.conversation_retention_days,
            max_turns=settings.conversation_max_turns,
        )

    def _oldest_kept(self, now: float | None = None) -> float:
        return (now or time.time()) - self.retention_s if self.retention_s > 0 else float("-inf")

    def purge(self, now: float | None = None) -> int:
        """Delete conversations past the retention; returns how many."""
        if self.retention_s <= 0:
            return 0
        now = now or time.time()
        with self._purge_lock:
            self._last_purge = now
        with self._write() as db:
            cur = db.execute("DELETE FROM conversations WHERE updated_at < ?", (self._oldest_kept(now),))
            return cur.rowcount

    def _maybe_purge(self) -> None:
        if time.time() - self._last_purge >= _PURGE_EVERY_S:
            self.purge()

    def start(self, owner: str = "", *, conversation_id: str | None = None) -> str:
        """A new, empty conversation; returns its id.

        With `conversation_id` (an id the caller derives, e.g. from a Slack thread) the conversation of
        that id is created if it does not exist or has expired, and otherwise kept as it is, so calling
        this again continues it. An id that belongs to another owner is NotFoundError, as everywhere else.
        """
        self._maybe_purge()
        if conversation_id is None:
            conversation_id = uuid.uuid4().hex
        elif not re.fullmatch(CONVERSATION_ID_PATTERN, conversation_id):
            raise BadInputError(f"not a conversation id: {conversation_id!r}")
        now = time.time()
        with self._write() as db:
            # An expired conversation not purged yet must not be continued: start it afresh.
            db.execute(
                "DELETE FROM conversations WHERE id = ? AND updated_at < ?",
                (conversation_id, self._oldest_kept(now)),
            )
            db.execute(
                "INSERT OR IGNORE INTO conversations (id, owner, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (conversation_id, owner, now, now),
            )
            (stored_owner,) = db.execute(
                "SELECT owner FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        if stored_owner != owner:
            raise NotFoundError(f"no conversation with id {conversation_id!r}")
        return conversation_id

    def _check(self, db: sqlite3.Connection, conversation_id: str, owner: str) -> tuple[float, float]:
        row = db.execute(
            "SELECT created_at, updated_at FROM conversations WHERE id = ? AND owner = ? AND updated_at >= ?",
            (conversation_id, owner, self._oldest_kept()),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no conversation with id {conversation_id!r}")
        return float(row[0]), float(row[1])

    def history(self, conversation_id: str, owner: str = "", *, last: int = 10) -> list[str]:
        """The last `last` questions of a conversation, oldest first (NotFoundError if there is none)."""
        with self._connect() as db:
            self._check(db, conversation_id, owner)
            rows = db.execute(
                "SELECT message FROM turns WHERE conversation_id = ? ORDER BY n DESC LIMIT ?",
                (conversation_id, last),
            ).fetchall()
        return [r[0] for r in reversed(rows)]

    def add_turn(
        self, conversation_id: str, owner: str, *, message: str, search_query: str, answer: Answer
    ) -> Turn:
        """Append a turn; its number is taken inside the write transaction, so concurrent turns of one
        conversation never collide."""
        now = time.time()
        with self._write() as db:
            self._check(db, conversation_id, owner)
            (last,) = db.execute(
                "SELECT COALESCE(MAX(n), 0) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            turn = Turn(
                n=int(last) + 1,
                message=message,
                search_query=search_query,
                answer=answer.answer,
                insufficient_evidence=answer.insufficient_evidence,
                citations=answer.citations,
                created_at=_when(now),
            )
            citations = json.dumps([c.model_dump(mode="json") for c in turn.citations], ensure_ascii=False)
            db.execute(
                "INSERT INTO turns (conversation_id, n, message, search_query, answer, "
                "insufficient_evidence, citations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    turn.n,
                    message,
                    search_query,
                    turn.answer,
                    int(turn.insufficient_evidence),
                    citations,
                    now,
                ),
            )
            db.execute(
                "DELETE FROM turns WHERE conversation_id = ? AND n <= ?",
                (conversation_id, turn.n - self.max_turns),
            )
            db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
        return turn

    def get(self, conversation_id: str, owner: str = "") -> Conversation:
        """A conversation with the turns it keeps, oldest first (NotFoundError if there is none for this
        owner)."""
        with self._connect() as db:
            created, updated = self._check(db, conversation_id, owner)
            rows = db.execute(
                "SELECT n, message, search_query, answer, insufficient_evidence, citations, created_at "
                "FROM turns WHERE conversation_id = ? ORDER BY n DESC LIMIT ?",
                (conversation_id, self.max_turns),
            ).fetchall()[::-1]
        turns = [
            Turn(
                n=n,
                message=message,
                search_query=query,
                answer=answer,
                insufficient_evidence=bool(insufficient),
                citations=[Citation.model_validate(c) for c in json.loads(citations)],
                created_at=_when(at),
            )
            for n, message, query, answer, insufficient, citations, at in rows
        ]
        return Conversation(
            conversation_id=conversation_id,
            created_at=_when(created),
            updated_at=_when(updated),
            dropped_turns=turns[0].n - 1 if turns else 0,
            turns=turns,
        )

    def delete(self, conversation_id: str, owner: str = "") -> bool:
        """Delete a conversation and its turns; False if there was none for this owner."""
        with self._write() as db:
            cur = db.execute("DELETE FROM conversations WHERE id = ? AND owner = ?", (conversation_id, owner))
            return cur.rowcount > 0
