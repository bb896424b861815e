"""Answers: `/v1/ask`, `/v1/search`, `/v1/chat` and `/v1/conversations/{id}`.

Routes translate only: the answer chain, the follow-up rule and the conversation store live in the core.
Blocking work (the model, Chroma, SQLite) runs in the threadpool (sync routes or `run_in_threadpool`),
never on the event loop.

`/v1/chat` with `"stream": true` answers with server-sent events:

    event: delta       data: {"text": "The articles say:\\n"}      (one per line of the answer)
    event: citations   data: {"citations": [...]}
    event: done        data: {the whole reply, as without streaming}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.concurrency import run_in_threadpool

from bot.api.auth import CallerDep
from bot.api.deps import ConversationsDep, MetricsDep, ServicesDep, SettingsDep
from bot.api.errors import NOT_FOUND
from bot.api.fields import AskBody, CheckBody, JsonInt, SearchableText, StrictFilters
from bot.api.logging_mw import note_text
from bot.api.streaming import answer_pieces, event_stream, sse, sse_response
from bot.conversations.reply import ChatReply, reply
from bot.conversations.store import CONVERSATION_ID_PATTERN, Conversation
from bot.models import MAX_TOP_K, Answer, CheckResult, SearchResults
from vectorstore.errors import NotFoundError

ConversationId = Annotated[
    str, Path(pattern=CONVERSATION_ID_PATTERN, description="The id /v1/chat returned.")
]


class SearchRequest(BaseModel):
    """A search for passages (no abstention)."""

    model_config = ConfigDict(extra="forbid")

    query: SearchableText
    top_k: JsonInt = Field(default=5, ge=1, le=MAX_TOP_K, description="How many passages.")
    filters: StrictFilters | None = None


class ChatRequest(BaseModel):
    """A message in a conversation; without `conversation_id` a new conversation starts."""

    model_config = ConfigDict(extra="forbid")

    message: SearchableText
    conversation_id: str | None = Field(
        default=None,
        pattern=CONVERSATION_ID_PATTERN,
        description="Continue this conversation (404 if it does not exist, expired or is another key's).",
    )
    stream: StrictBool = Field(default=False, description="Answer with server-sent events.")
    top_k: JsonInt = Field(default=5, ge=1, le=MAX_TOP_K, description="Most citations to return.")
    filters: StrictFilters | None = None


CHAT_EVENTS = sse_response(
    ["delta", "citations", "done"],
    "With `stream: true`: `delta` events ({text}) a line of the answer at a time, then `citations` "
    "({citations}), then `done` (the whole reply).",
)


def chat_events(answer: ChatReply) -> Iterator[str]:
    """The SSE events of a chat reply: the text a line at a time, the citations, then `done`."""
    for piece in answer_pieces(answer.answer):
        yield sse({"text": piece}, event="delta")
    yield sse({"citations": [c.model_dump(mode="json") for c in answer.citations]}, event="citations")
    yield sse(answer.model_dump(mode="json"), event="done")


def build_router(user: Callable[..., Any]) -> APIRouter:
    """The answer routes, behind the `user` auth dependency."""
    router = APIRouter(prefix="/v1", dependencies=[Depends(user)])

    @router.post("/ask", tags=["answers"])
    def ask(body: AskBody, request: Request, services: ServicesDep, metrics: MetricsDep) -> Answer:
        """Answer a question with verbatim, cited quotes (or say the articles do not cover it)."""
        note_text(request, body.question)
        return services.ask(body, config={"callbacks": metrics.callbacks("ask")})

    @router.post("/check", tags=["claims"])
    def check(body: CheckBody, request: Request, services: ServicesDep, metrics: MetricsDep) -> CheckResult:
        """Check a claim: a verdict (supported, refuted, mixed, not_enough_evidence) with the verbatim
        quotes that decide it, each with its stance, and an explanation naming who said what and when."""
        note_text(request, body.claim)
        with metrics.retrieval.labels("check").time():
            return services.check(body)

    @router.post("/search", tags=["answers"])
    def search(
        body: SearchRequest, request: Request, services: ServicesDep, metrics: MetricsDep
    ) -> SearchResults:
        """Ranked passages with citation fields (no abstention: search shows what is closest)."""
        note_text(request, body.query)
        with metrics.retrieval.labels("search").time():
            return services.search(body.query, top_k=body.top_k, filters=body.filters)

    @router.post(
        "/chat",
        tags=["conversations"],
        response_model=ChatReply,
        responses={**NOT_FOUND, 200: {"content": CHAT_EVENTS}},
    )
    async def chat(
        body: ChatRequest,
        request: Request,
        services: ServicesDep,
        conversations: ConversationsDep,
        settings: SettingsDep,
        metrics: MetricsDep,
        caller: CallerDep,
    ) -> Response:
        """Answer a message within a conversation. Follow-ups ("when did they say that?") are retrieved
        together with the earlier question they lean on; `search_query` shows what was retrieved for.
        With `stream: true`: server-sent events `delta` (answer text, a line at a time), `citations`,
        then `done` (the whole reply)."""
        note_text(request, body.message)
        answer = await run_in_threadpool(
            partial(
                reply,
                services,
                conversations,
                body.message,
                conversation_id=body.conversation_id,
                owner=caller.owner,
                top_k=body.top_k,
                filters=body.filters,
                max_context=settings.conversations.followup_questions,
                config={"callbacks": metrics.callbacks("chat")},
            )
        )
        if body.stream:
            return event_stream(chat_events(answer))
        return JSONResponse(answer.model_dump(mode="json"))

    @router.get("/conversations/{conversation_id}", tags=["conversations"], responses=NOT_FOUND)
    def get_conversation(
        conversation_id: ConversationId, conversations: ConversationsDep, caller: CallerDep
    ) -> Conversation:
        """A conversation's turns, oldest first, each with its answer and citations."""
        return conversations.get(conversation_id, caller.owner)

    @router.delete(
        "/conversations/{conversation_id}", tags=["conversations"], status_code=204, responses=NOT_FOUND
    )
    def delete_conversation(
        conversation_id: ConversationId, conversations: ConversationsDep, caller: CallerDep
    ) -> Response:
        """Delete a conversation and all its turns."""
        if not conversations.delete(conversation_id, caller.owner):
            raise NotFoundError(f"no conversation with id {conversation_id!r}")
        return Response(status_code=204)

    return router
