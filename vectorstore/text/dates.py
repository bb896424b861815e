"""Month names, Indonesian and English, from one table (`data/months.tsv`)."""

from __future__ import annotations

from functools import cache

from vectorstore.text.lists import table

# An English modal verb as well as a month: never a month where words of a sentence are compared.
_AMBIGUOUS = frozenset({"may"})


@cache
def months() -> dict[str, int]:
    """Every month name and abbreviation (lower case) -> its number, 1-12."""
    out: dict[str, int] = {}
    for row in table("months"):
        number, names, abbreviations = (*row, "", "")[:3]
        for name in (*names.split(), *abbreviations.split()):
            out[name.lower()] = int(number)
    return out


@cache
def month_abbreviations() -> frozenset[str]:
    """The abbreviations only ("jan", "sept", "agt"): written with a dot before a day or a year."""
    return frozenset(name.lower() for row in table("months") for name in (*row, "", "")[2].split())


def month_names(*, with_may: bool = True) -> dict[int, tuple[str, ...]]:
    """Month number -> its names and abbreviations, "may" left out when `with_may` is False."""
    out: dict[int, tuple[str, ...]] = {}
    for name, number in months().items():
        if with_may or name not in _AMBIGUOUS:
            out[number] = (*out.get(number, ()), name)
    return out
