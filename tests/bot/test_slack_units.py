"""The Slack app's parts on their own: reading messages and commands, the event ledger (also across
processes), conversations keyed to threads, the settings, the friendly errors and the manifest."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.conversations.store import ConversationStore
from bot.models import AskRequest
from bot.settings import Settings
from bot.slack import app as slack_app
from bot.slack.handlers import NotReadyError, SlackBot, friendly
from bot.slack.incoming import answerable, app_user_id, parse_command, plain_text, thread_conversation_id
from bot.slack.ledger import EventLedger, event_key
from tests.bot import fake_slack as fs
from tests.conftest import ROOT
from vectorstore.errors import BadInputError, NotFoundError, UpstreamError


# ---------------------------------------------------------------------- reading what Slack sends
def test_plain_text_of_slack_markup() -> None:
    text = (
        "<@UAPPBOT> did <@U123|kim> say &lt;this&gt; in <#C1|desk>? "
        "see <https://x.org/a?b=1&amp;c|the report> &amp; <!here>"
    )
    assert plain_text(text, app_user="UAPPBOT") == "did @kim say <this> in #desk? see the report & @here"
    assert plain_text("<@UAPPBOT>", app_user="UAPPBOT") == ""
    assert plain_text("mail <mailto:a@b.org|a@b.org> &copy;") == "mail a@b.org &copy;"


def test_which_messages_are_answered() -> None:
    person = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "channel": "D1",
        "ts": "1.1",
        "text": "hi",
    }
    assert answerable(person, app_user="UAPP")
    assert answerable({**person, "subtype": "thread_broadcast"}, app_user="UAPP")
    assert answerable({**person, "type": "app_mention", "channel_type": None}, app_user="UAPP")
    for not_a_question in (
        {**person, "bot_id": "B1"},
        {**person, "subtype": "bot_message"},
        {**person, "subtype": "message_changed"},
        {**person, "subtype": "channel_join"},
        {**person, "user": "UAPP"},
        {**person, "user": None},
        {**person, "hidden": True},
        {**person, "channel_type": "channel"},
        {**person, "type": "reaction_added"},
    ):
        assert not answerable(not_a_question, app_user="UAPP"), not_a_question
    assert app_user_id(fs.mention("x", "C1")) == fs.APP_USER
    assert app_user_id({"authorizations": [{"user_id": "U9", "is_bot": False}]}) is None
    old_style = {"event": {"type": "app_mention", "text": "<@UAPP2> who? cc <@U5>"}}
    assert app_user_id(old_style) == "UAPP2"


@pytest.mark.parametrize(
    ("text", "action", "rest"),
    [
        ("ask who denied it?", "ask", "who denied it?"),
        ("CEK Kim bertemu Putin", "check", "Kim bertemu Putin"),
        ("check   spaced claim ", "check", "spaced claim"),
        ("who denied arms transfers?", "ask", "who denied arms transfers?"),
        ("", "help", ""),
        ("help", "help", ""),
        ("check", "help", ""),
    ],
)
def test_parse_command(text: str, action: str, rest: str) -> None:
    command = parse_command(text)
    assert (command.action, command.text) == (action, rest)


def test_a_thread_is_one_conversation(tmp_path: Path) -> None:
    one = thread_conversation_id("T1", "C1", "1.1")
    assert one == thread_conversation_id("T1", "C1", "1.1")
    assert (
        len({one, thread_conversation_id("T1", "C2", "1.1"), thread_conversation_id("T2", "C1", "1.1")}) == 3
    )
    store = ConversationStore(tmp_path / "c.sqlite3", retention_days=1)
    assert store.start("slack:T1", conversation_id=one) == one
    store.add_turn(one, "slack:T1", message="q", search_query="q", answer=_answer("q"))
    assert store.start("slack:T1", conversation_id=one) == one  # again: continued, not reset
    assert store.history(one, "slack:T1") == ["q"]
    with pytest.raises(NotFoundError):
        store.start("slack:T2", conversation_id=one)  # another owner's id
    with pytest.raises(BadInputError):
        store.start("slack:T1", conversation_id="not/an id")
    store.retention_s = 0.5  # expired, not yet purged: starting it again starts it afresh
    time.sleep(0.6)
    assert store.start("slack:T1", conversation_id=one) == one
    assert store.history(one, "slack:T1") == []


def _answer(question: str):  # type: ignore[no-untyped-def]
    from bot.models import Answer

    return Answer(question=question, answer="The articles do not say.", insufficient_evidence=True)


# ---------------------------------------------------------------------- the ledger
def test_event_keys() -> None:
    payload = fs.mention("x", "C1")
    event = payload["event"]
    assert event_key(payload) == f"msg:{fs.TEAM}:C1:{event['ts']}"
    # the same message as `message` (another event id) is the same key: one answer
    as_message = fs.event_callback({**event, "type": "message", "channel_type": "im"})
    assert as_message["event_id"] != payload["event_id"] and event_key(as_message) == event_key(payload)
    other = fs.event_callback({"type": "reaction_added", "user": "U1"}, event_id="Ev42")
    assert event_key(other) == f"ev:{fs.TEAM}:Ev42"
    assert event_key({"type": "block_actions"}) is None


def test_ledger_claims_once_and_lets_a_lapsed_claim_be_retaken(tmp_path: Path) -> None:
    ledger = EventLedger(tmp_path / "slack.sqlite3", lease_s=10)
    t0 = time.time()
    assert ledger.claim("k", now=t0) == "taken"
    assert ledger.claim("k", now=t0 + 1) == "working"
    assert ledger.claim("k", now=t0 + 11) == "taken"  # the first worker died: a retry takes over
    ledger.finish("k")
    assert ledger.claim("k", now=t0 + 100) == "done" and ledger.state("k") == "done"
    again = EventLedger(tmp_path / "slack.sqlite3")  # another process would open the same file
    assert again.claim("k") == "done"
    assert EventLedger(tmp_path / "slack.sqlite3", retention_s=1).purge(now=t0 + 100) == 1
    assert again.state("k") is None


# Each worker process: open the ledger, wait for the common start, claim every key, print those it won.
_CLAIMER = """
import json, sys, time
from pathlib import Path
from bot.slack.ledger import EventLedger
ledger = EventLedger(Path(sys.argv[1]))
keys = json.loads(sys.argv[3])
while time.time() < float(sys.argv[2]):
    time.sleep(0.001)
print(json.dumps([k for k in keys if ledger.claim(k) == "taken"]))
"""


@pytest.mark.slow
def test_ledger_gives_each_event_to_exactly_one_process(tmp_path: Path) -> None:
    path = tmp_path / "slack.sqlite3"
    EventLedger(path)
    keys = [f"msg:T:C:{i}" for i in range(40)]
    start = time.time() + 2  # the processes line up, so their claims race
    args = [str(path), str(start), json.dumps(keys)]
    procs = [
        subprocess.Popen([sys.executable, "-c", _CLAIMER, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    won = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sorted(k for w in won for k in w) == sorted(keys)  # every key taken, none twice


# ---------------------------------------------------------------------- settings, errors, manifest
def test_slack_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not Settings().slack.enabled
    monkeypatch.setenv("CLAIMBOT_SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(ValidationError, match="CLAIMBOT_SLACK_SIGNING_SECRET"):
        Settings()
    monkeypatch.setenv("CLAIMBOT_SLACK_SIGNING_SECRET", "s3cret")
    monkeypatch.setenv("CLAIMBOT_SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("CLAIMBOT_PUBLIC_BASE_URL", "https://claimbot.example.org/")
    slack = Settings().slack
    assert slack.enabled and slack.api_base == "http://127.0.0.1:9/api/"
    assert "s3cret" not in repr(slack) and "xoxb-1" not in repr(slack)
    assert slack.article_link("a b", 3, 9) == "https://claimbot.example.org/v1/articles/a%20b?start=3&end=9"
    monkeypatch.setenv("CLAIMBOT_SLACK_BOT_TOKEN", " ")
    monkeypatch.setenv("CLAIMBOT_SLACK_SIGNING_SECRET", "")
    assert not Settings().slack.enabled  # blank is unset
    monkeypatch.setenv("CLAIMBOT_PUBLIC_BASE_URL", "claimbot.example.org")
    with pytest.raises(ValidationError, match="http"):
        Settings()


def test_no_slack_route_without_credentials(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from bot.api.app import create_app
    from tests.conftest import make_settings

    with TestClient(create_app(make_settings(tmp_path / "data"))) as http:
        assert (
            http.post("/slack/events", json={"type": "url_verification", "challenge": "c"}).status_code == 404
        )


def test_friendly_errors_are_one_short_line(tmp_path: Path) -> None:
    try:
        AskRequest(question="x" * 2001)
    except ValidationError as exc:
        too_long = exc
    messages = [
        friendly(err, "ref1")
        for err in (
            NotReadyError(),
            too_long,
            UpstreamError("chroma down at 10.0.0.1"),
            RuntimeError("boom\n  at x"),
        )
    ]
    assert "starting up" in messages[0] and "2,000" in messages[1] and "index is not available" in messages[2]
    assert "ref1" in messages[3] and "boom" not in messages[3] and "10.0.0.1" not in messages[2]
    assert all("\n" not in m and len(m) < 120 for m in messages)

    bot = SlackBot(Settings(store={"data_dir": tmp_path}), services=lambda: None, conversations=lambda: None)
    with pytest.raises(NotReadyError):
        bot.answer_in_thread("who?", team="T", channel="C", root="1.1", origin="slack:dm")


def test_the_manifest_matches_the_code() -> None:
    manifest = yaml.safe_load((ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    settings, features = manifest["settings"], manifest["features"]
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    urls += [c["url"] for c in features["slash_commands"]]
    assert all(u.endswith("/slack/events") for u in urls) and settings["interactivity"]["is_enabled"]
    assert [c["command"] for c in features["slash_commands"]] == [slack_app.COMMAND]
    assert [(s["type"], s["callback_id"]) for s in features["shortcuts"]] == [
        ("message", slack_app.SHORTCUT_CALLBACK)
    ]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert features["app_home"]["messages_tab_enabled"]  # people can send it direct messages
    needed = {"app_mentions:read", "im:history", "chat:write", "reactions:write", "commands"}
    assert needed <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert not settings["socket_mode_enabled"]
