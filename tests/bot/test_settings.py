"""The one settings object and the README's configuration table generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from bot.settings_doc import BEGIN, END, settings_rows, settings_table_markdown
from tests.conftest import ROOT


def test_environment_variables_reach_their_groups(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAIMBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CLAIMBOT_CHROMA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CLAIMBOT_MAX_FILE_BYTES", "123")
    s = Settings()
    assert s.store.data_dir == tmp_path and s.store.chroma_url == "http://127.0.0.1:9"
    assert s.ingest.max_file_bytes == 123


def test_every_setting_is_described_and_has_a_default() -> None:
    rows = settings_rows()
    assert len({r[0] for r in rows}) == len(rows)  # no two groups share a variable name
    for env, _group, _type, _default, desc, _current in rows:
        assert desc, f"{env} has no description"


def test_readme_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    inside = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
    assert inside == settings_table_markdown(), (
        "run: claimbot config --markdown, and paste it into the README"
    )


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_EMBEDDING_BACKEND", "word2vec")
    with pytest.raises(ValueError, match="embedding_backend"):
        Settings()
