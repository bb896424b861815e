"""The ledger of Slack events already taken, so each message is answered once.

Slack delivers an event again when it did not see the acknowledgement in time (`X-Slack-Retry-Num`
counts the retries; the event id stays the same), and a direct message that mentions the app arrives
twice, as `message` and as `app_mention`, with different event ids. The key of a message event is
therefore the message itself (team, channel, ts), and the event id for anything else.

Several worker processes may receive the copies at the same moment, so the ledger is a SQLite table
(`slack.sqlite3` in the data directory, WAL mode), and taking an event is one `INSERT OR IGNORE` on
its unique key inside `BEGIN IMMEDIATE`: exactly one caller wins, in any process. A taken event is
`working` until `finish`. A copy that finds it `working` is acknowledged without work but Slack may
still retry it; one that finds it `done` is also told not to retry (`X-Slack-No-Retry`). If the worker
died before acknowledging, Slack's retry a minute later finds the lease lapsed and takes the event
over, so a crash loses nothing; an answer still running after the lease could be doubled, but answers
take about a second. The lease is CLAIMBOT_SLACK_EVENT_LEASE_S.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Literal

from bot.migrations import Migration
from bot.sqlite_file import SqliteFile

Claim = Literal["taken", "working", "done"]

_PURGE_EVERY_S = 600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_events (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    claimed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS slack_events_by_time ON slack_events(claimed_at);
"""

# The schema's migrations, oldest first (bot/migrations.py): to change the schema, append one; never
# edit one that has shipped. Migration 1 is the schema from before versioning (IF NOT EXISTS adopts
# a file made then).
MIGRATIONS = (Migration("Slack events taken", _SCHEMA),)


def event_key(body: dict[str, object]) -> str | None:
    """The identity of an Events API delivery: its message (team:channel:ts) or its event id.

    None for anything that is not an event callback (commands, shortcuts, button clicks: Slack does not
    retry those).
    """
    if body.get("type") != "event_callback":
        return None
    event = body.get("event")
    team = str(body.get("team_id") or "")
    if isinstance(event, dict) and event.get("type") in ("message", "app_mention"):
        channel, ts = event.get("channel"), event.get("ts")
        if channel and ts:
            return f"msg:{team}:{channel}:{ts}"
    event_id = body.get("event_id")
    return f"ev:{team}:{event_id}" if event_id else None


class EventLedger(SqliteFile):
    """Taken events in one SQLite file, safe across threads and processes."""

    migrations = MIGRATIONS

    def __init__(self, path: Path, *, retention_s: float = 86_400.0, lease_s: float = 50.0) -> None:
        self.retention_s = retention_s
        self.lease_s = lease_s
        self._purge_lock = threading.Lock()
        self._last_purge = 0.0
        super().__init__(path)
        self.purge()

    def claim(self, key: str, now: float | None = None) -> Claim:
        """Take the event `key`. `taken` for exactly one caller (or for a retry after a lapsed lease);
        otherwise `working` (another worker has it) or `done` (already answered)."""
        now = now or time.time()
        if now - self._last_purge >= _PURGE_EVERY_S:
            self.purge(now)
        with self._write() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO slack_events (key, state, claimed_at) VALUES (?, 'working', ?)",
                (key, now),
            )
            if cur.rowcount == 1:
                return "taken"
            cur = db.execute(
                "UPDATE slack_events SET claimed_at = ? "
                "WHERE key = ? AND state = 'working' AND claimed_at < ?",
                (now, key, now - self.lease_s),
            )
            if cur.rowcount == 1:
                return "taken"
            (state,) = db.execute("SELECT state FROM slack_events WHERE key = ?", (key,)).fetchone()
            return "done" if state == "done" else "working"

    def finish(self, key: str) -> None:
        """The event's work is done: its copies are dropped from now on, whatever the lease."""
        with self._write() as db:
            db.execute("UPDATE slack_events SET state = 'done' WHERE key = ?", (key,))

    def state(self, key: str) -> str | None:
        """`working`, `done`, or None for an event never taken (or forgotten)."""
        with self._connect() as db:
            row = db.execute("SELECT state FROM slack_events WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def purge(self, now: float | None = None) -> int:
        """Forget events older than the retention; returns how many."""
        now = now or time.time()
        with self._purge_lock:
            self._last_purge = now
        with self._write() as db:
            cur = db.execute("DELETE FROM slack_events WHERE claimed_at < ?", (now - self.retention_s,))
            return cur.rowcount
