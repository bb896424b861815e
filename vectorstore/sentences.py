"""Split an article's original text into sentences, as spans, with Indonesian news in mind.

Every sentence is a trimmed, non-empty span of the original text inside one content region and one
line: newlines are hard boundaries, so a headline or a sub-heading without a full stop is a sentence
of its own. Inside a line a sentence ends at ".", "!" or "?" (with any closing quotes or brackets)
when the next word starts like a sentence (a capital, a digit, an opening quote), except after:

- abbreviations and titles ("dr.", "Prof.", "H.", "No.", "Jl.", "dkk.", "Rp.", "a.n.", "U.S."),
  single initials ("John F. Kennedy") and month abbreviations ("6 Sept. 2023");
- an ellipsis of three dots, which continues the sentence ("Saya... tidak tahu");
- a piece with fewer than two letters, such as a list number ("1. Pertama").

Numbers, dates, times and domains ("11.43", "57,8", "5/9/2023", "07:05", "REPUBLIKA.CO.ID") never
split, since no space follows their dots. A quotation followed by its attribution ("‘’Tidak, saya tak
bisa. Tak ada yang bisa saya katakan,’’ kata Peskov.") stays one sentence unless the quotation is
longer than `MAX_QUOTE_CHARS`; a sentence longer than `MAX_SENTENCE_CHARS` is cut at a clause
boundary ("; " first, then ", ", then a space) so none becomes huge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Protocol

from vectorstore.models import Span
from vectorstore.text.dates import month_abbreviations
from vectorstore.text.lists import words

MAX_QUOTE_CHARS = 400
MAX_SENTENCE_CHARS = 1000
# A cut for length looks for a clause boundary no earlier than this into the sentence.
_MIN_CUT = 200

# Words that a full stop follows without ending the sentence, in lower case, without the final dot.
ABBREVIATIONS = frozenset(
    # Titles, ranks and forms of address.
    {"dr", "drs", "dra", "drg", "prof", "ir", "h", "hj", "kh", "sdr", "sdri", "bpk", "bp", "ny", "nn", "tn"}
    | {"mr", "mrs", "ms", "jr", "sr", "st", "mgr", "pdt", "ust", "gen", "lt", "col", "capt", "gov", "sen"}
    | {"rev", "kol", "jend", "brigjen", "mayjen", "letjen", "kapt", "kompol", "akbp", "aiptu", "ipda", "pol"}
    # Addresses, references and numbers.
    | {"jl", "jln", "gg", "no", "tgl", "kec", "kab", "kel", "prov", "ds", "hlm", "hal", "vol", "ed", "rp"}
    # Companies and "and others".
    | {"pt", "cv", "co", "inc", "ltd", "corp", "bros", "vs", "dkk", "yg", "dgn", "utk", "tsb"}
)
"""Words whose dot ends no sentence; month abbreviations too (`vectorstore.text.dates`), followed by a
year rather than a new sentence."""

_TERMINAL_RE = re.compile(r"[.!?…]+")
_ELLIPSIS_RE = re.compile(r"\.{3}|…")
_CLOSERS = "\"”’'»)]"
_OPENERS = "\"“‘'«„([-–—•*"
_OPENING_PUNCT = "\"“‘'«„(["
# "U.S", "a.n", "S.Pd", "M.Si": short segments joined by dots, the last dot being the candidate.
_DOTTED_RE = re.compile(r"(?:[A-Za-z]{1,3}\.)+[A-Za-z]{1,3}")


def split_sentences(text: str, regions: Sequence[Span] | None = None) -> list[Span]:
    """Split `text` into sentence spans, only inside `regions` (default: the whole text).

    The spans are sorted, disjoint, trimmed of whitespace, non-empty and each within one region and one
    line; every non-whitespace character of a region lies in exactly one of them. Regions are sorted
    and overlapping ones merged first. Raises `ValueError` for a region outside the text.
    """
    sentences: list[Span] = []
    for start, end in _merged(regions if regions is not None else [Span(start=0, end=len(text))], len(text)):
        for line_start, line_end in _lines(text, start, end):
            for s, e in _split_line(text, line_start, line_end):
                sentences.extend(Span(start=a, end=b) for a, b in _cap_length(text, s, e))
    return sentences


def _merged(regions: Sequence[Span], size: int) -> list[tuple[int, int]]:
    ordered = sorted((r.start, r.end) for r in regions)
    merged: list[tuple[int, int]] = []
    for start, end in ordered:
        if start > end or end > size:
            raise ValueError(f"region [{start}, {end}) is not inside the text (length {size})")
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The trimmed, non-empty lines of `text[start:end]`."""
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        s, e = _trim(text, pos, line_end)
        if s < e:
            yield s, e
        pos = line_end + 1


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _split_line(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentences of one trimmed line, as trimmed spans of `text`."""
    line = text[start:end]
    protected = _protected_quotes(line)
    piece_start = 0
    for boundary in _boundaries(line):
        if any(qs < boundary < qe for qs, qe in protected):
            continue
        if sum(ch.isalpha() for ch in line[piece_start:boundary]) < 2:
            continue  # a list number or a lone letter is not a sentence
        if not any(ch.isalnum() for ch in line[boundary:]):
            break  # only a stray quote or bracket follows: it belongs to this sentence
        s, e = _trim(text, start + piece_start, start + boundary)
        if s < e:
            yield s, e
        piece_start = boundary
    s, e = _trim(text, start + piece_start, end)
    if s < e:
        yield s, e


def _boundaries(line: str) -> Iterator[int]:
    """Offsets in `line` where a new sentence may start (before the quote/abbreviation checks)."""
    n = len(line)
    for m in _TERMINAL_RE.finditer(line):
        run = m.group()
        if _ELLIPSIS_RE.fullmatch(run):
            continue  # "..." or "…" goes on; "...." ends
        k = m.end()
        while k < n and line[k] in _CLOSERS:
            k += 1
        if k >= n:
            continue
        if line[k].isspace():
            j = k
            while j < n and line[j].isspace():
                j += 1
            if j < n and _starts_sentence(line[j]) and not _continues_after(line, m.start(), run):
                yield k
        elif k > m.end() and line[k].isupper() and not _continues_after(line, m.start(), run):
            # "nuklir.’’Kim juga ...": the quotes glued to the next word open the next sentence.
            yield m.end()


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in _OPENERS


def _continues_after(line: str, dot: int, run: str) -> bool:
    """Whether the full stop at `dot` belongs to the word before it (an abbreviation or initial)."""
    if run != ".":
        return False
    start = dot
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    word = line[start:dot].lstrip(_OPENING_PUNCT)
    if not word:
        return False
    if word.lower() in ABBREVIATIONS or word.lower() in month_abbreviations() or _DOTTED_RE.fullmatch(word):
        return True
    return len(word) == 1 and word.isupper()  # an initial: "John F. Kennedy"


def _protected_quotes(line: str) -> list[tuple[int, int]]:
    """Inner ranges of quotations followed by their attribution, which must not be split.

    `“`, `‘’` open a quotation and `”` closes one; `"`, `’’` and `''` open or close depending on
    whether a quotation is open. A quotation is attributed when the text after it starts in lower
    case ("..., kata Peskov") or its last character before the closing quote is a comma.
    """
    protected: list[tuple[int, int]] = []
    open_at: int | None = None
    i, n = 0, len(line)
    while i < n:
        pair = line[i : i + 2]
        if pair in ("‘’", "’’", "''"):
            kind, width = ("open" if pair == "‘’" else "toggle"), 2
        elif line[i] in '"“”':
            kind, width = {'"': "toggle", "“": "open", "”": "close"}[line[i]], 1
        else:
            i += 1
            continue
        if kind == "open" or (kind == "toggle" and open_at is None):
            open_at = i
        elif open_at is not None:
            if i + width - open_at <= MAX_QUOTE_CHARS and _attributed(line, i, i + width):
                protected.append((open_at, i + width))
            open_at = None
        i += width
    return protected


def _attributed(line: str, close: int, after: int) -> bool:
    rest = line[after:].lstrip()
    before = line[:close].rstrip()
    return bool(rest and rest[0].islower()) or before.endswith(",")


def _cap_length(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a sentence longer than `MAX_SENTENCE_CHARS` at clause boundaries."""
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut_point(text, start, start + MAX_SENTENCE_CHARS)
        s, e = _trim(text, start, cut)
        if s < e:
            yield s, e
        start, end = _trim(text, cut, end)
    if start < end:
        yield start, end


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where to cut `text[start:]` at or before `limit`: after "; ", else ", ", else at a space."""
    window_start = start + _MIN_CUT
    for mark in ("; ", ", "):
        found = text.rfind(mark, window_start, limit)
        if found >= 0:
            return found + 1
    for pos in range(limit, window_start, -1):
        if text[pos].isspace():
            return pos
    return limit


# A sentence whose subject is a pronoun or demonstrative names its subject in the sentence before:
# "Ia didampingi oleh ... Li Hongzhong." First-person pronouns are left out: in news they sit inside
# quotations whose speaker the same sentence names ("Kami ...," kata Watson).
_PRONOUNS = frozenset("ia dia beliau mereka ini itu hal he she they it this these those such".split())
# A connective continues the sentence before it, though it may name everything it speaks of.
_CONNECTIVES = frozenset(
    """
    namun tetapi tapi sebaliknya pasalnya sebab karenanya maka jadi bahkan padahal kemudian lalu
    termasuk misalnya yakni yaitu however but yet instead thus hence
    """.split()
)
_CONNECTIVE_PHRASES = (
    "akan tetapi",
    "sebagai imbalan",
    "sebagai gantinya",
    "dengan demikian",
    "meski demikian",
)
# Connectives that change the subject rather than continue it ("meanwhile").
_FRESH_PHRASES = ("sementara itu", "in the meantime")
# "itu"/"tersebut" point back at something already named ("Rudal-rudal itu", "laporan tersebut", "saat
# itu"); "ini" does too, except after a time word, where it means now ("saat ini", "bulan ini"). Near
# the start of a sentence, or anywhere in a short one ("... menerima tawaran tersebut."); later in a
# long sentence they usually point inside the sentence itself.
_BACK_POINTERS = frozenset({"itu", "tersebut", "tadi"})
_NOW_WORDS = frozenset(
    "saat hari bulan tahun pekan minggu kali malam pagi siang sore waktu lama akhir".split()
)
_LEAN_WINDOW = 6
_SHORT_SENTENCE = 12
_WORDS_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def _words(sentence: str) -> list[str]:
    return [w.lower() for w in _WORDS_RE.findall(sentence)]


def refers_back(sentence: str) -> bool:
    """Whether `sentence` names someone or something only by pointing back at the sentence before it
    (a pronoun subject, "Pertemuan itu", "tawaran tersebut"): its meaning is incomplete without it."""
    words = _words(sentence)
    if not words or " ".join(words[:3]).startswith(_FRESH_PHRASES):
        return False
    if words[0] in _PRONOUNS:
        return True
    window = words if len(words) <= _SHORT_SENTENCE else words[:_LEAN_WINDOW]
    for i, word in enumerate(window[1:], start=1):
        if word in _BACK_POINTERS or (word == "ini" and window[i - 1] not in _NOW_WORDS):
            return True
    return False


def leans_back(sentence: str) -> bool:
    """Whether `sentence` continues the one before it and reads wrongly without it: it refers back
    (`refers_back`) or opens with a connective ("Namun, ...", "Sebagai imbalannya, ...")."""
    words = _words(sentence)
    if words and (words[0] in _CONNECTIVES or " ".join(words[:3]).startswith(_CONNECTIVE_PHRASES)):
        return True
    return refers_back(sentence)


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def adjacent(text: str, prev: _Spanned, cur: _Spanned) -> bool:
    """Whether only whitespace lies between two sentences, so that `text[prev.start:cur.end]` reads as
    one passage (no furniture was cut out in between)."""
    return prev.end <= cur.start and not text[prev.end : cur.start].strip()


def joinable(text: str, prev: _Spanned, cur: _Spanned) -> bool:
    """Whether `cur` leans back on an adjacent `prev`: the two are quoted as one passage."""
    return adjacent(text, prev, cur) and leans_back(text[cur.start : cur.end])


def embedding_spans(text: str, sentences: Sequence[_Spanned]) -> list[Span]:
    """For each sentence, the span whose meaning its vector should carry: the sentence itself, or, when it
    refers back to the one before it, both of them ("Kunjungan ... Shoigu ke Pyongyang ... Ia didampingi
    oleh ... Li Hongzhong."). A sentence that only opens with a connective keeps its own vector: it
    names what it speaks of, and "Sebagai imbalannya, Moskow akan menyediakan ..." must still match a
    question about what was offered in return."""
    out = []
    for i, cur in enumerate(sentences):
        prev = sentences[i - 1] if i else None
        if prev is not None and adjacent(text, prev, cur) and refers_back(text[cur.start : cur.end]):
            out.append(Span(start=prev.start, end=cur.end))
        else:
            out.append(Span(start=cur.start, end=cur.end))
    return out


# Where a sentence divides into parts that each say something: after ";" or ":", where a quotation
# closes (between the words quoted and who said them), and at a spaced dash.
_CLAUSE_BREAK_RE = re.compile(r"[;:](?=\s)|[,.!?…][\"”’'»]+|\s[–—]\s")
_CLAUSE_TRIM = " \t\n,;:\"“”‘’'«»–—"
CLAUSE_MIN_WORDS = 4
# The words that attribute reported speech right after a closing quotation ("...,” kata JCS",
# "...,’’ demikian dilaporkan"); `vectorstore.search` reads a sentence so attributed as body text.
ATTRIBUTING_VERBS = words("quote-attribution")
# A part that opens with a reporting verb says who said the rest, when and to whom ("kata Sullivan
# kepada wartawan pada 6 September"): not what was said.
_REPORTING = ATTRIBUTING_VERBS | words("reporting-openers")


def clause_spans(text: str, sentence: _Spanned) -> list[Span]:
    """The parts of a long sentence that are worth a vector of their own, or [] when it has fewer than
    two (`CLAUSE_MIN_WORDS` words at least, quotation marks and separators trimmed). A part that says
    who said the rest ("tambahnya, ...", "kata JCS kepada wartawan") gets no vector: it would match
    "who said / when did they say" questions whatever was said.

    A sentence's vector averages everything in it, and a quotation followed by its attribution, or two
    statements joined by a semicolon, averages two things: "“Pemimpin RRDK menunjukkan minat yang
    besar pada teknik roket; mereka juga berusaha mengembangkan ruang angkasa,” tambahnya, menggunakan
    nama resmi Korea Utara, ..." is, as one vector, about the name of North Korea as much as rockets.
    Search scores a sentence by its best part too (see `vectorstore.search`); it is still quoted whole.
    """
    start, end = sentence.start, sentence.end
    cuts = [start]
    for m in _CLAUSE_BREAK_RE.finditer(text, start, end):
        cuts.append(m.end())
    cuts.append(end)
    parts = []  # (span, its first word)
    for a, b in pairwise(cuts):
        while a < b and text[a] in _CLAUSE_TRIM:
            a += 1
        while b > a and text[b - 1] in _CLAUSE_TRIM:
            b -= 1
        words = _words(text[a:b])
        if len(words) >= CLAUSE_MIN_WORDS:
            parts.append((Span(start=a, end=b), words[0]))
    if len(parts) < 2:
        return []
    return [span for span, first in parts if first not in _REPORTING]
