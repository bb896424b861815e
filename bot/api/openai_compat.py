"""OpenAI-compatible routes: `POST /v1/chat/completions` (stream and non-stream) and `GET /v1/models`.

An OpenAI client library or tool talks to claimbot unchanged by pointing its base URL at `/v1`:

- the **last user message** is the question; earlier user messages are the conversation, used by the
  same follow-up rule as `/v1/chat` (nothing is stored: the client sends the history, as with OpenAI);
  system and assistant messages are read past;
- the answer is in `choices[0].message.content`, with its `[n]` markers; the citations are in an extra
  top-level field `citations` (in a stream: on the chunk with `finish_reason`), next to
  `insufficient_evidence`;
- any `model` name is accepted (the reply names `claimbot`); sampling parameters (`temperature`,
  `max_tokens`...) are accepted and ignored, since the answer is quotes, not generated text; `n` must
  be 1. Extra body fields `top_k` and `filters` work as in `/v1/ask`;
- `usage` counts words, not tokens (there is no tokenizer to count with).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic_core import PydanticCustomError
from starlette.concurrency import run_in_threadpool

from bot.api.deps import MetricsDep, ServicesDep, SettingsDep
from bot.api.errors import NOT_FOUND, ApiError
from bot.api.fields import JsonInt, StrictFilters
from bot.api.logging_mw import note_text
from bot.api.streaming import answer_pieces, event_stream, sse, sse_response
from bot.conversations.followup import retrieval_question
from bot.models import MAX_QUESTION_CHARS, MAX_TOP_K, Answer, AskRequest, Citation, searchable

MODEL_ID = "claimbot"


class ContentPart(BaseModel):
    """A part of a message's content; only text parts are read."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """One message of the conversation the client sends."""

    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text or "" for p in self.content or [] if p.type == "text")


class StreamOptions(BaseModel):
    """Stream options; `include_usage` adds a last chunk with `usage`."""

    model_config = ConfigDict(extra="allow")

    include_usage: StrictBool = False


class ChatCompletionRequest(BaseModel):
    """The OpenAI chat completions request (unknown OpenAI parameters are accepted and ignored)."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1, max_length=200, description="Any name; claimbot answers.")
    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    n: JsonInt = Field(default=1, ge=1, le=1, description="Only one choice is made.")
    top_k: JsonInt = Field(default=5, ge=1, le=MAX_TOP_K, description="claimbot: most citations.")
    filters: StrictFilters | None = Field(default=None, description="claimbot: as in /v1/ask.")


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    """Words, not tokens."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """The OpenAI chat completion, plus `citations` and `insufficient_evidence`."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    citations: list[Citation]
    insufficient_evidence: bool


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "claimbot"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[str]]:
    """(the question, the earlier user questions) or a 422 naming the message at fault."""
    last = len(messages) - 1
    if messages[last].role != "user":
        raise ApiError(422, f"messages.{last}.role: the last message must be from the user")
    question = messages[last].text().strip()
    if not question:
        raise ApiError(422, f"messages.{last}.content: the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise ApiError(422, f"messages.{last}.content: at most {MAX_QUESTION_CHARS} characters")
    try:
        searchable(question)
    except PydanticCustomError as exc:
        raise ApiError(422, f"messages.{last}.content: {exc.message()}") from None
    history = [m.text().strip() for m in messages[:last] if m.role == "user" and m.text().strip()]
    return question, history


def _words(text: str) -> int:
    return len(text.split())


def _usage(messages: list[ChatMessage], answer: Answer) -> Usage:
    prompt = sum(_words(m.text()) for m in messages)
    completion = _words(answer.answer)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


COMPLETION_EVENTS = sse_response(
    None, "With `stream: true`: chat.completion.chunk objects as JSON, then `[DONE]`."
)


def completion_chunks(completion_id: str, created: int, answer: Answer, usage: Usage | None) -> Iterator[str]:
    """The stream: a role chunk, the text a line at a time, a closing chunk with the citations, [DONE]."""
    base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID}

    def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return sse({**base, "choices": [choice], **extra})

    yield chunk({"role": "assistant", "content": ""})
    for piece in answer_pieces(answer.answer):
        yield chunk({"content": piece})
    yield chunk(
        {},
        "stop",
        citations=[c.model_dump(mode="json") for c in answer.citations],
        insufficient_evidence=answer.insufficient_evidence,
    )
    if usage is not None:
        yield sse({**base, "choices": [], "usage": usage.model_dump()})
    yield sse("[DONE]")


def build_router(user: Callable[..., Any]) -> APIRouter:
    """The OpenAI-compatible routes, behind the `user` auth dependency."""
    router = APIRouter(prefix="/v1", tags=["openai"], dependencies=[Depends(user)])
    started = int(time.time())

    @router.post(
        "/chat/completions", response_model=ChatCompletion, responses={200: {"content": COMPLETION_EVENTS}}
    )
    async def chat_completions(
        body: ChatCompletionRequest,
        request: Request,
        services: ServicesDep,
        settings: SettingsDep,
        metrics: MetricsDep,
    ) -> Response:
        """OpenAI-compatible chat: the answer in `choices[0].message.content` with [n] markers, the
        citations in the extra field `citations`."""
        question, history = split_messages(body.messages)
        note_text(request, question)
        query = retrieval_question(
            question,
            history,
            max_context=settings.conversations.followup_questions,
            max_words=settings.conversations.followup_max_words,
        )
        ask = AskRequest(question=query, top_k=body.top_k, filters=body.filters)
        answer = await run_in_threadpool(
            partial(services.ask, ask, config={"callbacks": metrics.callbacks("chat_completions")})
        )
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        usage = _usage(body.messages, answer)
        if body.stream:
            include = body.stream_options is not None and body.stream_options.include_usage
            return event_stream(completion_chunks(completion_id, created, answer, usage if include else None))
        completion = ChatCompletion(
            id=completion_id,
            created=created,
            model=MODEL_ID,
            choices=[Choice(index=0, message=CompletionMessage(content=answer.answer))],
            usage=usage,
            citations=answer.citations,
            insufficient_evidence=answer.insufficient_evidence,
        )
        return JSONResponse(completion.model_dump(mode="json"))

    @router.get("/models")
    def list_models() -> ModelList:
        """The one model: `claimbot`."""
        return ModelList(data=[ModelCard(id=MODEL_ID, created=started)])

    @router.get("/models/{model_id}", responses=NOT_FOUND)
    def get_model(model_id: str) -> ModelCard:
        """A model by name (only `claimbot` exists)."""
        if model_id != MODEL_ID:
            raise ApiError(404, f"no model {model_id!r}; the one model is {MODEL_ID!r}")
        return ModelCard(id=MODEL_ID, created=started)

    return router
