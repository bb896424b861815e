"""The evaluation run end to end on the seeds: in-process, over a real HTTP server, and the CLI.

Small subsets of the development sets keep this file quick; `make eval` runs the whole sets.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.api.app import create_app
from bot.cli import app as cli_app
from bot.eval.backends import ApiClient, InProcess, OverHttp
from bot.eval.questions import evaluate as quick_evaluate
from bot.eval.questions import load_cases
from bot.eval.report import EvalReport
from bot.eval.runner import build_suite, evaluate
from bot.models import AskRequest
from tests.bot.serving import api_settings, live_server
from tests.conftest import TEST_DATA

QUESTION_IDS = {"q01", "q06", "q11", "q29", "q38", "q52", "q57"}  # en and id, answerable and not
CLAIM_IDS = {"c01", "c17", "c22", "c28", "c36"}  # every label, both languages
SYSTEMS = ["naive-langchain", "lexical", "dense", "claimbot-search", "claimbot"]
CLAIM_SYSTEMS = ["naive-langchain", "lexical", "dense", "claimbot-search", "claimbot-check"]


def _subset(source: Path, ids: set[str], dest: Path) -> Path:
    lines = [
        line for line in source.read_text(encoding="utf-8").splitlines() if json.loads(line)["id"] in ids
    ]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sets")
    return (
        _subset(TEST_DATA / "questions.jsonl", QUESTION_IDS, folder / "questions.jsonl"),
        _subset(TEST_DATA / "claims.jsonl", CLAIM_IDS, folder / "claims.jsonl"),
    )


@pytest.fixture(scope="module")
def local_report(seeded, sets) -> EvalReport:  # type: ignore[no-untyped-def]
    suite = build_suite(InProcess(seeded), seeded.embeddings)
    try:
        return evaluate(suite, questions=sets[0], claims=sets[1], top_k=5)
    finally:
        suite.close()


def _without_timing(report: EvalReport) -> dict[str, Any]:
    """Everything but what depends on the clock or on where it ran."""
    data = report.model_dump(mode="json", exclude={"created", "where", "seconds", "machine", "settings"})
    for section in ("questions", "claims"):
        for run in data[section]["runs"]:
            run.pop("ms")
        for system in data[section]["systems"]:
            for figures in [system["overall"], *system["per_language"].values()]:
                figures.pop("latency")
    return data


@pytest.mark.slow
def test_every_system_is_scored_side_by_side(local_report: EvalReport, seeded) -> None:  # type: ignore[no-untyped-def]
    q, c = local_report.questions, local_report.claims
    assert q is not None and c is not None
    assert [s.key for s in q.systems] == SYSTEMS and [s.key for s in c.systems] == CLAIM_SYSTEMS
    assert len(q.runs) == len(QUESTION_IDS) * len(SYSTEMS) and len(c.runs) == len(CLAIM_IDS) * 5
    by_key = {s.key: s for s in q.systems}
    for s in q.systems:
        assert s.overall.quote_fidelity == 1.0, s.key  # the naive chunks' start offsets are real too
        assert set(s.per_language) == {"en", "id"}
        assert (s.overall.abstention_recall is None) == (s.key != "claimbot")
    assert all(len(r.quotes) == 5 for r in q.runs if r.system != "claimbot" and r.system != "lexical")
    naive = [qq for r in q.runs if r.system == "naive-langchain" for qq in r.quotes]
    assert max(len(x.quote) for x in naive) <= 1000 and max(len(x.quote) for x in naive) > 500
    # The same scoring as the chain's own regression check, on the same questions.
    quick = quick_evaluate(
        load_cases(q.dataset), lambda text: seeded.ask(AskRequest(question=text)), InProcess(seeded).texts()
    )
    assert by_key["claimbot"].overall.hit_at[5] == quick.hit_at(5)
    assert by_key["claimbot"].overall.abstention_recall == quick.abstention_recall()
    # claimbot-search is exactly what /v1/search returns.
    first = next(r for r in q.runs if r.system == "claimbot-search")
    lines = Path(q.dataset).read_text(encoding="utf-8").splitlines()
    text = next(json.loads(line)["question"] for line in lines if json.loads(line)["id"] == first.case_id)
    assert [(x.article_id, x.start) for x in first.quotes] == [
        (x.article_id, x.start) for x in seeded.search(text).results
    ]
    check = next(s for s in c.systems if s.key == "claimbot-check")
    assert check.verdicts and check.overall.accuracy is not None and check.overall.confusion is not None
    assert sum(sum(row.values()) for row in check.overall.confusion.values()) == len(CLAIM_IDS)
    assert all(s.overall.accuracy is None for s in c.systems if s.key != "claimbot-check")
    assert EvalReport.model_validate_json(local_report.model_dump_json()) == local_report


@pytest.mark.slow
def test_over_http_gives_the_same_figures(local_report: EvalReport, seeded, sets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = api_settings(tmp_path / "data", auth={"api_keys": "eval-key", "rate_limit_per_minute": 0})
    with live_server(create_app(settings, services=seeded)) as live:
        client = ApiClient(live.url, api_key="eval-key")
        suite = build_suite(OverHttp(client), seeded.embeddings)
        try:
            remote = evaluate(suite, questions=sets[0], claims=sets[1], top_k=5)
        finally:
            suite.close()
            client.close()
    assert remote.where == live.url and local_report.where == "in-process"
    assert _without_timing(remote) == _without_timing(local_report)


def test_the_client_waits_out_the_rate_limit(seeded, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # One token every 3 s and a burst of one: the second call is refused once, then answered.
    settings = api_settings(tmp_path / "data", auth={"rate_limit_per_minute": 20, "rate_limit_burst": 1})
    with live_server(create_app(settings, services=seeded)) as live:
        client = ApiClient(live.url)
        try:
            first = client.request("GET", "/v1/articles?limit=1")
            second = client.request("GET", "/v1/articles?limit=1")
        finally:
            client.close()
    assert first == second and first["total"] == 5
    assert client.retried >= 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def env(seeded, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The CLI on a private copy of the seeded index."""
    data = tmp_path / "data"
    shutil.copytree(seeded.settings.store.data_dir / "chroma", data / "chroma")
    return {"CLAIMBOT_DATA_DIR": str(data)}


@pytest.mark.slow
def test_cli_writes_the_report_and_prints_the_table(env: dict[str, str], tmp_path: Path) -> None:
    questions = _subset(TEST_DATA / "questions.jsonl", {"q01", "q29", "q57"}, tmp_path / "q.jsonl")
    claims = _subset(TEST_DATA / "claims.jsonl", {"c01", "c28"}, tmp_path / "c.jsonl")
    out, docs = tmp_path / "out", tmp_path / "docs"
    args = ["eval", "all", str(questions), str(claims), "--out", str(out), "--summary", str(docs)]
    result = CliRunner().invoke(cli_app, args, env=env)
    assert result.exit_code == 0, result.output
    charts = ["questions.png", "languages.png", "latency.png", "claims.png"]
    for name in ["report.json", "summary.md", *charts]:
        assert (out / name).stat().st_size > 0, name
    assert not (docs / "report.json").exists() and (docs / "summary.md").exists()
    assert all((docs / n).read_bytes().startswith(b"\x89PNG") for n in charts)
    report = EvalReport.model_validate_json((out / "report.json").read_text())
    assert report.questions is not None and len(report.questions.runs) == 3 * len(SYSTEMS)
    assert report.claims is not None and len(report.claims.runs) == 2 * len(CLAIM_SYSTEMS)
    summary = (docs / "summary.md").read_text()
    assert "| figure | " + " | ".join(SYSTEMS) + " |" in summary
    assert "Against the naive langchain recipe" in summary and "![question figures by system]" in summary
    assert "Confusion matrix of `claimbot-check`" in summary
    assert "hit@5" in result.output and "claimbot-check" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"id": "a", "question": "x", "lang": "en", "answerable": false}\nnot json\n',
            "questions.jsonl:2: not JSON",
        ),
        (
            '{"id": "a", "question": "x", "lang": "en", "answerable": true, '
            '"gold": [{"article_id": "003_d0311550289dc6a3", "quote": "not in the article"}]}\n',
            "gold quote not found in 003_d0311550289dc6a3",
        ),
    ],
)
def test_cli_bad_data_set_is_one_clear_line(
    env: dict[str, str], tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "questions.jsonl"
    path.write_text(content)
    result = CliRunner().invoke(cli_app, ["eval", "questions", str(path), "--no-baselines"], env=env)
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())  # the console wraps long lines
    assert message in flat and "Traceback" not in flat


def test_cli_unreachable_server_is_an_upstream_error(sets) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{_free_port()}"
    result = CliRunner().invoke(cli_app, ["eval", "questions", str(sets[0]), "--against", url])
    assert result.exit_code == 5, result.output
    assert f"cannot reach {url}" in " ".join(result.output.split())


def _articles_jsonl(path: Path, n: int) -> Path:
    rows = [
        {
            "id": f"lain-{i}",
            "title": f"Berita lain {i}",
            "source": "Contoh",
            "date": "2017-05-0" + str(i % 9 + 1),
            "text": f"Harga cabai di pasar induk naik {i} persen pekan ini. Pasokan berkurang.\n",
        }
        for i in range(n)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_distractor_articles_are_drawn_at_random_and_repeatably(tmp_path: Path) -> None:
    from bot.eval.cases import sample_articles
    from vectorstore.errors import BadInputError

    source = _articles_jsonl(tmp_path / "all.jsonl", 20)
    first, again, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert sample_articles(source, 5, 7, first) == 5
    assert sample_articles(source, 5, 7, again) == 5 and first.read_text() == again.read_text()
    sample_articles(source, 5, 8, other)
    assert other.read_text() != first.read_text()
    lines = source.read_text().splitlines()
    assert all(line in lines for line in first.read_text().splitlines())  # records copied as they are
    assert sample_articles(source, 50, 0, other) == 20  # fewer than asked: all of them
    with pytest.raises(BadInputError, match="cannot read"):
        sample_articles(tmp_path / "missing.jsonl", 5, 0, other)
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(BadInputError, match="holds no articles"):
        sample_articles(tmp_path / "empty.jsonl", 5, 0, other)


@pytest.mark.slow
def test_cli_evaluates_among_distractor_articles(tmp_path: Path) -> None:
    from tests.conftest import SEEDS

    questions = _subset(TEST_DATA / "questions.jsonl", {"q01", "q57"}, tmp_path / "q.jsonl")
    pool = _articles_jsonl(tmp_path / "pool.jsonl", 6)
    out = tmp_path / "out"
    args = ["eval", "questions", str(questions), "--corpus", str(SEEDS), "--no-baselines", "--out", str(out)]
    env = {"CLAIMBOT_DATA_DIR": str(tmp_path / "unused")}
    extra = ["--distractors", str(pool), "--distractor-count", "2", "--distractor-seed", "3"]
    result = CliRunner().invoke(cli_app, [*args, *extra], env=env)
    assert result.exit_code == 0, result.output
    report = EvalReport.model_validate_json((out / "report.json").read_text())
    assert report.articles == 5 + 2
    assert report.distractors == f"2 drawn at random from {pool} (seed 3)"
    assert "also held articles on other subjects" in (out / "summary.md").read_text()

    alone = CliRunner().invoke(
        cli_app, ["eval", "questions", str(questions), "--distractors", str(pool)], env=env
    )
    assert alone.exit_code == 2 and "--distractors needs --corpus" in " ".join(alone.output.split())
