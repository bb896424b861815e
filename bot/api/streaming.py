"""Server-sent events: the wire format and how an answer is cut into pieces for a stream.

An answer is composed of lines (a lead line, then one line per quote with its [n] marker), so a stream
sends it a line at a time: the pieces joined give exactly the answer text.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

from fastapi.responses import StreamingResponse

_LINE_END = re.compile(r"(?<=\n)")

# Proxies (nginx) buffer responses unless told not to; a stream that arrives all at once is no stream.
_STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def answer_pieces(text: str) -> list[str]:
    """The answer a line at a time, each piece keeping its newline; `"".join(pieces) == text`."""
    return [piece for piece in _LINE_END.split(text) if piece]


def sse(data: Any, event: str | None = None) -> str:
    """One event: an optional `event:` line and a `data:` line of JSON (strings as given)."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, default=str)
    head = f"event: {event}\n" if event else ""
    # JSON never holds a raw newline, so one data line carries it; plain strings are kept single-line.
    return head + "".join(f"data: {line}\n" for line in payload.split("\n")) + "\n"


def event_stream(events: Iterable[str]) -> StreamingResponse:
    """A text/event-stream response of already-encoded events."""

    async def body() -> AsyncIterator[str]:
        for event in events:
            yield event

    return StreamingResponse(body(), media_type="text/event-stream", headers=_STREAM_HEADERS)


def sse_response(events: list[str] | None, description: str) -> dict[str, Any]:
    """OpenAPI content for a text/event-stream response: the schema of one event (`data` is JSON text;
    `events` lists the event names, None when events have no name)."""
    event: dict[str, Any] = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "string"}},
    }
    if events:
        event["required"] = ["event", "data"]
        event["properties"]["event"] = {"type": "string", "enum": events}
    return {"text/event-stream": {"schema": {**event, "description": description}}}
