"""Block Kit rendering of answers, verdicts, help and errors, within Slack's limits.

Slack refuses a message whose section text exceeds 3,000 characters or that has more than 50 blocks,
so rendering splits long text into several sections at line (then word) boundaries, and when even
that would take too many blocks it keeps the first ones and says how much was left out. Every message
also carries a plain `text` (at most 4,000 characters, what notifications and old clients show), and
`plain(message)` is that text alone, for when Slack refuses the blocks anyway.

Quotes are shown exactly as cited (only `&`, `<` and `>` escaped, as Slack requires), each source
with its outlet, date and a link to the article endpoint with the quote's span.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.models import Answer, CheckResult, Citation, Evidence, Verdict

SECTION_CHARS = 3000
MAX_BLOCKS = 50
TEXT_CHARS = 4000
FEEDBACK_BLOCK = "feedback"
HELPFUL = "feedback_helpful"
NOT_HELPFUL = "feedback_not_helpful"
_TITLE_CHARS = 120
_RESERVED = 4  # blocks kept for the "shortened" note, the disclaimer, the feedback buttons, a note

Link = Callable[[str, int, int], str]
Block = dict[str, Any]

VERDICT_LABEL: dict[Verdict, tuple[str, str]] = {
    "supported": (":white_check_mark:", "Supported"),
    "refuted": (":x:", "Refuted"),
    "mixed": (":scales:", "Mixed: the sources disagree"),
    "not_enough_evidence": (":grey_question:", "Not enough evidence"),
}
_STANCE_MARK = {"supports": ":white_check_mark:", "refutes": ":x:", "neutral": ":white_circle:"}


@dataclass
class Message:
    """What is posted: the fallback `text` and the `blocks`."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The `text` / `blocks` arguments of chat.postMessage (or of a response_url reply)."""
        return {"text": self.text, "blocks": self.blocks} if self.blocks else {"text": self.text}


def escape(text: str) -> str:
    """Text safe inside mrkdwn: Slack's three control characters escaped, nothing else changed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int, note: str = "…") -> str:
    """`text` within `limit` characters, cut at a space when one is near the end."""
    if len(text) <= limit:
        return text
    room = limit - len(note)
    space = text.rfind(" ", room - 200, room)
    return text[: space if space > 0 else room].rstrip() + note


def _pieces(line: str, limit: int) -> list[str]:
    """A line longer than `limit` as pieces cut at spaces (or, without one, anywhere but inside an
    `&amp;`-style escape, which Slack would show broken)."""
    out: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
            amp = line.rfind("&", limit - 4, limit)
            if amp != -1 and ";" not in line[amp:limit]:
                cut = amp
        out.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    return [*out, line] if line else out


def sections(mrkdwn: str, limit: int = SECTION_CHARS) -> list[str]:
    """Already-escaped mrkdwn as texts of at most `limit` characters, split at lines, then words."""
    texts: list[str] = []
    current = ""
    for line in mrkdwn.split("\n"):
        for piece in _pieces(line, limit) or [""]:
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                texts.append(current)
                current = piece
    if current.strip():
        texts.append(current)
    return texts


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, SECTION_CHARS)}]}


def feedback_block(answer_id: str) -> Block:
    """The helpful / not helpful buttons; their value is the feedback record's id."""
    return {
        "type": "actions",
        "block_id": FEEDBACK_BLOCK,
        "elements": [
            {
                "type": "button",
                "action_id": HELPFUL,
                "text": {"type": "plain_text", "text": ":thumbsup: Helpful", "emoji": True},
                "value": answer_id,
            },
            {
                "type": "button",
                "action_id": NOT_HELPFUL,
                "text": {"type": "plain_text", "text": ":thumbsdown: Not helpful", "emoji": True},
                "value": answer_id,
            },
        ],
    }


def source_line(c: Citation, link: Link) -> str:
    """`[n] <link|Outlet, 2023-09-13: Title> (characters S-E)` in mrkdwn."""
    title = f": {_cut(c.title, _TITLE_CHARS)}" if c.title else ""
    label = escape(f"{c.source or 'outlet unknown'}, {c.published or 'undated'}{title}").replace("|", "¦")
    return f"[{c.n}] <{link(c.article_id, c.start, c.end)}|{label}> (characters {c.start}-{c.end})"


def _assemble(parts: Sequence[str], tail: Sequence[Block], text: str) -> Message:
    """Sections for `parts` (each may split), within the block limit, then the `tail` blocks."""
    texts = [t for part in parts for t in sections(part)]
    room = MAX_BLOCKS - _RESERVED
    blocks = [_section(t) for t in texts[:room]]
    if len(texts) > room:
        blocks.append(_context(f"Shortened for Slack: {len(texts) - room} more part(s) not shown."))
    blocks.extend(tail)
    return Message(text=_cut(text, TEXT_CHARS), blocks=blocks)


def answer_message(
    answer: Answer, link: Link, *, answer_id: str | None = None, asked_by: str | None = None
) -> Message:
    """An answer: its text (the quotes with their [n]), the sources with links, feedback buttons."""
    parts = []
    if asked_by:
        parts.append(f"<@{asked_by}> asked: _{escape(answer.question)}_")
    parts.append(escape(answer.answer))
    sources = [source_line(c, link) for c in answer.citations]
    if sources:
        parts.append("*Sources*\n" + "\n".join(sources))
    tail = [_context("Verbatim quotes from the indexed articles.")] if answer.citations else []
    if answer_id:
        tail.append(feedback_block(answer_id))
    plain_sources = [
        f"[{c.n}] {c.source or 'outlet unknown'}, {c.published or 'undated'}" for c in answer.citations
    ]
    text = answer.answer + ("\n\nSources:\n" + "\n".join(plain_sources) if plain_sources else "")
    return _assemble(parts, tail, text)


def deciding(evidence: Sequence[Evidence]) -> list[Evidence]:
    """The quotes that decide a verdict: those that support or refute the claim."""
    return [e for e in evidence if e.stance != "neutral"]


def check_message(
    result: CheckResult, link: Link, *, answer_id: str | None = None, asked_by: str | None = None
) -> Message:
    """A verdict: the claim, the verdict and confidence, the explanation, the deciding quotes."""
    mark, label = VERDICT_LABEL[result.verdict]
    claim = escape(_cut(" ".join(result.claim.split()), 500))
    head = f"{mark} *{label}* (confidence {result.confidence:.0%})\n>{claim}"
    parts = [
        f"<@{asked_by}> asked to check this claim." if asked_by else "",
        head,
        escape(result.explanation),
    ]
    quotes = deciding(result.evidence)
    if quotes:
        lines = [f"{_STANCE_MARK[e.stance]} “{escape(e.quote)}”\n{source_line(e, link)}" for e in quotes]
        parts.append("*Deciding quotes*\n" + "\n".join(lines))
    else:
        parts.append("_No quote in the articles decides this claim._")
    tail = [feedback_block(answer_id)] if answer_id else []
    plain_quotes = [
        f"“{e.quote}” [{e.n}] ({e.source or 'outlet unknown'}, {e.published or 'undated'})" for e in quotes
    ]
    text = f"{label} ({result.confidence:.0%}): “{result.claim}”. {result.explanation}"
    if plain_quotes:
        text += "\n" + "\n".join(plain_quotes)
    return _assemble([p for p in parts if p], tail, text)


HELP = """*claimbot* answers from the indexed news articles with verbatim, cited quotes.
• Mention me with a question: `@claimbot who denied arms transfers?` I answer in the thread; mention me \
again in the thread for a follow-up.
• Send me a direct message: the same, follow-ups in its thread.
• `/claimbot ask QUESTION`: an answer here.
• `/claimbot check CLAIM`: a verdict (supported, refuted, mixed, not enough evidence) with the \
deciding quotes.
• On any message: *More actions* (⋯) > *Check this claim*: the verdict in the message's thread.
• Under each answer: :thumbsup: / :thumbsdown: tell us whether it helped."""


def help_message() -> Message:
    """What the app does and how to ask it."""
    return Message(text=HELP.replace("*", ""), blocks=[_section(HELP)])


def notice(text: str) -> Message:
    """A short message to the user (errors, thanks), never more than a line or two."""
    text = _cut(text, SECTION_CHARS)
    return Message(text=text, blocks=[_section(escape(text))])


def with_note(message: Message, note: str) -> Message:
    """`message` with a short note on top (rendering leaves a block free for it)."""
    blocks = [_context(note), *message.blocks] if message.blocks else []
    return Message(text=_cut(f"{note}\n{message.text}", TEXT_CHARS), blocks=blocks)


def plain(message: Message) -> Message:
    """The message as plain text only: the fallback when Slack refuses its blocks."""
    return Message(text=message.text)
