"""`claimbot eval dev`: the development benchmark's command, on the seeds' held-out sets (small and
always present) and on the shared sets' files; `make eval-dev` runs every set in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli_app
from bot.eval.dev import DevReport
from bot.eval.devsets import dev_sets, pick, small_corpus
from tests.conftest import ROOT, SHARED_DATA
from vectorstore.errors import BadInputError


def test_every_set_names_its_files_and_its_source() -> None:
    sets = dev_sets(SHARED_DATA / "dev")
    assert [s.name for s in sets] == ["facqa", "idkmrc", "tydiqa", "indonli", "seeds", "seeds-heldout"]
    assert all(s.credit and s.corpus and (s.questions or s.claims) for s in sets)
    assert [s.name for s in pick(sets, ["seeds", "facqa"])] == ["facqa", "seeds"]  # benchmark order
    with pytest.raises(BadInputError, match="unknown set"):
        pick(sets, ["squad"])


def test_missing_shared_data_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli_app, ["eval", "dev", "--data", str(tmp_path / "nowhere"), "--set", "facqa"]
    )
    assert result.exit_code == 2, result.output
    flat = "".join(result.output.split())  # the console wraps long paths anywhere
    assert "facqa-dev-corpus.jsonldoesnotexist" in flat and "Traceback" not in flat


def test_the_small_corpus_keeps_the_gold_passages_and_draws_the_rest(tmp_path: Path) -> None:
    rows = [{"id": f"p{i}", "text": f"Kalimat nomor {i}."} for i in range(30)]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, again = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert small_corpus(corpus, {"p3", "p17"}, 5, first) == 7
    small_corpus(corpus, {"p3", "p17"}, 5, again)
    ids = [json.loads(line)["id"] for line in first.read_text().splitlines()]
    assert ids[:2] == ["p3", "p17"] and len(set(ids)) == 7
    assert first.read_text() == again.read_text()  # the same draw every time


@pytest.mark.slow
def test_a_quick_run_writes_one_report_with_intervals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the seeds' sets are named relative to the repository
    out, docs = tmp_path / "out", tmp_path / "docs"
    args = ["eval", "dev", "--set", "seeds-heldout", "--limit", "8", "--resamples", "200"]
    result = CliRunner().invoke(cli_app, [*args, "--out", str(out), "--summary", str(docs)])
    assert result.exit_code == 0, result.output
    report = DevReport.model_validate_json((out / "report.json").read_text())
    assert [s.name for s in report.sets] == ["seeds-heldout"] and report.limit == 8
    q, c = report.sets[0].report.questions, report.sets[0].report.claims
    assert q is not None and c is not None
    assert len({r.case_id for r in q.runs}) == 8 and len({r.case_id for r in c.runs}) == 8
    ask = next(s for s in q.systems if s.key == "claimbot")
    hit = ask.intervals["hit@5"]
    assert hit.value == ask.overall.hit_at[5]
    assert hit.low is not None and hit.high is not None and hit.low <= hit.value <= hit.high
    assert "hit@5" in ask.against_baseline  # paired against baseline 1
    check = next(s for s in c.systems if s.key == "claimbot-check")
    assert check.overall.calibration is not None and "ece" in check.intervals
    summary = (docs / "summary.md").read_text()
    assert not (docs / "report.json").exists()
    assert "## Questions: claimbot against baseline 1" in summary and "claimbot − baseline 1" in summary
    assert "Reliability of `claimbot-check`'s confidence" in summary
    assert "| seeds-heldout | hit@5 |" in summary


def test_a_record_repeated_word_for_word_counts_once(tmp_path: Path) -> None:
    from bot.eval.cases import load_claims

    record = {"id": "c1", "claim": "Semangkuk air ini boleh diminum.", "lang": "id", "label": "refuted"}
    other = {**record, "id": "c2"}
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (record, other, record)), encoding="utf-8")
    assert [c.id for c in load_claims(path)] == ["c1", "c2"]  # IndoNLI's dev claims hold one such repeat
    path.write_text(json.dumps(record) + "\n" + json.dumps({**record, "label": "supported"}) + "\n")
    with pytest.raises(BadInputError, match=r"claims\.jsonl:2: duplicate id 'c1'"):
        load_claims(path)
