"""The word lists of the text layer, each kept once as a data file under `vectorstore/text/data/`.

A list file holds one entry a line; `#` starts a comment and blank lines are skipped. A table file
(`.tsv`) holds tab-separated columns. Each file is read once, at first use, and cached.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("vectorstore.text").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip() if not name.endswith(".tsv") else raw.rstrip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@cache
def words(name: str) -> frozenset[str]:
    """The words of list `name` (a file `data/NAME.txt`), whitespace-separated, lower-cased."""
    return frozenset(w.lower() for line in _lines(f"{name}.txt") for w in line.split())


@cache
def ordered(name: str) -> tuple[str, ...]:
    """The words of list `name` in file order (for lists whose order matters: affixes, months)."""
    return tuple(w.lower() for line in _lines(f"{name}.txt") for w in line.split())


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of table `name` (a file `data/NAME.tsv`), each split on tabs, comments skipped."""
    return tuple(tuple(cell.strip() for cell in line.split("\t")) for line in _lines(f"{name}.tsv"))


@cache
def phrases(name: str) -> tuple[str, ...]:
    """The entries of list `name` (a file `data/NAME.txt`), one a line, lower-cased, inner whitespace
    kept as single spaces (for lists of multi-word phrases)."""
    return tuple(" ".join(line.lower().split()) for line in _lines(f"{name}.txt"))
