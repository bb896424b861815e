"""Reading a chat message's intent: a request to check a claim, or a question."""

from __future__ import annotations

import pytest

from bot.chat_intent import claim_in_message


@pytest.mark.parametrize(
    ("message", "claim"),
    [
        ("is it true that Kim flew to Russia?", "Kim flew to Russia"),
        ("Is it true Kim met Putin in 2019?", "Kim met Putin in 2019"),
        ("cek: Kim naik pesawat ke Rusia", "Kim naik pesawat ke Rusia"),
        ("Fact-check: North Korea supplied weapons", "North Korea supplied weapons"),
        ("benarkah Kim bertemu Putin di Moskow?", "Kim bertemu Putin di Moskow"),
        ("apakah benar bahwa rudal jatuh di Laut Timur?", "Rudal jatuh di Laut Timur"),
        ("who denied arms transfers?", None),
        ("check", None),
        ("cek:   ", None),
    ],
)
def test_a_chat_message_that_asks_for_a_check(message: str, claim: str | None) -> None:
    assert claim_in_message(message) == claim
