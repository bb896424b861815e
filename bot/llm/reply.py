"""Reading the LLM judge's reply: one JSON object, found however the model wrapped it, into pydantic models.

Models put JSON in code fences, after a sentence of preamble, or after a `<think>` section; the parser
finds the object that carries a `verdict`. The top level must be usable (a known verdict) or the reply is
refused and the model asked again. A single evidence item that cannot be read (no number, a stance that
is not one of the three) is left out and counted, so one bad item never loses the verdict.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from bot.models import EvidenceStance, Verdict

MAX_EXPLANATION_CHARS = 2000
MAX_EVIDENCE_ITEMS = 50
# A reply larger than this is not a verdict on a handful of quotes; scanning it for JSON is not worth it.
MAX_REPLY_CHARS = 100_000
# Confidence a model gives as a word or not at all: undecided, neither sure nor unsure.
DEFAULT_CONFIDENCE = 0.5

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)

_VERDICTS: dict[str, Verdict] = {
    "supported": "supported",
    "supports": "supported",
    "true": "supported",
    "refuted": "refuted",
    "refutes": "refuted",
    "false": "refuted",
    "mixed": "mixed",
    "conflicting": "mixed",
    "not_enough_evidence": "not_enough_evidence",
    "not_enough_info": "not_enough_evidence",
    "not_enough_information": "not_enough_evidence",
    "insufficient_evidence": "not_enough_evidence",
    "unverified": "not_enough_evidence",
}
_STANCES: dict[str, EvidenceStance] = {
    "supports": "supports",
    "support": "supports",
    "supporting": "supports",
    "refutes": "refutes",
    "refute": "refutes",
    "refuting": "refutes",
    "contradicts": "refutes",
    "neutral": "neutral",
}


class ReplyError(ValueError):
    """The reply holds no usable verdict object; the message says what was wrong (never the reply)."""


def _key(value: object) -> str:
    return re.sub(r"[\s-]+", "_", str(value).strip().lower())


class JudgedQuote(BaseModel):
    """One evidence item of the reply: which candidate (`n`), its stance, and optionally an exact quote."""

    n: int = Field(ge=1)
    stance: EvidenceStance
    quote: str | None = None

    @field_validator("stance", mode="before")
    @classmethod
    def _stance(cls, value: object) -> object:
        return _STANCES.get(_key(value), value)

    @field_validator("quote", mode="before")
    @classmethod
    def _blank_quote(cls, value: object) -> object:
        # "" or null both mean "the whole evidence quote".
        return None if value is None or (isinstance(value, str) and not value.strip()) else value


class JudgeReply(BaseModel):
    """The parsed reply. `unreadable` counts evidence items that were left out because they made no sense."""

    verdict: Verdict
    confidence: float = Field(ge=0.0, le=1.0)
    explanation: str
    evidence: list[JudgedQuote]
    unreadable: int = Field(default=0, ge=0)


def _confidence(value: object) -> float:
    if isinstance(value, bool):
        return DEFAULT_CONFIDENCE
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_CONFIDENCE
    if not math.isfinite(number):
        return DEFAULT_CONFIDENCE
    if 1 < number <= 100:  # a percentage
        number /= 100
    return min(1.0, max(0.0, number))


def find_json_object(content: str) -> dict[str, Any]:
    """The first JSON object in `content` that has a `verdict` key (fences, preamble, <think> allowed)."""
    if len(content) > MAX_REPLY_CHARS:
        raise ReplyError(f"the reply is {len(content)} characters long, more than a verdict takes")
    text = _THINK.sub("", content).strip()
    if not text:
        raise ReplyError("the reply is empty")
    pieces = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for piece in pieces:
        for match in re.finditer(r"\{", piece):
            try:
                obj, _end = decoder.raw_decode(piece, match.start())
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and "verdict" in obj:
                return obj
    raise ReplyError("the reply holds no JSON object with a 'verdict'")


def parse_reply(content: str) -> JudgeReply:
    """Read the reply into a `JudgeReply`; `ReplyError` if there is no object with a known verdict."""
    obj = find_json_object(content)
    verdict = _VERDICTS.get(_key(obj.get("verdict")))
    if verdict is None:
        raise ReplyError(
            "'verdict' must be one of supported, refuted, mixed, not_enough_evidence; "
            f"got {str(obj.get('verdict'))[:40]!r}"
        )
    raw_items = obj.get("evidence")
    if raw_items is None:
        raw_items = []
    if not isinstance(raw_items, list):
        raise ReplyError("'evidence' must be a list of {n, stance, quote} objects")
    items: list[JudgedQuote] = []
    unreadable = 0
    for raw in raw_items[:MAX_EVIDENCE_ITEMS]:
        try:
            items.append(JudgedQuote.model_validate(raw))
        except ValidationError:
            unreadable += 1
    unreadable += max(0, len(raw_items) - MAX_EVIDENCE_ITEMS)
    explanation = obj.get("explanation")
    explanation = explanation.strip()[:MAX_EXPLANATION_CHARS] if isinstance(explanation, str) else ""
    return JudgeReply(
        verdict=verdict,
        confidence=_confidence(obj.get("confidence")),
        explanation=explanation,
        evidence=items,
        unreadable=unreadable,
    )
