"""The OpenAI-compatible routes, with the official `openai` client and langchain's `ChatOpenAI` pointed
at a real uvicorn server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from tests.bot.serving import LiveServer, api_settings, live_server
from tests.conftest import SEEDS

KEY = "compat-key"
QUESTION = "who denied arms transfers?"


@pytest.fixture(scope="module")
def server(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path_factory.mktemp("compat") / "data", auth={"api_keys": KEY})
    with live_server(create_app(settings, services=seeded)) as live:
        yield live


@pytest.fixture
def client(server: LiveServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0, timeout=30) as c:
        yield c


def test_non_stream_answer_with_markers_and_citations(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": QUESTION}]
    )
    content = completion.choices[0].message.content or ""
    assert completion.model == "claimbot" and completion.choices[0].finish_reason == "stop"
    citations = (completion.model_extra or {})["citations"]
    assert citations and all(f"[{c['n']}]" in content for c in citations)
    first = citations[0]
    text = (SEEDS / f"{first['article_id']}.txt").read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["quote"] and "membantah" in first["quote"]
    assert completion.usage is not None and completion.usage.completion_tokens > 0


def test_stream_gives_the_same_answer(client: openai.OpenAI) -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": QUESTION}]
    whole = client.chat.completions.create(model="claimbot", messages=messages)  # type: ignore[arg-type]
    stream = client.chat.completions.create(
        model="claimbot",
        messages=messages,  # type: ignore[arg-type]
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content and text.count("\n") + 1 == len(chunks) - 3
    closing = next(c for c in chunks if c.choices and c.choices[0].finish_reason == "stop")
    assert (closing.model_extra or {})["citations"] == (whole.model_extra or {})["citations"]
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_earlier_user_messages_are_the_conversation(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="claimbot",
        messages=[
            {"role": "user", "content": QUESTION},
            {"role": "assistant", "content": "The articles say: ..."},
            {"role": "user", "content": [{"type": "text", "text": "did they deny it more than once?"}]},
        ],
    )
    citations = (completion.model_extra or {})["citations"]
    assert "membantah" in citations[0]["quote"]


def test_models_and_errors(client: openai.OpenAI, server: LiveServer) -> None:
    assert [m.id for m in client.models.list()] == ["claimbot"]
    assert client.models.retrieve("claimbot").owned_by == "claimbot"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-5")
    with pytest.raises(openai.UnprocessableEntityError, match="last message must be from the user"):
        client.chat.completions.create(model="x", messages=[{"role": "assistant", "content": "hi"}])
    with pytest.raises(openai.UnprocessableEntityError, match="n:"):
        client.chat.completions.create(model="x", n=2, messages=[{"role": "user", "content": "hi"}])
    wrong = openai.OpenAI(base_url=f"{server.url}/v1", api_key="not-the-key", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.models.list()


def test_langchain_chat_openai(server: LiveServer) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=f"{server.url}/v1", api_key=KEY, model="claimbot", max_retries=0, timeout=30)
    message = llm.invoke(QUESTION)
    assert isinstance(message.content, str) and "[1]" in message.content and "membantah" in message.content
    streamed = "".join(str(chunk.content) for chunk in llm.stream(QUESTION))
    assert streamed == message.content


def test_unknown_openai_parameters_are_accepted(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(api_settings(tmp_path / "data"), services=seeded)) as c:
        body = {
            "model": "claimbot",
            "messages": [{"role": "user", "content": QUESTION, "name": "ana"}],
            "temperature": 0.2,
            "max_tokens": 50,
            "presence_penalty": 0,
            "top_k": 2,
        }
        r = c.post("/v1/chat/completions", json=body)
        assert r.status_code == 200 and len(r.json()["citations"]) <= 2
        empty = c.post("/v1/chat/completions", json={**body, "messages": [{"role": "user", "content": " "}]})
        assert empty.status_code == 422 and "messages.0.content" in empty.json()["error"]["message"]
