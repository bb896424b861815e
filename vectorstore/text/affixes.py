"""The Indonesian affix tables (`data/affixes.tsv`, `data/suffixes.txt`), read once."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from vectorstore.text.lists import ordered, table


class Prefix(NamedTuple):
    text: str
    stemmed: bool
    """Whether the light stemmer strips it (the others are only guesses of `vectorstore.variants`)."""
    recoded: str | None
    """The root's first letter this nasal prefix replaced before a vowel ("memasok" from pasok)."""


@cache
def prefixes() -> tuple[Prefix, ...]:
    """Every prefix, in the stemmer's order."""
    out = []
    for row in table("affixes"):
        cells = [*row, "", ""]
        out.append(Prefix(cells[0], cells[1] == "strip", cells[2] or None))
    return tuple(out)


@cache
def stemmer_prefixes() -> tuple[str, ...]:
    """The prefixes the light stemmer strips, longest first within each family."""
    return tuple(p.text for p in prefixes() if p.stemmed)


@cache
def recoded() -> dict[str, str]:
    """Nasal prefix -> the root's first letter it replaced before a vowel."""
    return {p.text: p.recoded for p in prefixes() if p.recoded}


def suffixes() -> tuple[str, ...]:
    """Particles and suffixes, in the order they are tried."""
    return ordered("suffixes")
