"""The Slack app end to end: the real FastAPI app served by uvicorn over a copy of the seeded index,
requests signed with the real `slack_sdk` SignatureVerifier, the Web API pointed at a local FAKE Slack
(tests/bot/fake_slack.py) that records every call. Waits poll the fake with a deadline."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.api.app import create_app
from bot.conversations.store import ConversationStore
from bot.slack.handlers import SlackBot
from bot.slack.incoming import owner, thread_conversation_id
from bot.slack.ledger import event_key
from tests.bot import fake_slack as fs
from tests.bot.fake_slack import Call, FakeSlack, SlackSender
from tests.bot.serving import LiveServer, copy_of_seeded, live_server

TOKEN = "xoxb-test-bot-token-0123456789"
SECRET = "test-signing-secret-abcdef"
ASK = "who denied arms transfers?"


class Live:
    """The server, the fake Slack, a signed sender and the app's Slack bot, for one module."""

    def __init__(self, server: LiveServer, fake: FakeSlack, bot: SlackBot, store: ConversationStore) -> None:
        self.server, self.fake, self.bot, self.conversations = server, fake, bot, store
        self.slack = SlackSender(server.url, SECRET)

    def reply_in(self, channel: str, thread_ts: str, count: int = 1) -> list[Call]:
        """Wait for `count` accepted messages in the thread; return the thread's posts."""

        def posted() -> list[Call] | None:
            posts = [c for c in self.fake.posts(channel) if c.args.get("thread_ts") == thread_ts]
            return posts if len(posts) >= count else None

        return self.fake.wait_for(posted, what=f"{count} post(s) in {channel}/{thread_ts}")

    def done(self, payload: dict[str, Any]) -> None:
        """Wait until the event's work is finished (the ledger says done)."""
        key = event_key(payload)
        assert key is not None and self.bot.ledger is not None
        ledger = self.bot.ledger
        self.fake.wait_for(lambda: ledger.state(key) == "done", what=f"event {key} done")


def slack_settings(fake: FakeSlack, **more: object) -> dict[str, object]:
    return {"slack_bot_token": TOKEN, "slack_signing_secret": SECRET, "slack_api_url": fake.api_url, **more}


@pytest.fixture(scope="module")
def live(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with FakeSlack(TOKEN) as fake:
        services = copy_of_seeded(seeded, tmp_path_factory.mktemp("slack"), slack=slack_settings(fake))
        app = create_app(services.settings, services=services)
        with live_server(app) as server:
            yield Live(server, fake, app.state.slack, app.state.conversations)


def text_of(call: Call) -> str:
    """Everything a person would read in a posted message: the blocks' texts (or the text)."""
    parts = []
    for block in call.args.get("blocks") or []:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(e.get("text", "") for e in block.get("elements", []) if isinstance(e.get("text"), str))
    return "\n".join(parts) or call.args.get("text", "")


def button_value(call: Call) -> str:
    (actions,) = [b for b in call.args["blocks"] if b["type"] == "actions"]
    values = {e["value"] for e in actions["elements"]}
    assert len(values) == 1
    return values.pop()


def test_url_verification_echoes_the_challenge(live: Live) -> None:
    r = live.slack.event(
        {
            "token": "x",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    assert r.status_code == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in r.text


def test_a_mention_gets_one_threaded_reply_with_quotes(live: Live) -> None:
    payload = fs.mention(ASK, "CMENTION")
    event = payload["event"]
    r = live.slack.event(payload)
    assert r.status_code == 200
    (post,) = live.reply_in("CMENTION", event["ts"])
    live.done(payload)
    assert post.token == TOKEN
    shown = text_of(post)
    assert "membantah" in shown  # the denial, quoted
    assert "/v1/articles/" in shown and "?start=" in shown and "&end=" in shown
    assert post.args["text"] and "Traceback" not in shown
    reactions = [
        (c.method, c.args["name"], c.args["timestamp"])
        for c in live.fake.calls
        if c.method.startswith("reactions.")
    ]
    assert ("reactions.add", "eyes", event["ts"]) in reactions and (
        "reactions.remove",
        "eyes",
        event["ts"],
    ) in reactions
    added = next(c for c in live.fake.calls_to("reactions.add") if c.args["timestamp"] == event["ts"])
    removed = next(c for c in live.fake.calls_to("reactions.remove") if c.args["timestamp"] == event["ts"])
    assert added.at <= post.at <= removed.at  # eyes while working, gone after the reply
    assert live.fake.calls_to("auth.test") == []


def test_slack_hears_back_before_the_work_is_done(live: Live) -> None:
    payload = fs.mention(ASK, "CACK")
    live.fake.gate.clear()  # the work stops at its first call to Slack (:eyes:) until the gate opens
    try:
        r = httpx.post(
            live.slack.url,
            content=json.dumps(payload),
            headers=live.slack.headers(json.dumps(payload), content_type="application/json"),
            timeout=10,  # were the acknowledgement to wait for the work, this would time out
        )
        assert r.status_code == 200
        live.fake.wait_for(lambda: live.fake.calls_to("reactions.add", lambda c: c.args["channel"] == "CACK"))
        assert live.fake.posts("CACK") == []
    finally:
        live.fake.gate.set()
    live.reply_in("CACK", payload["event"]["ts"])


def test_retries_of_the_same_event_get_one_reply(live: Live) -> None:
    payload = fs.mention(ASK, "CRETRY")
    first = live.slack.event(payload)
    again = [live.slack.event(payload, retry=n) for n in (1, 2)]
    assert first.status_code == 200 and all(r.status_code == 200 for r in again)
    live.reply_in("CRETRY", payload["event"]["ts"])
    live.done(payload)
    late = live.slack.event(payload, retry=3)  # after the answer: Slack is told to stop retrying
    assert late.status_code == 200 and late.headers.get("x-slack-no-retry") == "1"
    assert len(live.fake.posts("CRETRY")) == 1


def test_a_follow_up_in_the_thread_continues_the_conversation(live: Live) -> None:
    first = fs.direct_message(ASK, "DFOLLOW")
    root = first["event"]["ts"]
    live.slack.event(first)
    live.reply_in("DFOLLOW", root)
    follow = fs.direct_message("when did they say that?", "DFOLLOW", thread_ts=root)
    live.slack.event(follow)
    live.reply_in("DFOLLOW", root, count=2)
    conversation = live.conversations.get(thread_conversation_id(fs.TEAM, "DFOLLOW", root), owner(fs.TEAM))
    assert [t.message for t in conversation.turns] == [ASK, "when did they say that?"]
    assert conversation.turns[1].search_query.startswith(ASK)  # retrieved with the question it leans on


def test_direct_message_is_answered_in_its_thread(live: Live) -> None:
    payload = fs.direct_message("siapa yang membantah transfer senjata?", "DDIRECT")
    live.slack.event(payload)
    (post,) = live.reply_in("DDIRECT", payload["event"]["ts"])
    assert "membantah" in text_of(post)


def test_a_mention_in_a_direct_message_is_answered_once(live: Live) -> None:
    # Slack delivers it twice, as message.im and as app_mention, with different event ids.
    as_message = fs.direct_message(f"<@{fs.APP_USER}> {ASK}", "DTWICE")
    as_mention = fs.event_callback({**as_message["event"], "type": "app_mention"})
    assert as_mention["event_id"] != as_message["event_id"]
    live.slack.event(as_message)
    live.slack.event(as_mention)
    live.done(as_message)
    (post,) = live.reply_in("DTWICE", as_message["event"]["ts"])
    assert "membantah" in text_of(post)


def test_bots_edits_and_own_messages_are_never_answered(live: Live) -> None:
    other = fs.event_callback({"type": "reaction_added", "user": "UASKER", "reaction": "eyes", "item": {}})
    assert live.slack.event(other).status_code == 200  # other events: acknowledged, nothing done
    ignored = [
        other,
        fs.direct_message(ASK, "DBOTS", bot_id="BOTHER"),
        fs.direct_message(ASK, "DBOTS", subtype="bot_message"),
        fs.direct_message(ASK, "DBOTS", subtype="message_changed"),
        fs.direct_message(ASK, "DBOTS", subtype="message_deleted"),
        fs.direct_message(ASK, "DBOTS", user=fs.APP_USER),
        fs.direct_message(ASK, "DBOTS", channel_type="channel"),  # a channel message without a mention
    ]
    for payload in ignored:
        assert live.slack.event(payload).status_code == 200
    for payload in ignored:
        live.done(payload)
    assert live.fake.posts("DBOTS") == []
    assert [c for c in live.fake.calls if c.args.get("channel") == "DBOTS"] == []  # not even :eyes:


@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "no signature", "stale timestamp", "body changed"],
)
def test_unsigned_or_stale_requests_are_refused_before_anything_runs(live: Live, tamper: str) -> None:
    payload = fs.mention(ASK, "CUNSIGNED")
    body = json.dumps(payload)
    headers = live.slack.headers(body, content_type="application/json")
    if tamper == "wrong secret":
        headers = SlackSender(live.server.url, "another-secret").headers(
            body, content_type="application/json"
        )
    elif tamper == "no signature":
        headers = {"content-type": "application/json"}
    elif tamper == "stale timestamp":
        headers = live.slack.headers(body, content_type="application/json", timestamp=int(time.time()) - 301)
    else:
        body = body.replace("arms", "farms")
    r = httpx.post(live.slack.url, content=body, headers=headers, timeout=30)
    assert r.status_code == 401
    key = event_key(payload)
    assert key is not None and live.bot.ledger is not None
    assert live.bot.ledger.state(key) is None  # the middleware after the signature check never saw it
    assert [c for c in live.fake.calls if c.args.get("channel") == "CUNSIGNED"] == []


def test_a_signed_but_unreadable_body_is_a_clear_400(live: Live) -> None:
    r = live.slack.send("{not json", "application/json")
    assert r.status_code == 400 and r.json() == {"error": "unreadable body"}
    r = httpx.post(
        live.slack.url, content=b"{not json", headers={"content-type": "application/json"}, timeout=30
    )
    assert r.status_code == 401


def test_slash_command_ask_answers_in_the_channel(live: Live) -> None:
    url = live.fake.response_url("cmd-ask")
    r = live.slack.form(fs.command(f"ask {ASK}", "CCMD", url))
    assert r.status_code == 200
    (sent,) = live.fake.wait_for(lambda: live.fake.responses("cmd-ask"), what="the command's answer")
    assert sent.args["response_type"] == "in_channel"
    assert "membantah" in text_of(sent) and "<@UASKER> asked" in text_of(sent)


def test_slash_command_help_is_the_immediate_answer(live: Live) -> None:
    r = live.slack.form(fs.command("help", "CCMD", live.fake.response_url("cmd-help")))
    assert r.status_code == 200
    body = r.json()
    assert body["response_type"] == "ephemeral" and "/claimbot check CLAIM" in body["text"]
    assert live.fake.responses("cmd-help") == []


def test_errors_reach_the_user_as_one_friendly_line(live: Live) -> None:
    payload = fs.mention("why " * 600, "CERROR")  # 2,400 characters: over the question limit
    live.slack.event(payload)
    (post,) = live.reply_in("CERROR", payload["event"]["ts"])
    shown = text_of(post)
    assert "too long" in shown and "2,000" in shown
    assert "Traceback" not in shown and "ValidationError" not in shown and len(shown) < 200


def test_refused_blocks_are_sent_again_as_plain_text(live: Live) -> None:
    payload = fs.mention(ASK, "CPLAIN")
    live.fake.refuse_blocks = True
    try:
        live.slack.event(payload)
        posts = live.reply_in("CPLAIN", payload["event"]["ts"], count=2)
    finally:
        live.fake.refuse_blocks = False
    refused, plain = posts
    assert refused.args.get("blocks") and "blocks" not in plain.args
    assert "membantah" in plain.args["text"]


def test_refused_blocks_through_a_response_url_are_sent_again_as_plain_text(live: Live) -> None:
    live.fake.refuse_blocks = True
    try:
        live.slack.form(fs.command(f"ask {ASK}", "CCMD", live.fake.response_url("cmd-plain")))
        sent = live.fake.wait_for(lambda: (r := live.fake.responses("cmd-plain")) and len(r) == 2 and r)
    finally:
        live.fake.refuse_blocks = False
    assert sent[0].args.get("blocks") and "blocks" not in sent[1].args
    assert sent[1].args["response_type"] == "in_channel" and "membantah" in sent[1].args["text"]


def test_feedback_is_stored_with_the_answer_and_exported(live: Live, tmp_path: Path) -> None:
    payload = fs.mention(ASK, "CVOTE")
    live.slack.event(payload)
    (post,) = live.reply_in("CVOTE", payload["event"]["ts"])
    answer_id = button_value(post)
    url = live.fake.response_url("vote")
    click = fs.button_click("feedback_not_helpful", answer_id, "CVOTE", "1694580000.000001", url)
    assert live.slack.interactive(click).status_code == 200
    (thanks,) = live.fake.wait_for(lambda: live.fake.responses("vote"), what="the thanks")
    assert thanks.args["response_type"] == "ephemeral" and "not helpful" in thanks.args["text"]
    assert live.bot.feedback is not None
    (record,) = [r for r in live.bot.feedback.export() if r.answer_id == answer_id]
    assert record.vote == "not_helpful" and record.user == f"slack:{fs.TEAM}:UVOTER"
    assert record.question == ASK and "membantah" in record.answer and record.origin == "slack:mention"
    assert record.citations and all(c.quote in record.answer for c in record.citations)

    # changing one's mind replaces the vote
    live.slack.interactive(fs.button_click("feedback_helpful", answer_id, "CVOTE", "1694580000.000001", url))
    live.fake.wait_for(lambda: len(live.fake.responses("vote")) == 2, what="the second thanks")
    (record,) = [r for r in live.bot.feedback.export() if r.answer_id == answer_id]
    assert record.vote == "helpful"


def test_a_vote_on_a_forgotten_answer_is_said_plainly(live: Live) -> None:
    url = live.fake.response_url("vote-unknown")
    live.slack.interactive(fs.button_click("feedback_helpful", "no-such-answer", "CVOTE", "1.2", url))
    (reply,) = live.fake.wait_for(lambda: live.fake.responses("vote-unknown"), what="the reply")
    assert "no longer have that answer" in reply.args["text"]


CLAIM = "Kim Jong Un met Putin at the Vostochny Cosmodrome in Russia's Amur region."


def assert_shows_verdict(live: Live, call: Call, claim: str) -> None:
    """The message shows the engine's own verdict on `claim`: label, explanation, deciding quotes."""
    from bot.models import CheckRequest
    from bot.slack.blocks import VERDICT_LABEL, escape

    services = live.bot.services()
    result = services.check(CheckRequest(claim=claim, top_k=services.settings.slack.slack_top_k))
    shown = text_of(call)
    assert VERDICT_LABEL[result.verdict][1] in shown and escape(result.explanation) in shown
    deciding = [e for e in result.evidence if e.stance != "neutral"]
    assert deciding and all(escape(e.quote) in shown for e in deciding)


def test_the_shortcut_puts_the_verdict_in_the_message_thread(live: Live) -> None:
    url = live.fake.response_url("shortcut")
    payload = fs.message_shortcut(CLAIM, "CSHORT", url)
    r = live.slack.interactive(payload)
    assert r.status_code == 200
    (post,) = live.reply_in("CSHORT", payload["message"]["ts"])
    assert_shows_verdict(live, post, CLAIM)
    assert "Vostochny" in text_of(post)
    assert live.fake.responses("shortcut") == []
    # on a message inside a thread, the verdict goes to that thread
    inner = fs.message_shortcut(CLAIM, "CSHORT", url, thread_ts="1694000000.000100")
    live.slack.interactive(inner)
    live.reply_in("CSHORT", "1694000000.000100")


def test_the_shortcut_where_the_app_is_not_a_member_answers_privately(live: Live) -> None:
    live.fake.not_in_channel.add("CPRIVATE")
    url = live.fake.response_url("shortcut-private")
    live.slack.interactive(fs.message_shortcut(CLAIM, "CPRIVATE", url))
    (sent,) = live.fake.wait_for(lambda: live.fake.responses("shortcut-private"), what="the private verdict")
    assert sent.args["response_type"] == "ephemeral" and "/invite @claimbot" in text_of(sent)
    assert_shows_verdict(live, sent, CLAIM)


def test_slash_command_check_gives_the_verdict(live: Live) -> None:
    url = live.fake.response_url("cmd-check")
    live.slack.form(fs.command(f"check {CLAIM}", "CCMD", url))
    (sent,) = live.fake.wait_for(lambda: live.fake.responses("cmd-check"), what="the command's verdict")
    assert sent.args["response_type"] == "in_channel"
    assert_shows_verdict(live, sent, CLAIM)


def test_asking_to_check_a_claim_in_a_mention_gives_a_verdict(live: Live) -> None:
    payload = fs.mention(f"is it true that {CLAIM[0].lower()}{CLAIM[1:-1]}?", "CASKCHECK")
    live.slack.event(payload)
    (post,) = live.reply_in("CASKCHECK", payload["event"]["ts"])
    assert_shows_verdict(live, post, CLAIM[:-1])
    live.done(payload)
    assert live.bot.feedback is not None
    button = button_value(post)
    live.slack.interactive(
        fs.button_click("feedback_helpful", button, "CASKCHECK", "1.1", live.fake.response_url("v2"))
    )
    live.fake.wait_for(lambda: live.fake.responses("v2"), what="the thanks")
    (record,) = [r for r in live.bot.feedback.export() if r.answer_id == button]
    assert record.kind == "check" and record.verdict is not None and record.evidence
