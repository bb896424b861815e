"""Expected answer types: a "how many" question needs a quantity, a "when" question a date or time.

A classic question-answering check: when none of the quotes claimbot would give carries what the
question asks for, the articles do not answer it, however close the topic ("How many shells were
delivered?" over articles that never count them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum


class AnswerType(StrEnum):
    DATE = "date"
    QUANTITY = "quantity"
    OTHER = "other"


# "when" asks only at the start or before an auxiliary ("...and when was it?"), not as a conjunction
# ("What did Kim write when he signed...").
_DATE_Q = re.compile(
    r"^\s*when\b|\bwhen\s+(?:did|does|do|is|are|was|were|will|would|has|have|had|can|could|should)\b|"
    r"\b(?:what (?:date|time|day|year)|which (?:date|day|year)|kapan|tanggal berapa|"
    r"(?:jam|pukul|tahun|bulan) berapa|hari apa)\b",
    re.IGNORECASE,
)
_QUANTITY_Q = re.compile(r"\b(how (?:many|much|far|long|old)|berapa|seberapa)\b", re.IGNORECASE)

_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "january february march may june july august october december jan feb mar apr jun jul aug agu "
    "sep sept okt oct nov des dec"
)
_DAYS = "senin selasa rabu kamis jumat sabtu minggu monday tuesday wednesday thursday friday saturday sunday"
_RELATIVE = [
    "kemarin",
    "besok",
    "lusa",
    "hari ini",
    "pekan lalu",
    "pekan depan",
    "minggu lalu",
    "minggu depan",
    "bulan lalu",
    "bulan depan",
    "tahun lalu",
    "tahun depan",
    "sejak",
    "yesterday",
    "tomorrow",
    "today",
    "tonight",
    "last week",
    "next week",
    "last month",
    "next month",
    "last year",
    "next year",
    "since",
]
_DATE_WORDS = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in (_MONTHS + " " + _DAYS).split()) + r")\b", re.IGNORECASE
)
_RELATIVE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in _RELATIVE) + r")\b", re.IGNORECASE)
_DATE_NUM = re.compile(r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}[.:]\d{2}\b|\b(?:19|20)\d{2}\b")

_NUMBER_WORDS = re.compile(
    r"\b(satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|\w+belas|\w*puluh\w*|"
    r"\w*ratus\w*|\w*ribu\w*|juta(?:an)?|miliar|triliun|setengah|separuh|sehari|sepekan|sebulan|"
    r"setahun|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
    r"thousands?|millions?|billions?|half)\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def expected_type(question: str) -> AnswerType:
    """What kind of answer the question asks for."""
    if _DATE_Q.search(question):
        return AnswerType.DATE
    if _QUANTITY_Q.search(question):
        return AnswerType.QUANTITY
    return AnswerType.OTHER


def has_date(text: str) -> bool:
    """A date, day, month, year, clock time or relative time expression."""
    return bool(_DATE_WORDS.search(text) or _DATE_NUM.search(text) or _RELATIVE_RE.search(text))


_DAY_MONTH = re.compile(r"\b\d{1,2}(?:\s*-\s*\d{1,2})?\s+(?=" + _DATE_WORDS.pattern + ")", re.IGNORECASE)


def has_quantity(text: str) -> bool:
    """A number that is not only part of a date or time, or a number word."""
    if _NUMBER_WORDS.search(text):
        return True
    without_dates = _DATE_NUM.sub(" ", _DAY_MONTH.sub(" ", text))
    return bool(_DIGITS.search(without_dates))


def carries(answer_type: AnswerType, quotes: Iterable[str]) -> bool:
    """Whether any quote holds the kind of answer asked for (always true for OTHER)."""
    if answer_type is AnswerType.OTHER:
        return True
    check = has_date if answer_type is AnswerType.DATE else has_quantity
    return any(check(q) for q in quotes)
