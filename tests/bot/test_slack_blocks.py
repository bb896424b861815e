"""Block Kit rendering: a snapshot of an answer and a verdict, and Slack's limits on long answers.

The citations are sliced from the seed articles, so each quote is exactly `text[start:end]` as in real
answers. To accept an intended change of the rendering, run with `UPDATE_SNAPSHOTS=1` once and
review the diff of tests/data/slack_blocks.json.
"""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from bot.models import Answer, CheckResult, Citation, Evidence
from bot.slack import blocks
from bot.slack.config import SlackSettings
from tests.bot.fake_slack import block_errors
from tests.conftest import SEEDS, TEST_DATA

SNAPSHOT = TEST_DATA / "slack_blocks.json"
LINK = SlackSettings(public_base_url="https://claimbot.example.org").article_link


def cite(n: int, article_id: str, sentence: str, **meta: object) -> Citation:
    text = (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")
    start = text.index(sentence)
    return Citation(
        n=n,
        article_id=article_id,
        quote=text[start : start + len(sentence)],
        start=start,
        end=start + len(sentence),
        score=0.9 - n / 10,
        **meta,
    )  # type: ignore[arg-type]


DENIAL = cite(
    1,
    "003_d0311550289dc6a3",
    "Moskow dan Pyongyang telah membantah niat tersebut.",
    source="Kontan",
    published=date(2023, 9, 13),
    title="Kim Jong Un & Putin <bertemu>",
)
MEETING = cite(
    2,
    "001_c885beee8d69cd11",
    "Seorang pejabat Amerika Serikat (AS) mengatakan pemimpin Korea Utara, Kim Jong Un, mungkin akan ke "
    "Rusia untuk bertemu Presiden Vladimir Putin.",
    source="Kompas TV",
    published=date(2023, 9, 6),
)


def answer_of(citations: list[Citation], question: str = "who denied arms transfers?") -> Answer:
    lines = ["The articles say:"] + [f"“{c.quote}” [{c.n}]" for c in citations]
    return Answer(
        question=question, answer="\n".join(lines), insufficient_evidence=False, citations=citations
    )


def rendered() -> dict[str, object]:
    answer = blocks.answer_message(answer_of([DENIAL, MEETING]), LINK, answer_id="a1b2c3")
    command = blocks.answer_message(answer_of([DENIAL]), LINK, answer_id="d4e5f6", asked_by="UASKER")
    nothing = blocks.answer_message(
        Answer(
            question="what did Kim eat?",
            answer="The articles do not cover this question.",
            insufficient_evidence=True,
        ),
        LINK,
        answer_id="a0a0a0",
    )
    verdict = blocks.check_message(
        CheckResult(
            claim="Moscow and Pyongyang denied the arms deal",
            verdict="supported",
            confidence=0.81,
            explanation="Kontan (2023-09-13) reports that Moscow and Pyongyang denied it.",
            evidence=[
                Evidence(**DENIAL.model_dump(), stance="supports"),
                Evidence(**MEETING.model_dump(), stance="neutral"),
            ],
        ),
        LINK,
        answer_id="c0ffee",
    )
    return {
        name: {"text": m.text, "blocks": m.blocks}
        for name, m in [("answer", answer), ("command", command), ("nothing", nothing), ("verdict", verdict)]
    }


def test_rendered_blocks_match_the_snapshot() -> None:
    current = rendered()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot: run once with UPDATE_SNAPSHOTS=1 and review it"
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_snapshot_is_valid_block_kit_with_links_and_escaping() -> None:
    current = rendered()
    for message in current.values():
        assert isinstance(message, dict) and block_errors(message["blocks"]) == []
    answer = json.dumps(current["answer"], ensure_ascii=False)
    link = (
        f"https://claimbot.example.org/v1/articles/003_d0311550289dc6a3?start={DENIAL.start}&end={DENIAL.end}"
    )
    assert link in answer
    assert "Kim Jong Un &amp; Putin &lt;bertemu&gt;" in answer  # Slack's control characters escaped
    verdict = json.dumps(current["verdict"], ensure_ascii=False)
    assert "Supported" in verdict and "81%" in verdict and DENIAL.quote in verdict
    assert MEETING.quote not in verdict  # neutral quotes do not decide the verdict


def long_answer(n: int, quote_chars: int) -> Answer:
    text = (SEEDS / "001_c885beee8d69cd11.txt").read_text(encoding="utf-8")
    citations = [
        Citation(
            n=i + 1,
            article_id="001_c885beee8d69cd11",
            quote=text[:quote_chars],
            start=0,
            end=quote_chars,
            score=0.5,
            source="Kompas TV",
            published=date(2023, 9, 6),
        )
        for i in range(n)
    ]
    return answer_of(citations)


@pytest.mark.parametrize(("n", "chars"), [(1, 4000), (8, 2500), (60, 300), (200, 3500)])
def test_long_answers_stay_within_block_kit_limits(n: int, chars: int) -> None:
    answer = long_answer(n, chars)
    message = blocks.answer_message(answer, LINK, answer_id="x" * 32)
    assert block_errors(message.blocks) == []
    assert len(message.blocks) <= blocks.MAX_BLOCKS and len(message.text) <= blocks.TEXT_CHARS
    assert message.blocks[-1]["type"] == "actions"  # the feedback buttons survive any length
    shown = " ".join(" ".join(b["text"]["text"] for b in message.blocks if b["type"] == "section").split())
    notes = [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]]
    shortened = any("Shortened for Slack" in note for note in notes)
    assert shortened == (n == 200)
    if not shortened:  # nothing lost while it fits: the whole answer is shown, in order
        assert shown.startswith(" ".join(blocks.escape(answer.answer).split()))
    else:
        assert message.text.endswith("…")


def test_sections_split_at_lines_and_words_without_losing_text() -> None:
    text = "\n".join(["a " * 1000, "b" * 7000, "&amp;" * 700])
    parts = blocks.sections(text, limit=3000)
    assert all(1 <= len(p) <= 3000 for p in parts)
    assert "".join(p.replace("\n", "").replace(" ", "") for p in parts) == text.replace("\n", "").replace(
        " ", ""
    )
    assert all(not p.endswith(("&", "&a", "&am", "&amp")) for p in parts)  # never a broken escape


def test_plain_fallback_and_notes() -> None:
    message = blocks.answer_message(answer_of([DENIAL]), LINK, answer_id="a")
    assert blocks.plain(message).payload() == {"text": message.text}
    assert DENIAL.quote in message.text and "[1] Kontan, 2023-09-13" in message.text
    noted = blocks.with_note(message, "Only you can see this.")
    assert noted.blocks[0]["type"] == "context" and noted.blocks[1:] == message.blocks
    assert (
        block_errors(
            blocks.with_note(blocks.answer_message(long_answer(200, 3500), LINK, answer_id="a"), "n").blocks
        )
        == []
    )
