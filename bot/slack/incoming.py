"""Reading what Slack sends: which message events deserve an answer, the plain text of a message, the
thread (and so the conversation) it belongs to, and the `/claimbot` sub-command.

**What is answered.** A mention of the app in a channel (`app_mention`) and a direct message
(`message` with `channel_type: im`) from a person. Never: messages from any bot, the app included
(`bot_id`, subtype `bot_message`), edits, deletions and other subtyped messages (`message_changed`,
`message_deleted`, `channel_join`, ...), hidden messages, or messages without a user. The app's own
replies therefore never start another answer: there is no loop.

**Threads.** A reply goes into the thread of the message (a message outside a thread starts one), and
the thread is the conversation: its id is derived from team, channel and the thread's first message, so
a follow-up mention in the thread, or a follow-up in a direct-message thread, continues it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

# Subtypes that are still a person writing: a file with a comment, a thread reply sent to the channel.
_PERSON_SUBTYPES = frozenset({"file_share", "thread_broadcast"})

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!([^>|]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|([^>]*))?>")
_SPACE = re.compile(r"\s+")

CommandAction = Literal["ask", "check", "help"]
_ACTIONS: dict[str, CommandAction] = {
    "ask": "ask",
    "tanya": "ask",
    "check": "check",
    "cek": "check",
    "periksa": "check",
    "help": "help",
    "bantuan": "help",
}


def app_user_id(body: dict[str, Any]) -> str | None:
    """The app's own user id, from the event's `authorizations` (so no `auth.test` call is needed)."""
    for auth in body.get("authorizations") or ():
        if isinstance(auth, dict) and auth.get("is_bot") and auth.get("user_id"):
            return str(auth["user_id"])
    event = body.get("event") or {}
    if event.get("type") == "app_mention":  # older payloads: the mention that brought the event is the app
        found = _USER.search(str(event.get("text") or ""))
        if found:
            return found.group(1)
    return None


def answerable(event: dict[str, Any], *, app_user: str | None) -> bool:
    """Whether this message event is a person asking the app (see the module docstring)."""
    if event.get("bot_id") or event.get("bot_profile") or event.get("hidden"):
        return False
    subtype = event.get("subtype")
    if subtype is not None and subtype not in _PERSON_SUBTYPES:
        return False
    user = event.get("user")
    if not user or (app_user is not None and user == app_user):
        return False
    if not event.get("channel") or not event.get("ts"):
        return False
    if event.get("type") == "app_mention":
        return True
    return event.get("type") == "message" and event.get("channel_type") == "im"


def plain_text(text: str, *, app_user: str | None = None) -> str:
    """Slack's message markup as plain text: the app's own mention removed, other mentions, channels and
    links as their labels, `&amp;` `&lt;` `&gt;` unescaped, whitespace collapsed."""

    def user(m: re.Match[str]) -> str:
        if app_user is not None and m.group(1) == app_user:
            return " "
        return "@" + (m.group(2) or m.group(1))

    text = _USER.sub(user, text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    text = _SPECIAL.sub(lambda m: m.group(2) or "@" + m.group(1).split("^")[0], text)
    # Slack escapes only these three; a general HTML unescape would also turn a typed "&copy;" into ©.
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()


def thread_root(event: dict[str, Any]) -> str:
    """The ts of the thread's first message: where the reply goes (`thread_ts`)."""
    return str(event.get("thread_ts") or event["ts"])


def thread_conversation_id(team: str, channel: str, root_ts: str) -> str:
    """The conversation id of a Slack thread: the same for every message in it, different elsewhere."""
    digest = hashlib.sha256(f"{team}\x1f{channel}\x1f{root_ts}".encode()).hexdigest()
    return f"slack-{digest[:40]}"


def owner(team: str) -> str:
    """The conversation owner of a workspace: its conversations are not reachable with an API key."""
    return f"slack:{team}"


def voter(team: str, user: str) -> str:
    """Who voted, as stored with feedback."""
    return f"slack:{team}:{user}"


@dataclass(frozen=True)
class Command:
    """A `/claimbot` invocation: what to do and with which text."""

    action: CommandAction
    text: str


def parse_command(text: str) -> Command:
    """`ask QUESTION`, `check CLAIM`, `help` (also `tanya`, `cek`, `bantuan`); anything else is a
    question, and nothing at all is help."""
    text = plain_text(text)
    first, _, rest = text.partition(" ")
    action = _ACTIONS.get(first.lower())
    if action is None:
        return Command("ask", text) if text else Command("help", "")
    rest = rest.strip()
    if action != "help" and not rest:
        return Command("help", "")
    return Command(action, rest)
