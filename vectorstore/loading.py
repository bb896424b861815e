"""Read articles from files and folders, reporting every problem as a `LoadFailure` value.

The text a `LoadedArticle` carries is the article's *original text*: every offset the index keeps
refers to it. It is the file's content decoded as UTF-8, with a leading byte-order mark removed and
line endings normalised ("\\r\\n" and "\\r" become "\\n"); nothing else is changed. For HTML the original
text is the text extracted from the markup (see `_html_text`).

Nothing here raises for a bad file or record: the caller gets a `LoadFailure` with a reason a person
can act on, and loading goes on with the rest.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from vectorstore.models import ArticleMeta, LoadedArticle, LoadFailure, SourceFormat

FORMATS: dict[str, SourceFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = ("title", "source", "author", "published", "url")
# The setting that controls `max_bytes`, named in failures so people know what to change.
MAX_BYTES_SETTING = "CLAIMBOT_MAX_FILE_BYTES"

_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,200}")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Elements whose text is never article content.
_DROP_TAGS = ("script", "style", "noscript", "template", "head", "nav", "footer", "aside", "form", "iframe")
# Elements that start a new line in the extracted text.
_SECTION_TAGS = ("address", "article", "blockquote", "div", "figure", "header", "main", "section")
_TEXT_TAGS = ("br", "caption", "dd", "dt", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "p")
_BLOCK_TAGS = frozenset((*_SECTION_TAGS, *_TEXT_TAGS, "dl", "ol", "ul", "pre", "table", "tr", "td", "th"))


def iter_sources(paths: Sequence[str | Path], *, max_bytes: int) -> Iterator[LoadedArticle | LoadFailure]:
    """Yield one `LoadedArticle` or `LoadFailure` per article found in `paths`, in a stable order.

    Each path is a file or a folder. Folders are walked recursively in sorted order, skipping hidden
    files and folders, `NAME.meta.json` sidecars (they are read with their article, also when given
    explicitly; a sidecar without an article next to it is a failure) and files named `README.*`
    (folders of articles often carry one; give such a file explicitly to load it).
    Supported files: `.txt` and `.md` (plain text), `.html`/`.htm` (text extracted from the markup) and
    `.jsonl` (one article per line: `{id, text}` plus optional `title`, `source`, `date`, `url`).

    An article's id is its file name without the extension, or the record's `id` for JSONL; ids must be
    1-200 characters of `A-Z a-z 0-9 . _ : -`, and each id may occur once per call (a second occurrence
    is a failure that names the first). `NAME.meta.json` next to `NAME.txt` (`.md`, `.html`, `.htm`)
    may give `title`, `source`, `author`, `published` (YYYY-MM-DD) and `url`; they become the article's
    `overrides`. `max_bytes` limits the size of each file, and of each record of a JSONL file (a JSONL
    file is streamed, so its records are the articles being limited).

    Raises `ValueError` only for a `max_bytes` below 1 (a programming error, not a bad file).
    """
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be at least 1, got {max_bytes}")
    first_origin: dict[str, str] = {}
    for raw in paths:
        for item in _load_path(Path(raw), max_bytes):
            if isinstance(item, LoadedArticle):
                earlier = first_origin.get(item.article_id)
                if earlier is not None:
                    item = LoadFailure(
                        origin=item.origin,
                        reason=f"duplicate article id {item.article_id!r}: already loaded from {earlier}",
                    )
                else:
                    first_origin[item.article_id] = item.origin
            yield item


def _load_path(path: Path, max_bytes: int) -> Iterator[LoadedArticle | LoadFailure]:
    if path.is_dir():
        for file in _walk(path):
            if isinstance(file, LoadFailure):
                yield file
            else:
                yield from _load_file(file, max_bytes, explicit=False)
    elif path.exists():
        yield from _load_file(path, max_bytes, explicit=True)
    else:
        yield LoadFailure(origin=str(path), reason="no such file or folder")


def _walk(folder: Path) -> Iterator[Path | LoadFailure]:
    """Files under `folder`, depth first in name order; hidden entries and symlinked folders skipped."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield LoadFailure(origin=str(folder), reason=f"cannot list the folder: {exc.strerror or exc}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file() and not _is_readme(entry.name):
            yield Path(entry.path)


def _is_readme(name: str) -> bool:
    lowered = name.lower()
    return lowered == "readme" or lowered.startswith("readme.")


def _load_file(path: Path, max_bytes: int, *, explicit: bool) -> Iterator[LoadedArticle | LoadFailure]:
    name = path.name.lower()
    if name.endswith(SIDECAR_SUFFIX):
        # A sidecar is read together with its article; on its own it only matters when orphaned.
        if _article_for_sidecar(path) is None:
            expected = " or NAME".join(s for s in FORMATS if s != ".jsonl")
            yield LoadFailure(
                origin=str(path),
                reason=f"metadata sidecar without an article next to it (expected NAME{expected})",
            )
        return
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        where = "" if explicit else " (found while walking a folder)"
        supported = ", ".join(FORMATS)
        yield LoadFailure(
            origin=str(path),
            reason=f"unsupported file type {path.suffix or '(none)'!r}{where}; use {supported}",
        )
        return
    if fmt == "jsonl":
        yield from _load_jsonl(path, max_bytes)
        return
    yield _load_document(path, fmt, max_bytes)


def _article_for_sidecar(sidecar: Path) -> Path | None:
    stem = sidecar.name[: -len(SIDECAR_SUFFIX)]
    for suffix, fmt in FORMATS.items():
        if fmt == "jsonl":
            continue
        for candidate in (sidecar.with_name(stem + suffix), sidecar.with_name(stem + suffix.upper())):
            if candidate.is_file():
                return candidate
    return None


class _Unusable(Exception):
    """A file or record cannot be used; internal only, turned into a `LoadFailure` before leaving."""


def _load_document(path: Path, fmt: SourceFormat, max_bytes: int) -> LoadedArticle | LoadFailure:
    origin = str(path)
    article_id = path.name[: -len(path.suffix)]
    try:
        problem = _id_problem(article_id)
        if problem:
            raise _Unusable(f"bad article id from the file name: {problem}")
        text = _decode(_read_limited(path, max_bytes))
        if fmt == "html":
            text = _html_text(text)
        if not text.strip():
            raise _Unusable("empty file: no text to index")
        overrides = _read_sidecar(path)
    except _Unusable as exc:
        return LoadFailure(origin=origin, reason=str(exc))
    return LoadedArticle(article_id=article_id, text=text, origin=origin, format=fmt, overrides=overrides)


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over the size limit."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _Unusable(_too_large(size, max_bytes, "file"))
        with path.open("rb") as fh:
            # Read one byte past the limit: the file may have grown since stat().
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _Unusable(f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise _Unusable(_too_large(len(data), max_bytes, "file"))
    return data


def _too_large(size: int, max_bytes: int, what: str) -> str:
    return f"{what} is {size:,} bytes, over the limit of {max_bytes:,} bytes (setting {MAX_BYTES_SETTING})"


def _decode(data: bytes, base_offset: int = 0) -> str:
    """Decode UTF-8 bytes into original text: BOM removed, line endings normalised."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _Unusable(f"binary file: NUL byte at byte offset {base_offset + nul}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unusable(f"invalid UTF-8 at byte offset {base_offset + exc.start}") from exc
    return normalise_newlines(text.removeprefix("\ufeff"))


def normalise_newlines(text: str) -> str:
    """Turn "\\r\\n" and lone "\\r" into "\\n": the only change loading makes to an article's text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _id_problem(article_id: str) -> str | None:
    if _ID_RE.fullmatch(article_id):
        return None
    if not article_id:
        return "the id is empty"
    if len(article_id) > 200:
        return f"the id is {len(article_id)} characters long (at most 200)"
    bad = sorted({c for c in article_id if not _ID_RE.fullmatch(c)})
    return f"{article_id!r} contains {''.join(bad)!r}; ids may use only letters, digits and . _ : -"


def _read_sidecar(path: Path) -> ArticleMeta:
    """Overrides from `NAME.meta.json` next to `path`, or empty ones when there is no sidecar."""
    stem = path.name[: -len(path.suffix)]
    sidecar = path.with_name(stem + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return ArticleMeta()
    prefix = f"metadata sidecar {sidecar.name}:"
    try:
        data = json.loads(sidecar.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise _Unusable(f"{prefix} cannot read it: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise _Unusable(f"{prefix} invalid UTF-8 at byte offset {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise _Unusable(f"{prefix} invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise _Unusable(f"{prefix} expected a JSON object, got {_json_type(data)}")
    # Unknown keys fail loudly: a typo such as "titel" must not be ignored silently.
    unknown = sorted(set(data) - set(SIDECAR_KEYS))
    if unknown:
        raise _Unusable(
            f"{prefix} unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(SIDECAR_KEYS)}"
        )
    try:
        return _meta_from_fields(data, {k: k for k in SIDECAR_KEYS})
    except _Unusable as exc:
        raise _Unusable(f"{prefix} {exc}") from None


def _meta_from_fields(record: dict[str, Any], keys: dict[str, str]) -> ArticleMeta:
    """Build overrides from `record`; `keys` maps ArticleMeta fields to the record's key names."""
    values: dict[str, Any] = {}
    for field, key in keys.items():
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _Unusable(f"{key!r} must be a string, got {_json_type(value)}")
        value = value.strip()
        if not value:
            continue
        if field == "published":
            parsed = _iso_date(value)
            if parsed is None:
                raise _Unusable(f"{key!r} must be a date as YYYY-MM-DD, got {value!r}")
            values[field] = parsed
        else:
            values[field] = value
    return ArticleMeta(**values)


def _iso_date(value: str) -> date | None:
    if not _ISO_DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


# JSONL record keys that become overrides (ArticleMeta field -> record key).
_JSONL_META = {"title": "title", "source": "source", "published": "date", "url": "url"}


def _load_jsonl(path: Path, max_bytes: int) -> Iterator[LoadedArticle | LoadFailure]:
    """One article per non-blank line; a bad line fails alone and the others still load."""
    records = 0
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield LoadFailure(origin=str(path), reason=f"cannot read the file: {exc.strerror or exc}")
        return
    with fh:
        offset = 0
        for lineno, line in enumerate(fh, start=1):
            line_offset, offset = offset, offset + len(line)
            if lineno == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            records += 1
            origin = f"{path}:{lineno}"
            if len(line) > max_bytes:
                yield LoadFailure(origin=origin, reason=_too_large(len(line), max_bytes, "JSONL record"))
                continue
            yield _jsonl_record(line, origin, line_offset)
    if records == 0:
        yield LoadFailure(origin=str(path), reason="empty file: no JSONL records")


def _jsonl_record(line: bytes, origin: str, line_offset: int) -> LoadedArticle | LoadFailure:
    try:
        record = json.loads(_decode(line, line_offset))
        article_id, text, meta = _check_record(record)
    except json.JSONDecodeError as exc:
        return LoadFailure(origin=origin, reason=f"invalid JSON at column {exc.colno}: {exc.msg}")
    except _Unusable as exc:
        return LoadFailure(origin=origin, reason=str(exc))
    return LoadedArticle(article_id=article_id, text=text, origin=origin, format="jsonl", overrides=meta)


def _check_record(record: object) -> tuple[str, str, ArticleMeta]:
    """The id, original text and overrides of a JSONL record, or `_Unusable` saying what is wrong."""
    if not isinstance(record, dict):
        raise _Unusable(f"expected a JSON object, got {_json_type(record)}")
    for key in ("id", "text"):
        value = record.get(key)
        if value is None:
            raise _Unusable(f"missing {key!r}")
        if not isinstance(value, str):
            raise _Unusable(f"{key!r} must be a string, got {_json_type(value)}")
        if not value.strip():
            raise _Unusable(f"{key!r} is empty")
    # A NUL escaped as \u0000 is as binary as a raw NUL byte, which `_decode` refuses in a file.
    for key, value in record.items():
        if isinstance(value, str) and "\x00" in value:
            raise _Unusable(f"{key!r} holds a NUL character (U+0000) at offset {value.index(chr(0))}")
    article_id: str = record["id"]
    problem = _id_problem(article_id)
    if problem:
        raise _Unusable(f"bad article id: {problem}")
    # JSON strings may carry their own "\r\n"; the original text is normalised all the same.
    text = normalise_newlines(record["text"].removeprefix("\ufeff"))
    return article_id, text, _meta_from_fields(record, _JSONL_META)


def _html_text(markup: str) -> str:
    """The readable text of an HTML page, one block element per line.

    Scripts, styles, navigation, footers, asides, forms and the `<head>` are dropped. Inside a block,
    runs of whitespace collapse to one space as a browser shows them; lines are stripped and empty
    lines removed, so paragraphs end up on lines of their own.
    """
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    parts: list[str] = []
    _collect_text(soup, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _collect_text(node: Tag, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, PreformattedString):
            continue  # comments, doctypes, CDATA, processing instructions
        if isinstance(child, NavigableString):
            # Newlines in markup are plain whitespace; only block elements break lines.
            parts.append(str(child).replace("\n", " "))
        elif isinstance(child, Tag):
            block = child.name in _BLOCK_TAGS
            if block:
                parts.append("\n")
            _collect_text(child, parts)
            if block:
                parts.append("\n")
