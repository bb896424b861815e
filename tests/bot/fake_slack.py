"""A FAKE of Slack for tests: Slack's hosted Web API cannot run here, so this is a small scripted
stand-in, a real HTTP server on 127.0.0.1 that records every call.

- `FakeSlack` answers the Web API methods the app uses (chat.postMessage, chat.postEphemeral,
  reactions.add / remove; anything else is `unknown_method`, and auth.test is recorded so a test can
  show it is never needed) and the `response_url`s of commands, shortcuts and buttons. It checks what
  Slack checks: the bot token, `text` or `blocks` present, and the Block Kit limits (50 blocks, 3,000
  characters of section or context text, 40,000 of `text`), refusing with Slack's error codes.
  Scripts: `not_in_channel` (channels the app is not a member of), `refuse_blocks` (every message
  with blocks is refused as `invalid_blocks`), `gate` (clear it and reactions.add waits: the app's
  work is held up while the test looks).
- `SlackSender` plays Slack's side of the app's endpoint: it posts events, commands and interactivity
  payloads signed with the real `slack_sdk.signature.SignatureVerifier`.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from slack_sdk.signature import SignatureVerifier

T = TypeVar("T")

SECTION_CHARS = 3000
MAX_BLOCKS = 50
TEXT_CHARS = 40_000


@dataclass
class Call:
    """One request the fake received: the Web API method (or `response_url`), its arguments, the token."""

    method: str
    args: dict[str, Any]
    token: str | None
    path: str
    at: float = field(default_factory=time.monotonic)


def block_errors(blocks: Any) -> list[str]:
    """What Slack would refuse in `blocks` (an empty list when it would show them)."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    errors = [f"{len(blocks)} blocks (at most {MAX_BLOCKS})"] if len(blocks) > MAX_BLOCKS else []
    for i, block in enumerate(blocks):
        kind = block.get("type")
        texts: list[Any] = []
        if kind == "section":
            texts = [block.get("text", {}).get("text")]
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                errors.append(f"block {i}: context with {len(elements)} elements")
            texts = [e.get("text") for e in elements]
        elif kind == "actions":
            for e in block.get("elements", []):
                if len(e.get("value", "")) > 2000 or len(e.get("text", {}).get("text", "")) > 75:
                    errors.append(f"block {i}: button too long")
        elif kind not in ("divider", "header"):
            errors.append(f"block {i}: unknown type {kind!r}")
        for t in texts:
            if not isinstance(t, str) or not 1 <= len(t) <= SECTION_CHARS:
                errors.append(f"block {i}: text of {len(t) if isinstance(t, str) else t!r} characters")
    return errors


class FakeSlack:
    """The fake Web API server. Use as a context manager; `calls` holds what it received."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.not_in_channel: set[str] = set()
        self.refuse_blocks = False
        self.gate = threading.Event()  # cleared: reactions.add waits until it is set again (at most 30 s)
        self.gate.set()
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.api_url = f"{self.url}/api/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(10)

    def response_url(self, name: str) -> str:
        """A response_url Slack would hand out with a command, shortcut or button click."""
        return f"{self.url}/respond/{name}"

    # ------------------------------------------------------------------ inspecting
    def calls_to(self, method: str, where: Callable[[Call], bool] = lambda c: True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and where(c)]

    def wait_for(self, found: Callable[[], T | None], timeout: float = 30.0, what: str = "a call") -> T:
        """Poll `found` until it returns something (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = found()
            if result:
                return result
            time.sleep(0.02)
        with self._lock:
            seen = [(c.method, c.path) for c in self.calls]
        raise AssertionError(f"waited {timeout}s for {what}; the fake Slack saw {seen}")

    def posts(self, channel: str) -> list[Call]:
        """chat.postMessage calls into `channel` (refused ones included)."""
        return self.calls_to("chat.postMessage", lambda c: c.args.get("channel") == channel)

    def responses(self, name: str) -> list[Call]:
        """What was sent to the response_url `name`."""
        return self.calls_to("response_url", lambda c: c.path == f"/respond/{name}")

    # ------------------------------------------------------------------ serving
    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "response_url":
            return self._check_message(args) or {"ok": True}
        if token != self.token:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            if args.get("channel") in self.not_in_channel:
                return {"ok": False, "error": "not_in_channel"}
            refused = self._check_message(args)
            if refused:
                return refused
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            if method == "chat.postEphemeral":
                return {"ok": True, "message_ts": ts}
            return {"ok": True, "channel": args["channel"], "ts": ts, "message": {"text": args.get("text")}}
        if method in ("reactions.add", "reactions.remove"):
            if method == "reactions.add":
                self.gate.wait(30)
            if not (args.get("channel") and args.get("timestamp") and args.get("name")):
                return {"ok": False, "error": "invalid_arguments"}
            return {"ok": True}
        if method == "auth.test":
            return {"ok": True, "user_id": "UAPP", "bot_id": "BAPP", "team_id": "T1"}
        return {"ok": False, "error": "unknown_method"}

    def _check_message(self, args: dict[str, Any]) -> dict[str, Any] | None:
        blocks = args.get("blocks")
        if not args.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        if len(args.get("text") or "") > TEXT_CHARS:
            return {"ok": False, "error": "msg_too_long"}
        if blocks:
            errors = block_errors(blocks) or (["refused by the script"] if self.refuse_blocks else [])
            if errors:
                return {"ok": False, "error": "invalid_blocks", "response_metadata": {"messages": errors}}
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
                args: dict[str, Any] = dict(parse_qsl(url.query))
                if "json" in (self.headers.get("content-type") or ""):
                    args.update(json.loads(raw or "{}"))
                else:
                    args.update(parse_qsl(raw))
                if isinstance(args.get("blocks"), str):
                    args["blocks"] = json.loads(args["blocks"])
                auth = self.headers.get("authorization") or ""
                token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
                if url.path.startswith("/respond/"):
                    method = "response_url"
                elif url.path.startswith("/api/"):
                    method = url.path.removeprefix("/api/")
                else:
                    self.send_error(404)
                    return
                with fake._lock:
                    fake.calls.append(Call(method, args, token, url.path))
                result = fake._answer(method, args, token)
                if method == "response_url":
                    # Slack answers a response_url with plain text: "ok", or the error with status 400.
                    body = b"ok" if result.get("ok") else str(result.get("error")).encode()
                    self.send_response(200 if result.get("ok") else 400)
                    self.send_header("content-type", "text/plain")
                else:
                    body = json.dumps(result).encode()
                    self.send_response(200)
                    self.send_header("content-type", "application/json; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@contextmanager
def fake_slack(token: str) -> Iterator[FakeSlack]:
    with FakeSlack(token) as fake:
        yield fake


class SlackSender:
    """Slack's side of `POST /slack/events`: signed events, commands and interactivity payloads."""

    def __init__(self, url: str, signing_secret: str) -> None:
        self.url = url.rstrip("/") + "/slack/events"
        self.verifier = SignatureVerifier(signing_secret)

    def headers(self, body: str, *, timestamp: int | None = None, content_type: str) -> dict[str, str]:
        """The headers Slack sends: its timestamp and the `v0=` signature over them and the body."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = self.verifier.generate_signature(timestamp=ts, body=body)
        assert signature is not None
        return {
            "content-type": content_type,
            "x-slack-request-timestamp": ts,
            "x-slack-signature": signature,
        }

    def send(
        self, body: str, content_type: str, *, extra: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        headers = {**self.headers(body, content_type=content_type, **kw), **(extra or {})}
        return httpx.post(self.url, content=body.encode(), headers=headers, timeout=30)

    def event(self, payload: dict[str, Any], *, retry: int | None = None, **kw: Any) -> httpx.Response:
        extra = {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"} if retry else None
        return self.send(json.dumps(payload), "application/json", extra=extra, **kw)

    def form(self, fields: dict[str, str], **kw: Any) -> httpx.Response:
        return self.send(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    def interactive(self, payload: dict[str, Any], **kw: Any) -> httpx.Response:
        return self.form({"payload": json.dumps(payload)}, **kw)


# ---------------------------------------------------------------------- payloads as Slack sends them
TEAM, APP_USER = "T0TEAM", "UAPPBOT"
_ids = itertools.count(1)


def _next_ts() -> str:
    return f"{1694580000 + next(_ids)}.{next(_ids):06d}"


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope, with `authorizations` naming the app's own user."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM,
                "user_id": APP_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }


def mention(text: str, channel: str, *, user: str = "UASKER", thread_ts: str | None = None) -> dict[str, Any]:
    ts = _next_ts()
    event = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{APP_USER}> {text}",
        "ts": ts,
        "channel": channel,
    }
    event |= {"event_ts": ts, "team": TEAM} | ({"thread_ts": thread_ts} if thread_ts else {})
    return event_callback(event)


def direct_message(text: str, channel: str, *, thread_ts: str | None = None, **more: Any) -> dict[str, Any]:
    ts = _next_ts()
    event = {
        "type": "message",
        "channel_type": "im",
        "user": "UASKER",
        "text": text,
        "ts": ts,
        "channel": channel,
    }
    event |= {"event_ts": ts, "team": TEAM} | ({"thread_ts": thread_ts} if thread_ts else {}) | more
    return event_callback(event)


def command(text: str, channel: str, response_url: str) -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "newsroom",
        "channel_id": channel,
        "channel_name": "desk",
        "user_id": "UASKER",
        "user_name": "asker",
        "command": "/claimbot",
        "text": text,
        "api_app_id": "A0APP",
        "response_url": response_url,
        "trigger_id": f"{next(_ids)}.trigger",
    }


def message_shortcut(
    text: str, channel: str, response_url: str, *, thread_ts: str | None = None
) -> dict[str, Any]:
    message = {"type": "message", "user": "UWRITER", "text": text, "ts": _next_ts()}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "callback_id": "check_claim",
        "trigger_id": f"{next(_ids)}.trigger",
        "response_url": response_url,
        "team": {"id": TEAM, "domain": "newsroom"},
        "channel": {"id": channel, "name": "desk"},
        "user": {"id": "UCHECKER", "name": "checker", "team_id": TEAM},
        "message": message,
        "message_ts": message["ts"],
        "action_ts": _next_ts(),
    }


def button_click(
    action_id: str, value: str, channel: str, message_ts: str, response_url: str
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "newsroom"},
        "user": {"id": "UVOTER", "name": "voter", "team_id": TEAM},
        "api_app_id": "A0APP",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": f"{next(_ids)}.trigger",
        "channel": {"id": channel, "name": "desk"},
        "message": {"type": "message", "ts": message_ts, "text": "(the answer)"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "feedback",
                "value": value,
                "type": "button",
                "action_ts": _next_ts(),
            }
        ],
    }
