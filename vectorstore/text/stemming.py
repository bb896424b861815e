"""Stemming Indonesian words, so "membantah", "dibantah" and "bantahan" meet in the lexical index.

Two stemmers, measured against each other on the development sets by
`python -m vectorstore.stemmer_bench` (BM25-only retrieval; figures in docs/architecture.md, "The text
layer"):

- `light_stem`: the project's own affix stripper (one suffix, one prefix, a stem of >= 4 letters). Fast,
  consistent, but blind to roots: selatan -> selat, menteri -> nter, kereta -> reta.
- `sastrawi_stem`: PySastrawi, the Nazief-Adriani stemmer with a dictionary of Indonesian roots:
  selatan, menteri, kereta, terbang stay whole; memasok and pasokan both give pasok. It has errors of
  its own (membantah -> ban, reading "-tah" as a particle; menepis -> menep) and leaves words outside
  its dictionary (names, English) as they are.

`stem` is the one every module uses (PySastrawi). Stems are cached: indexing calls it for every word of
every sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from vectorstore.text.affixes import stemmer_prefixes, suffixes

_MIN_STEM = 4


def light_stem(word: str) -> str:
    """Strip one particle or suffix and one prefix of a lower-case word, keeping a stem of >= 4
    letters. Applied to questions and passages alike, consistency matters more than accuracy."""
    if word.isdigit() or len(word) <= _MIN_STEM:
        return word
    for suf in suffixes():
        if word.endswith(suf) and len(word) - len(suf) >= _MIN_STEM:
            word = word[: -len(suf)]
            break
    for pre in stemmer_prefixes():
        if word.startswith(pre) and len(word) - len(pre) >= _MIN_STEM:
            return word[len(pre) :]
    return word


@cache
def _sastrawi() -> Any:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # loads its root dictionary

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=1 << 18)
def sastrawi_stem(word: str) -> str:
    """PySastrawi's stem of a lower-case word; words with digits or of <= 3 letters stay as they are
    (Sastrawi would drop the digits of "g20")."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return str(_sastrawi().stem(word)) or word


STEMMERS: dict[str, Callable[[str], str]] = {"light": light_stem, "sastrawi": sastrawi_stem}


def stem(word: str) -> str:
    """The stem every module uses for a lower-case word: PySastrawi's, which beat the light stemmer on
    the development sets (MRR of BM25-only retrieval higher on all three, by 0.005 to 0.034)."""
    return sastrawi_stem(word)
