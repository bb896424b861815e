"""The Slack app: mentions, direct messages, the `/claimbot` command, the "Check this claim" message
shortcut and feedback buttons, served by the FastAPI app at `POST /slack/events`.

- `config`: the settings group (`CLAIMBOT_SLACK_*`, `CLAIMBOT_PUBLIC_BASE_URL`).
- `incoming`: reading what Slack sends (which events to answer, the text, the thread, the command).
- `blocks`: Block Kit rendering of answers, verdicts, help and errors, within Slack's limits.
- `ledger`: the SQLite record of events already taken, so retries and other workers never answer twice.
- `handlers`: `SlackBot`, the app's state and its work in the thread pool (answer, check, feedback),
  posting and reacting, and the friendly errors.
- `work`: what each kind of request does after the acknowledgement (mention or DM, command, shortcut,
  feedback button).
- `app`: the bolt `AsyncApp`, its listeners and middleware, and the route.

Like the API, it only translates: answers, checks and conversations come from the core.
"""
