"""Chroma failures at run time, as claimbot errors.

The store talks to Chroma through `guarded(client, where)`: a thin proxy that passes every call through
and turns the failures that mean "the index's storage is not answering" into `IndexUnavailableError`
(an `UpstreamError`: 503 with `Retry-After` in the API, exit code 5 in the CLI), so they never surface
as an unhandled `httpx.ConnectError` (a 500 on every route, `/readyz` included). Collections the client
returns are wrapped the same way.

What counts as unavailable:

- any `httpx` transport or HTTP error (the Chroma server is down, restarting, or cut off);
- Chroma's own `InternalError` (the server failed) and `NotFoundError` (a collection vanished: the
  server was restarted on another folder);
- a `sqlite3` error from embedded Chroma (the disk is full, the file is locked or damaged).

Anything else (a bad `where` clause, a wrong vector size) is a bug and passes unchanged. The proxy holds
no state, so once the server answers again the next call simply works (the HTTP client reconnects).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from vectorstore.errors import IndexUnavailableError


def unavailable(exc: BaseException, where: str) -> IndexUnavailableError | None:
    """The claimbot error for a Chroma failure, or None when `exc` is not one (then it is re-raised)."""
    import chromadb.errors
    import httpx

    if isinstance(exc, httpx.HTTPError):
        return IndexUnavailableError(f"{where} is not answering ({type(exc).__name__}: {exc})")
    if isinstance(exc, chromadb.errors.NotFoundError):
        return IndexUnavailableError(f"{where} no longer holds the index's collections ({exc})")
    if isinstance(exc, chromadb.errors.InternalError):
        return IndexUnavailableError(f"{where} failed ({exc})")
    if isinstance(exc, sqlite3.Error):
        return IndexUnavailableError(f"{where} failed ({type(exc).__name__}: {exc})")
    return None


def _is_collection(value: Any) -> bool:
    from chromadb.api.models.Collection import Collection

    return isinstance(value, Collection)


class _Guarded:
    """Passes attribute reads through; wraps method calls so Chroma failures become claimbot errors."""

    __slots__ = ("_target", "_where")

    def __init__(self, target: Any, where: str) -> None:
        self._target = target
        self._where = where

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return value
        return self._call(value)

    def _call(self, method: Callable[..., Any]) -> Callable[..., Any]:
        where = self._where

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                result = method(*args, **kwargs)
            except Exception as exc:
                failure = unavailable(exc, where)
                if failure is None:
                    raise
                raise failure from exc
            return _Guarded(result, where) if _is_collection(result) else result

        return call


def guarded(client: Any, where: str) -> Any:
    """`client` (a Chroma client) with its failures turned into `IndexUnavailableError` naming `where`."""
    return _Guarded(client, where)
