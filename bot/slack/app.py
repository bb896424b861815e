"""The bolt `AsyncApp` behind `POST /slack/events`: events, interactivity and the slash command.

Order of work for every request: bolt checks the signature (`X-Slack-Signature` over the raw body and
`X-Slack-Request-Timestamp`, which must be within five minutes) and answers 401 before anything else
runs; `authorize` hands bolt the configured bot token (one workspace; no `auth.test` round trip); bolt
answers `url_verification` and `ssl_check` itself; the `once` middleware drops events already taken
(retries, other workers: `bot.slack.ledger`); then a listener acknowledges at once and leaves the work
to a task (`SlackBot.spawn`), so Slack hears back well within its three seconds.

Bolt's own logger is kept at ERROR: its info and warning lines quote request bodies (message text).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings
from bot.slack import blocks
from bot.slack.blocks import HELPFUL, NOT_HELPFUL
from bot.slack.handlers import SlackBot, log
from bot.slack.incoming import parse_command
from bot.slack.ledger import event_key
from bot.slack.work import command_work, feedback_work, message_work, shortcut_work

SHORTCUT_CALLBACK = "check_claim"
COMMAND = "/claimbot"
_FEEDBACK = re.compile(f"^({HELPFUL}|{NOT_HELPFUL})$")


def _quiet(name: str, level: int) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.setLevel(level)
    return logger


def build_bolt_app(bot: SlackBot) -> AsyncApp:
    """The bolt app with its listeners (no I/O: nothing is called until Slack sends a request)."""
    slack = bot.slack
    assert slack.slack_bot_token is not None and slack.slack_signing_secret is not None
    token = slack.slack_bot_token.get_secret_value()

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

    client = AsyncWebClient(base_url=slack.api_base, logger=_quiet("claimbot.slack.web", logging.WARNING))
    app = AsyncApp(
        logger=_quiet("claimbot.slack.bolt", logging.ERROR),
        signing_secret=slack.slack_signing_secret.get_secret_value(),
        client=client,
        authorize=authorize,
        process_before_response=False,
    )

    @app.middleware
    async def once(req: Any, body: dict[str, Any], context: Any, next: Any) -> BoltResponse:
        """Take each event once (retries and other workers get 200 and do nothing)."""
        key = event_key(body)
        if key is None or bot.ledger is None:
            return await next()
        retry = req.headers.get("x-slack-retry-num", [None])[0]
        fields = {
            "event_id": body.get("event_id"),
            "type": (body.get("event") or {}).get("type"),
            "team": body.get("team_id"),
            "retry": retry,
            "retry_reason": req.headers.get("x-slack-retry-reason", [None])[0],
        }
        claim = await bot.claim(key)
        if claim != "taken":
            log.info("slack event already taken", extra={"fields": {**fields, "state": claim}})
            # Answered already: Slack may stop retrying. Still working: let Slack retry, in case it dies.
            headers: dict[str, str | Sequence[str]] = {"x-slack-no-retry": "1"} if claim == "done" else {}
            return BoltResponse(status=200, body="", headers=headers)
        log.info("slack event", extra={"fields": fields})
        context["event_key"] = key
        return await next()

    async def on_message(
        body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, context: Any
    ) -> None:
        bot.spawn(message_work(bot, body, event, client, context.get("event_key")), name="slack-message")

    app.event("app_mention")(on_message)
    app.event("message")(on_message)

    @app.event(re.compile(".*"))
    async def on_other_event(context: Any) -> None:
        """Any other event the app is sent: acknowledged (Slack retries what is refused), nothing done."""
        if context.get("event_key"):
            await bot.finish(context["event_key"])

    @app.command(COMMAND)
    async def on_command(ack: Any, command: dict[str, Any], respond: Any) -> None:
        parsed = parse_command(command.get("text") or "")
        if parsed.action == "help":
            await ack(response_type="ephemeral", **blocks.help_message().payload())
            return
        await ack()
        bot.spawn(command_work(bot, parsed, command, respond), name="slack-command")

    @app.shortcut(SHORTCUT_CALLBACK)
    async def on_shortcut(ack: Any, shortcut: dict[str, Any], client: AsyncWebClient, respond: Any) -> None:
        await ack()
        bot.spawn(shortcut_work(bot, shortcut, client, respond), name="slack-shortcut")

    @app.action(_FEEDBACK)
    async def on_feedback(ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        bot.spawn(feedback_work(bot, body, action, respond), name="slack-feedback")

    @app.error
    async def on_error(error: Exception) -> None:
        # The default handler would be fine, but this one is sure never to print the request body.
        log.error("slack listener failed", exc_info=error)

    return app


def mount_slack(app: FastAPI, settings: Settings) -> SlackBot:
    """Serve the Slack app at `POST /slack/events` of `app`; the lifespan starts and stops the bot."""
    bot = SlackBot(
        settings,
        services=lambda: app.state.services,
        conversations=lambda: getattr(app.state, "conversations", None),
    )
    bolt = build_bolt_app(bot)
    handler = AsyncSlackRequestHandler(bolt)
    assert settings.slack.slack_signing_secret is not None
    verifier = SignatureVerifier(settings.slack.slack_signing_secret.get_secret_value())

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        """Events API, interactivity (shortcuts, buttons) and slash commands, all signed by Slack."""
        body = await request.body()
        try:  # what bolt will parse: refuse what it cannot (not UTF-8, not JSON, not an object)
            readable = isinstance(to_async_bolt_request(request, body).body, dict)
        except ValueError:
            readable = False
        if not readable:
            signed = verifier.is_valid(
                body,
                request.headers.get("x-slack-request-timestamp", "0"),
                request.headers.get("x-slack-signature", ""),
            )
            status = 400 if signed else 401
            return JSONResponse({"error": "unreadable body" if signed else "invalid request"}, status)
        return await handler.handle(request)

    return bot
