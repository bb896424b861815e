"""Chunks of whole sentences: bounded, overlapping, covering every sentence, always moving forward."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vectorstore.chunking import build_chunks
from vectorstore.cleaning import content_regions
from vectorstore.loading import iter_sources
from vectorstore.models import Chunk, LoadedArticle, Span
from vectorstore.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def spans(*lengths: int, gap: int = 1) -> list[Span]:
    """Consecutive sentences of the given lengths, `gap` characters apart."""
    result, pos = [], 0
    for n in lengths:
        result.append(Span(start=pos, end=pos + n))
        pos += n + gap
    return result


def ranges(chunks: list[Chunk]) -> list[tuple[int, int]]:
    return [(c.sentence_start, c.sentence_end) for c in chunks]


def check_chunks(sentences: list[Span], chunks: list[Chunk], max_chars: int, overlap: int) -> None:
    assert [c.index for c in chunks] == list(range(len(chunks)))
    covered: set[int] = set()
    for c in chunks:
        assert 0 <= c.sentence_start < c.sentence_end <= len(sentences)
        assert c.start == sentences[c.sentence_start].start
        assert c.end == sentences[c.sentence_end - 1].end
        assert c.end - c.start <= max_chars or c.sentence_end - c.sentence_start == 1
        covered.update(range(c.sentence_start, c.sentence_end))
    assert covered == set(range(len(sentences)))
    for a, b in pairwise(chunks):
        assert b.sentence_start > a.sentence_start  # always moves forward
        assert b.sentence_end > a.sentence_end  # never contained in the previous chunk
        assert b.sentence_start >= a.sentence_end - overlap  # shares at most `overlap` sentences


def test_sentences_pack_up_to_the_limit_and_share_one_sentence() -> None:
    sentences = spans(100, 100, 100, 100, 100)  # sentence i spans [101*i, 101*i + 100)
    chunks = build_chunks(sentences, max_chars=302, overlap=1)
    assert ranges(chunks) == [(0, 3), (2, 5)]
    assert (chunks[0].start, chunks[0].end) == (0, 302)


def test_no_overlap_gives_a_partition() -> None:
    chunks = build_chunks(spans(100, 100, 100, 100, 100), max_chars=250, overlap=0)
    assert ranges(chunks) == [(0, 2), (2, 4), (4, 5)]


def test_a_sentence_longer_than_the_limit_is_a_chunk_of_its_own() -> None:
    chunks = build_chunks(spans(50, 900, 50), max_chars=700, overlap=1)
    assert ranges(chunks) == [(0, 1), (1, 2), (2, 3)]


def test_overlap_that_would_repeat_a_chunk_is_skipped() -> None:
    # [0, 2) fits; starting again at sentence 1 could not reach sentence 2, so the next chunk starts at 2.
    chunks = build_chunks(spans(300, 300, 600), max_chars=700, overlap=1)
    assert ranges(chunks) == [(0, 2), (2, 3)]


def test_overlap_larger_than_a_chunk_still_advances() -> None:
    chunks = build_chunks(spans(10, 10, 10, 10), max_chars=21, overlap=5)
    assert ranges(chunks) == [(0, 2), (1, 3), (2, 4)]


def test_empty_input_gives_no_chunks() -> None:
    assert build_chunks([]) == []


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"max_chars": 0}, "max_chars"), ({"overlap": -1}, "overlap")]
)
def test_bad_arguments_are_refused(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_chunks(spans(10), **kwargs)


def test_unsorted_sentences_are_refused() -> None:
    with pytest.raises(ValueError, match="sorted and disjoint"):
        build_chunks([Span(start=10, end=20), Span(start=0, end=5)])


def test_seed_chunks_cover_the_seed_sentences() -> None:
    for article in iter_sources([SEEDS], max_bytes=1_000_000):
        assert isinstance(article, LoadedArticle)
        sentences = split_sentences(article.text, content_regions(article.text))
        chunks = build_chunks(sentences)
        check_chunks(sentences, chunks, 700, 1)
        assert 1 < len(chunks) < len(sentences)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 400), max_size=40),
    st.integers(0, 5),
    st.integers(1, 900),
    st.integers(0, 4),
)
def test_chunk_invariants_hold_for_any_sentences(
    lengths: list[int], gap: int, max_chars: int, overlap: int
) -> None:
    sentences = spans(*lengths, gap=gap)
    chunks = build_chunks(sentences, max_chars=max_chars, overlap=overlap)
    check_chunks(sentences, chunks, max_chars, overlap)
