"""HTTP benchmark of `/v1/ask`: a real `claimbot serve` process on a free loopback port.

`bench_http(data_dir)` starts the server against an already-ingested data directory, waits for
`/readyz`, then measures

- one client, warm: latency p50/p95 over the development questions (`tests/data/questions.jsonl`);
- `clients` concurrent clients for `seconds`: requests/s, latency p50/p95 and errors (any status but
  200, or a failed connection),

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
_MAX_REQUESTS_PER_CLIENT = 100_000


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _questions() -> list[str]:
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


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

    def ask(self, question: str) -> tuple[bool, float]:
        """(succeeded, milliseconds) of one POST /v1/ask."""
        started = time.perf_counter()
        try:
            ok = self.request("POST", "/v1/ask", {"question": question}) == 200
        except (OSError, http.client.HTTPException):
            ok = False
        return ok, (time.perf_counter() - started) * 1000

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


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def single_client(port: int, questions: list[str], rounds: int) -> dict[str, float]:
    """Warm latency of one client asking every question `rounds` times (after one warm-up pass)."""
    client = _Client(port)
    for q in questions:
        client.ask(q)
    times, errors = [], 0
    for _ in range(rounds):
        for q in questions:
            ok, ms = client.ask(q)
            times.append(ms)
            errors += not ok
    client.close()
    return {
        "http_ask_p50_ms": _pct(times, 0.5),
        "http_ask_p95_ms": _pct(times, 0.95),
        "http_asks": len(times),
        "http_ask_errors": errors,
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
        "concurrent_p50_ms": _pct(times, 0.5),
        "concurrent_p95_ms": _pct(times, 0.95),
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
) -> dict[str, float]:
    """Serve `data_dir` with `claimbot serve` and measure POST /v1/ask over HTTP (see the module doc).

    `max_questions` uses only the first questions of the set (for a quick check of the harness)."""
    questions = _questions()[:max_questions]
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = _start_server(Path(data_dir), port, Path(tmp) / "serve.log")
        try:
            figures: dict[str, float] = {"http_startup_s": _wait_ready(proc, port, startup_timeout)}
            figures |= single_client(port, questions, rounds)
            figures |= concurrent_clients(port, questions, clients, seconds)
        finally:
            _stop(proc)
    return figures


if __name__ == "__main__":
    for key, value in bench_http(Path(sys.argv[1] if len(sys.argv) > 1 else "data")).items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
