"""A SCRIPTED FAKE of an OpenAI-compatible chat completions server, for the LLM judge's tests.

A hosted LLM cannot run here, so this stands in for one behind the real interface: a real HTTP server on
127.0.0.1 (a port the OS picked) in a daemon thread, answering `POST /v1/chat/completions` with the
replies a test scripted, in order, and recording every request (path, headers, JSON body) so a test can
assert exactly what the prompt contained. It judges nothing: what it says is what the test told it to.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer: a message `content`, or a raw `status` and `body`; sent after `delay_s`."""

    content: str | None = None
    status: int = 200
    body: dict[str, Any] | None = None
    delay_s: float = 0.0
    finish_reason: str = "stop"


@dataclass
class Recorded:
    """A request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def content_of(self, role: str) -> str:
        """The text of the first message with `role` (string or content-part list)."""
        for m in self.messages:
            if m.get("role") == role:
                content = m.get("content")
                if isinstance(content, list):
                    return "".join(part.get("text", "") for part in content)
                return str(content)
        raise AssertionError(f"no {role} message in {self.messages}")


@dataclass
class FakeLlm:
    """The fake's script and its record. `url` is the base URL to give a client (ends in /v1)."""

    script: list[Reply] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *replies: Reply | str) -> None:
        """Queue replies (a str is a message content)."""
        with self.lock:
            self.script.extend(r if isinstance(r, Reply) else Reply(content=r) for r in replies)

    def next_reply(self, request: Recorded) -> Reply:
        with self.lock:
            self.requests.append(request)
            if not self.script:
                return Reply(status=500, body={"error": {"message": "fake LLM: no scripted reply left"}})
            return self.script.pop(0)


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _handler(fake: FakeLlm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"unparseable": raw.decode("utf-8", "replace")}
            recorded = Recorded(
                path=self.path, headers={k.lower(): v for k, v in self.headers.items()}, body=body
            )
            if self.path.rstrip("/") != "/v1/chat/completions":
                fake.requests.append(recorded)
                self._send(404, {"error": {"message": f"fake LLM: no route {self.path}"}})
                return
            reply = fake.next_reply(recorded)
            if reply.delay_s:
                fake.stopping.wait(reply.delay_s)  # interrupted when the fake stops
            if reply.body is not None or reply.status != 200:
                self._send(reply.status, reply.body or {})
            else:
                self._send(200, _completion(reply, str(body.get("model", "fake"))))

    return Handler


@contextmanager
def fake_llm(*replies: Reply | str) -> Iterator[FakeLlm]:
    """A started fake for the block, with `replies` queued; stopped (bounded wait) after it."""
    fake = FakeLlm()
    fake.add(*replies)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
