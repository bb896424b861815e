"""Prompt templates as data files, loaded by name and version: `prompts/<name>.<version>.md`.

A template file has a free-text note, then a `## system` part and a `## user` part (each heading alone
on its line). Placeholders are `{{name}}`; they are filled in one pass, so text put into a placeholder
(an article, a claim) is never itself read as a template. A new wording is a new file (`check.v2.md`),
so a verdict can always be traced to the exact prompt that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import BadInputError

_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
_PART = re.compile(r"^## (system|user)[ \t]*$", re.MULTILINE)
_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_VERSION = re.compile(r"v\d+")


class PromptError(BadInputError):
    """A prompt template is missing, malformed, or was given the wrong values."""


def default_prompts_dir() -> Path:
    """The repository's `prompts/` folder (found from this file, so claimbot must be installed editable)."""
    return Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class PromptTemplate:
    """The system and user parts of one version of a prompt."""

    name: str
    version: str
    system: str
    user: str
    path: Path

    @property
    def id(self) -> str:
        """`name.version`, e.g. `check.v1`."""
        return f"{self.name}.{self.version}"

    def placeholders(self) -> set[str]:
        """Names of the placeholders in either part."""
        return set(_PLACEHOLDER.findall(self.system)) | set(_PLACEHOLDER.findall(self.user))

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) with every placeholder filled; a placeholder without a value is an error.

        A template may leave a value out (an older version need not show the count of quotes).
        """
        if missing := self.placeholders() - values.keys():
            raise PromptError(f"prompt {self.id} needs values for {sorted(missing)}")

        def fill(part: str) -> str:
            return _PLACEHOLDER.sub(lambda m: values[m.group(1)], part)

        return fill(self.system), fill(self.user)


def available_versions(name: str, prompts_dir: Path | None = None) -> list[str]:
    """The versions of prompt `name` in the folder, oldest first (v2 before v10)."""
    folder = prompts_dir or default_prompts_dir()
    found = []
    for path in folder.glob(f"{name}.v*.md"):
        version = path.name[len(name) + 1 : -len(".md")]
        if _VERSION.fullmatch(version):
            found.append(version)
    return sorted(found, key=lambda v: int(v[1:]))


def load_prompt(name: str, version: str, prompts_dir: Path | None = None) -> PromptTemplate:
    """Read `<prompts_dir>/<name>.<version>.md`; an unknown name or version says what exists."""
    folder = prompts_dir or default_prompts_dir()
    if not _NAME.fullmatch(name) or not _VERSION.fullmatch(version):
        raise PromptError(f"bad prompt reference {name!r} {version!r}: expected a name and a version like v1")
    path = folder / f"{name}.{version}.md"
    if not path.is_file():
        versions = available_versions(name, folder)
        known = ", ".join(versions) if versions else "none"
        raise PromptError(f"no prompt {name}.{version} in {folder} (versions of {name!r} there: {known})")
    return parse_prompt(path.read_text(encoding="utf-8"), name=name, version=version, path=path)


def parse_prompt(text: str, *, name: str, version: str, path: Path) -> PromptTemplate:
    """Split a template file into its system and user parts (each exactly once, system first)."""
    heads = list(_PART.finditer(text))
    kinds = [m.group(1) for m in heads]
    if kinds != ["system", "user"]:
        raise PromptError(
            f"{path} must have a '## system' part then a '## user' part, each once (found {kinds})"
        )
    system = text[heads[0].end() : heads[1].start()].strip()
    user = text[heads[1].end() :].strip()
    if not system or not user:
        raise PromptError(f"{path}: the system and user parts must not be empty")
    return PromptTemplate(name=name, version=version, system=system, user=user, path=path)
