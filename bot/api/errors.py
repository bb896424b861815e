"""Errors at the HTTP edge: every error is `{"error": {"code", "message"}}` with the matching status.

| status | code | when |
|---|---|---|
| 400 | `bad_request` | the body is not valid JSON, or the input is unusable (`BadInputError`) |
| 401 | `unauthorized` | no or unknown API key while keys are configured |
| 403 | `forbidden` | a valid key on an admin route that it does not open |
| 404 | `not_found` | no such article, conversation, model or route |
| 405 | `method_not_allowed` | the route exists, the method does not |
| 409 | `index_mismatch` | the index was built with another embedding model |
| 409 | `empty_index` | the index holds no articles yet: add some first |
| 413 | `too_large` | the request body is over the limit |
| 415 | `unsupported_media_type` | a body type the route does not read |
| 422 | `invalid_request` | a field is missing or out of range; the message names it |
| 429 | `rate_limited` | over the per-key rate limit; `Retry-After` says when to retry |
| 503 | `not_ready` | the model and index are still loading (`Retry-After`), or failed to load for good |
| 503 | `upstream_error` | a dependency failed while running (Chroma, SQLite, the LLM); see `Retry-After` |
| 503 | `damaged_data` | a data file is damaged; an operator must act (nothing was changed) |
| 500 | `internal_error` | a bug; the message carries the request id to look up in the logs |

When the index (Chroma) fails, the server marks it down and probes it again with growing pauses until
it answers (bot/api/health.py); meanwhile requests get 503 at once with the time to the next attempt.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from vectorstore.errors import (
    BadInputError,
    ClaimbotError,
    DataDirError,
    EmptyIndexError,
    IndexMismatchError,
    IndexUnavailableError,
    NotFoundError,
    UpstreamError,
)

log = logging.getLogger("claimbot.api")

RETRY_AFTER_S = 2  # upstream failures of one request (SQLite busy, the LLM): try again soon

STATUS: dict[type[ClaimbotError], int] = {
    BadInputError: 400,
    NotFoundError: 404,
    IndexMismatchError: 409,
    EmptyIndexError: 409,
    UpstreamError: 503,
    DataDirError: 503,
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    503: "not_ready",
}


class ErrorDetail(BaseModel):
    """What went wrong: a stable machine-readable code and a message for people."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class ApiError(Exception):
    """An error raised by the HTTP layer itself (auth, limits, media types)."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _HTTP_CODES.get(status, "error")
        self.message = message
        self.headers = headers or {}


def _doc(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


# Documented on every /v1 route, so the OpenAPI spec matches what clients really get.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _doc("The body is not valid JSON (or not UTF-8), or the input cannot be used."),
    401: _doc("No or unknown API key (only when keys are configured)."),
    413: _doc("Request body over the limit."),
    422: _doc("A field is missing or out of range; the message names it."),
    429: _doc("Over the rate limit; see the Retry-After header."),
    404: _doc("No such item; also when a filter names an article or outlet the index does not hold."),
    409: _doc("The index holds no articles yet (`empty_index`)."),
    503: _doc(
        "The model and index are still loading (`not_ready`), or a dependency failed (`upstream_error`: "
        "the Chroma server, a SQLite file, the LLM); see the Retry-After header."
    ),
}
ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {403: _doc("The key is not an admin key.")}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _doc("No such item.")}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The JSON error response."""
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


def field_message(errors: list[Any]) -> str:
    """'top_k: Input should be ...' for the first validation error, naming the field."""
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]  # where it was sent; the field's own name says enough
    return f"{'.'.join(loc) or 'body'}: {first.get('msg', 'invalid')}"


def json_message(error: Any) -> str:
    """'body: invalid JSON (...) at character N' for a body that does not parse."""
    where = error.get("loc", ())
    at = f" at character {where[1]}" if len(where) > 1 and isinstance(where[1], int) else ""
    detail = (error.get("ctx") or {}).get("error") or error.get("msg", "")
    return f"body: invalid JSON ({detail}){at}"


def install_error_handlers(app: FastAPI) -> None:
    """Translate every error to the JSON error body."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(ClaimbotError)
    async def _claimbot_error(request: Request, exc: ClaimbotError) -> JSONResponse:
        status = next((s for t, s in STATUS.items() if isinstance(exc, t)), 500)
        if status >= 500:
            log.error("%s: %s", exc.code, exc)
        headers = None
        if isinstance(exc, IndexUnavailableError):
            # The index as a whole is down: stop sending it work and reconnect with growing pauses.
            supervisor = getattr(request.app.state, "supervisor", None)
            retry = supervisor.failed(exc) if supervisor is not None else RETRY_AFTER_S
            headers = {"Retry-After": str(retry)}
        elif isinstance(exc, UpstreamError):
            headers = {"Retry-After": str(RETRY_AFTER_S)}
        return error_response(status, exc.code, str(exc), headers)

    @app.exception_handler(sqlite3.Error)
    async def _sqlite_error(_: Request, exc: sqlite3.Error) -> JSONResponse:
        # A SQLite file (conversations, feedback) failed without saying which: still a dependency.
        log.error("a SQLite database failed: %s: %s", type(exc).__name__, exc)
        message = f"a database of the server failed ({exc}); try again later"
        return error_response(503, "upstream_error", message, {"Retry-After": str(RETRY_AFTER_S)})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if errors and errors[0].get("type") == "json_invalid":
            return error_response(400, "bad_request", json_message(errors[0]))
        return error_response(422, "invalid_request", field_message(errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return error_response(exc.status_code, code, message, headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method the path supports. Starlette names only the first route that matched the path,
    so with GET and DELETE as two routes of one path its `Allow` would omit one."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)
