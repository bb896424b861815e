"""Indonesian words an English word of a question or claim may stand for, for the lexical index.

The small multilingual encoder bridges English and Indonesian only roughly: "armoured train" and
"kereta lapis baja" are far apart for it, and BM25 cannot see that they are the same words. This
glossary gives the lexical side a word-for-word bridge: each English word of a query may also match the
Indonesian words listed for it. Like the other spellings of `vectorstore.variants`, a translation is
only tried when the index holds it and only when the English word itself is not in the index, so a
wrong guess costs nothing and Indonesian queries are untouched.

The list is general news vocabulary (politics, diplomacy, conflict, economy, travel, reporting verbs),
written by hand for this project and kept as data: `vectorstore/text/data/glossary.tsv`, with
`glossary-places.tsv` for countries and peoples and `english-irregular.tsv` for irregular English forms.
English forms are reduced to a lemma by `lemma_candidates` (plural, past, participle, a few irregular
verbs), so one entry covers "deny", "denies", "denied", "denying". The
Indonesian side is written as articles spell the words; the index stems them (`vectorstore.lexical`).
Loanwords that only change spelling (ballistic -> balistik) are left to `vectorstore.variants`.
"""

from __future__ import annotations

import functools
import re

from vectorstore.text.lists import table
from vectorstore.text.stemming import stem
from vectorstore.variants import loanword_spellings


@functools.cache
def _irregular() -> dict[str, str]:
    """Irregular English forms -> lemma (`data/english-irregular.tsv`)."""
    return dict((form, lemma) for form, lemma in table("english-irregular"))


_WORD = re.compile(r"[a-z]+")
_ENDINGS = (
    ("ies", "y"),
    ("ied", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
)


@functools.cache
def _glossary() -> dict[str, tuple[str, ...]]:
    """English lemma -> Indonesian words, from `data/glossary.tsv` then `data/glossary-places.tsv`."""
    out: dict[str, tuple[str, ...]] = {}
    for heads, words in (*table("glossary"), *table("glossary-places")):
        translations = tuple(dict.fromkeys(w.lower() for w in words.split()))
        for head in heads.split():
            out[head] = out.get(head, ()) + translations
    return out


def lemma_candidates(word: str) -> list[str]:
    """`word` and the forms it may be inflected from ("denied" -> deny, "launches" -> launch)."""
    forms = [word]
    irregular = _irregular()
    if word in irregular:
        forms.append(irregular[word])
    for ending, repl in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.append(word[: -len(ending)] + repl)
    # "planned" -> plan, "shipped" -> ship
    if re.search(r"([b-df-hj-np-tv-z])\1(?:ed|ing)$", word):
        forms.append(re.sub(r"([b-df-hj-np-tv-z])\1(?:ed|ing)$", r"\1", word))
    return forms


def translations(word: str) -> tuple[str, ...]:
    """The Indonesian words the English `word` (lower case) may stand for; empty when it is unknown."""
    if not _WORD.fullmatch(word):
        return ()
    glossary = _glossary()
    for form in lemma_candidates(word):
        if form in glossary:
            return glossary[form]
    return ()


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_FUNCTION = frozenset(
    "the a an of to in on at is was were are be been being and or but has have had having with for by "
    "that from it its as into than while there this these those which who whom whose what when where "
    "why how he she they them their his her him we us our you your i me my do does did done so about "
    "over under through any some such just very".split()
)
_NEGATION = frozenset("not no never cannot nothing none nobody neither nor".split())
_CONTRACTED = re.compile(r"^\w+n['’]t$")


def gloss(english: str, target: str, held: set[str] | None = None) -> str:
    """A word-for-word Indonesian gloss of `english`, aligned to the Indonesian text `target`.

    Each content word becomes the glossary word that `target` uses, if it uses one, else the first
    one; names, numbers and unknown words stay as written (a loanword takes the spelling `target`
    uses); function words are dropped; negations become "tidak". Not a translation, and never shown:
    it is only compared with `target`, so that word-overlap signals mean something across languages.
    `held` (the stemmed words of `target`) may be passed when it is known already.
    """
    if held is None:
        held = {stem(w) for w in re.findall(r"[^\W_]+", target.lower())}
    out: list[str] = []
    name: list[str] = []  # the run of capitalised words being read

    def close_name() -> None:
        # A name counts by the parts the target writes ("Kim" for Kim Jong Un), in the target's
        # spelling ("Rusia" for Russia); all of it when the target writes none of it.
        spelled = [_spelled(w, held) for w in name]
        kept = [w for w in spelled if stem(w.lower()) in held]
        out.extend(kept or name)
        name.clear()

    for m in _TOKEN.finditer(english):
        word = re.sub(r"['’]s$", "", m.group())  # Russia's: Russia
        lower = word.lower()
        # A capitalised word is a name, the first word of the sentence too unless it is an English word.
        capital = word[0].isupper() and (m.start() > 0 or not (lower in _FUNCTION or translations(lower)))
        if name and not capital:
            close_name()
        if _CONTRACTED.match(lower) or lower in _NEGATION:
            out.append("tidak")
        elif lower in _FUNCTION:
            continue
        elif "-" in word and word.islower():
            out.append(gloss(word.replace("-", " "), target, held))  # short-range: pendek jarak
        elif capital:
            name.append(word)
        elif word[0].isdigit():
            out.append(word)
        else:
            options = [*translations(lower), *sorted(loanword_spellings(lower))]
            chosen = next((o for o in options if stem(o) in held), None)
            out.append(chosen or (options[0] if options else word))
    close_name()
    return " ".join(out)


def _spelled(word: str, held: set[str]) -> str:
    """`word` as the target spells it: its Indonesian name ("Japan": Jepang), a translated part of a
    name ("North" Korea: Korea Utara, the "Yellow" Sea: Laut Kuning), or a loanword spelling ("Russia":
    Rusia), when the target holds it."""
    if stem(word.lower()) in held:
        return word
    options = [*translations(word.lower()), *sorted(loanword_spellings(word.lower()))]
    return next((v for v in options if stem(v) in held), word)
