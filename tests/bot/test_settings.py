"""The one settings object and the configuration reference (docs/configuration.md) generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from bot.settings_doc import configuration_markdown, settings_rows, settings_table_markdown
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


def test_configuration_doc_is_the_generated_one() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert doc == configuration_markdown(), "docs/configuration.md is out of date: run make docs"


def test_configuration_doc_and_table_name_every_setting_once() -> None:
    variables = [row[0] for row in settings_rows()]
    doc, table = configuration_markdown(), settings_table_markdown()
    for env in variables:
        assert doc.count(f"| `{env}` |") == 1, env
        assert table.count(f"| `{env}` |") == 1, env
    assert doc.count("\n| `CLAIMBOT_") == table.count("\n| `CLAIMBOT_") == len(variables)


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_EMBEDDING_BACKEND", "word2vec")
    with pytest.raises(ValueError, match="embedding_backend"):
        Settings()
