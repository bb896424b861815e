"""The README's configuration table, generated from `Settings` so the two cannot drift apart.

`claimbot config --markdown` prints it; a test checks the README holds exactly this table.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from bot.settings import Settings

BEGIN = "<!-- settings:begin -->"
END = "<!-- settings:end -->"


def _type_name(annotation: Any) -> str:
    text = str(annotation).replace("typing.", "").replace("pathlib.", "").replace("NoneType", "None")
    return text.replace("<class '", "").replace("'>", "").replace("|", "\\|")


def _default_cell(default: Any) -> str:
    if default is None:
        return "(unset)"
    return "(empty)" if default == "" else f"`{default}`"


def settings_rows(settings: Settings | None = None) -> list[tuple[str, str, str, str, str, str]]:
    """(env var, group, type, default, description, current value) for every setting."""
    rows = []
    for group_name, group_field in Settings.model_fields.items():
        group_cls = group_field.annotation
        assert isinstance(group_cls, type) and issubclass(group_cls, BaseModel)  # every group is a model
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
    """The Markdown table for the README (between the settings markers)."""
    lines = [
        "| variable | group | type | default | what it does |",
        "|---|---|---|---|---|",
    ]
    for env, group, typ, default, desc, _ in settings_rows():
        lines.append(f"| `{env}` | {group} | `{typ}` | {default} | {desc} |")
    return "\n".join(lines) + "\n"


def write_readme(path: Path) -> None:
    """Replace the table between the settings markers of `path` with the generated one."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{settings_table_markdown()}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    write_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
