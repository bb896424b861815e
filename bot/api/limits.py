"""The request body size limit, answered with the same JSON error body as every other error.

FastAPI's own limit answers 413 in plain text from outside the app's middleware (so without the request
id or a log line); this one sits inside the request log. A declared `Content-Length` over the limit is
refused before anything is read; a body that grows past it while streaming in is cut off with 413.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.api.errors import error_response


class _TooLarge(HTTPException):
    """An HTTP error, so FastAPI passes it to the error handlers while it reads a body."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"body: the request body is over the limit of {limit} bytes")


class BodyLimitMiddleware:
    """Limit request bodies to `default` bytes, or to a larger limit for given (method, path) pairs."""

    def __init__(self, app: ASGIApp, *, default: int, overrides: dict[tuple[str, str], int]) -> None:
        self.app = app
        self.default = default
        self.overrides = overrides

    def limit(self, scope: Scope) -> int:
        path = scope["path"].rstrip("/") or "/"
        return self.overrides.get((scope["method"], path), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(413, "too_large", str(_TooLarge(limit).detail), {"Connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
