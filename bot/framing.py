"""How a sentence frames what it says: as an accusation, a denial, or an expectation.

The stance model says what a sentence asserts; news sentences also say *who* asserts it and *whether it
has happened*. "AS menuduh Korea Utara memasok rudal" supports "North Korea supplied missiles" only as
an accusation; "Kim akan bertemu Putin di Vladivostok" is a plan, which a later report may overturn.
These small word lists (Indonesian and English, in `vectorstore/text/data/`: allegations, denials,
expectations, speech-claims) make that visible to the verdict, and to its reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vectorstore.text.lists import phrases, words

__all__ = [
    "Framing",
    "absent_names",
    "claim_names",
    "frame",
    "is_attributed",
    "missing_names",
    "names",
    "swapped_names",
]

# A capitalised run ("Kim Jong Un", "Vostochny Cosmodrome", "Laut Timur"); hyphens join ("Kim-Putin").
_NAME = re.compile(r"(?<![\w])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*")


def _matcher(*names: str) -> re.Pattern[str]:
    """Any word of the text layer's lists `names` (`vectorstore/text/data/NAME.txt`), or any phrase of
    the `*-phrases` lists among them, as a whole word."""
    alternatives = [
        re.escape(w) for name in names if not name.endswith("-phrases") for w in sorted(words(name))
    ]
    alternatives += [
        r"\s+".join(map(re.escape, p.split())) for n in names if n.endswith("-phrases") for p in phrases(n)
    ]
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


@cache
def _allegation() -> re.Pattern[str]:
    """Reporting an accusation, a suspicion or a warning, not a fact."""
    return _matcher("allegations")


@cache
def _denial() -> re.Pattern[str]:
    return _matcher("denials", "denial-phrases")


@cache
def _expectation() -> re.Pattern[str]:
    """Plans, predictions and guesses: what may happen, not what did."""
    return _matcher("expectations", "expectation-phrases")


@cache
def _attribution() -> re.Pattern[str]:
    """A claim about what someone said, claimed or denied is established by quotes of them saying it."""
    return _matcher("speech-claims")


@dataclass(frozen=True)
class Framing:
    """What a sentence reports, besides its content."""

    alleged: bool
    """It reports an accusation or suspicion (and the claim itself is not about who claims what)."""
    denial: bool
    """It reports a denial."""
    expectation: bool
    """It reports a plan, prediction or guess."""


def is_attributed(claim: str) -> bool:
    """Whether the claim is about what someone said (then quotes of them saying it establish it)."""
    return bool(_attribution().search(claim))


def frame(sentence: str, *, claim_attributed: bool = False) -> Framing:
    """The framing of `sentence` relative to a claim that is (or is not) itself attributed."""
    denial = bool(_denial().search(sentence))
    alleged = not claim_attributed and not denial and bool(_allegation().search(sentence))
    return Framing(alleged=alleged, denial=denial, expectation=bool(_expectation().search(sentence)))


def names(text: str) -> list[str]:
    """Capitalised runs of `text`. A lone capitalised first word is left out: it is capitalised for
    starting the sentence ("Menurut", "Rudal-rudal"), not for being a name."""
    out = []
    for match in _NAME.finditer(text):
        run = match.group(0)
        if match.start() == len(text) - len(text.lstrip(" \"“‘'")) and " " not in run:
            continue
        out.append(run)
    return out


# The same place or country in English and Indonesian (a name written the same in both needs no entry).
_SAME_NAME = {
    "north korea": ("korea utara", "korut", "pyongyang", "dprk"),
    "north korean": ("korea utara", "korut", "pyongyang"),
    "south korea": ("korea selatan", "korsel", "seoul"),
    "south korean": ("korea selatan", "korsel"),
    "russia": ("rusia", "moskow", "kremlin"),
    "russian": ("rusia", "moskow", "kremlin"),
    "china": ("tiongkok", "cina", "beijing"),
    "chinese": ("tiongkok", "cina", "beijing"),
    "united states": ("amerika serikat", "as", "washington", "gedung putih"),
    "us": ("amerika serikat", "as", "washington", "gedung putih"),
    "american": ("amerika serikat", "as"),
    "korea utara": ("korut", "pyongyang"),
    "korut": ("korea utara", "pyongyang"),
    "moscow": ("moskow",),
    "soviet union": ("uni soviet",),
    "ukraine": ("ukraina",),
    "white house": ("gedung putih",),
    "kim-putin": ("kim", "putin"),
}
# Titles and words capitalised in English headlines that are not names by themselves.
_NOT_NAMES = frozenset(
    "president presiden minister menteri defence defense foreign chief leader pemimpin the during before "
    "after saat sebelum sesudah setelah menurut kepala juru bicara".split()
)


def _found(name: str, text_lower: str) -> bool:
    """Whether `name` is in the text: every word of it ("Laut Kuning" needs both), either part of a
    hyphenated pair ("Korut-Rusia"), or its Indonesian form ("North Korea": "Korea Utara", "Korut")."""
    key = name.lower()
    if any(alias in text_lower for alias in _SAME_NAME.get(key, ())):
        return True
    if "-" in name:
        return any(_found(part, text_lower) for part in name.split("-") if part)
    words = [w for w in key.split() if w not in _NOT_NAMES]
    if len(words) > 1 and key not in _SAME_NAME:
        # "Chinese President Xi Jinping": each name inside the run must be found.
        parts = [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)]
        if any(p in _SAME_NAME for p in parts):
            return all(_found(p, text_lower) for p in parts)
    if all(_has_word(w, text_lower) for w in words):
        return True
    # A person is named by a part of the name after the first mention: the surname ("Peskov" for
    # Dmitry Peskov) or, for a name of three words, the family name that comes first ("Kim" for Kim
    # Jong Un).
    if len(words) >= 2 and len(words[-1]) >= 4 and _has_word(words[-1], text_lower):
        return True
    return len(words) >= 3 and _has_word(words[0], text_lower)


def _has_word(word: str, text_lower: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word)}", text_lower) is not None


def claim_names(claim: str) -> list[str]:
    """Names of a claim that a quote must contain to say the same (acronyms left out)."""
    out = []
    for n in names(claim):
        kept = " ".join(w for w in n.split() if w.lower() not in _NOT_NAMES)
        if kept and not kept.isupper():
            out.append(kept)
    return out


def missing_names(claim: str, sentence: str) -> list[str]:
    """Names of the claim that the sentence does not contain, in any of their forms."""
    return absent_names(claim_names(claim), sentence)


def absent_names(found_names: list[str], text: str) -> list[str]:
    """Those of `found_names` (names of a claim) that `text` does not contain, in any of their forms."""
    lower = text.lower()
    return [n for n in found_names if not _found(n, lower)]


def swapped_names(claim: str, sentence: str) -> tuple[list[str], list[str]]:
    """Names of the claim the sentence lacks, and names of the sentence with no word in the claim (same
    language): both non-empty means the sentence may say the same with another name (Kremlin vs
    Vostochny). Acronyms (AS, PBB, KTT) are left out: they abbreviate what the other side spells out."""
    c_lower = claim.lower()
    extra = [
        n
        for n in names(sentence)
        if not n.isupper() and not any(w.lower() in c_lower for w in re.split(r"[\s-]+", n) if len(w) > 2)
    ]
    return missing_names(claim, sentence), extra
