"""The `claimbot` command line, in-process through typer's runner, on a real index in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import SEEDS

runner = CliRunner()

# Every test here runs the embedding model through the CLI (ingest, ask, check): seconds each.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("cli") / "data"
    env = {"CLAIMBOT_DATA_DIR": str(data)}
    result = runner.invoke(app, ["ingest", str(SEEDS)], env=env)
    assert result.exit_code == 0, result.output
    assert "added 5" in result.output and "failed 0" in result.output
    return env


def test_reingest_changes_nothing(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ingest", str(SEEDS), "--json"], env=env)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert len(report["unchanged"]) == 5 and report["added"] == [] and report["chunks"] == 0


def test_ask_json_has_the_documented_shape(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ask", "who denied arms transfers?", "-k", "3", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"question", "answer", "insufficient_evidence", "citations"}
    assert data["citations"] and len(data["citations"]) <= 3
    assert set(data["citations"][0]) == {
        "n",
        "article_id",
        "title",
        "source",
        "published",
        "quote",
        "start",
        "end",
        "score",
    }
    text = (SEEDS / f"{data['citations'][0]['article_id']}.txt").read_text(encoding="utf-8")
    c = data["citations"][0]
    assert text[c["start"] : c["end"]] == c["quote"]


def test_ask_prints_quotes_then_sources(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["ask", "Siapa yang membantah tuduhan pengiriman senjata?"], env=env)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[1]" in out and "Sources" in out and out.index("Sources") > out.index("[1]")
    assert "characters " in out and "article " in out


def test_check_prints_the_verdict_each_quote_with_its_stance_and_the_sources(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["check", "Kim and Putin first met in April 2019."], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("supported (confidence")
    assert any(line.startswith("  [1] supports “") for line in lines)
    assert "Sources" in lines


def test_search_articles_show_and_delete(env: dict[str, str], tmp_path: Path) -> None:
    found = json.loads(runner.invoke(app, ["search", "Vostochny Cosmodrome", "--json"], env=env).stdout)
    assert found["results"][0]["article_id"] == "003_d0311550289dc6a3"

    listed = json.loads(runner.invoke(app, ["articles", "--json"], env=env).stdout)
    by_id = {a["article_id"]: a for a in listed}
    assert len(by_id) == 5 and by_id["001_c885beee8d69cd11"]["source"] == "Kompas TV"

    shown = json.loads(runner.invoke(app, ["show", "002_6d8d7629fed82d19", "--json"], env=env).stdout)
    assert shown["text"] == (SEEDS / "002_6d8d7629fed82d19.txt").read_text(encoding="utf-8")

    local = {"CLAIMBOT_DATA_DIR": str(tmp_path / "data")}
    assert runner.invoke(app, ["ingest", str(SEEDS / "000_42152cb5f7c46a69.txt")], env=local).exit_code == 0
    assert runner.invoke(app, ["delete", "000_42152cb5f7c46a69"], env=local).exit_code == 0
    missing = runner.invoke(app, ["show", "000_42152cb5f7c46a69"], env=local)
    assert missing.exit_code == 3 and "no article" in missing.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "question"),
        (["ask", "siapa?", "-k", "0"], "top_k"),
        (["ask", "siapa?", "--from", "13/9/2023"], "--from"),
        (["delete", "nope"], "no article"),
    ],
)
def test_bad_input_gets_one_clear_line(env: dict[str, str], args: list[str], message: str) -> None:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code in (2, 3)
    assert "error:" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_bad_files_are_reported_and_the_rest_is_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "Kim Jong Un tiba di Rusia dengan kereta lapis baja.\n", encoding="utf-8"
    )
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 data")
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / "big.txt").write_text("Kalimat panjang. " * 200, encoding="utf-8")
    (folder / "batch.jsonl").write_text(
        json.dumps(
            {
                "id": "j1",
                "title": "t",
                "source": "Suara",
                "date": "2016-08-22",
                "url": "",
                "text": "Isi berita.",
            }
        )
        + "\n{not json\n",
        encoding="utf-8",
    )
    env = {"CLAIMBOT_DATA_DIR": str(tmp_path / "data"), "CLAIMBOT_MAX_FILE_BYTES": "1000"}
    result = runner.invoke(app, ["ingest", str(folder)], env=env)
    assert result.exit_code == 1
    out = result.output
    for name in ("empty.txt", "binary.txt", "latin1.txt", "notes.docx", "big.txt", "batch.jsonl:2"):
        assert name in out, name
    assert "added 2" in out and "failed 6" in out
    listed = json.loads(runner.invoke(app, ["articles", "--json"], env=env).stdout)
    assert sorted(a["article_id"] for a in listed) == ["good", "j1"]
