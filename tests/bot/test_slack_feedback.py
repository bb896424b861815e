"""The feedback store (SQLite under the data directory) and `claimbot feedback export`."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config.feedback import FeedbackSettings
from bot.feedback import FeedbackStore, database_path
from bot.models import Citation, Evidence
from vectorstore.errors import BadInputError, NotFoundError

runner = CliRunner()
QUOTE = Citation(
    n=1,
    article_id="003_d0311550289dc6a3",
    quote="Moskow dan Pyongyang telah membantah niat tersebut.",
    start=3482,
    end=3533,
    score=0.8,
    source="Kontan",
    published=date(2023, 9, 13),
)


def store_in(data_dir: Path) -> FeedbackStore:
    return FeedbackStore.open(FeedbackSettings(), data_dir)


def test_votes_are_kept_with_the_whole_answer(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    assert store.path == tmp_path / "feedback.sqlite3"
    answer = store.record_answer(
        kind="answer",
        origin="slack:mention",
        question="who denied arms transfers?",
        answer=f"The articles say:\n“{QUOTE.quote}” [1]",
        insufficient_evidence=False,
        citations=[QUOTE],
        conversation_id="slack-abc",
    )
    check = store.record_answer(
        kind="check",
        origin="slack:shortcut",
        question="North Korea denied it",
        answer="Kontan [1] reports the denial.",
        verdict="supported",
        evidence=[Evidence(**QUOTE.model_dump(), stance="supports")],
    )
    store.vote(answer, "slack:T:U1", "not_helpful")
    store.vote(check, "slack:T:U1", "helpful")
    store.vote(answer, "slack:T:U2", "helpful")
    store.vote(answer, "slack:T:U1", "helpful")  # changed their mind: replaces, does not add
    records = store_in(tmp_path).export()  # reopened: it is on disk
    assert [(r.answer_id, r.user, r.vote) for r in records] == [
        (check, "slack:T:U1", "helpful"),
        (answer, "slack:T:U2", "helpful"),
        (answer, "slack:T:U1", "helpful"),
    ]
    first = records[1]
    assert first.question == "who denied arms transfers?" and first.citations == [QUOTE]
    assert (
        first.kind == "answer"
        and first.insufficient_evidence is False
        and first.conversation_id == "slack-abc"
    )
    verdict = records[0]
    assert (
        verdict.verdict == "supported"
        and verdict.evidence[0].stance == "supports"
        and verdict.citations == []
    )


def test_bad_votes_are_refused(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    with pytest.raises(NotFoundError):
        store.vote("nope", "slack:T:U", "helpful")
    answer = store.record_answer(kind="answer", origin="slack:dm", question="q", answer="a")
    with pytest.raises(BadInputError):
        store.vote(answer, "slack:T:U", "meh")  # type: ignore[arg-type]
    assert store.export() == []


def test_unvoted_answers_are_forgotten_voted_ones_kept(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3", retention_days=1)
    kept = store.record_answer(kind="answer", origin="slack:dm", question="q1", answer="a1")
    store.record_answer(kind="answer", origin="slack:dm", question="q2", answer="a2")
    store.vote(kept, "slack:T:U", "helpful")
    assert store.purge(now=time.time() + 2 * 86_400) == 1
    assert [r.answer_id for r in store.export()] == [kept]
    with pytest.raises(BadInputError):
        database_path(FeedbackSettings(feedback_db="postgres://x/y"), tmp_path)
    assert database_path(FeedbackSettings(feedback_db="sqlite:///rel/f.db"), tmp_path) == Path("rel/f.db")


def test_claimbot_feedback_export(tmp_path: Path) -> None:
    env = {"CLAIMBOT_DATA_DIR": str(tmp_path / "data")}
    empty = runner.invoke(app, ["feedback", "export", "--json"], env=env)
    assert empty.exit_code == 0 and json.loads(empty.stdout) == []
    assert not (tmp_path / "data" / "feedback.sqlite3").exists()  # exporting creates nothing

    store = store_in(tmp_path / "data")
    answer = store.record_answer(
        kind="answer", origin="slack:command", question="siapa membantah?", answer="a", citations=[QUOTE]
    )
    store.vote(answer, "slack:T:U1", "not_helpful")
    result = runner.invoke(app, ["feedback", "export", "--json"], env=env)
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.stdout)
    assert record["question"] == "siapa membantah?" and record["vote"] == "not_helpful"
    assert record["citations"][0]["quote"] == QUOTE.quote and record["citations"][0]["start"] == 3482
    assert set(record) >= {
        "answer_id",
        "kind",
        "origin",
        "answer",
        "citations",
        "user",
        "voted_at",
        "answered_at",
    }

    table = runner.invoke(app, ["feedback", "export"], env=env)
    assert table.exit_code == 0 and "not_helpful" in table.stdout and "1 vote(s)" in table.stdout
    bad = runner.invoke(app, ["feedback", "export"], env={**env, "CLAIMBOT_FEEDBACK_DB": "mysql://x"})
    assert bad.exit_code == 2 and "CLAIMBOT_FEEDBACK_DB" in bad.output
