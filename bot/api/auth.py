"""API keys and the per-key rate limit, as route dependencies.

- No keys configured (CLAIMBOT_API_KEYS and CLAIMBOT_ADMIN_KEYS unset): every route is open.
- API keys configured: /v1/* needs `Authorization: Bearer <key>` with an API or admin key (else 401).
- Admin routes need an admin key (a valid non-admin key gets 403). With API keys but no admin keys, no
  key opens them; with admin keys alone, only the admin routes are closed.

Keys are compared in constant time and never logged: logs and conversations know a caller by the key's
fingerprint (`key:` and 16 hex digits of its SHA-256).

The rate limit is a token bucket per caller (key fingerprint, or client address on an open API):
CLAIMBOT_RATE_LIMIT_BURST requests at once, refilled at CLAIMBOT_RATE_LIMIT_PER_MINUTE. It is kept in
each worker process, so N workers allow up to N times the rate in total.

Failed authentication has a bucket of its own per client address (CLAIMBOT_AUTH_FAILURES_PER_MINUTE):
each 401 spends from it, and once it is empty that address gets 429 with `Retry-After` for every
request until it refills, so keys cannot be guessed at the speed of the network.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.api.config import AuthSettings
from bot.api.errors import ApiError
from bot.api.logging_mw import note_caller

_MAX_BUCKETS = 10_000


@dataclass(frozen=True)
class Caller:
    """Who is calling: `owner` scopes conversations ("" on an open API), `rate_key` is what is counted."""

    owner: str
    rate_key: str
    admin: bool = False


def fingerprint(key: str) -> str:
    """A stable, non-reversible name for a key, safe to log."""
    return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class RateLimiter:
    """Token buckets by caller; thread-safe; forgets idle callers when it holds too many."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (tokens, last refill time)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, caller: str, now: float | None = None) -> float:
        """Spend one request for `caller`: 0.0 when allowed, else the seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens = self._tokens(caller, now)
            if tokens >= 1.0:
                self._buckets[caller] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[caller] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            if len(self._buckets) > _MAX_BUCKETS:
                self._forget_full(now)
        return wait

    def blocked(self, caller: str, now: float | None = None) -> float:
        """Seconds until `caller` may spend again (0.0 when it may now), without spending."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens = self._tokens(caller, now)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def _tokens(self, caller: str, now: float) -> float:
        """`caller`'s tokens at `now`: what was left, refilled at `rate` up to `burst` (hold the lock)."""
        tokens, last = self._buckets.get(caller, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled completely is the same as no bucket.
        full_after = self.burst / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}


_bearer = HTTPBearer(
    auto_error=False,
    description="An API key from CLAIMBOT_API_KEYS (admin routes: CLAIMBOT_ADMIN_KEYS).",
)


def _matches(given: str, keys: list[str]) -> bool:
    found = False
    for key in keys:  # no early exit: the time taken does not say which key matched
        found |= hmac.compare_digest(given.encode("utf-8"), key.encode("utf-8"))
    return found


def authorize(settings: AuthSettings, token: str | None, *, admin: bool) -> tuple[str, bool]:
    """The caller's owner name and whether it holds an admin key; raises 401/403 `ApiError`s."""
    if not settings.enabled or (not admin and not settings.api_keys):
        return "", False  # an open API, or only admin keys are set and this is not an admin route
    if token is None:
        raise ApiError(401, _MISSING, headers=_CHALLENGE)
    is_admin = _matches(token, settings.secrets(admin=True))
    if is_admin or (not admin and _matches(token, settings.secrets(admin=False))):
        return fingerprint(token), is_admin
    if admin and _matches(token, settings.secrets(admin=False)):
        raise ApiError(403, "this route needs an admin key (CLAIMBOT_ADMIN_KEYS)")
    raise ApiError(401, _UNKNOWN, headers=_CHALLENGE)


_MISSING = "an API key is needed: send the header 'Authorization: Bearer <key>'"
_UNKNOWN = "the API key is not valid"
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def failure_limiter(settings: AuthSettings) -> RateLimiter:
    """The bucket of failed authentications per client address (shared by every route of an app)."""
    per_minute = settings.auth_failures_per_minute
    return RateLimiter(per_minute, max(1, per_minute))


def _too_many_failures(wait: float) -> ApiError:
    retry = max(1, math.ceil(wait))
    return ApiError(
        429,
        f"too many requests with a missing or wrong API key from this address; retry in {retry} s",
        headers={"Retry-After": str(retry)},
    )


def caller_dependency(
    settings: AuthSettings,
    limiter: RateLimiter,
    *,
    admin: bool,
    failures: RateLimiter | None = None,
) -> Callable[..., Awaitable[Caller]]:
    """The dependency that authenticates and rate-limits a route (`failures`: the bucket of failed
    authentications per address, see the module docstring).

    When keys are configured it declares the bearer scheme, so the OpenAPI spec shows the routes need it.
    """

    async def check(request: Request, token: str | None) -> Caller:
        client = request.client.host if request.client else "unknown"
        blocked = failures.blocked(f"ip:{client}") if failures is not None else 0.0
        if blocked > 0:
            raise _too_many_failures(blocked)
        try:
            owner, is_admin = authorize(settings, token, admin=admin)
        except ApiError as exc:
            if exc.status == 401 and failures is not None:
                wait = failures.take(f"ip:{client}")
                if wait > 0:
                    raise _too_many_failures(wait) from None
            raise
        caller = Caller(owner=owner, rate_key=owner or f"ip:{client}", admin=is_admin)
        note_caller(request, caller.rate_key)
        wait = limiter.take(caller.rate_key)
        if wait > 0:
            retry = max(1, math.ceil(wait))
            raise ApiError(
                429,
                f"rate limit of {settings.rate_limit_per_minute} requests a minute exceeded; "
                f"retry in {retry} s",
                headers={"Retry-After": str(retry)},
            )
        request.state.caller = caller
        return caller

    if settings.enabled if admin else settings.api_keys:

        async def with_key(
            request: Request,
            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        ) -> Caller:
            return await check(request, credentials.credentials if credentials else None)

        return with_key

    async def open_api(request: Request) -> Caller:
        return await check(request, None)

    return open_api


def current_caller(request: Request) -> Caller:
    """The caller the router's auth dependency established for this request."""
    caller = getattr(request.state, "caller", None)
    return caller if isinstance(caller, Caller) else Caller(owner="", rate_key="unknown")


CallerDep = Annotated[Caller, Depends(current_caller)]
