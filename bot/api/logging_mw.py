"""One structured (JSON) log line per request, the request id, and the last-resort 500.

Each request gets an id: the caller's `X-Request-ID` when it is a sane token (letters, digits, `._-`,
at most 128 characters), else a new one; it is echoed in the response's `X-Request-ID` header and in
the log line. The line holds method, route template, path, status, latency, client address and the
caller (an API key's fingerprint, never the key). The question or message text is added only when
CLAIMBOT_LOG_MESSAGE_TEXT is on. Request and query bodies are never logged otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api.errors import error_response

ACCESS_LOGGER = "claimbot.access"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_STATE_TEXT = "log_text"
_STATE_CALLER = "log_caller"

# (method, route template, status, seconds) -> None; the metrics hook.
Observer = Callable[[str, str, int, float], None]


class JsonFormatter(logging.Formatter):
    """Log records as one JSON object a line: time, level, logger, message and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging() -> None:
    """Send claimbot's loggers to stderr as JSON lines (once per process; leaves other loggers alone)."""
    root = logging.getLogger("claimbot")
    if any(getattr(h, "_claimbot", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._claimbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False


def note_text(request: Request, text: str) -> None:
    """Offer the message text to the log line (written only if CLAIMBOT_LOG_MESSAGE_TEXT is on)."""
    request.state.log_text = text


def note_caller(request: Request, caller: str) -> None:
    """Name the caller (a key fingerprint or client address) in the log line."""
    request.state.log_caller = caller


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/v1/articles/{article_id}`), or `unmatched`: a bounded label."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestLogMiddleware:
    """Pure ASGI middleware (so streaming responses are timed to their last byte)."""

    def __init__(self, app: ASGIApp, *, log_text: bool = False, observers: tuple[Observer, ...] = ()) -> None:
        self.app = app
        self.log_text = log_text
        self.observers = observers
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = _header(scope, b"x-request-id")
        request_id = given if given and _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        sent_start = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent_start
            if message["type"] == "http.response.start":
                status = int(message["status"])
                sent_start = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        failure: BaseException | None = None
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:  # a bug: answer 500 with the request id, keep the traceback in the log
            failure = exc
            if sent_start:
                raise
            response = error_response(500, "internal_error", f"internal error; request id {request_id}")
            await response(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope)
            self._write(scope, state, request_id, route, status, seconds, failure)
            for observe in self.observers:
                observe(scope["method"], route, status, seconds)

    def _write(
        self,
        scope: Scope,
        state: dict[str, Any],
        request_id: str,
        route: str,
        status: int,
        seconds: float,
        failure: BaseException | None,
    ) -> None:
        client = scope.get("client")
        fields: dict[str, Any] = {
            "request_id": request_id,
            "method": scope["method"],
            "route": route,
            "path": scope["path"],
            "status": status,
            "latency_ms": round(seconds * 1000, 1),
            "client": client[0] if client else None,
            "pid": os.getpid(),  # which worker, when there are several
        }
        if state.get(_STATE_CALLER):
            fields["caller"] = state[_STATE_CALLER]
        if self.log_text and state.get(_STATE_TEXT) is not None:
            fields["text"] = state[_STATE_TEXT]
        level = logging.ERROR if status >= 500 else logging.INFO
        exc_info = (type(failure), failure, failure.__traceback__) if failure else None
        self.log.log(level, "request", extra={"fields": fields}, exc_info=exc_info)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None
