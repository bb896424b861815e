"""What language is this? One answer for the whole project: 'en' or 'id'.

The articles are Indonesian; questions and claims come in Indonesian or English. Everyone who asks
(the answer's lead line, the stance model's head, the claim check) asks `language`.
"""

from __future__ import annotations

import re
from typing import Literal

from vectorstore.text.lists import words

Language = Literal["en", "id"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def language(text: str) -> Language:
    """'en' or 'id', by counting common function words and question words of each language (lists
    `function-words-en` and `function-words-id`); ties, and texts with neither, go to Indonesian, the
    articles' language.

    Words count as written, bar the first: in "kategori A" or "lagu The Star" the capitalised "A" and
    "The" belong to names and would otherwise pass for English.
    """
    found = _WORD.findall(text)
    if found:
        found[0] = found[0].lower()
    english, indonesian = words("function-words-en"), words("function-words-id")
    en = sum(w in english for w in found)
    ind = sum(w in indonesian for w in found)
    return "en" if en > ind else "id"
