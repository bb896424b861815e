"""The HTTP API through FastAPI's TestClient (real app, lifespan, model and index)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def client(seeded) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(seeded.settings)) as c:
        yield c


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["articles"] == 5


def test_ask_matches_the_cli_model(client: TestClient) -> None:
    r = client.post("/v1/ask", json={"question": "who denied arms transfers?", "top_k": 3})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"question", "answer", "insufficient_evidence", "citations"}
    c = body["citations"][0]
    text = (SEEDS / f"{c['article_id']}.txt").read_text(encoding="utf-8")
    assert text[c["start"] : c["end"]] == c["quote"]


def test_search_and_articles(client: TestClient) -> None:
    r = client.post("/v1/search", json={"query": "Vostochny Cosmodrome", "top_k": 2})
    assert r.status_code == 200 and len(r.json()["results"]) == 2
    page = client.get("/v1/articles", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 5 and len(page["articles"]) == 2
    art = client.get("/v1/articles/003_d0311550289dc6a3").json()
    assert art["text"] == (SEEDS / "003_d0311550289dc6a3.txt").read_text(encoding="utf-8")


def test_errors_are_json_and_name_the_field(client: TestClient) -> None:
    missing = client.get("/v1/articles/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    bad = client.post("/v1/ask", json={"question": "siapa?", "top_k": 0})
    assert bad.status_code == 422 and "top_k" in bad.json()["error"]["message"]
    empty = client.post("/v1/ask", json={"question": ""})
    assert empty.status_code == 422 and "question" in empty.json()["error"]["message"]
    extra = client.post("/v1/ask", json={"question": "x", "filters": {"outlet": "x"}})
    assert extra.status_code == 422 and "outlet" in extra.json()["error"]["message"]
