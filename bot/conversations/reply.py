"""A chat turn: answer a message within a conversation (or check the claim it asks about) and record it.

A message that asks for a check ("is it true that ...?", `bot.chat_intent`) gets a verdict; any other
message an answer, retrieved for the question the follow-up rule (`bot.conversations.followup`) makes of
it. Both are recorded as a turn of the conversation (`bot.conversations.store`).
"""

from __future__ import annotations

from langchain_core.runnables import RunnableConfig
from pydantic import Field

from bot.chat_intent import claim_in_message
from bot.conversations.followup import retrieval_question
from bot.conversations.store import ConversationStore
from bot.models import MAX_EVIDENCE, Answer, AskRequest, CheckRequest, CheckResult, Citation
from bot.services import Services
from vectorstore.models import Filters


class ChatReply(Answer):
    """An answer within a conversation (the fields of `Answer` and where it belongs)."""

    conversation_id: str
    turn: int = Field(ge=1, description="The turn's position in the conversation.")
    search_query: str = Field(description="What was retrieved for (the message, or it with context).")
    check: CheckResult | None = Field(
        default=None,
        description='Set when the message asked for a claim to be checked ("is it true that ...?", '
        '"cek: ..."): the verdict, whose evidence is also in `citations`.',
    )


def reply(
    services: Services,
    store: ConversationStore,
    message: str,
    *,
    conversation_id: str | None = None,
    owner: str = "",
    top_k: int = 5,
    filters: Filters | None = None,
    max_context: int | None = None,
    config: RunnableConfig | None = None,
) -> ChatReply:
    """Answer `message` within a conversation (a new one when `conversation_id` is None) and record the
    turn. Follow-ups retrieve with at most `max_context` earlier questions (default: the
    `followup_questions` setting; see the module docstring)."""
    if conversation_id is None:
        conversation_id, history = store.start(owner), []
    else:
        history = store.history(conversation_id, owner)
    if max_context is None:
        max_context = services.settings.conversations.followup_questions
    claim = claim_in_message(message)
    check: CheckResult | None = None
    if claim is not None:
        query = claim
        check = services.check(CheckRequest(claim=claim, top_k=min(top_k, MAX_EVIDENCE), filters=filters))
        answer = check_answer(message, check)
    else:
        query = retrieval_question(
            message,
            history,
            max_context=max_context,
            max_words=services.settings.conversations.followup_max_words,
        )
        answer = services.ask(AskRequest(question=query, top_k=top_k, filters=filters), config=config)
    turn = store.add_turn(conversation_id, owner, message=message, search_query=query, answer=answer)
    return ChatReply(
        question=message,
        answer=answer.answer,
        insufficient_evidence=answer.insufficient_evidence,
        citations=answer.citations,
        conversation_id=conversation_id,
        turn=turn.n,
        search_query=query,
        check=check,
    )


def check_answer(message: str, check: CheckResult) -> Answer:
    """A check as an answer: the verdict and explanation, then each quote with its [n] and stance."""
    lines = [f"{check.verdict}: {check.explanation}"]
    lines += [f"“{e.quote}” [{e.n}] ({e.stance})" for e in check.evidence]
    citations = [Citation(**e.model_dump(exclude={"stance"})) for e in check.evidence]
    undecided = check.verdict == "not_enough_evidence"
    return Answer(
        question=message, answer="\n".join(lines), insufficient_evidence=undecided, citations=citations
    )
