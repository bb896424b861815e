"""Group consecutive sentences into overlapping chunks, the context units the index embeds.

A chunk is a run of whole sentences, so a chunk's edges are always sentence edges and a quote taken
from a chunk is still a verbatim passage of the original text. Neighbouring chunks share `overlap`
sentences so a statement that straddles two chunks is whole in at least one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from vectorstore.models import Chunk, Span


def build_chunks(sentences: Sequence[Span], *, max_chars: int = 700, overlap: int = 1) -> list[Chunk]:
    """Chunks of whole consecutive sentences, each spanning [first sentence start, last sentence end).

    A chunk is at most `max_chars` long, except one made of a single longer sentence. Consecutive
    chunks share `overlap` sentences when that still lets the next chunk reach a new sentence; every
    chunk ends further than the one before, so no chunk is contained in another, and every sentence
    is in at least one chunk. `sentences` must be sorted and disjoint, as `split_sentences` returns
    them. Raises `ValueError` for `max_chars < 1`, `overlap < 0` or unsorted sentences.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    if overlap < 0:
        raise ValueError(f"overlap must be 0 or more, got {overlap}")
    for prev, cur in pairwise(sentences):
        if cur.start < prev.end:
            raise ValueError(f"sentences must be sorted and disjoint: {cur.start} comes before {prev.end}")

    chunks: list[Chunk] = []
    first = 0
    while first < len(sentences):
        last = _chunk_end(sentences, first, max_chars)
        chunks.append(
            Chunk(
                index=len(chunks),
                start=sentences[first].start,
                end=sentences[last - 1].end,
                sentence_start=first,
                sentence_end=last,
            )
        )
        if last == len(sentences):
            break
        # Step back `overlap` sentences, but always move forward by at least one; and when the
        # overlapping chunk could not reach past `last`, it would only repeat this one, so start fresh.
        nxt = max(last - overlap, first + 1)
        if _chunk_end(sentences, nxt, max_chars) <= last:
            nxt = last
        first = nxt
    return chunks


def _chunk_end(sentences: Sequence[Span], first: int, max_chars: int) -> int:
    """One past the last sentence of the longest chunk starting at `first` (at least one sentence)."""
    start = sentences[first].start
    last = first + 1
    while last < len(sentences) and sentences[last].end - start <= max_chars:
        last += 1
    return last
