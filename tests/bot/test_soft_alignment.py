"""Soft word alignment signals (`bot.eval.soft_alignment`) on real e5 word vectors."""

from __future__ import annotations

import numpy as np
import pytest

from bot.eval.soft_alignment import THRESHOLDS, WordVectors, signals, words_of
from bot.stance.data import Pair
from vectorstore.embeddings import E5Embeddings

PAIRS = [
    # Said in other words: "memasok" / "mengirim" ("persenjataan" stems to "senjata", so it is aligned).
    Pair(
        "Korea Utara memasok persenjataan ke Rusia.",
        "Korea Utara mengirim senjata ke Rusia.",
        "supports",
        "a",
    ),
    # The same sentence: nothing unaligned.
    Pair("Harga beras naik pekan ini.", "Harga beras naik pekan ini.", "supports", "b"),
    # Adds a word the evidence has nothing near.
    Pair("Harga beras naik pekan ini di Bandung.", "Harga beras naik pekan ini.", "neutral", "c"),
]


@pytest.fixture(scope="module")
def vectors(e5: E5Embeddings, tmp_path_factory: pytest.TempPathFactory) -> WordVectors:
    return WordVectors(words_of(PAIRS), e5, cache_dir=tmp_path_factory.mktemp("words"))


def test_word_vectors_are_centred_unit_rows(vectors: WordVectors) -> None:
    assert np.allclose(np.linalg.norm(vectors.matrix, axis=1), 1.0, atol=1e-5)
    assert len(vectors.words) == len(set(words_of(PAIRS)))
    same = vectors.best_matches(["beras"], ["beras", "rusia"])
    assert same[0] == pytest.approx(1.0, abs=1e-5)


def test_signals_count_unaligned_words_and_their_best_matches(vectors: WordVectors) -> None:
    width = len(THRESHOLDS) + 5
    every, own = signals(PAIRS, vectors, "all"), signals(PAIRS, vectors, "own")
    assert every.shape == own.shape == (3, width)
    n = len(THRESHOLDS)
    # Pair 1: one claim word unaligned ("memasok"), one evidence word the claim lacks ("mengirim").
    assert every[0, -2] == 1 and every[0, -1] == 1
    # Pair 2 says it all: no unaligned word, every signal zero.
    assert not every[1].any() and not own[1].any()
    # Pair 3: two unaligned words ("di", "bandung"); the evidence has no word the claim lacks, so `own`
    # has no pool.
    assert every[2, -2] == 2 and own[2, -1] == 0 and not own[2, : n + 3].any()
    for row in every[[0, 2]]:
        counts, (mean, low, high) = row[:n], row[n : n + 3]
        assert all(counts[i] >= counts[i + 1] for i in range(n - 1))  # higher thresholds, fewer matches
        assert low <= mean <= high
    # A pool of all evidence words holds the claim-lacking ones, so its best match is never lower.
    assert every[0, n + 2] >= own[0, n + 2] - 1e-6
