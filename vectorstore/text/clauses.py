"""The clauses of a sentence: its parts between commas, semicolons and conjunctions.

A sentence is cut at every comma and semicolon and before every word of the list
`data/clause-conjunctions.txt` (dan, namun, sementara, bahwa...), which stays with the clause it opens.
Parts shorter than `min_words` words are left out; the rest keep their own spelling and case, without the
sentence's final punctuation. Used to lengthen training pairs with part of another sentence
(`bot.stance.lengthen`) and to find the part of a long quote that says what a claim says.
"""

from __future__ import annotations

import re
from functools import cache

from vectorstore.text.lists import words


@cache
def _breaks() -> re.Pattern[str]:
    conjunctions = "|".join(sorted(map(re.escape, words("clause-conjunctions")), key=len, reverse=True))
    return re.compile(rf"\s*[,;]\s*|\s+(?=(?:{conjunctions})\s)", re.IGNORECASE)


def bare(text: str) -> str:
    """`text` stripped of surrounding space and of its final punctuation."""
    return text.strip().rstrip(".!?").rstrip()


def clauses(text: str, min_words: int = 1) -> list[str]:
    """The clauses of `text` (see the module docstring) of at least `min_words` words, in order."""
    parts = (bare(p) for p in _breaks().split(bare(text)))
    return [p for p in parts if p and len(p.split()) >= min_words]
