"""Quotes are cut from the original text and checked, never written: `quote == text[start:end]`.

Every path that puts a quote in front of a user goes through `cite` (which slices the stored original
text) and `verify` (which checks the finished answer), so a quote can never be invented or drift.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.models import Citation
from vectorstore.errors import QuoteIntegrityError
from vectorstore.models import Passage


def cite(passages: Sequence[Passage], texts: Mapping[str, str]) -> list[Citation]:
    """Citations numbered from 1, each quote sliced from `texts[article_id]` at the passage's span."""
    out = []
    for n, p in enumerate(passages, start=1):
        text = texts.get(p.article_id)
        if text is None or not (0 <= p.start < p.end <= len(text)):
            raise QuoteIntegrityError(f"passage {p.article_id}[{p.start}:{p.end}] is outside its article")
        quote = text[p.start : p.end]
        if quote != p.text:
            raise QuoteIntegrityError(
                f"indexed text of {p.article_id}[{p.start}:{p.end}] differs from the article"
            )
        out.append(
            Citation(
                n=n,
                article_id=p.article_id,
                title=p.title,
                source=p.source,
                published=p.published,
                quote=quote,
                start=p.start,
                end=p.end,
                score=round(p.score, 4),
            )
        )
    return out


def verify(citations: Sequence[Citation], texts: Mapping[str, str]) -> None:
    """Raise `QuoteIntegrityError` unless every quote equals its article's text at its span."""
    for c in citations:
        text = texts.get(c.article_id)
        if text is None or text[c.start : c.end] != c.quote or not c.quote:
            raise QuoteIntegrityError(
                f"citation [{c.n}] is not verbatim at {c.article_id}[{c.start}:{c.end}]"
            )
