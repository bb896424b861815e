"""Find the parts of an article's original text worth indexing, leaving page furniture out.

Web copies of Indonesian news carry more than the report: related-article links ("Baca Juga: ..."),
comment counters, bylines and editor lines, photo credits, promotions, teasers cut off with "....",
and datelines such as "REPUBLIKA.CO.ID, WASHINGTON –" in front of the first sentence. `content_regions`
returns the rest as spans of the original text, so every offset still points into it.

The rules are general patterns, written to be conservative: when a line might be news, it is kept.
`match_dateline`, `match_byline` and `looks_like_name` are shared with `vectorstore.metadata`, which
reads the outlet, author and date out of the same lines this module leaves out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from vectorstore.models import Span

# Datelines and bylines sit at the top of an article: only this many non-empty lines are searched.
HEAD_LINES = 8
# After a bare "Baca juga:" line, at most this many headline-like lines are taken as its links.
_MAX_RELATED_LINKS = 6

# Outlets and agencies that appear in datelines without a domain ("Jakarta, CNN Indonesia --").
KNOWN_OUTLET_NAMES = frozenset(
    {"antara", "antara news", "cnn indonesia", "rimanews", "kumparan", "pos kota", "detikcom", "tempo"}
    | {"kompas", "republika", "kontan", "suara", "merdeka", "liputan6", "okezone", "tribunnews", "viva"}
)
AGENCY_NAMES = frozenset({"ap", "afp", "reuters", "associated press", "xinhua", "bernama", "anadolu", "efe"})

_TLD = r"(?:com|co\.id|id|net|tv|org|news|asia|info|co)"
_DOMAIN_RE = re.compile(rf"[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*\.{_TLD}", re.IGNORECASE)
_PLACE_WORD = r"(?:[A-Z][\w'’.-]*|de|del|di|da|la|el|van|von|of)"
_PLACE_RE = re.compile(rf"{_PLACE_WORD}(?:\s+{_PLACE_WORD}){{0,4}}")
_PAREN_RE = re.compile(r"(?:(?P<place>[^()]*?)\s*)?\((?P<outlet>[^()]{2,30})\)")
# Kompas-style header: "Kompas dunia | 6 September 2023, 07:05 WIB" (the place may follow unspaced).
_HEADER_RE = re.compile(
    r"(?P<outlet>[A-Z][\w.]*)(?:\s+[\w.]+){0,3}\s*\|\s*"
    r"(?P<date>\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}(?:,?\s*(?:pukul\s*)?\d{1,2}[:.]\d{2}\s*(?:WITA|WIB|WIT|GMT|UTC)?)?)"
    r"\s*"
)
# A spaced hyphen, double hyphen or dash; an en or em dash may touch the word before it.
_SEPARATOR_RE = re.compile(r"\s+(?:--?|–|—)(?:\s+|$)|(?:–|—)\s*")
_KONTAN_PLACE_RE = re.compile(r"[A-Z][A-Z'’ -]{1,30}[A-Z]\.\s+")


@dataclass(frozen=True)
class Dateline:
    """A dateline at the start of a line: where the sentence starts, the outlet and date it names."""

    body_start: int
    outlet: str | None
    header_date: str | None


def match_dateline(line: str, *, allow_bare_place: bool = False) -> Dateline | None:
    """Recognise a dateline at the start of `line` (already stripped), or return None.

    A dateline is a run of comma-separated places and outlet names ended by a dash, e.g.
    "Jakarta, CNN Indonesia -- ", "REPUBLIKA.CO.ID, WASHINGTON – ", "Jakarta (ANTARA News) - ",
    "KONTAN.CO.ID - WASHINGTON. " or a Kompas header "Kompas dunia | 6 September 2023, 07:05 WIB".
    It must name an outlet (a domain, a known name or a parenthesised one), except that with
    `allow_bare_place` an all-capitals place alone ("JAKARTA – ") counts too.
    """
    pos, header_date, header_outlet = 0, None, None
    header = _HEADER_RE.match(line)
    if header:
        pos, header_date, header_outlet = header.end(), header.group("date"), header.group("outlet")
    sep = _SEPARATOR_RE.search(line, pos)
    outlet = None
    if sep is not None and sep.start() - pos <= 90:
        outlet = _dateline_outlet(line[pos : sep.start()], allow_bare_place)
    if sep is None or outlet is None:
        # A header alone is a dateline too: the sentence starts right after it.
        return Dateline(body_start=pos, outlet=header_outlet, header_date=header_date) if header else None
    body = sep.end()
    if outlet and (kontan := _KONTAN_PLACE_RE.match(line, body)):
        body = kontan.end()
    if body < len(line) and not _starts_dateline_body(line, body):
        return None
    return Dateline(body_start=body, outlet=outlet or header_outlet, header_date=header_date)


def _starts_dateline_body(line: str, pos: int) -> bool:
    # Invisible marks such as U+200E sometimes sit between the dash and the first word.
    while pos < len(line) - 1 and unicodedata.category(line[pos]) == "Cf":
        pos += 1
    char = line[pos]
    return char.isalnum() or char in "\"“‘'("


def _dateline_outlet(prefix: str, allow_bare_place: bool) -> str | None:
    """The outlet named by a dateline prefix; "" for a bare capitals place; None if not a dateline."""
    components = [c.strip() for c in prefix.split(",")]
    components = [c for c in components if c]
    if not components or len(prefix) > 70:
        return None
    outlet: str | None = None
    for comp in components:
        paren = _PAREN_RE.fullmatch(comp)
        if _DOMAIN_RE.fullmatch(comp) or comp.lower() in KNOWN_OUTLET_NAMES:
            outlet = outlet or comp
        elif paren and _outlet_like(paren.group("outlet")):
            place = paren.group("place")
            if place and not _PLACE_RE.fullmatch(place):
                return None
            outlet = outlet or paren.group("outlet").strip()
        elif not _PLACE_RE.fullmatch(comp) or any(ch.isdigit() for ch in comp):
            return None
    if outlet is not None:
        return outlet
    letters = [ch for comp in components for ch in comp if ch.isalpha()]
    if allow_bare_place and len(letters) >= 4 and all(ch.isupper() for ch in letters):
        return ""
    return None


def _outlet_like(name: str) -> bool:
    name = name.strip()
    if name.lower() in KNOWN_OUTLET_NAMES | AGENCY_NAMES or _DOMAIN_RE.fullmatch(name):
        return True
    words = name.split()
    return len(words) >= 2 and all(w[0].isupper() for w in words)


_BYLINE_LABELS = (
    r"penulis|reporter|editor|penyunting|pewarta|redaktur|kontributor|red|wartawan|fotografer|oleh"
    r"|sumber|source|laporan|produser|foto|teks"
)
_BYLINE_RE = re.compile(rf"(?P<label>{_BYLINE_LABELS})\s*:\s*(?P<value>\S.*)", re.IGNORECASE)


def match_byline(line: str) -> tuple[str, str] | None:
    """Recognise a short byline or credit line such as "Penulis : X Editor : Y" or "sumber : Reuters".

    Returns the label in lower case and the first value ("X" above), or None. A value longer than
    ten words or ending in "?" or "!" is taken for prose, not a byline.
    """
    m = _BYLINE_RE.fullmatch(line.strip())
    if not m:
        return None
    value = m.group("value").strip()
    if len(value) > 90 or len(value.split()) > 10 or value.endswith(("?", "!")):
        return None
    first = re.split(rf"\s+(?:{_BYLINE_LABELS})\s*:", value, maxsplit=1, flags=re.IGNORECASE)[0]
    return m.group("label").lower(), first.strip().rstrip(".").strip()


_NAME_WORD = re.compile(r"[A-Z][a-z'’-]+|[A-Z]\.|[A-Z][a-z]*\.|bin|binti|van|de|al|el")


def looks_like_name(line: str) -> bool:
    """Whether a line is only a person's name, as author lines under a title are ("Aldgra Fredly")."""
    words = line.split()
    return 2 <= len(words) <= 4 and len(line) <= 40 and all(_NAME_WORD.fullmatch(w) for w in words)


# Whole lines that are furniture. Each pattern is matched against the stripped line.
_FURNITURE_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        # Related-article links: "Baca Juga: <headline>", "SIMAK JUGA - <headline>", "(Baca: ...)".
        r"\(?(?:baca|simak|lihat)(?:[\s_]+juga)?\s*:.*",
        r"\(?(?:baca|simak|lihat)[\s_]+juga\s*[-–—].*",
        r"(?:baca\s+)?selengkapnya\b.{0,80}",
        # Comment counters and section labels left from the page around the article.
        r"(?:\d+\s+)?(?:komentar|comments?)(?:\s*\(\s*\d+\s*\))?",
        r"(?:tautan|link)\s+sumber\s*:?",
        r"(?:berita|artikel)\s+(?:terpopuler|terkait|lainnya|populer|terbaru|pilihan|menarik)(?:\s+lainnya)?\s*:?",
        r"(?:terpopuler|terkini|rekomendasi|populer)\s*:?",
        # Promotions: "Yuk koleksi buku ...", an outlet describing itself, "Ikuti ... di Google News".
        r"yuk\b.{0,200}\b(?:koleksi|unduh|download|ikuti|follow|gabung|langganan|berlangganan|kunjungi|klik)\b.*",
        rf"\S+\.{_TLD}\s+adalah\s+(?:portal|situs|media)\b.*",
        r"(?:ikuti|dapatkan|follow|simak)\b.{0,150}\b(?:google\s+news|whatsapp\s+channel|saluran\s+whatsapp)\b"
        r".{0,80}",
        # Contributions and agency attributions: "Reuters berkontribusi pada laporan ini".
        r".{1,60}\bberkontribusi\s+(?:pada|dalam|untuk|terhadap)\s+(?:laporan|artikel|berita|tulisan)\s+ini\.?",
        r".{1,60}\bcontributed\s+to\s+this\s+(?:report|story)\.?",
        r"[^()]{1,50}\((?:menurut|sumber|via|theo|according\s+to)\s+[^()]{1,40}\)",
        r"sumber\s+berita\s*:?\s*\S.{0,40}",
        # Scripts and markup that leaked into the text: "! function(f, b, e) {...", "<![CDATA[".
        r".{0,40}\bfunction\s*\([^)]{0,60}\)\s*\{.*",
        r".{0,20}(?:<!\s*\[\s*CDATA\s*\[|\]\]\s*&\s*gt;).{0,20}",
    )
]
# Photo credits alone on a line ("AP/Andrew Harnik", "ANTARA FOTO/Sigid Kurniawan"): case tells
# an agency in capitals from two ordinary words joined by a slash.
_PHOTO_CREDIT_RE = re.compile(
    r"(?:[A-Z]{2,}(?:\s+[A-Z]{2,})?|[\w.]+\.(?:com|id)|[Dd]ok\.?|[Dd]okumentasi|[Ii]stimewa|Getty\s+Images)"
    r"\s*/\s*[A-Z][\w.'’ -]{1,40}"
)

# News agencies and outlets credited in brackets: "(Antara)", "[Anadolu Agency]".
_CREDITED_NAMES = frozenset({"antara", "reuters", "afp", "ap", "anadolu", "xinhua", "bernama", "bbc", "cnn"})
# One part of an Antara editor code such as "T.M004".
_CODE = r"[A-Z][A-Za-z]{0,2}\.?(?:\s?[A-Z]\.?)*\d{0,4}"
# Credit codes at the end of a paragraph: "(asr)", "[sau]", "(ard / ard)", "(Name / ini)", "(Antara)",
# Antara's "(T.H - ZG / S027)" with an optional timestamp. Only cut after the end of a sentence, so
# "(B20)." or "kata dia (AFP)" in the middle of a sentence stay.
_CREDIT_CODE = (
    r"[\(\[]\s*(?:"
    r"[a-z]{1,4}|[A-Za-z]{2,12}(?:\s*/\s*[a-z]{1,4}){1,2}"
    rf"|(?i:{'|'.join(sorted(_CREDITED_NAMES))})(?:\s+(?i:agency|news|foto))?"
    r"|[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}\s*/\s*[a-z]{2,4}"
    rf"|{_CODE}(?:\s*[-/]\s*{_CODE})*"
    r")\s*[\)\]](?:\s*\d{1,2}\s*-\s*\d{1,2}\s*-\s*\d{4}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)?"
)
# Labelled notes in brackets say what they are, so they go wherever they close a line:
# "(Baca: ...)", "(Foto: Tesla)", "[Gambas:Video CNN]".
_LABELLED_NOTE = (
    r"[\(\[]\s*(?i:(?:baca|simak)(?:\s+juga)?\s*:[^()\[\]]{1,150}"
    r"|(?:editor|foto|kredit|sumber|penulis|red|reporter)\s*:\s*[^()\[\]]{1,60}"
    r"|gambas\s*:[^()\[\]]{0,60})[\)\]]"
)
_CREDIT_LINE_RE = re.compile(rf"{_CREDIT_CODE}|{_LABELLED_NOTE}")
_TRAILING_CREDIT_RE = re.compile(rf"(?<=[.!?\"”’\)\]])\s*{_CREDIT_CODE}$|\s{_LABELLED_NOTE}$")
_TRAILING_PHOTO_RE = re.compile(r"(?<=[.!?\"”’)])\s*(?:Foto|Photo|Gambar)\s*:\s*[^.!?]{1,50}$")
# A teaser cut off with four or more dots, or an ellipsis and a dot: "Kim akan meninggalkan Pyongyang....".
_TEASER_RE = re.compile(r"[^.!?]{1,200}?\S(?:\.{4,}|…\.+|\.…)")
# A line announcing a list of links to other articles; the headlines under it are links too.
_RELATED_MARKER_RE = re.compile(
    r"(?:(?:baca|simak|lihat)(?:[\s_]+juga)?"
    r"|(?:berita|artikel)\s+(?:terpopuler|terkait|lainnya|populer|terbaru|pilihan|menarik)(?:\s+lainnya)?"
    r")\s*:?",
    re.IGNORECASE,
)
_RELATED_PREFIX_RE = re.compile(r"baca_juga\s+", re.IGNORECASE)


def content_regions(text: str) -> list[Span]:
    """The parts of `text` to index, as sorted, non-overlapping, whitespace-trimmed spans.

    Each region is (part of) one line. Left out: related-article links (and the headline lines under a
    bare "Baca Juga"), comment counters, "Tautan sumber", "Berita Terpopuler", promotions, bylines and
    editor lines ("Penulis: X", "Red: X", "sumber : Reuters"), a bare author name under the title,
    contribution and agency notes, photo credits ("AP/Andrew Harnik", a trailing "Foto: KCNA"),
    credit codes at the end of a paragraph ("(asr)"), teasers ending in "....", lines without a letter
    or digit, and the dateline in front of the first sentence. Titles and sub-headings are kept.
    """
    regions: list[Span] = []
    seen = 0  # non-empty lines so far
    related_left = 0
    dateline_done = False
    title_like = False
    for start, end in _stripped_lines(text):
        index, seen = seen, seen + 1
        line = text[start:end]
        if related_left:
            if _related_headline(line):
                related_left -= 1
                continue
            related_left = 0
        if _RELATED_MARKER_RE.fullmatch(line):
            related_left = _MAX_RELATED_LINKS
            continue
        if _is_furniture(line) or (index == 1 and title_like and looks_like_name(line)):
            continue
        if index == 0:
            title_like = not line.endswith(".")
        if not dateline_done and index < HEAD_LINES:
            dateline = match_dateline(line, allow_bare_place=index < 2)
            if dateline is not None:
                dateline_done = True
                start, end = _trim(text, start + dateline.body_start, end)
                line = text[start:end]
                if line and _RELATED_MARKER_RE.fullmatch(line):
                    related_left = _MAX_RELATED_LINKS
                if not line or related_left or _is_furniture(line):
                    continue
        if prefix := _RELATED_PREFIX_RE.match(text, start, end):
            start = prefix.end()
        end = _cut_trailing_credits(text, start, end)
        start, end = _trim(text, start, end)
        if start < end:
            regions.append(Span(start=start, end=end))
    return regions


def _stripped_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line's text without surrounding whitespace; blank lines skipped."""
    pos = 0
    while pos <= len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl < 0 else nl
        start, end = _trim(text, pos, line_end)
        if start < end:
            yield start, end
        pos = line_end + 1


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_furniture(line: str) -> bool:
    if not any(ch.isalnum() for ch in line):
        return True
    if match_byline(line) or _CREDIT_LINE_RE.fullmatch(line) or _TEASER_RE.fullmatch(line):
        return True
    if (dateline := match_dateline(line)) and dateline.body_start >= len(line):
        return True  # "Merdeka.com -" or a Kompas header alone on its line
    return bool(_PHOTO_CREDIT_RE.fullmatch(line)) or any(p.fullmatch(line) for p in _FURNITURE_PATTERNS)


def _related_headline(line: str) -> bool:
    """A related article's headline under "Baca juga:": short, one clause, no full stop at the end."""
    return (
        len(line) <= 150
        and (line[0].isupper() or line[0].isdigit())
        and not line.endswith((".", ":", ";", ",", '"', "”", "’"))
        and ". " not in line
    )


def _cut_trailing_credits(text: str, start: int, end: int) -> int:
    """Move `end` back over credit codes and photo credits that close the line."""
    while True:
        _, trimmed = _trim(text, start, end)
        line = text[start:trimmed]
        m = _TRAILING_CREDIT_RE.search(line) or _TRAILING_PHOTO_RE.search(line)
        if not m or m.start() == 0:
            return trimmed
        end = start + m.start()
