"""`bot.eval.stance_signals.compare`: a block of signals that carries the label must beat the shipped head."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from bot.eval.stance_signals import SHIPPED, compare
from bot.stance.data import Pair
from bot.stance.model import CLASSES


def _pairs(n: int, prefix: str) -> list[Pair]:
    # Every pair is the same sentence against itself, so the shipped head's features cannot tell the labels
    # apart; three pairs share a premise (a group), as IndoNLI's do.
    labels = [CLASSES[i % 3] for i in range(n)]
    return [
        Pair("Harga beras naik.", "Harga beras naik.", lab, f"{prefix}{i // 3}")
        for i, lab in enumerate(labels)
    ]


def _label_signal(pairs: Sequence[Pair]) -> np.ndarray:
    return np.array([[float(p.label == c) for c in CLASSES] for p in pairs], dtype=np.float32)


def _noise(pairs: Sequence[Pair]) -> np.ndarray:
    return np.random.default_rng(len(pairs)).normal(size=(len(pairs), 2)).astype(np.float32)


def test_a_signal_that_carries_the_label_is_measured_as_a_gain_and_noise_is_not() -> None:
    lines: list[str] = []
    rows = compare(
        _pairs(90, "t"),
        _pairs(60, "d"),
        {"+ label": _label_signal, "+ noise": _noise},
        report=lines.append,
    )
    shipped, label, noise = rows
    assert [r.label for r in rows] == [SHIPPED, "+ label", "+ noise"]
    assert shipped.accuracy == pytest.approx(1 / 3, abs=0.01)
    assert shipped.minus_shipped == 0.0 and shipped.low == shipped.high == 0.0
    assert label.accuracy == 1.0 and label.low > 0.5
    assert noise.low < 0.05  # no clear gain from noise
    assert len(lines) == 4 and "minus shipped" in lines[2]
