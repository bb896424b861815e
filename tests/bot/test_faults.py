"""Faults and bad state against the real app, model and index (issue 17): input with nothing to search,
greetings and key-mash, empty or missing indexes, unknown filters, damaged data directories (CLI and
server start), a conversation file failing while the server runs, the auth failure limit, offline docs,
path leaks and the conversation bound. Each test asserts the status, the message and that nothing was
lost or changed. The Chroma server and kill -9 faults are in test_faults_server.py."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.api.app import create_app
from bot.chain import NO_ANSWER
from bot.cli import app as cli
from bot.conversations.store import ConversationStore
from bot.models import Answer, Citation
from tests.bot.serving import api_settings, copy_of_seeded
from vectorstore.errors import DataDirError

runner = CliRunner()

NOTHING_TO_SEARCH = ["?", "😀🔥", "\u200b\u200b\u200b", "who\x00denied arms transfers?", "¿¡…"]
GIBBERISH = ["hello", "asdfghjkl qwertyuiop zxcvbnm"]


@pytest.fixture(scope="module")
def client(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path_factory.mktemp("faults") / "data")
    with TestClient(create_app(settings, services=seeded)) as c:
        yield c


# ----------------------------------------------------------------------------- nonsense input
@pytest.mark.parametrize("text", NOTHING_TO_SEARCH)
@pytest.mark.parametrize(
    ("path", "field"),
    [("/v1/ask", "question"), ("/v1/check", "claim"), ("/v1/search", "query"), ("/v1/chat", "message")],
)
def test_text_with_no_word_to_search_is_a_422_naming_the_field(
    client: TestClient, path: str, field: str, text: str
) -> None:
    r = client.post(path, json={field: text})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_request" and error["message"].startswith(f"{field}: ")
    expected = "control character U+0000" if "\x00" in text else "no word to search"
    assert expected in error["message"]


def test_openai_route_refuses_a_question_with_no_word(client: TestClient) -> None:
    body = {"model": "claimbot", "messages": [{"role": "user", "content": "\u200b?"}]}
    r = client.post("/v1/chat/completions", json=body)
    assert r.status_code == 422 and "messages.0.content: has no word" in r.json()["error"]["message"]


@pytest.mark.parametrize("text", GIBBERISH)
def test_greetings_and_gibberish_abstain_without_quotes(client: TestClient, text: str) -> None:
    asked = client.post("/v1/ask", json={"question": text}).json()
    assert asked["insufficient_evidence"] is True and asked["citations"] == []
    assert asked["answer"] in NO_ANSWER.values()
    checked = client.post("/v1/check", json={"claim": text}).json()
    assert checked["verdict"] == "not_enough_evidence" and checked["evidence"] == []
    assert "cannot decide" in checked["explanation"] or "tidak dapat" in checked["explanation"]
    # The same index still answers a real question with quotes: the rule is about the text, not a fault.
    real = client.post("/v1/ask", json={"question": "who denied arms transfers?"}).json()
    assert real["insufficient_evidence"] is False and real["citations"]


# ----------------------------------------------------------------------------- the index as a whole
def test_an_empty_index_is_said_as_such(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(api_settings(tmp_path / "data"), services=services)) as c:
        for path, body in (
            ("/v1/ask", {"question": "who denied arms transfers?"}),
            ("/v1/check", {"claim": "Kim met Putin."}),
        ):
            r = c.post(path, json=body)
            assert r.status_code == 409, r.text
            assert r.json()["error"] == {
                "code": "empty_index",
                "message": "the index holds no articles: add some with `claimbot ingest PATH` or POST "
                "/v1/articles",
            }
        assert c.get("/readyz").json()["articles"] == 0  # ready: articles can be added through the API


def test_a_filter_on_an_unknown_article_or_outlet_is_a_404(client: TestClient) -> None:
    question = "who denied arms transfers?"
    by_id = client.post("/v1/ask", json={"question": question, "filters": {"article_id": ["nope"]}})
    assert (
        by_id.status_code == 404
        and by_id.json()["error"]["message"] == "no article with id 'nope' in the index"
    )
    by_outlet = client.post("/v1/search", json={"query": question, "filters": {"source": ["Nope Times"]}})
    assert by_outlet.status_code == 404
    assert by_outlet.json()["error"]["message"].startswith(
        "no article from the outlet 'Nope Times' in the index"
    )
    # A known outlet, in any case, still filters.
    known = next(a["source"] for a in client.get("/v1/articles").json()["articles"] if a["source"])
    ok = client.post("/v1/search", json={"query": question, "filters": {"source": [known.upper()]}})
    assert ok.status_code == 200 and {c["source"] for c in ok.json()["results"]} == {known}


# ----------------------------------------------------------------------------- the API's conventions
def test_malformed_json_is_a_400_bad_request(client: TestClient) -> None:
    for path in ("/v1/ask", "/v1/chat", "/v1/articles"):
        r = client.post(path, content=b'{"question": "x",', headers={"content-type": "application/json"})
        assert r.status_code == 400, (path, r.text)
        assert r.json()["error"]["code"] == "bad_request"
        assert r.json()["error"]["message"].startswith("body: invalid JSON")


def test_failed_authentication_is_rate_limited_per_address(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    auth = {"api_keys": "right-key", "auth_failures_per_minute": 3}
    with TestClient(create_app(api_settings(tmp_path / "data", auth=auth), services=seeded)) as c:
        wrong = [c.get("/v1/models", headers={"Authorization": f"Bearer guess-{i}"}) for i in range(3)]
        assert [r.status_code for r in wrong] == [401, 401, 401]
        limited = c.get("/v1/models", headers={"Authorization": "Bearer guess-4"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert limited.json()["error"]["code"] == "rate_limited"
        assert "missing or wrong API key" in limited.json()["error"]["message"]
        # While the address is blocked, even the right key waits: guessing gains nothing by speed.
        assert c.get("/v1/models", headers={"Authorization": "Bearer right-key"}).status_code == 429


def test_swagger_ui_and_redoc_are_served_offline(client: TestClient) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = client.get(page).text
        assert f"/static-offline-docs/{asset}" in html
        assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html and "fonts.googleapis" not in html
        script = client.get(f"/static-offline-docs/{asset}")
        assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/static-offline-docs/swagger-ui.css").status_code == 200


def test_ingest_reports_and_articles_name_files_never_server_paths(
    seeded,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    services = copy_of_seeded(seeded, tmp_path)
    data_dir = str(services.settings.store.data_dir.resolve())
    with TestClient(create_app(services.settings, services=services)) as c:
        files = [
            ("files", ("binary.txt", b"Kim \x00 Putin", "text/plain")),
            ("files", ("good-one.txt", b"Kim Jong Un tiba di Vladivostok, kata juru bicara.", "text/plain")),
        ]
        upload = c.post("/v1/articles", files=files)
        assert upload.status_code == 200, upload.text
        assert upload.json()["added"] == ["good-one"]
        assert upload.json()["failed"] == [
            {"origin": "binary.txt", "reason": "binary file: NUL byte at byte offset 4"}
        ]
        # A NUL inside a JSON record is refused as a NUL byte in a file is, and named as the record.
        records = {"articles": [{"id": "nul-record", "text": "Kim \u0000 Putin"}]}
        refused = c.post("/v1/articles", json=records)
        assert refused.status_code == 200 and refused.json()["added"] == []
        assert refused.json()["failed"] == [
            {"origin": "articles.0", "reason": "'text' holds a NUL character (U+0000) at offset 4"}
        ]
        listing = c.get("/v1/articles?limit=500").text + c.get("/v1/articles/good-one").text
        for body in (upload.text, refused.text, listing):
            assert data_dir not in body and "/uploads/" not in body and "staged" not in body
        assert c.get("/v1/articles/good-one").json()["origin"] == "good-one.txt"
        assert c.get("/v1/articles/nul-record").status_code == 404  # nothing half-written


def test_a_conversation_keeps_its_last_turns(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3", max_turns=5)
    cid = store.start()
    citation = Citation(n=1, article_id="a", quote="q", start=0, end=1, score=0.5)
    for i in range(1, 13):
        answer = Answer(question=f"q{i}", answer=f"a{i}", insufficient_evidence=False, citations=[citation])
        turn = store.add_turn(cid, "", message=f"q{i}", search_query=f"q{i}", answer=answer)
        assert turn.n == i  # numbers are never reused
    kept = store.get(cid)
    assert [t.n for t in kept.turns] == [8, 9, 10, 11, 12] and kept.dropped_turns == 7
    assert [t.message for t in kept.turns] == ["q8", "q9", "q10", "q11", "q12"]
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:  # the file holds no more than the bound
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (5,)
    assert store.history(cid, last=3) == ["q10", "q11", "q12"]


def test_the_api_returns_a_bounded_conversation(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path / "data", conversations={"conversation_max_turns": 2})
    with TestClient(create_app(settings, services=seeded)) as c:
        first = c.post("/v1/chat", json={"message": "who denied arms transfers?"}).json()
        cid = first["conversation_id"]
        for message in ("when did they say that?", "where did Kim and Putin meet?"):
            assert c.post("/v1/chat", json={"message": message, "conversation_id": cid}).status_code == 200
        kept = c.get(f"/v1/conversations/{cid}").json()
        assert [t["n"] for t in kept["turns"]] == [2, 3] and kept["dropped_turns"] == 1
        assert kept["turns"][1]["message"] == "where did Kim and Putin meet?"


# ----------------------------------------------------------------------------- SQLite failing
def test_a_conversation_file_failing_while_running_is_a_503(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path / "data")
    with TestClient(create_app(settings, services=seeded)) as c:
        cid = c.post("/v1/chat", json={"message": "who denied arms transfers?"}).json()["conversation_id"]
        db = tmp_path / "data" / "conversations.sqlite3"
        kept = db.read_bytes()
        db.write_bytes(b"overwritten by something else " * 200)  # the file fails under the server
        try:
            r = c.get(f"/v1/conversations/{cid}")
            assert r.status_code == 503 and r.headers["retry-after"] == "2"
            assert r.json()["error"]["code"] == "upstream_error"
            message = r.json()["error"]["message"]
            assert message.startswith(
                "the SQLite database conversations.sqlite3 failed (file is not a database)"
            )
            assert str(tmp_path) not in message
            assert c.get("/healthz").status_code == 200  # liveness is not readiness
        finally:
            db.write_bytes(kept)
        again = c.get(f"/v1/conversations/{cid}")  # it heals with the file: nothing was lost
        assert (
            again.status_code == 200 and again.json()["turns"][0]["message"] == "who denied arms transfers?"
        )


# ----------------------------------------------------------------------------- damaged data directories
def _env(data_dir: Path) -> dict[str, str]:
    return {"CLAIMBOT_DATA_DIR": str(data_dir)}


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in output, output
    return lines[0]


def test_a_data_dir_that_is_a_file_is_exit_6_naming_it(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("my notes\n", encoding="utf-8")
    for args in (["ask", "who denied arms transfers?"], ["ingest", str(tmp_path)], ["articles"]):
        result = runner.invoke(cli, args, env=_env(not_a_dir))
        assert result.exit_code == 6, (args, result.output)
        line = _one_error_line(result.output)
        assert str(not_a_dir.resolve()) in line and "is a file, not a directory" in line
    assert not_a_dir.read_text(encoding="utf-8") == "my notes\n"  # untouched


def test_a_corrupt_chroma_database_is_exit_6_and_left_as_it_is(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data / "chroma")
    db = data / "chroma" / "chroma.sqlite3"
    damaged = b"this is not SQLite" + db.read_bytes()[18:]
    db.write_bytes(damaged)
    result = runner.invoke(cli, ["ask", "who denied arms transfers?"], env=_env(data))
    assert result.exit_code == 6, result.output
    line = _one_error_line(result.output)
    assert f"the index database {db.resolve()} is damaged (file is not a database)" in line
    assert "re-index with `claimbot ingest PATH`" in line and "nothing was changed" in line
    assert db.read_bytes() == damaged
    # The server refuses to start the same way.
    with (
        pytest.raises(DataDirError, match=r"chroma\.sqlite3 is damaged"),
        TestClient(create_app(api_settings(data))),
    ):
        pass
    assert db.read_bytes() == damaged


def test_a_corrupt_conversations_database_stops_the_server_naming_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "conversations.sqlite3"
    db.write_bytes(b"garbage " * 512)
    result = runner.invoke(cli, ["serve", "--port", "9"], env=_env(data))  # refused before binding
    assert result.exit_code == 6, result.output
    line = _one_error_line(result.output)
    assert f"the conversations database {db.resolve()} is damaged" in line and "move it aside" in line
    with (
        pytest.raises(DataDirError, match=r"conversations\.sqlite3 is damaged"),
        TestClient(create_app(api_settings(data))),
    ):
        pass
    assert db.read_bytes() == b"garbage " * 512


def test_ask_where_there_is_no_index_says_so_and_creates_nothing(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = runner.invoke(cli, ["ask", "who denied arms transfers?"], env=_env(elsewhere / "data"))
    assert result.exit_code == 7, result.output
    line = _one_error_line(result.output)
    assert f"there is no index at {(elsewhere / 'data' / 'chroma').resolve()}" in line
    assert "claimbot ingest PATH" in line
    assert list(elsewhere.iterdir()) == []  # no ./data made on the way


def test_an_empty_index_is_exit_7_and_the_cli_names_the_index(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from vectorstore.store import ChromaStore

    empty = tmp_path / "empty"
    settings = api_settings(empty)
    ChromaStore.open(settings.store, model_id=seeded.embeddings.model_id, dim=seeded.embeddings.dim)
    result = runner.invoke(cli, ["ask", "who denied arms transfers?"], env=_env(empty))
    assert result.exit_code == 7, result.output
    where = (empty / "chroma").resolve()
    assert f"the index at {where} holds no articles: run `claimbot ingest PATH`" in _one_error_line(
        result.output
    )
    assert f"index: {where} (0 articles)" in result.output


def test_the_cli_names_the_index_and_refuses_unknown_filters(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data / "chroma")
    ok = runner.invoke(cli, ["search", "Vostochny", "-k", "1", "--json"], env=_env(data))
    assert ok.exit_code == 0 and f"index: {(data / 'chroma').resolve()} (5 articles)" in ok.stderr
    unknown = runner.invoke(cli, ["ask", "who denied arms transfers?", "--article", "nope"], env=_env(data))
    assert unknown.exit_code == 3 and "no article with id 'nope' in the index" in unknown.output
    nonsense = runner.invoke(cli, ["ask", "\u200b?"], env=_env(data))
    assert nonsense.exit_code == 2 and "has no word to search" in nonsense.output


def test_an_llm_that_cannot_be_reached_is_a_503_with_retry_after(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    llm = {"llm_base_url": f"http://127.0.0.1:{port}/v1", "llm_max_retries": 0, "llm_timeout_s": 5}
    services = copy_of_seeded(seeded, tmp_path, llm=llm)
    with TestClient(create_app(services.settings, services=services)) as c:
        r = c.post("/v1/check", json={"claim": "Kim and Putin first met in April 2019."})
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert (
            r.json()["error"]["code"] == "upstream_error" and "cannot reach" in r.json()["error"]["message"]
        )
        assert c.get("/readyz").status_code == 200  # the index is fine: only the LLM is down
