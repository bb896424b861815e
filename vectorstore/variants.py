"""Other spellings a question's word may have in the articles, for the lexical index to try.

The stemmer (`vectorstore.text.stemming.stem`) takes one guess per word and must give the same answer
for questions and articles. When a question's word is not in the index under that guess, two kinds of
other guesses are worth trying, and the index keeps those it holds:

- **other Indonesian affix splits**: "peroketan" is pe- + roket + -an (the stemmer reads per- + oket),
  and a nasal prefix replaces the root's first letter ("menyerahkan" from serah, "memasok" from pasok);
- **Indonesian spellings of English loanwords**, for English questions: "military" -> militer,
  "coordination" -> koordinasi, "ballistic" -> balistik, "satellites" -> satelit. Indonesian news
  borrows much of its political and military vocabulary this way, and these words are exactly the
  ones the small multilingual encoder blurs.

Only spellings the index holds are ever used, so a wrong guess costs nothing.
"""

from __future__ import annotations

import re

from vectorstore.text.affixes import prefixes, recoded, suffixes

_MIN_ROOT = 4

# English endings and their usual Indonesian form, longest first.
_EN_ENDINGS = (
    ("tional", "sional"),
    ("ssion", "si"),
    ("tion", "si"),
    ("sion", "si"),
    ("ical", "is"),
    ("ics", "ika"),
    ("ic", "ik"),
    ("ary", "er"),
    ("ory", "ori"),
    ("ity", "itas"),
    ("ism", "isme"),
    ("ist", "is"),
    ("ive", "if"),
    ("logy", "logi"),
    ("cy", "si"),
    ("ance", "ansi"),
    ("ence", "ensi"),
    ("ment", "men"),
    ("ure", "ur"),
    ("ct", "k"),
)
_LETTERS = (("ph", "f"), ("th", "t"), ("ch", "k"), ("qu", "kw"), ("x", "ks"), ("y", "i"))
_HARD_C = re.compile(r"c(?=[aoulrtk]|$)")
_DOUBLE = re.compile(r"([b-df-hj-np-tv-z])\1")
_ASCII_WORD = re.compile(r"[a-z]+")


def indonesian_roots(word: str) -> set[str]:
    """Roots `word` may be built on, reading any one prefix and up to two suffixes off it."""
    bodies = {word}
    for _ in range(2):
        bodies |= {
            b[: -len(s)] for b in bodies for s in suffixes() if b.endswith(s) and len(b) - len(s) >= _MIN_ROOT
        }
    roots = set(bodies)
    nasal = recoded()
    for body in bodies:
        for prefix in (p.text for p in prefixes()):
            rest = body[len(prefix) :]
            if not body.startswith(prefix) or len(rest) < _MIN_ROOT - 1:
                continue
            if len(rest) >= _MIN_ROOT:
                roots.add(rest)
            if prefix in nasal and rest[0] in "aeiou":
                roots.add(nasal[prefix] + rest)
    return {r for r in roots if len(r) >= _MIN_ROOT}


def loanword_spellings(word: str) -> set[str]:
    """Indonesian spellings an English word is commonly borrowed as (empty for non-ASCII words)."""
    if not _ASCII_WORD.fullmatch(word) or len(word) < 5:
        return set()
    forms = {word}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    elif word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
    out = set()
    for form in forms:
        for en, idn in _EN_ENDINGS:
            if form.endswith(en) and len(form) - len(en) >= 3:
                form = form[: -len(en)] + "\0" + idn  # the ending is Indonesian already: spare it
                break
        head, _, tail = form.partition("\0")
        for en, idn in _LETTERS:
            head = head.replace(en, idn)
        head = _DOUBLE.sub(r"\1", _HARD_C.sub("k", head).replace("c", "s"))
        if not tail and len(head) > 4 and head.endswith("e") and head[-2] not in "aeiou":
            head = head[:-1]
        out.add(head + tail)
    return out - {word}


def spellings(word: str) -> set[str]:
    """Every other guess at how the articles may write `word` (lower case), see the module docstring."""
    return (indonesian_roots(word) | loanword_spellings(word)) - {word}
