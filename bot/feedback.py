"""Feedback on answers: what was asked, what was answered with which quotes, and the votes people gave it.

Each answer or verdict the Slack app posts is recorded first (`record_answer`), and its feedback buttons
carry the record's id, so a vote (`vote`) finds the whole answer again however long the message is and
whether or not it was ephemeral. `export()` joins votes with their answers for evaluation
(`claimbot feedback export --json`).

**Storage.** One SQLite file (default `<data dir>/feedback.sqlite3`) in WAL mode, a connection per
operation and `BEGIN IMMEDIATE` for writes, like the conversation store, so the workers of one machine
share it. One vote per person and answer: voting again replaces the vote. Answers nobody voted on are
deleted after `feedback_retention_days`; voted ones are kept, they are the evaluation data.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from bot.config.feedback import FeedbackSettings
from bot.migrations import Migration
from bot.models import Citation, Evidence, Verdict
from bot.sqlite_file import SqliteFile
from vectorstore.errors import BadInputError, NotFoundError

Vote = Literal["helpful", "not_helpful"]
AnswerKind = Literal["answer", "check"]


class FeedbackRecord(BaseModel):
    """One person's vote on one answer or verdict, with everything that was answered."""

    answer_id: str
    kind: AnswerKind = Field(description="`answer` (a question) or `check` (a claim).")
    origin: str = Field(description="Where it was asked, e.g. `slack:mention`, `slack:shortcut`.")
    question: str = Field(description="The question, or the claim checked.")
    answer: str = Field(description="The answer text, or the verdict's explanation.")
    insufficient_evidence: bool | None = Field(default=None, description="For answers.")
    verdict: Verdict | None = Field(default=None, description="For checks.")
    citations: list[Citation] = Field(default_factory=list, description="An answer's quotes.")
    evidence: list[Evidence] = Field(default_factory=list, description="A verdict's quotes, with stance.")
    conversation_id: str | None = None
    answered_at: datetime
    vote: Vote
    user: str = Field(description="Who voted (e.g. `slack:T0123:U0456`).")
    voted_at: datetime


_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    origin TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    insufficient_evidence INTEGER,
    verdict TEXT,
    citations TEXT NOT NULL,
    evidence TEXT NOT NULL,
    conversation_id TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_time ON answers(created_at);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    user TEXT NOT NULL,
    vote TEXT NOT NULL,
    voted_at REAL NOT NULL,
    PRIMARY KEY (answer_id, user)
);
"""

# The schema's migrations, oldest first (bot/migrations.py): to change the schema, append one; never
# edit one that has shipped. Migration 1 is the schema from before versioning (IF NOT EXISTS adopts
# a file made then).
MIGRATIONS = (Migration("answers and the votes on them", _SCHEMA),)


def database_path(settings: FeedbackSettings, data_dir: Path) -> Path:
    """The SQLite file `settings` name (a path or a sqlite:/// URL), or the default under `data_dir`."""
    value = settings.feedback_db
    if not value:
        return Path(data_dir) / "feedback.sqlite3"
    if "://" in value:
        if not value.startswith("sqlite:///"):
            raise BadInputError(f"CLAIMBOT_FEEDBACK_DB must be a file path or sqlite:///PATH, got {value!r}")
        value = value.removeprefix("sqlite:///")
    return Path(value)


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def _dump(items: Sequence[BaseModel]) -> str:
    return json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False)


class FeedbackStore(SqliteFile):
    """Answers posted and the votes on them, in one SQLite file, safe across threads and processes."""

    migrations = MIGRATIONS

    def __init__(self, path: Path, *, retention_days: float = 30.0) -> None:
        self.retention_s = retention_days * 86_400
        super().__init__(path)
        self.purge()

    @classmethod
    def open(cls, settings: FeedbackSettings, data_dir: Path) -> FeedbackStore:
        """The store `settings` describe (see `database_path`)."""
        return cls(database_path(settings, data_dir), retention_days=settings.feedback_retention_days)

    def purge(self, now: float | None = None) -> int:
        """Forget answers past the retention that nobody voted on; returns how many."""
        if self.retention_s <= 0:
            return 0
        oldest = (now or time.time()) - self.retention_s
        with self._write() as db:
            cur = db.execute(
                "DELETE FROM answers WHERE created_at < ? AND id NOT IN (SELECT answer_id FROM votes)",
                (oldest,),
            )
            return cur.rowcount

    def record_answer(
        self,
        *,
        kind: AnswerKind,
        origin: str,
        question: str,
        answer: str,
        insufficient_evidence: bool | None = None,
        verdict: Verdict | None = None,
        citations: Sequence[Citation] = (),
        evidence: Sequence[Evidence] = (),
        conversation_id: str | None = None,
    ) -> str:
        """Remember an answer about to be posted; returns the id its feedback buttons carry."""
        answer_id = uuid.uuid4().hex
        with self._write() as db:
            db.execute(
                "INSERT INTO answers (id, kind, origin, question, answer, insufficient_evidence, verdict, "
                "citations, evidence, conversation_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    kind,
                    origin,
                    question,
                    answer,
                    None if insufficient_evidence is None else int(insufficient_evidence),
                    verdict,
                    _dump(citations),
                    _dump(evidence),
                    conversation_id,
                    time.time(),
                ),
            )
        return answer_id

    def vote(self, answer_id: str, user: str, vote: Vote) -> None:
        """Record `user`'s vote on an answer, replacing an earlier one (NotFoundError: no such answer)."""
        if vote not in ("helpful", "not_helpful"):
            raise BadInputError(f"a vote is helpful or not_helpful, got {vote!r}")
        with self._write() as db:
            if db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                raise NotFoundError(f"no answer with id {answer_id!r}")
            db.execute(
                "INSERT INTO votes (answer_id, user, vote, voted_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(answer_id, user) DO UPDATE SET vote = excluded.vote, "
                "voted_at = excluded.voted_at",
                (answer_id, user, vote, time.time()),
            )

    def export(self) -> list[FeedbackRecord]:
        """Every vote with its answer, oldest vote first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT a.id, a.kind, a.origin, a.question, a.answer, a.insufficient_evidence, a.verdict, "
                "a.citations, a.evidence, a.conversation_id, a.created_at, v.vote, v.user, v.voted_at "
                "FROM votes v JOIN answers a ON a.id = v.answer_id ORDER BY v.voted_at, a.id, v.user"
            ).fetchall()
        return [
            FeedbackRecord(
                answer_id=answer_id,
                kind=kind,
                origin=origin,
                question=question,
                answer=answer,
                insufficient_evidence=None if insufficient is None else bool(insufficient),
                verdict=verdict,
                citations=[Citation.model_validate(c) for c in json.loads(citations)],
                evidence=[Evidence.model_validate(e) for e in json.loads(evidence)],
                conversation_id=conversation_id,
                answered_at=_when(created),
                vote=vote,
                user=user,
                voted_at=_when(voted),
            )
            for (
                answer_id,
                kind,
                origin,
                question,
                answer,
                insufficient,
                verdict,
                citations,
                evidence,
                conversation_id,
                created,
                vote,
                user,
                voted,
            ) in rows
        ]
