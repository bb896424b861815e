"""Conversations: the follow-up rule (`followup`), the SQLite store of turns (`store`) and a chat turn's
orchestration (`reply`). Import the module you need; this package imports nothing itself."""
