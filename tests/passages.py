"""A stored sentence built by hand for unit tests: one factory instead of one per test module."""

from __future__ import annotations

from typing import Any

from vectorstore.models import Passage


def make_passage(
    text: str,
    score: float = 1.0,
    *,
    dense: float | None = None,
    context: float | None = None,
    lexical: float = 0.0,
    article_id: str = "a",
    **extra: Any,
) -> Passage:
    """A passage covering the whole of `text` (offsets 0..len) in article `article_id`; the dense and
    context scores default to `score`."""
    return Passage(
        article_id=article_id,
        sentence_index=0,
        start=0,
        end=len(text),
        text=text,
        score=score,
        dense=score if dense is None else dense,
        context=score if context is None else context,
        lexical=lexical,
        **extra,
    )
