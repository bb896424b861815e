"""Faults of the running server against real processes on 127.0.0.1 (issue 17): a real `chroma run`
killed and restarted under a running API, the API started before Chroma, and `claimbot serve` killed
with -9 while chat requests are in flight. Each asserts the status, the message and that nothing was
lost. Every wait is bounded."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.api.app import create_app
from tests.bot.serving import api_settings, live_server
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow

QUESTION = {"question": "who denied arms transfers?", "top_k": 3}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """`chroma run` on a fixed loopback port and folder, killed and started again at will."""

    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        cmd = [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(150):  # up to 30 s
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("chroma run did not become healthy")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # SIGKILL: no goodbye to the clients
            self.proc.wait(timeout=10)


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-server", _free_port())
    try:
        yield server
    finally:
        server.kill()


def _seed(chroma: ChromaServer, e5: Any, data_dir: Path) -> Any:
    """Services over the seeds ingested into the Chroma server."""
    from bot.services import Services
    from vectorstore.store import ChromaStore

    settings = api_settings(data_dir, store={"chroma_url": chroma.url}, http={"reconnect_max_s": 1.0})
    store = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    services = Services(settings=settings, embeddings=e5, store=store)
    assert len(services.ingestor.ingest([SEEDS]).added) == 5
    return services


def _wait_status(http: httpx.Client, path: str, status: int, timeout: float = 60.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = http.get(path)
        if r.status_code == status:
            return r
        time.sleep(0.2)
    raise AssertionError(
        f"{path} did not answer {status} within {timeout} s (last: {r.status_code} {r.text})"
    )


def _quotes(answer: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [(c["article_id"], c["start"], c["end"]) for c in answer["citations"]]


def test_chroma_killed_and_restarted_under_a_running_api(chroma: ChromaServer, e5, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chroma.start()
    services = _seed(chroma, e5, tmp_path / "data")
    app = create_app(services.settings, services=services)
    with live_server(app) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        before = http.post("/v1/ask", json=QUESTION).json()
        assert before["citations"]

        chroma.kill()
        down = http.post("/v1/ask", json=QUESTION)
        assert down.status_code == 503 and int(down.headers["retry-after"]) >= 1
        error = down.json()["error"]
        assert error["code"] == "upstream_error" and "the Chroma server is not answering" in error["message"]
        ready = http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["error"]["code"] == "upstream_error"
        assert "reconnects by itself" in ready.json()["error"]["message"] and ready.headers["retry-after"]
        assert http.get("/healthz").status_code == 200  # liveness: restarting would not bring Chroma back
        assert b"claimbot_ready 0.0" in http.get("/metrics").content

        chroma.start()  # the same folder on the same port
        back = _wait_status(http, "/readyz", 200).json()
        assert back["articles"] == 5  # nothing lost
        after = http.post("/v1/ask", json=QUESTION)
        assert after.status_code == 200 and _quotes(after.json()) == _quotes(before)


def test_api_started_before_chroma_becomes_ready_by_itself(chroma: ChromaServer, e5, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chroma.start()
    settings = _seed(chroma, e5, tmp_path / "data").settings
    chroma.kill()
    app = create_app(settings)  # no services handed in: it loads the model and opens the index itself
    with live_server(app) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        assert http.get("/healthz").status_code == 200
        waiting = _wait_status(http, "/readyz", 503)
        deadline = time.monotonic() + 60
        while waiting.json()["error"]["code"] == "not_ready" and time.monotonic() < deadline:
            time.sleep(0.2)  # the model loads first; then the index is tried
            waiting = http.get("/readyz")
        assert waiting.json()["error"]["code"] == "upstream_error", waiting.text
        assert "the index cannot be reached yet" in waiting.json()["error"]["message"]
        assert int(waiting.headers["retry-after"]) >= 1
        asked = http.post("/v1/ask", json=QUESTION)
        assert asked.status_code == 503 and asked.json()["error"]["code"] == "upstream_error"

        chroma.start()
        ready = _wait_status(http, "/readyz", 200).json()
        assert ready["articles"] == 5
        answer = http.post("/v1/ask", json=QUESTION)
        assert answer.status_code == 200, answer.text
        assert answer.json()["citations"]


# ----------------------------------------------------------------------------- kill -9 of the server
def _serve(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    # The developer's settings are left out, but not the session's embedding cache (tests/conftest.py).
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    env["CLAIMBOT_EMBEDDING_CACHE_DIR"] = os.environ["CLAIMBOT_EMBEDDING_CACHE_DIR"]
    env |= {"CLAIMBOT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "claimbot serve exited"
        try:
            r = httpx.get(f"{url}/readyz", timeout=5)
            if r.status_code == 200:
                return dict(r.json())
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("claimbot serve did not become ready")


def test_kill_9_with_requests_in_flight_keeps_conversations_and_index(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data / "chroma")
    port, log = _free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    proc = _serve(data, port, log)
    try:
        _wait_ready(url, proc)
        with httpx.Client(base_url=url, timeout=60) as http:
            first = http.post("/v1/chat", json={"message": "who denied arms transfers?"}).json()
            cid = first["conversation_id"]
            second = http.post(
                "/v1/chat", json={"message": "when did they say that?", "conversation_id": cid}
            )
            before = http.get(f"/v1/conversations/{cid}").json()
            asked = http.post("/v1/ask", json=QUESTION).json()
        assert [t["n"] for t in before["turns"]] == [1, 2] and second.status_code == 200

        replies: list[dict[str, Any]] = []

        def chat(i: int) -> None:
            body = {"message": f"where did Kim and Putin meet? ({i})", "conversation_id": cid}
            try:
                r = httpx.post(f"{url}/v1/chat", json=body, timeout=60)
                if r.status_code == 200:
                    replies.append(r.json())
            except httpx.TransportError:
                pass  # cut off by the kill: the point of the test

        threads = [threading.Thread(target=chat, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while not replies and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # as soon as one is answered: the others are in flight
        proc.wait(timeout=10)
        for t in threads:
            t.join(timeout=70)
        assert not any(t.is_alive() for t in threads)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

    with sqlite3.connect(data / "conversations.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    proc = _serve(data, port, log)
    try:
        ready = _wait_ready(url, proc)
        assert ready["articles"] == 5
        with httpx.Client(base_url=url, timeout=60) as http:
            after = http.get(f"/v1/conversations/{cid}").json()
            again = http.post("/v1/ask", json=QUESTION).json()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    turns = after["turns"]
    assert turns[:2] == before["turns"]  # what was there before the kill, unchanged
    assert [t["n"] for t in turns] == list(range(1, len(turns) + 1))  # no hole, no half-written turn
    assert all(t["answer"] and t["search_query"] for t in turns)
    kept = {t["n"]: t for t in turns}
    for reply in replies:  # every answer a client received was kept
        assert kept[reply["turn"]]["answer"] == reply["answer"]
    assert _quotes(again) == _quotes(asked)  # the index answers as before
