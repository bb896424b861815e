"""Words and index tokens of a text: one tokeniser for the lexical index, the stance features and the
glossary, so a question and an article are cut the same way."""

from __future__ import annotations

import re
from collections.abc import Callable

from vectorstore.text.lists import words as word_list
from vectorstore.text.stemming import stem

WORD = re.compile(r"[^\W_]+", re.UNICODE)
"""A run of letters and digits: what every module here counts as a word."""

# An English possessive ("Russia's", "Korea’s"): the "s" is no word of its own.
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s\b", re.IGNORECASE)


def words(text: str) -> list[str]:
    """The lower-cased words of `text`, English possessive endings dropped."""
    return WORD.findall(_POSSESSIVE.sub("", text.lower()))


def stop_words() -> frozenset[str]:
    """Function words of Indonesian and English questions that carry no topic (`data/stop-words.txt`)."""
    return word_list("stop-words")


def tokenize(text: str, stemmer: Callable[[str], str] = stem) -> list[str]:
    """Lower-cased, stemmed content words of `text` (stop words and possessive endings dropped)."""
    stop = stop_words()
    return [stemmer(w) for w in words(text) if w not in stop]
