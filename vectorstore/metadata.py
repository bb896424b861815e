"""Read an article's title, outlet, author and publication date out of its text, by heuristics.

Web copies of Indonesian news rarely come with metadata, but the text often says it: a headline on
the first line, a dateline naming the outlet ("REPUBLIKA.CO.ID, WASHINGTON –"), a byline ("Penulis: X"),
and dates in the forms reporters use ("Selasa (5/9/2023)", "Senin, 4 April 2022"). Whatever is not
found is `None`; metadata given explicitly (sidecar files, JSONL fields) wins over all of this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from vectorstore.cleaning import (
    AGENCY_NAMES,
    HEAD_LINES,
    Dateline,
    content_regions,
    looks_like_name,
    match_byline,
    match_dateline,
)
from vectorstore.models import ArticleMeta
from vectorstore.text.dates import months

MAX_TITLE_CHARS = 200
# Words headlines leave in lower case ("Kim Jong Un dan Putin Disebut akan Bertemu").
_SMALL_WORDS = frozenset(
    {"dan", "di", "ke", "dari", "yang", "untuk", "dengan", "akan", "atau", "pada", "oleh", "bagi", "soal"}
    | {"ini", "itu", "juga", "tak", "tidak", "jadi", "karena", "hingga", "sampai", "saat", "usai", "vs"}
    | {"the", "of", "and", "in", "on", "for", "to", "a", "an"}
)
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")

_WEEKDAY = (
    r"(?:senin|selasa|rabu|kamis|jum['’]?at|sabtu|minggu|ahad"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)


@cache
def _date_patterns() -> tuple[re.Pattern[str], ...]:
    """Full-date patterns; each names its parts d (day), m (month number) or mon (month name), and y
    (year). Month names come from the text layer (`vectorstore.text.dates`), read at first use."""
    month = "(?:" + "|".join(sorted(months(), key=len, reverse=True)) + r")\.?"
    return (
        re.compile(r"(?<![\d/-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d/-])"),
        re.compile(rf"(?<![\w])(?P<d>\d{{1,2}})\s+(?P<mon>{month})\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
        re.compile(rf"(?<![\w])(?P<mon>{month})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
        re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])"),
        re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})(?![\d-])"),
    )


_WEEKDAY_BEFORE_RE = re.compile(rf"{_WEEKDAY}\s*,?\s*\(?\s*$", re.IGNORECASE)
_WEEKDAY_PREFIX_RE = re.compile(rf"{_WEEKDAY}\s*,?\s*", re.IGNORECASE)
_TIME_SUFFIX_RE = re.compile(
    r",?\s*(?:pukul\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:WIB|WITA|WIT|GMT|UTC)?$", re.IGNORECASE
)

# Words around a date that announce it as still to come.
_FUTURE_AFTER_RE = re.compile(r"[^.!?\n]{0,25}\b(?:mendatang|nanti|depan)\b", re.IGNORECASE)
_FUTURE_BEFORE_RE = re.compile(
    r"\b(?:akan|hingga|sampai|rencana\w*|dijadwalkan|jadwal|batas|tenggat|berlaku|mulai|mendatang)\b"
    r"[^.!?\n]{0,40}$",
    re.IGNORECASE,
)

# Outlets as datelines write them (domain or name, lower case) and the names to show.
OUTLET_NAMES = {
    **dict.fromkeys(["kompas.tv", "kompastv", "kompas tv"], "Kompas TV"),
    **dict.fromkeys(["kompas.com", "kompas.id", "kompas"], "Kompas"),
    **dict.fromkeys(["republika.co.id", "republika.id", "republika"], "Republika"),
    **dict.fromkeys(["kontan.co.id", "kontan"], "Kontan"),
    **dict.fromkeys(["suara.com", "suara"], "Suara"),
    **dict.fromkeys(["merdeka.com", "merdeka"], "Merdeka"),
    **dict.fromkeys(["antara", "antara news", "antaranews", "antaranews.com"], "Antara"),
    **dict.fromkeys(["cnn indonesia", "cnnindonesia.com"], "CNN Indonesia"),
    **dict.fromkeys(["pos kota", "poskota", "poskotanews.com"], "Pos Kota"),
    **dict.fromkeys(["juara.net", "juara"], "Juara"),
    **dict.fromkeys(["rimanews", "rimanews.com"], "Rimanews"),
    **dict.fromkeys(["detik.com", "detikcom", "detiknews"], "Detik"),
    **dict.fromkeys(["tempo.co", "tempo"], "Tempo"),
    **dict.fromkeys(["kumparan", "kumparan.com"], "kumparan"),
    **dict.fromkeys(["viva.co.id", "viva"], "VIVA"),
    "bolasport.com": "BolaSport",
    "liputan6.com": "Liputan6",
    "okezone.com": "Okezone",
    "tribunnews.com": "Tribunnews",
    "sindonews.com": "Sindonews",
    "jpnn.com": "JPNN",
    "bisnis.com": "Bisnis Indonesia",
    "cnbcindonesia.com": "CNBC Indonesia",
    "idntimes.com": "IDN Times",
    "beritasatu.com": "Beritasatu",
    "mediaindonesia.com": "Media Indonesia",
    "jawapos.com": "Jawa Pos",
    "katadata.co.id": "Katadata",
    "tirto.id": "Tirto",
    "dailysocial.id": "DailySocial",
    "inews.id": "iNews",
    "thejakartapost.com": "The Jakarta Post",
}
# Byline labels naming the writer, and those naming an editor (used only when no writer is named).
_WRITER_LABELS = frozenset({"penulis", "reporter", "oleh", "pewarta", "wartawan", "kontributor", "laporan"})
_EDITOR_LABELS = frozenset({"red", "editor", "penyunting", "redaktur"})


@dataclass(frozen=True)
class FoundDate:
    """A full date (with a year) found in a text, and whether a weekday names it ("Selasa (5/9/2023)")."""

    value: date
    start: int
    end: int
    with_weekday: bool


def extract_metadata(text: str) -> ArticleMeta:
    """Title, outlet, author and publication date of an article, each `None` when not found.

    - title: the first line, when it looks like a headline (most words capitalised, not a dateline or
      byline, at most 200 characters, not ending in a full stop, followed by more text);
    - source: the outlet named by the dateline, as a clean name ("REPUBLIKA.CO.ID" -> "Republika"),
      never a news agency the article cites;
    - author: a byline ("Penulis: X", "Reporter: X"), else a bare name under the title, else an
      editor line ("Red: X");
    - published: the date of a Kompas-style header, else the latest full date named with a weekday,
      else the latest full date in the text (a report comes out on or after what it reports);
      dates without a year, and dates announced as still to come ("mendatang", "hingga"), are ignored.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    regions = content_regions(text)
    # The title must be content: a photo caption with its credit ("Tesla (Foto: Tesla)") is not.
    first_region = text[regions[0].start : regions[0].end] if regions else None
    title = _title(lines) if lines and first_region == lines[0] else None
    dateline = find_dateline(lines)
    return ArticleMeta(
        title=title,
        source=_outlet_name(dateline.outlet) if dateline and dateline.outlet else None,
        author=_author(lines, title is not None),
        published=_published(text, dateline),
    )


def find_dateline(lines: list[str]) -> Dateline | None:
    """The dateline among the first non-empty `lines` (stripped), skipping bylines."""
    for index, line in enumerate(lines[:HEAD_LINES]):
        if match_byline(line):
            continue
        dateline = match_dateline(line, allow_bare_place=index < 2)
        if dateline is not None:
            return dateline
    return None


def parse_date(s: str) -> date | None:
    """Parse a string that is a date: ISO "2023-09-05" or an Indonesian or English form.

    Accepted: "6 September 2023", "September 6, 2023", "5/9/2023" (day first), "5-9-2023", with an
    optional weekday ("Selasa (5/9/2023)", "Senin, 4 April 2022") and an optional time
    ("6 September 2023, 07:05 WIB"). Returns None for anything else, including dates without a year.
    """
    s = s.strip()
    if weekday := _WEEKDAY_PREFIX_RE.match(s):
        s = s[weekday.end() :]
    s = _TIME_SUFFIX_RE.sub("", s).strip()
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
    for pattern in _date_patterns():
        m = pattern.fullmatch(s)
        if m:
            return _to_date(m)
    return None


def find_dates(text: str) -> list[FoundDate]:
    """Every full date (day, month and year) in `text`, in order of position."""
    found: list[FoundDate] = []
    for pattern in _date_patterns():
        for m in pattern.finditer(text):
            value = _to_date(m)
            if value is None:
                continue
            weekday = bool(_WEEKDAY_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()))
            found.append(FoundDate(value=value, start=m.start(), end=m.end(), with_weekday=weekday))
    return sorted(found, key=lambda f: f.start)


def _to_date(m: re.Match[str]) -> date | None:
    parts = m.groupdict()
    month = months()[parts["mon"].lower().rstrip(".")] if parts.get("mon") else int(parts["m"])
    year = int(parts["y"])
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, int(parts["d"]))
    except ValueError:
        return None


def _published(text: str, dateline: Dateline | None) -> date | None:
    if dateline and dateline.header_date:
        header = parse_date(dateline.header_date)
        if header:
            return header
    dates = [f for f in find_dates(text) if not _announces_future(text, f)]
    with_weekday = [f.value for f in dates if f.with_weekday]
    if with_weekday:
        return max(with_weekday)
    return max((f.value for f in dates), default=None)


def _announces_future(text: str, found: FoundDate) -> bool:
    """Whether a date is announced as still to come ("pada 4 Mei 2018 mendatang", "hingga 31 Maret 2017").

    Such dates come after the report, so they must not be taken for its publication date. On the
    IndoSum articles this halves the dates guessed later than the real publication date.
    """
    after = text[found.end : found.end + 40]
    before = text[max(0, found.start - 50) : found.start]
    return bool(_FUTURE_AFTER_RE.match(after) or _FUTURE_BEFORE_RE.search(before))


def _title(lines: list[str]) -> str | None:
    if len(lines) < 2:
        return None
    first = lines[0]
    if (
        len(first) > MAX_TITLE_CHARS
        or len(first.split()) < 2
        or first.endswith(".")
        or first.islower()
        or not any(ch.isalpha() for ch in first)
        or match_byline(first)
        or match_dateline(first, allow_bare_place=True)
        or not _title_cased(first)
    ):
        return None
    return first


def _title_cased(line: str) -> bool:
    """Whether most words start with a capital, as Indonesian headlines are written (ledes are not)."""
    words = _WORD_RE.findall(line)
    significant = [w for w in words if w.lower() not in _SMALL_WORDS]
    if len(words) < 3 or not significant:
        return False
    return sum(w[0].isupper() for w in significant) >= 0.75 * len(significant)


def _author(lines: list[str], has_title: bool) -> str | None:
    editor: str | None = None
    for line in lines:
        byline = match_byline(line)
        if byline is None:
            continue
        label, value = byline
        name = _clean_name(value)
        if name and label in _WRITER_LABELS:
            return name
        if name and label in _EDITOR_LABELS and editor is None:
            editor = name
    # A bare name under the headline is the author's byline without a label ("Aldgra Fredly").
    if has_title and len(lines) > 1 and looks_like_name(lines[1]):
        return lines[1]
    return editor


def _clean_name(raw: str) -> str | None:
    """The person's name of a byline value: before any comma, no initials codes or digits."""
    name = raw.split(",")[0].strip().rstrip(".").strip()
    if not name or "/" in name or any(ch.isdigit() for ch in name) or len(name.split()) > 6:
        return None
    return name


def _outlet_name(raw: str) -> str | None:
    """A clean outlet name for a dateline's outlet; None for a news agency."""
    key = " ".join(raw.lower().removeprefix("www.").split())
    if key in AGENCY_NAMES:
        return None
    if key in OUTLET_NAMES:
        return OUTLET_NAMES[key]
    first_word = key.split()[0] if key else ""
    if first_word in OUTLET_NAMES:
        return OUTLET_NAMES[first_word]  # "ANTARA Bews": a typo after a known name
    if "." in key and " " not in key:
        # An unknown domain: its first label, capitalised unless it already mixes cases ("blokTuban").
        stem = raw.strip().split(".")[0]
        return stem if not (stem.isupper() or stem.islower()) else stem.capitalize()
    return " ".join(raw.split())
