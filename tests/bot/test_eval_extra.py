"""Without the `eval` extra, `claimbot eval` and `make bench` say what to install, in one line."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from bot.bench import main as bench_main
from bot.cli import app
from bot.eval.extra import EVAL_MODULES, missing_eval_packages
from tests.conftest import SEEDS, TEST_DATA


def test_the_extra_is_installed_here() -> None:
    assert missing_eval_packages() == []  # make test installs it: the eval tests need it


@pytest.mark.parametrize(
    "args",
    [
        ["eval", "questions", str(TEST_DATA / "questions.jsonl"), "--corpus", str(SEEDS)],
        ["eval", "dev", "--set", "seeds", "--limit", "1"],
    ],
)
def test_claimbot_eval_without_the_extra_names_what_to_install(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "langchain_chroma", None)  # as if it were not installed
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    text = " ".join((result.output + (result.stderr or "")).split())  # the console wraps long lines
    assert "needs the eval extra (langchain-chroma not installed)" in text
    assert "pip install -e '.[eval]'" in text and "Traceback" not in text
    assert not isinstance(result.exception, ImportError)


def test_bench_without_the_extra_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for module in EVAL_MODULES:
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(SystemExit) as exit_:
        bench_main(["--skip-seeds"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "make bench needs the eval extra (matplotlib, langchain-chroma, langchain-text-splitters" in err
