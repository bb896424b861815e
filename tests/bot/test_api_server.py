"""End to end against a real uvicorn server on a free 127.0.0.1 port: SSE streams, follow-ups, auth and
the rate limit over the wire, and restarts that keep conversations (in a thread, and as `claimbot serve`
processes)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.api.app import create_app
from tests.bot.serving import LiveServer, api_settings, live_server, parse_sse
from tests.conftest import ROOT

KEYS = {"api_keys": "user-key", "admin_keys": "admin-key"}
USER = {"Authorization": "Bearer user-key"}


@pytest.fixture(scope="module")
def server(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path_factory.mktemp("live") / "data", auth=KEYS)
    with live_server(create_app(settings, services=seeded)) as live:
        yield live


def test_chat_stream_is_server_sent_events(server: LiveServer) -> None:
    body = {"message": "who denied arms transfers?", "stream": True}
    with (
        httpx.Client(base_url=server.url, headers=USER, timeout=30) as http,
        http.stream("POST", "/v1/chat", json=body) as r,
    ):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["x-request-id"]
        raw = "".join(r.iter_text())
    events = parse_sse(raw)
    names = [name for name, _ in events]
    assert names[0] == "delta" and names[-2:] == ["citations", "done"]
    assert set(names[:-2]) == {"delta"} and len(names) >= 4  # the lead line and a line per quote
    done = json.loads(events[-1][1])
    text = "".join(json.loads(data)["text"] for name, data in events if name == "delta")
    assert text == done["answer"] and done["conversation_id"]
    assert json.loads(events[-2][1])["citations"] == done["citations"]
    assert any("membantah" in c["quote"] for c in done["citations"])


def test_follow_up_over_http_cites_the_denial(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, headers=USER, timeout=30) as http:
        first = http.post("/v1/chat", json={"message": "who denied arms transfers?"}).json()
        follow = http.post(
            "/v1/chat",
            json={"message": "did they deny it more than once?", "conversation_id": first["conversation_id"]},
        ).json()
    assert follow["turn"] == 2 and follow["search_query"].startswith("who denied arms transfers?")
    assert "membantah" in follow["citations"][0]["quote"]


def test_auth_and_rate_limit_over_the_wire(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    auth = {**KEYS, "rate_limit_per_minute": 2, "rate_limit_burst": 2}
    app = create_app(api_settings(tmp_path / "data", auth=auth), services=seeded)
    with live_server(app) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        assert http.get("/v1/models").status_code == 401
        assert http.get("/v1/models", headers={"Authorization": "Bearer wrong"}).status_code == 401
        denied = http.delete("/v1/articles/000_42152cb5f7c46a69", headers=USER)
        assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
        # Refused keys spend nothing; two requests pass (the burst), the third is limited.
        assert [http.get("/v1/models", headers=USER).status_code for _ in range(2)] == [200, 200]
        limited = http.get("/v1/models", headers=USER)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["error"]["code"] == "rate_limited"


def test_restart_keeps_the_conversation(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path / "data")
    with live_server(create_app(settings, services=seeded)) as first:
        reply = httpx.post(f"{first.url}/v1/chat", json={"message": "who denied arms transfers?"}, timeout=30)
    cid = reply.json()["conversation_id"]
    with (
        live_server(create_app(settings, services=seeded)) as second,
        httpx.Client(base_url=second.url) as http,
    ):
        kept = http.get(f"/v1/conversations/{cid}").json()
        assert [t["message"] for t in kept["turns"]] == ["who denied arms transfers?"]
        assert kept["turns"][0]["citations"] == reply.json()["citations"]
        follow = http.post("/v1/chat", json={"message": "when did they say that?", "conversation_id": cid})
        assert follow.json()["turn"] == 2
        assert follow.json()["search_query"] == "who denied arms transfers? when did they say that?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data_dir: Path, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    # The developer's settings are left out, but not the session's embedding cache (tests/conftest.py).
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMBOT_")}
    env["CLAIMBOT_EMBEDDING_CACHE_DIR"] = os.environ["CLAIMBOT_EMBEDDING_CACHE_DIR"]
    env |= {"CLAIMBOT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen_503 = False
    while time.monotonic() < deadline:
        assert proc.poll() is None, "claimbot serve exited"
        try:
            r = httpx.get(f"{url}/readyz", timeout=5)
            if r.status_code == 200:
                return {"body": r.json(), "saw_not_ready": seen_503}
            seen_503 |= r.status_code == 503
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not become ready")


def _wait_logged_ready(log: Path, workers: int, timeout: float = 90.0) -> None:
    """Each worker loads on its own: wait for every one's "ready" log line (a 200 from /readyz only
    says one of them is)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
        if len({x["pid"] for x in lines if x.get("event") == "ready" and "pid" in x}) >= workers:
            return
        time.sleep(0.1)
    raise AssertionError(f"not all {workers} workers became ready")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.mark.slow
def test_claimbot_serve_workers_share_conversations_across_a_restart(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data_dir / "chroma")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    proc = _serve(data_dir, port, log, workers=2)
    try:
        assert _wait_ready(url, proc)["body"]["articles"] == 5
        _wait_logged_ready(log, workers=2)
        first = httpx.post(
            f"{url}/v1/chat", json={"message": "who denied arms transfers?"}, timeout=30
        ).json()
        cid = first["conversation_id"]
        # Each request on a new connection: the two workers take turns at random, one SQLite file.
        turns = [
            httpx.post(f"{url}/v1/chat", json={"message": m, "conversation_id": cid}, timeout=30).json()[
                "turn"
            ]
            for m in ("did they deny it more than once?", "why?", "and the United States?")
        ]
        assert turns == [2, 3, 4]
    finally:
        _stop(proc)
    proc = _serve(data_dir, port, tmp_path / "serve2.log")
    try:
        _wait_ready(url, proc)
        kept = httpx.get(f"{url}/v1/conversations/{cid}", timeout=30).json()
        assert [t["n"] for t in kept["turns"]] == [1, 2, 3, 4]
        assert kept["turns"][0]["answer"] == first["answer"]
    finally:
        _stop(proc)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    chats = [line for line in lines if line.get("route") == "/v1/chat"]
    assert len(chats) == 4 and all(c["status"] == 200 and c["request_id"] and "text" not in c for c in chats)
    assert not any("INFO:" in line and "/v1/chat" in line for line in log.read_text().splitlines())


@pytest.mark.slow
def test_bench_http_measures_a_real_server(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from bot.bench_http import bench_http

    data_dir = tmp_path / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data_dir / "chroma")
    figures = bench_http(data_dir, clients=3, seconds=2, rounds=1, max_questions=5)
    assert figures["http_asks"] == 5 and figures["http_ask_errors"] == 0
    assert 0 < figures["http_ask_p50_ms"] <= figures["http_ask_p95_ms"]
    assert figures["concurrent_requests"] > 0 and figures["concurrent_errors"] == 0
    assert figures["concurrent_rps"] > 0
