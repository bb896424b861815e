"""Settings groups of the core (answers, conversations, feedback), one module per concern.

These modules import pydantic and nothing of claimbot's behaviour, so any module may import its own group
without pulling in the rest; `bot.settings.Settings` assembles them (with `vectorstore.config` and the
entry points' `bot/api/config.py`, `bot/slack/config.py`, `bot/llm/config.py`) into the one settings object.
"""
