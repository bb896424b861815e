"""Readiness, and a server that heals itself when the index's storage comes back.

The `Supervisor` owns the app's services:

- **Loading.** It loads the embedding model once, then opens the index. When the index cannot be
  reached (`UpstreamError`: a Chroma server that is down at start), it tries again after a pause that
  starts at `FIRST_PAUSE_S` and doubles up to CLAIMBOT_RECONNECT_MAX_S, for as long as the process runs;
  `/readyz` says why it is not ready meanwhile. Errors no retry fixes (a damaged data directory, an
  index built with another model, a model that does not load) stop it: `/readyz` says 503 with the
  reason, and the operator must act.
- **Watching.** When a request finds the index failing (`IndexUnavailableError`), the supervisor marks
  it down: requests get 503 `upstream_error` at once with `Retry-After` (the time to the next attempt)
  instead of each waiting on a dead server, and a background thread probes the index with the same
  growing pauses until it answers, then lets requests through again.

Other upstream failures (a SQLite file locked too long, the optional LLM) are answered 503 with
`Retry-After` per request, without marking anything down: they concern one request, not the index.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable

from bot.services import Services
from bot.settings import Settings
from vectorstore.errors import UpstreamError

log = logging.getLogger("claimbot.api")

FIRST_PAUSE_S = 0.5


class Backoff:
    """Pauses between attempts: `first`, doubled after each failure, at most `most`."""

    def __init__(self, first: float, most: float) -> None:
        self.first = first
        self.most = max(first, most)
        self._pause = first

    def next(self) -> float:
        """The pause before the next attempt (and double it for the one after)."""
        pause = self._pause
        self._pause = min(self._pause * 2, self.most)
        return pause

    def reset(self) -> None:
        self._pause = self.first


class Supervisor:
    """Loads the services in the background and reconnects to the index when it fails."""

    def __init__(
        self,
        settings: Settings,
        services: Services | None = None,
        *,
        on_ready: Callable[[Services], None] = lambda _: None,
    ) -> None:
        self.settings = settings
        self.services = services
        self.on_ready = on_ready
        self.load_error: str | None = None
        """Why loading stopped for good (the operator must act)."""
        self.fault: str | None = None
        """Why the index is down right now (retried by itself)."""
        self._retry_at = 0.0
        self._backoff = Backoff(FIRST_PAUSE_S, settings.http.reconnect_max_s)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ state seen by requests
    def retry_after(self) -> int:
        """Whole seconds until the next attempt to reach the index (at least 1)."""
        return max(1, math.ceil(self._retry_at - time.monotonic()))

    def down(self) -> bool:
        """True while the index is marked down and the next attempt has not come yet."""
        return self.fault is not None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Load the services in the background (nothing to do when they were handed in)."""
        if self.services is None:
            self._spawn(self._load, "claimbot-load")

    def stop(self) -> None:
        """Stop loading or probing (the threads are daemons: nothing waits on a dead server)."""
        self._stop.set()

    def failed(self, error: UpstreamError) -> int:
        """A request found the index failing: mark it down, start probing; returns Retry-After."""
        with self._lock:
            if self.fault is None:
                self._mark_down(str(error))
                log.error("the index is down; probing it", extra={"fields": {"error": self.fault}})
                self._spawn(self._probe, "claimbot-reconnect")
        return self.retry_after()

    # ------------------------------------------------------------------ threads
    def _spawn(self, target: Callable[[], None], name: str) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=target, name=name, daemon=True)
        self._thread.start()

    def _mark_down(self, why: str) -> None:
        self.fault = why
        self._retry_at = time.monotonic() + self._backoff.next()

    def _wait_turn(self) -> bool:
        """Sleep until the next attempt; False when the supervisor was stopped meanwhile."""
        return not self._stop.wait(max(0.0, self._retry_at - time.monotonic()))

    def _load(self) -> None:
        from bot.services import build_services, load_embeddings

        try:
            embeddings = load_embeddings(self.settings)
        except Exception as exc:  # e.g. the model files are missing: no retry fixes that
            self._give_up(exc)
            return
        while True:
            try:
                services = build_services(self.settings, embeddings=embeddings)
            except UpstreamError as exc:
                with self._lock:
                    self._mark_down(str(exc))
                log.warning(
                    "the index cannot be reached yet; retrying",
                    extra={"fields": {"error": self.fault, "retry_in_s": self.retry_after()}},
                )
                if not self._wait_turn():
                    return
                continue
            except Exception as exc:  # damaged data, another model's index: the operator must act
                self._give_up(exc)
                return
            with self._lock:
                self.services, self.fault = services, None
                self._backoff.reset()
            self.on_ready(services)
            log.info("ready", extra={"fields": {"model": embeddings.model_id, "pid": os.getpid()}})
            return

    def _give_up(self, exc: Exception) -> None:
        self.load_error = str(exc) or type(exc).__name__
        log.error("the model or index failed to load", extra={"fields": {"error": self.load_error}})

    def _probe(self) -> None:
        while self._wait_turn():
            services = self.services
            if services is None:
                return
            try:
                services.store.counts()  # reads every collection: the index answers as a whole
            except UpstreamError as exc:
                with self._lock:
                    self._mark_down(str(exc))
                continue
            except Exception as exc:  # not a transport failure: keep probing, but say what it was
                with self._lock:
                    self._mark_down(f"{type(exc).__name__}: {exc}")
                log.exception("probing the index failed unexpectedly")
                continue
            with self._lock:
                self.fault = None
                self._backoff.reset()
            log.info("the index answers again", extra={"fields": {"pid": os.getpid()}})
            return
