"""The HTTP API in process (FastAPI's TestClient: the real app, model and index): answers, limits,
errors, request ids, logs, CORS, metrics. Real-server tests are in test_api_server.py."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.api.logging_mw import ACCESS_LOGGER, JsonFormatter
from bot.services import Services
from tests.bot.serving import api_settings
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def client(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path_factory.mktemp("api") / "data")
    with TestClient(create_app(settings, services=seeded)) as c:
        yield c


class _Lines(logging.Handler):
    """Collects the formatted JSON log lines."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def access_log() -> Iterator[list[dict[str, Any]]]:
    handler = _Lines()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["articles"] == 5 and ready["chunks"] > 0


def test_not_ready_until_the_services_are_loaded(tmp_path: Path) -> None:
    app = create_app(api_settings(tmp_path / "data"))
    client = TestClient(app)  # no lifespan: nothing loaded, as in the seconds after start-up
    assert client.get("/healthz").status_code == 200
    for r in (client.get("/readyz"), client.post("/v1/ask", json={"question": "siapa?"})):
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert r.json()["error"]["code"] == "not_ready"


def test_ask_matches_the_cli_model(client: TestClient) -> None:
    r = client.post("/v1/ask", json={"question": "who denied arms transfers?", "top_k": 3})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"question", "answer", "insufficient_evidence", "citations"}
    c = body["citations"][0]
    assert set(c) == {"n", "article_id", "title", "source", "published", "quote", "start", "end", "score"}
    text = (SEEDS / f"{c['article_id']}.txt").read_text(encoding="utf-8")
    assert text[c["start"] : c["end"]] == c["quote"] and f"[{c['n']}]" in body["answer"]


def test_search_and_articles(client: TestClient) -> None:
    r = client.post("/v1/search", json={"query": "Vostochny Cosmodrome", "top_k": 2})
    assert r.status_code == 200 and len(r.json()["results"]) == 2
    page = client.get("/v1/articles", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == 5 and len(page["articles"]) == 2
    art = client.get("/v1/articles/003_d0311550289dc6a3").json()
    assert art["text"] == (SEEDS / "003_d0311550289dc6a3.txt").read_text(encoding="utf-8")
    assert {"article_id", "title", "source", "published", "text"} <= set(art)


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    [
        ("post", "/v1/ask", {"question": "siapa?", "top_k": 0}, "top_k"),
        ("post", "/v1/ask", {"question": "siapa?", "top_k": 51}, "top_k"),
        ("post", "/v1/ask", {"question": ""}, "question"),
        ("post", "/v1/ask", {"question": "x" * 2001}, "question"),
        ("post", "/v1/ask", {"question": "x", "filters": {"outlet": "x"}}, "outlet"),
        ("post", "/v1/ask", {"question": " \n "}, "question"),
        ("post", "/v1/ask", {"question": "siapa?", "top_k": "5"}, "top_k"),
        ("post", "/v1/ask", {"question": "siapa?", "filters": {"published_to": 0}}, "published_to"),
        ("post", "/v1/search", {"query": "   "}, "query"),
        ("post", "/v1/chat", {"message": "hi", "stream": 1}, "stream"),
        ("post", "/v1/chat", {"message": "x" * 2001}, "message"),
        ("post", "/v1/chat", {"message": "hi", "conversation_id": "../etc"}, "conversation_id"),
        ("get", "/v1/articles?limit=501", None, "limit"),
        ("get", "/v1/articles?offset=-1", None, "offset"),
        ("get", "/v1/conversations/bad%20id", None, "conversation_id"),
    ],
)
def test_out_of_range_input_is_a_422_naming_the_field(
    client: TestClient, method: str, path: str, payload: Any, field: str
) -> None:
    r = client.request(method.upper(), path, json=payload)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_request" and field in error["message"]


def test_errors_are_json(client: TestClient) -> None:
    missing = client.get("/v1/articles/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    route = client.get("/v2/nothing")
    assert route.status_code == 404 and route.json()["error"]["code"] == "not_found"
    method = client.put("/v1/ask", json={})
    assert method.status_code == 405 and method.json()["error"]["code"] == "method_not_allowed"
    bad_json = client.post("/v1/ask", content=b"{", headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "bad_request"
    assert bad_json.json()["error"]["message"].startswith("body: invalid JSON")


def test_body_size_limit_is_a_json_413(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path / "data", http={"max_body_bytes": 1000})
    with TestClient(create_app(settings, services=seeded)) as c:
        big = {"question": "x" * 1500}
        declared = c.post("/v1/ask", json=big)
        assert declared.status_code == 413 and declared.json()["error"]["code"] == "too_large"
        assert "1000 bytes" in declared.json()["error"]["message"] and declared.headers["x-request-id"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as the body arrives
            yield b'{"question": "'
            yield b"x" * 1500
            yield b'"}'

        streamed = c.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "too_large"
        assert c.post("/v1/ask", json={"question": "siapa?"}).status_code == 200


def test_chat_and_conversations(client: TestClient) -> None:
    first = client.post("/v1/chat", json={"message": "who denied arms transfers?"})
    assert first.status_code == 200
    body = first.json()
    assert {"question", "answer", "insufficient_evidence", "citations", "conversation_id"} <= set(body)
    cid = body["conversation_id"]
    second = client.post("/v1/chat", json={"message": "when did they say that?", "conversation_id": cid})
    assert second.json()["search_query"] == "who denied arms transfers? when did they say that?"
    assert second.json()["question"] == "when did they say that?" and second.json()["turn"] == 2
    convo = client.get(f"/v1/conversations/{cid}").json()
    assert [t["message"] for t in convo["turns"]] == ["who denied arms transfers?", "when did they say that?"]
    assert convo["turns"][1]["citations"] == second.json()["citations"]
    assert client.delete(f"/v1/conversations/{cid}").status_code == 204
    assert client.get(f"/v1/conversations/{cid}").status_code == 404
    assert client.delete(f"/v1/conversations/{cid}").status_code == 404
    gone = client.post("/v1/chat", json={"message": "and then?", "conversation_id": cid})
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


def test_request_ids_are_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123.x_y"})
    assert given.headers["x-request-id"] == "abc-123.x_y"
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith space"})
    made = client.get("/healthz")
    assert len(unsafe.headers["x-request-id"]) == 32 and unsafe.headers["x-request-id"] != "bad id"
    assert made.headers["x-request-id"] != unsafe.headers["x-request-id"]


def test_one_json_log_line_per_request_without_the_text(
    client: TestClient, access_log: list[dict[str, Any]]
) -> None:
    client.post("/v1/ask", json={"question": "who denied arms transfers?"}, headers={"X-Request-ID": "r1"})
    client.get("/v1/articles/nope", headers={"X-Request-ID": "r2"})
    assert [line["request_id"] for line in access_log] == ["r1", "r2"]
    first, second = access_log
    assert first["route"] == "/v1/ask" and first["status"] == 200 and first["latency_ms"] > 0
    assert second["route"] == "/v1/articles/{article_id}" and second["status"] == 404
    assert "text" not in first and "arms" not in json.dumps(access_log)


def test_the_text_is_logged_only_when_asked_and_keys_never(
    seeded, tmp_path: Path, access_log: list[dict[str, Any]]
) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(
        tmp_path / "data", http={"log_message_text": True}, auth={"api_keys": ["sekret-key-1"]}
    )
    with TestClient(create_app(settings, services=seeded)) as c:
        auth = {"Authorization": "Bearer sekret-key-1"}
        assert c.post("/v1/ask", json={"question": "siapa Shoigu?"}, headers=auth).status_code == 200
        assert c.post("/v1/ask", json={"question": "x"}, headers={"Authorization": "Bearer wrong"}).is_error
    assert access_log[0]["text"] == "siapa Shoigu?" and access_log[0]["caller"].startswith("key:")
    assert access_log[1]["status"] == 401
    assert "sekret" not in json.dumps(access_log) and "wrong" not in json.dumps(access_log)


def test_cors_only_for_configured_origins(seeded, tmp_path: Path, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    preflight = {"Origin": "https://chat.example.org", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/v1/ask", headers=preflight).headers
    settings = api_settings(tmp_path / "data", http={"cors_origins": "https://chat.example.org"})
    with TestClient(create_app(settings, services=seeded)) as c:
        r = c.options("/v1/ask", headers={**preflight, "Access-Control-Request-Headers": "authorization"})
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://chat.example.org"
        other = c.options("/v1/ask", headers={**preflight, "Origin": "https://evil.example"})
        assert other.status_code == 400
        got = c.get("/healthz", headers={"Origin": "https://chat.example.org"})
        assert "x-request-id" in got.headers["access-control-expose-headers"].lower()


def test_metrics(client: TestClient) -> None:
    client.post("/v1/ask", json={"question": "Where did Kim and Putin meet?"})
    client.post("/v1/search", json={"query": "Vostochny"})
    client.get("/v1/articles/nope")
    text = client.get("/metrics").text
    assert 'claimbot_http_requests_total{method="POST",route="/v1/ask",status="200"}' in text
    assert 'route="/v1/articles/{article_id}",status="404"' in text
    assert 'claimbot_http_request_duration_seconds_bucket{le="0.3",method="POST",route="/v1/ask"' in text
    for op in ("ask", "search"):
        count = next(
            line
            for line in text.splitlines()
            if line.startswith(f'claimbot_retrieval_duration_seconds_count{{operation="{op}"}}')
        )
        assert float(count.split()[-1]) >= 1
    assert "claimbot_index_articles 5.0" in text and "claimbot_ready 1.0" in text


class _Broken(Services):
    def ask(self, request: Any, config: Any = None) -> Any:
        raise RuntimeError("a bug")


def test_a_bug_is_a_json_500_with_the_request_id(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = _Broken(settings=seeded.settings, embeddings=seeded.embeddings, store=seeded.store)
    with TestClient(create_app(api_settings(tmp_path / "data"), services=broken)) as c:
        r = c.post("/v1/ask", json={"question": "siapa?"}, headers={"X-Request-ID": "bug-1"})
    assert r.status_code == 500 and r.headers["x-request-id"] == "bug-1"
    assert r.json()["error"] == {"code": "internal_error", "message": "internal error; request id bug-1"}


def test_openapi_lists_every_endpoint_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    expected = {
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("post", "/v1/ask"),
        ("post", "/v1/chat"),
        ("get", "/v1/conversations/{conversation_id}"),
        ("delete", "/v1/conversations/{conversation_id}"),
        ("post", "/v1/search"),
        ("get", "/v1/articles"),
        ("get", "/v1/articles/{article_id}"),
        ("post", "/v1/articles"),
        ("delete", "/v1/articles/{article_id}"),
        ("post", "/v1/chat/completions"),
        ("get", "/v1/models"),
        ("get", "/metrics"),
    }
    assert expected <= {(m, p) for p, ops in spec["paths"].items() for m in ops}
    upload = spec["paths"]["/v1/articles"]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/json", "multipart/form-data"}
    assert "ArticlesIn" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200
