"""The configuration reference (docs/configuration.md), generated from `Settings` so the two cannot drift.

`make docs` (`python -m bot.settings_doc docs/configuration.md`) writes the file; `claimbot config
--markdown` prints its one-table form; a test fails when the file is not what this module generates.
Everything is read from the root `Settings` object, so it does not matter which module a group lives in.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from bot.settings import Settings

DEFAULT_PATH = Path("docs/configuration.md")

HEADER = """\
# Configuration

<!-- Generated from bot/settings.py (`Settings`) by `make docs`; do not edit by hand:
     tests/bot/test_settings.py fails when this file is not what the code generates. -->

Every setting is an environment variable with the prefix `CLAIMBOT_`, read when a process starts
(`claimbot serve`, `claimbot ask`...). `claimbot config` prints the current values (keys and tokens
as `***`); an invalid value stops the process with a message naming the setting. Settings are grouped
by concern below; each description says what the setting does and, for a tuning value, how it was
chosen.
"""


def _type_name(annotation: Any) -> str:
    text = str(annotation).replace("typing.", "").replace("pathlib.", "").replace("NoneType", "None")
    return text.replace("<class '", "").replace("'>", "").replace("|", "\\|")


def _default_cell(default: Any) -> str:
    if default is None:
        return "(unset)"
    return "(empty)" if default == "" else f"`{default}`"


def _groups() -> list[tuple[str, type[BaseModel], str]]:
    """(name, class, description) of every settings group of the root object, in declaration order."""
    groups = []
    for group_name, group_field in Settings.model_fields.items():
        group_cls = group_field.annotation
        assert isinstance(group_cls, type) and issubclass(group_cls, BaseModel)  # every group is a model
        groups.append((group_name, group_cls, group_field.description or ""))
    return groups


def settings_rows(settings: Settings | None = None) -> list[tuple[str, str, str, str, str, str]]:
    """(env var, group, type, default, description, current value) for every setting."""
    rows = []
    for group_name, group_cls, _ in _groups():
        current_group = getattr(settings, group_name) if settings is not None else None
        for name, f in group_cls.model_fields.items():
            default = f.default
            current = getattr(current_group, name) if current_group is not None else default
            shown = "***" if isinstance(current, SecretStr) else ("" if current is None else str(current))
            rows.append(
                (
                    f"CLAIMBOT_{name.upper()}",
                    group_name,
                    _type_name(f.annotation),
                    _default_cell(default),
                    (f.description or "").replace("|", "\\|"),
                    shown,
                )
            )
    return rows


def settings_table_markdown() -> str:
    """Every setting in one Markdown table (`claimbot config --markdown`)."""
    lines = [
        "| variable | group | type | default | what it does |",
        "|---|---|---|---|---|",
    ]
    for env, group, typ, default, desc, _ in settings_rows():
        lines.append(f"| `{env}` | {group} | `{typ}` | {default} | {desc} |")
    return "\n".join(lines) + "\n"


def configuration_markdown() -> str:
    """The whole of docs/configuration.md: the header, then one section and table per settings group."""
    rows = settings_rows()
    parts = [HEADER]
    for group_name, group_cls, description in _groups():
        doc = (group_cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        parts.append(f"\n## {group_name}: {description.rstrip('.')}\n")
        if doc and doc.rstrip(".") != description.rstrip("."):  # say it once
            parts.append(f"\n{doc}\n")
        parts.append("\n| variable | type | default | what it does |\n|---|---|---|---|\n")
        for env, group, typ, default, desc, _ in rows:
            if group == group_name:
                parts.append(f"| `{env}` | `{typ}` | {default} | {desc} |\n")
    return "".join(parts)


def write_configuration(path: Path = DEFAULT_PATH) -> None:
    """Write the generated configuration reference to `path`."""
    path.write_text(configuration_markdown(), encoding="utf-8")


if __name__ == "__main__":
    write_configuration(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH)
