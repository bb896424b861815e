"""HTTP part of `make bench`: a real `claimbot serve` process on a free loopback port.

`bench_http(data_dir)` starts the server against an already-ingested data directory, waits for
`/readyz`, then measures

- one client, warm: latency p50/p95 of `POST /v1/ask` and `/v1/search` over the questions and of
  `/v1/check` over the claims (`tests/data/*.jsonl` unless others are given);
- `clients` concurrent clients asking for `seconds`: requests/s, latency p50/p95 and errors (any
  status but 200, or a failed connection);
- the server's peak RSS (VmHWM), read before it is stopped,

and stops the server. Every loop is bounded in time and count; only 127.0.0.1 is contacted. The
server runs without API keys and with the rate limit off (it would otherwise limit the benchmark).
Figures only: nothing here fails on time.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from bot.eval.metrics import percentile as _percentile

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
CLAIMS = ROOT / "tests" / "data" / "claims.jsonl"
_MAX_REQUESTS_PER_CLIENT = 100_000
# Route -> (path, body field) of the single-client measurements.
ROUTES = {"ask": ("/v1/ask", "question"), "search": ("/v1/search", "query"), "check": ("/v1/check", "claim")}
_COUNTS = {"ask": "http_asks", "search": "http_searches", "check": "http_checks"}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated; NaN for no values (a table shows it)."""
    value = _percentile(values, q)
    return float("nan") if value is None else value


def _lines(path: Path, key: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)[key] for line in lines if line.strip()]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Client:
    """One keep-alive connection, reopened after a failure."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict[str, object] | None = None) -> int:
        """The status, or raises OSError/HTTPException on a transport failure."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def call(self, route: str, text: str) -> tuple[bool, float]:
        """(succeeded, milliseconds) of one POST to `route` (ask, search or check)."""
        path, field = ROUTES[route]
        started = time.perf_counter()
        try:
            ok = self.request("POST", path, {field: text}) == 200
        except (OSError, http.client.HTTPException):
            ok = False
        return ok, (time.perf_counter() - started) * 1000

    def ask(self, question: str) -> tuple[bool, float]:
        return self.call("ask", question)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _start_server(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    # The caller's settings (model, retrieval) apply, but not its API keys, and the rate limit is off.
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMBOT_API_KEYS", "CLAIMBOT_ADMIN_KEYS")}
    env |= {
        "CLAIMBOT_DATA_DIR": str(data_dir),
        "CLAIMBOT_RATE_LIMIT_PER_MINUTE": "0",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    env.pop("CLAIMBOT_CHROMA_URL", None)
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_ready(proc: subprocess.Popen[bytes], port: int, timeout: float) -> float:
    started = time.perf_counter()
    client = _Client(port, timeout=5)
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"claimbot serve exited with code {proc.returncode}")
        try:
            if client.request("GET", "/readyz") == 200:
                client.close()
                return time.perf_counter() - started
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the server was not ready after {timeout:.0f} s")


def _peak_rss_mb(pid: int) -> float:
    """VmHWM of a live process (Linux), in MB; NaN where /proc cannot tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        pass
    return float("nan")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def single_client(port: int, route: str, texts: Sequence[str], rounds: int) -> dict[str, float]:
    """Warm latency of one client sending every text `rounds` times (after one warm-up pass)."""
    client = _Client(port)
    for t in texts:
        client.call(route, t)
    times, errors = [], 0
    for _ in range(rounds):
        for t in texts:
            ok, ms = client.call(route, t)
            times.append(ms)
            errors += not ok
    client.close()
    return {
        f"http_{route}_p50_ms": percentile(times, 50),
        f"http_{route}_p95_ms": percentile(times, 95),
        _COUNTS[route]: len(times),
        f"http_{route}_errors": errors,
    }


def concurrent_clients(port: int, questions: list[str], clients: int, seconds: float) -> dict[str, float]:
    """`clients` threads asking round-robin for `seconds`; requests/s, latency and errors."""
    lock = threading.Lock()
    times: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + seconds

    def run(offset: int) -> None:
        client = _Client(port)
        mine: list[float] = []
        failed = 0
        for i in range(_MAX_REQUESTS_PER_CLIENT):
            if time.perf_counter() >= deadline:
                break
            ok, ms = client.ask(questions[(offset + i) % len(questions)])
            mine.append(ms)
            failed += not ok
        client.close()
        with lock:
            times.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(n * 7,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.perf_counter() - started
    return {
        "concurrent_clients": clients,
        "concurrent_seconds": elapsed,
        "concurrent_requests": len(times),
        "concurrent_rps": len(times) / elapsed if elapsed else 0.0,
        "concurrent_p50_ms": percentile(times, 50),
        "concurrent_p95_ms": percentile(times, 95),
        "concurrent_errors": errors[0],
    }


def bench_http(
    data_dir: Path,
    *,
    clients: int = 20,
    seconds: float = 30.0,
    rounds: int = 3,
    max_questions: int | None = None,
    startup_timeout: float = 180.0,
    questions: Sequence[str] | None = None,
    claims: Sequence[str] | None = None,
) -> dict[str, float]:
    """Serve `data_dir` with `claimbot serve` and measure it over HTTP (see the module doc).

    `max_questions` uses only the first questions and claims (for a quick check of the harness)."""
    asked = list(questions if questions is not None else _lines(QUESTIONS, "question"))[:max_questions]
    checked = list(claims if claims is not None else _lines(CLAIMS, "claim"))[:max_questions]
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = _start_server(Path(data_dir), port, Path(tmp) / "serve.log")
        try:
            figures: dict[str, float] = {"http_startup_s": _wait_ready(proc, port, startup_timeout)}
            figures |= single_client(port, "ask", asked, rounds)
            figures |= single_client(port, "search", asked, rounds)
            figures |= single_client(port, "check", checked, rounds)
            figures |= concurrent_clients(port, asked, clients, seconds)
            figures["http_server_rss_mb"] = _peak_rss_mb(proc.pid)
        finally:
            _stop(proc)
    return figures


if __name__ == "__main__":
    for key, value in bench_http(Path(sys.argv[1] if len(sys.argv) > 1 else "data")).items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
