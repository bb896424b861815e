"""The work behind each Slack request, done after the acknowledgement.

`SlackBot` holds what the listeners need (the services, the conversation, feedback and event stores)
and runs every piece of work as a task it keeps, so none is garbage-collected half way and shutdown
can wait for replies in progress. Answering and checking are CPU-bound (the model, Chroma, SQLite): they
run in the thread pool, never on the event loop that acknowledges Slack.

What reaches the user on failure is one short sentence (`friendly`); the details go to the log, with
a reference the user can quote, and never with the message text unless CLAIMBOT_LOG_MESSAGE_TEXT is on
(tokens are never logged: the client holds them and errors carry only Slack's error code).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
from pydantic import ValidationError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.concurrency import run_in_threadpool

from bot.conversations.reply import reply
from bot.conversations.store import ConversationStore
from bot.feedback import FeedbackStore, Vote
from bot.models import MAX_QUESTION_CHARS, CheckRequest, CheckResult
from bot.services import Services
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.blocks import Message
from bot.slack.incoming import owner, thread_conversation_id
from bot.slack.ledger import Claim, EventLedger
from vectorstore.errors import BadInputError, IndexMismatchError, NotFoundError, UpstreamError

log = logging.getLogger("claimbot.slack")

# Slack's answers to blocks it will not show: send the plain text instead.
_BLOCK_ERRORS = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long", "too_many_blocks"})
# The app cannot post where the user is: answer them privately instead.
_NOT_THERE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
SLACK_FAILURES = (SlackClientError, aiohttp.ClientError, TimeoutError)


class NotReadyError(Exception):
    """The model and index are still loading."""


def friendly(exc: BaseException, reference: str) -> str:
    """One sentence for the user about what went wrong (the log has the rest)."""
    if isinstance(exc, NotReadyError):
        return "I'm still starting up (loading the articles). Please ask again in a minute."
    if isinstance(exc, ValidationError):
        if any(e["type"] == "string_too_long" for e in exc.errors()):
            return f"That is too long for me: please keep it under {MAX_QUESTION_CHARS:,} characters."
        return "I could not read that as a question. Try `/claimbot help`."
    if isinstance(exc, IndexMismatchError | UpstreamError):
        return "The article index is not available right now. Please try again later."
    if isinstance(exc, NotFoundError):
        return "I lost this thread's conversation. Please ask again in a new message."
    if isinstance(exc, BadInputError):
        return f"I could not use that: {str(exc)[:200]}"
    return f"Something went wrong on my side, sorry. Please try again (reference {reference})."


class SlackBot:
    """The Slack app's state and work. `start()` opens its stores; `stop()` waits for work in progress."""

    def __init__(
        self,
        settings: Settings,
        services: Callable[[], Services | None],
        conversations: Callable[[], ConversationStore | None],
    ) -> None:
        self.settings = settings
        self.slack = settings.slack
        self._services = services
        self._conversations = conversations
        self.ledger: EventLedger | None = None
        self.feedback: FeedbackStore | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        # The ledger's own threads: an acknowledgement never queues behind answers in the shared pool.
        self._ledger_threads = ThreadPoolExecutor(2, thread_name_prefix="slack-ledger")

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Open the event ledger and the feedback store (SQLite files in the data directory)."""
        data_dir = self.settings.store.data_dir
        retention_s = self.slack.slack_event_retention_hours * 3600
        lease_s = self.slack.slack_event_lease_s
        self.ledger = await run_in_threadpool(
            lambda: EventLedger(data_dir / "slack.sqlite3", retention_s=retention_s, lease_s=lease_s)
        )
        self.feedback = await run_in_threadpool(FeedbackStore.open, self.settings.feedback, data_dir)

    async def stop(self, timeout: float = 20.0) -> None:
        """Let replies in progress finish (bounded), then cancel what is left."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            for task in pending:
                task.cancel()
        self._ledger_threads.shutdown(wait=False)

    async def claim(self, key: str) -> Claim:
        """Take the event `key` in the ledger (see `EventLedger.claim`)."""
        assert self.ledger is not None
        return await asyncio.get_running_loop().run_in_executor(self._ledger_threads, self.ledger.claim, key)

    async def finish(self, key: str) -> None:
        """Mark the event `key` answered."""
        if self.ledger is not None:
            await asyncio.get_running_loop().run_in_executor(self._ledger_threads, self.ledger.finish, key)

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run `work` after the acknowledgement, keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ helpers
    def services(self) -> Services:
        services = self._services()
        if services is None:
            raise NotReadyError("the model and index are still loading")
        return services

    def conversations(self) -> ConversationStore:
        store = self._conversations()
        if store is None:
            raise NotReadyError("the conversation store is not open yet")
        return store

    def _feedback(self) -> FeedbackStore:
        if self.feedback is None:
            raise NotReadyError("the feedback store is not open yet")
        return self.feedback

    def link(self, article_id: str, start: int, end: int) -> str:
        return self.slack.article_link(article_id, start, end)

    def text_for_log(self, text: str) -> dict[str, Any]:
        """The message text as a log field, only when CLAIMBOT_LOG_MESSAGE_TEXT asks for it."""
        return {"text": text} if self.settings.http.log_message_text else {}

    def failure(self, exc: BaseException, what: str, **fields: Any) -> Message:
        """Log a failure (with a reference, without the text) and the short message for the user."""
        reference = uuid.uuid4().hex[:8]
        expected = isinstance(exc, NotReadyError | ValidationError | BadInputError | NotFoundError)
        fields = {"reference": reference, "error": type(exc).__name__, **fields}
        if expected:
            log.info(f"{what} not answered", extra={"fields": fields})
        else:
            log.error(f"{what} failed", exc_info=exc, extra={"fields": fields})
        return blocks.notice(":warning: " + friendly(exc, reference))

    # ------------------------------------------------------------------ the work (in the thread pool)
    def answer_in_thread(self, text: str, *, team: str, channel: str, root: str, origin: str) -> Message:
        """Answer `text` within the conversation of a Slack thread; record it for feedback."""
        store = self.conversations()
        cid = store.start(owner(team), conversation_id=thread_conversation_id(team, channel, root))
        return self._chat(text, team=team, origin=origin, conversation_id=cid)

    def answer(self, text: str, *, team: str, origin: str, asked_by: str | None = None) -> Message:
        """Answer `text` in a conversation of its own (slash commands have no thread)."""
        return self._chat(text, team=team, origin=origin, asked_by=asked_by)

    def _chat(
        self,
        text: str,
        *,
        team: str,
        origin: str,
        conversation_id: str | None = None,
        asked_by: str | None = None,
    ) -> Message:
        """A conversation turn, rendered: an answer, or a verdict when the message asks for a check."""
        services, store = self.services(), self.conversations()
        chat = reply(
            services,
            store,
            text,
            conversation_id=conversation_id,
            owner=owner(team),
            top_k=self.slack.slack_top_k,
        )
        if chat.check is not None:
            return self._verdict(
                chat.check, origin=origin, asked_by=asked_by, conversation_id=chat.conversation_id
            )
        answer_id = self._feedback().record_answer(
            kind="answer",
            origin=origin,
            question=text,
            answer=chat.answer,
            insufficient_evidence=chat.insufficient_evidence,
            citations=chat.citations,
            conversation_id=chat.conversation_id,
        )
        return blocks.answer_message(chat, self.link, answer_id=answer_id, asked_by=asked_by)

    def check(self, claim: str, *, origin: str, asked_by: str | None = None) -> Message:
        """Check `claim` against the articles; record the verdict for feedback."""
        result = self.services().check(CheckRequest(claim=claim, top_k=self.slack.slack_top_k))
        return self._verdict(result, origin=origin, asked_by=asked_by)

    def _verdict(
        self, result: CheckResult, *, origin: str, asked_by: str | None, conversation_id: str | None = None
    ) -> Message:
        answer_id = self._feedback().record_answer(
            kind="check",
            origin=origin,
            question=result.claim,
            answer=result.explanation,
            verdict=result.verdict,
            evidence=result.evidence,
            conversation_id=conversation_id,
        )
        return blocks.check_message(result, self.link, answer_id=answer_id, asked_by=asked_by)

    def vote(self, answer_id: str, user: str, vote: Vote) -> None:
        self._feedback().vote(answer_id, user, vote)

    # ------------------------------------------------------------------ talking to Slack
    async def react(self, client: AsyncWebClient, channel: str, ts: str, *, add: bool) -> None:
        """Add or remove :eyes: on a message; failures only cost the reaction."""
        try:
            if add:
                await client.reactions_add(channel=channel, timestamp=ts, name="eyes")
            else:
                await client.reactions_remove(channel=channel, timestamp=ts, name="eyes")
        except SLACK_FAILURES as exc:
            log.warning("reaction failed", extra={"fields": {"add": add, "error": slack_error(exc)}})

    async def post(self, client: AsyncWebClient, channel: str, thread_ts: str, message: Message) -> None:
        """Post `message` in the thread; if Slack refuses the blocks, post the plain text."""
        args: dict[str, Any] = {
            "channel": channel,
            "thread_ts": thread_ts,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        try:
            await client.chat_postMessage(**args, **message.payload())
        except SlackApiError as exc:
            if slack_error(exc) not in _BLOCK_ERRORS or not message.blocks:
                raise
            log.warning("blocks refused, sent as text", extra={"fields": {"error": slack_error(exc)}})
            await client.chat_postMessage(**args, **blocks.plain(message).payload())

    async def respond(self, respond: Any, message: Message, *, public: bool) -> None:
        """Reply through a response_url (slash commands, shortcuts, buttons); plain text if refused."""
        kind = "in_channel" if public else "ephemeral"
        sent = await respond(response_type=kind, replace_original=False, **message.payload())
        if getattr(sent, "status_code", 200) >= 400 and message.blocks:
            log.warning("response refused, sent as text", extra={"fields": {"status": sent.status_code}})
            await respond(response_type=kind, replace_original=False, **blocks.plain(message).payload())


def slack_error(exc: BaseException) -> str:
    """Slack's error code (`not_in_channel`...) or the exception's type: never the request or token."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or "slack_api_error")
    return type(exc).__name__


def not_there(exc: BaseException) -> bool:
    """Slack refused the post because the app is not in that conversation."""
    return isinstance(exc, SlackApiError) and slack_error(exc) in _NOT_THERE
