"""Test support for the API: a real uvicorn server on a free loopback port in a thread, and writable
copies of the session's seeded index (so admin tests never change what other tests read)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from tests.conftest import make_settings


def api_settings(data_dir: Path, **groups: dict[str, object]) -> Any:
    """Settings for an API under test: the rate limits off unless a test turns them on."""
    auth = {"rate_limit_per_minute": 0, "auth_failures_per_minute": 0, **groups.pop("auth", {})}
    return make_settings(data_dir, auth=auth, **groups)


def copy_of_seeded(seeded: Any, dest: Path, **groups: dict[str, object]) -> Any:
    """Services over a private copy of the seeded index, sharing the session's model."""
    from bot.services import Services
    from vectorstore.store import ChromaStore

    data_dir = dest / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data_dir / "chroma")
    settings = api_settings(data_dir, **groups)
    e5 = seeded.embeddings
    store = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    return Services(settings=settings, embeddings=e5, store=store)


class LiveServer:
    """uvicorn serving `app` on 127.0.0.1 (a port the OS picked), in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self, timeout: float = 15.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()
        assert not self.thread.is_alive(), "the test server did not stop"


@contextmanager
def live_server(app: Any) -> Iterator[LiveServer]:
    """A started server for the block; stopped (bounded wait) after it."""
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def parse_sse(text: str) -> list[tuple[str | None, str]]:
    """(event, data) pairs of a text/event-stream body, per the SSE rules (multi-line data joined)."""
    events: list[tuple[str | None, str]] = []
    event: str | None = None
    data: list[str] = []
    for line in text.split("\n"):
        if line == "":
            if data:
                events.append((event, "\n".join(data)))
            event, data = None, []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    return events
