"""The Slack app across workers and in its logs: two app instances (as two workers of one machine) share
the event ledger, so a delivery and its retry sent to both at once are answered once; and nothing it
logs holds a token, the signing secret or (unless asked) what people wrote."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bot.api.app import create_app
from bot.api.logging_mw import JsonFormatter
from bot.slack.ledger import event_key
from tests.bot import fake_slack as fs
from tests.bot.fake_slack import FakeSlack, SlackSender
from tests.bot.serving import copy_of_seeded, live_server
from tests.bot.test_slack_app import ASK, SECRET, TOKEN, slack_settings

QUESTION = "siapa yang membantah transfer senjata ke Rusia?"


def deliver_everywhere(senders: list[SlackSender], payload: dict[str, object]) -> list[int]:
    """The event and three retries, sent to both workers at the same moment; their status codes."""
    with ThreadPoolExecutor(4) as pool:
        sent = [pool.submit(s.event, payload, retry=n) for n, s in enumerate(senders * 2)]
        return [f.result(timeout=60).status_code for f in sent]


@pytest.mark.slow
def test_two_workers_answer_an_event_and_its_retries_once(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with FakeSlack(TOKEN) as fake:
        services = copy_of_seeded(seeded, tmp_path, slack=slack_settings(fake))
        first, second = (create_app(services.settings, services=services) for _ in range(2))
        assert first.state.slack is not second.state.slack  # two bots, two ledgers: only the file is shared
        with live_server(first) as a, live_server(second) as b:
            senders = [SlackSender(a.url, SECRET), SlackSender(b.url, SECRET)]
            ledger = first.state.slack.ledger
            for round_ in range(3):
                channel = f"CWORKERS{round_}"
                payload = fs.mention(ASK, channel)
                assert deliver_everywhere(senders, payload) == [200] * 4
                key = event_key(payload)
                assert key is not None
                fake.wait_for(lambda: ledger.state(key) == "done", what="the event done")  # noqa: B023
                assert len(fake.posts(channel)) == 1
                assert len(fake.calls_to("reactions.add", lambda c: c.args["channel"] == channel)) == 1  # noqa: B023


class Collect(logging.Handler):
    """Every log record, formatted as the app writes them (with their fields)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[Collect]:
    collect = Collect()
    loggers = [logging.getLogger(), logging.getLogger("claimbot")]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        yield collect
    finally:
        for logger in loggers:
            logger.removeHandler(collect)


@pytest.mark.parametrize("log_text", [False, True])
def test_logs_never_hold_secrets_and_hold_text_only_when_asked(
    seeded,
    tmp_path: Path,
    logs: Collect,
    log_text: bool,  # type: ignore[no-untyped-def]
) -> None:
    with FakeSlack(TOKEN) as fake:
        services = copy_of_seeded(
            seeded, tmp_path, slack=slack_settings(fake), http={"log_message_text": log_text}
        )
        app = create_app(services.settings, services=services)
        with live_server(app) as server:
            slack = SlackSender(server.url, SECRET)
            payload = fs.mention(QUESTION, "CLOGS")
            body = json.dumps(payload)
            forged = SlackSender(server.url, "forged").headers(body, content_type="application/json")
            assert httpx.post(slack.url, content=body, headers=forged, timeout=30).status_code == 401
            slack.event(payload)
            slack.event(payload, retry=1)
            fake.wait_for(lambda: fake.posts("CLOGS"), what="the answer")
            slack.form(fs.command(f"ask {QUESTION}", "CLOGS", fake.response_url("logs")))
            fake.wait_for(lambda: fake.responses("logs"), what="the command's answer")
    text = "\n".join(logs.lines)
    assert "slack question" in text and "slack command" in text  # the work was logged...
    assert TOKEN not in text and SECRET not in text  # ...never with a secret
    assert ("transfer senjata" in text) is log_text  # ...and the text only when asked for
