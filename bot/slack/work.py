"""What each listener does after acknowledging: a coroutine per kind of request, run by `SlackBot.spawn`.

- **Message** (a mention, a direct message): :eyes: on the message, the answer (or a verdict, when the
  message asks to check a claim) in its thread, :eyes: removed. A message with no text but the mention
  gets the help.
- **Command** `/claimbot ask|check ...`: the answer or verdict in the channel through the command's
  response_url; errors only to the user who asked.
- **Shortcut** "Check this claim": the verdict in the message's thread; if the app is not in that
  channel, privately to the user, with how to invite it.
- **Feedback** button: the vote stored with the answer it is on; a private "thanks".

Each catches everything: a failure becomes one friendly line to the user and a log record, never a
stack trace in Slack and never an unanswered retry storm.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.concurrency import run_in_threadpool

from bot.feedback import Vote
from bot.slack import blocks
from bot.slack.blocks import HELPFUL
from bot.slack.handlers import SLACK_FAILURES, SlackBot, log, not_there, slack_error
from bot.slack.incoming import Command, answerable, app_user_id, plain_text, thread_root, voter
from vectorstore.errors import NotFoundError

INVITE = (
    "I'm not in this channel, so only you can see this. Invite me (`/invite @claimbot`) to answer in threads."
)


def _team(body: dict[str, Any]) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id") or body.get("user", {}).get("team_id")
    return str(team or "")


async def message_work(
    bot: SlackBot, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient, key: str | None
) -> None:
    """Answer a mention or a direct message in its thread (nothing for bots, edits and the like)."""
    try:
        app_user = app_user_id(body)
        if not answerable(event, app_user=app_user):
            return
        team, channel, ts = _team(body), str(event["channel"]), str(event["ts"])
        root = thread_root(event)
        origin = "slack:dm" if event.get("channel_type") == "im" else "slack:mention"
        text = plain_text(str(event.get("text") or ""), app_user=app_user)
        log.info(
            "slack question", extra={"fields": {"origin": origin, "team": team, **bot.text_for_log(text)}}
        )
        await bot.react(client, channel, ts, add=True)
        try:
            if not text:
                message = blocks.help_message()
            else:
                try:
                    message = await run_in_threadpool(
                        bot.answer_in_thread, text, team=team, channel=channel, root=root, origin=origin
                    )
                except Exception as exc:
                    message = bot.failure(exc, "slack answer", origin=origin)
            await bot.post(client, channel, root, message)
        finally:
            await bot.react(client, channel, ts, add=False)
    except SLACK_FAILURES as exc:
        log.warning("slack reply not posted", extra={"fields": {"error": slack_error(exc)}})
    except Exception as exc:  # a bug: logged, and the event is still marked done so retries stop
        log.error("slack message work failed", exc_info=exc)
    finally:
        if key is not None:
            await bot.finish(key)


async def command_work(bot: SlackBot, command: Command, payload: dict[str, Any], respond: Any) -> None:
    """`/claimbot ask|check TEXT`: the answer or verdict in the channel, errors to the user alone."""
    team, user = str(payload.get("team_id") or ""), str(payload.get("user_id") or "")
    origin = "slack:command"
    log.info(
        "slack command",
        extra={"fields": {"action": command.action, "team": team, **bot.text_for_log(command.text)}},
    )
    public = True
    try:
        if command.action == "check":
            message = await run_in_threadpool(bot.check, command.text, origin=origin, asked_by=user)
        else:
            message = await run_in_threadpool(
                bot.answer, command.text, team=team, origin=origin, asked_by=user
            )
    except Exception as exc:
        message, public = bot.failure(exc, "slack command", origin=origin), False
    try:
        await bot.respond(respond, message, public=public)
    except SLACK_FAILURES as exc:
        log.warning("slack command reply not sent", extra={"fields": {"error": slack_error(exc)}})


async def shortcut_work(
    bot: SlackBot, shortcut: dict[str, Any], client: AsyncWebClient, respond: Any
) -> None:
    """ "Check this claim" on a message: the verdict in that message's thread."""
    message = shortcut.get("message") or {}
    channel = str((shortcut.get("channel") or {}).get("id") or "")
    user = str((shortcut.get("user") or {}).get("id") or "")
    claim = plain_text(str(message.get("text") or ""))
    origin = "slack:shortcut"
    try:
        if not claim or not message.get("ts") or not channel:
            await bot.respond(respond, blocks.notice("That message has no text I can check."), public=False)
            return
        log.info("slack shortcut", extra={"fields": {"team": _team(shortcut), **bot.text_for_log(claim)}})
        ts, root = str(message["ts"]), thread_root(message)
        await bot.react(client, channel, ts, add=True)
        try:
            try:
                verdict = await run_in_threadpool(bot.check, claim, origin=origin, asked_by=user)
            except Exception as exc:
                await bot.respond(respond, bot.failure(exc, "slack shortcut", origin=origin), public=False)
                return
            try:
                await bot.post(client, channel, root, verdict)
            except SlackApiError as exc:
                if not not_there(exc):
                    raise
                await bot.respond(respond, blocks.with_note(verdict, INVITE), public=False)
        finally:
            await bot.react(client, channel, ts, add=False)
    except SLACK_FAILURES as exc:
        log.warning("slack verdict not posted", extra={"fields": {"error": slack_error(exc)}})
    except Exception as exc:
        log.error("slack shortcut work failed", exc_info=exc)


async def feedback_work(bot: SlackBot, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
    """A helpful / not helpful click: store the vote, thank the voter privately."""
    vote: Vote = "helpful" if action.get("action_id") == HELPFUL else "not_helpful"
    user = str((body.get("user") or {}).get("id") or "")
    try:
        await run_in_threadpool(bot.vote, str(action.get("value") or ""), voter(_team(body), user), vote)
        thanks = "Thanks! Noted as helpful." if vote == "helpful" else "Thanks! Noted as not helpful."
        reply = blocks.notice(thanks)
    except NotFoundError:
        reply = blocks.notice("I no longer have that answer, so the vote could not be kept.")
    except Exception as exc:
        reply = bot.failure(exc, "slack feedback")
    try:
        await bot.respond(respond, reply, public=False)
    except SLACK_FAILURES as exc:
        log.warning("slack thanks not sent", extra={"fields": {"error": slack_error(exc)}})
