"""Do extra pair signals lift the stance head? One comparison for every measurement command that tries one.

`compare(train, dev, {"+ name": signals})` fits the monolingual head's design as shipped (the lexical
signals and the unaligned-word vocabulary of `bot.stance.train`) with and without each extra block of
columns (`signals(pairs)`, one row per pair), each a multinomial logistic regression on standardised
features with C chosen among `bot.stance.train.C_GRID` by grouped k-fold cross-validation on the training
pairs (folds grouped by premise, macro-F1), and measures accuracy on the dev pairs paired against the head
as shipped (95% bootstrap interval of the difference, 1,000 resamples, `bot.eval.bootstrap`). Nothing is
written: a signal that earns its place goes into `bot.stance.features` and the shipped weights.

Used by `python -m bot.eval.latent_terms --parts stance` and `python -m bot.eval.soft_alignment`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from bot.stance.data import Pair

Signals = Callable[[Sequence["Pair"]], "NDArray[np.float32]"]
SHIPPED = "head as shipped"


@dataclass(frozen=True)
class Compared:
    """One head of a comparison: its C, cross-validated macro-F1, dev accuracy and the paired difference."""

    label: str
    c: float
    cv_macro_f1: float
    accuracy: float
    minus_shipped: float
    low: float
    high: float

    def line(self) -> str:
        return (
            f"  {self.label}: C {self.c}, CV macro-F1 {self.cv_macro_f1:.4f}, dev accuracy "
            f"{self.accuracy:.4f}, minus shipped {self.minus_shipped:+.4f} "
            f"[{self.low:+.4f}, {self.high:+.4f}]"
        )


def shipped_design(
    lexical: NDArray[np.float32], unaligned: Sequence[Sequence[str]], vocabulary: Sequence[str]
) -> NDArray[np.float32]:
    """The monolingual head's design matrix as shipped (no vectors): lexical signals and unaligned words."""
    from bot.stance.features import design_matrix, unaligned_matrix
    from bot.stance.train import HEAD_COLUMNS

    empty = np.zeros(0, dtype=np.float32)
    no_vectors = np.zeros((len(lexical), 0), dtype=np.float32)
    return design_matrix(
        lexical,
        no_vectors,
        no_vectors,
        columns=HEAD_COLUMNS["monolingual"],
        evidence_mean=empty,
        pca_mean=empty,
        pca_components=np.zeros((0, 0), dtype=np.float32),
        unaligned=unaligned_matrix(unaligned, vocabulary),
    )


def _fit(
    x: NDArray[np.float32],
    y: NDArray[np.int64],
    fold: NDArray[np.int64],
    dev_x: NDArray[np.float32],
    dev_y: NDArray[np.int64],
) -> tuple[float, float, NDArray[np.bool_]]:
    """(C, its CV macro-F1, which dev pairs the head fitted on all of `x` gets right)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    from bot.stance.train import C_GRID

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    xs, ds = (x - mean) / scale, (dev_x - mean) / scale
    cv: dict[float, float] = {}
    for c in C_GRID:
        scores = []
        for k in range(int(fold.max()) + 1):
            head = LogisticRegression(C=c, max_iter=5000).fit(xs[fold != k], y[fold != k])
            scores.append(f1_score(y[fold == k], head.predict(xs[fold == k]), average="macro"))
        cv[c] = float(np.mean(scores))
    c = max(cv, key=lambda k: cv[k])
    predicted = LogisticRegression(C=c, max_iter=5000).fit(xs, y).predict(ds)
    return c, cv[c], predicted == dev_y


def compare(
    train: Sequence[Pair],
    dev: Sequence[Pair],
    extra: Mapping[str, Signals],
    folds: int = 5,
    report: Callable[[str], None] = print,
) -> list[Compared]:
    """The head as shipped, then the same design plus each block of `extra` signals (see the module)."""
    from threadpoolctl import threadpool_limits

    from bot.eval.bootstrap import resample_weights
    from bot.stance.train import build_vocabulary, grouped_folds, pair_features

    lexical, words, y = pair_features(train)
    dev_lexical, dev_words, dev_y = pair_features(dev)
    vocabulary = build_vocabulary(words)
    fold = grouped_folds([p.group for p in train], folds, 0)
    draws = resample_weights(len(dev_y))
    report(f"stance, monolingual head: {len(train)} training pairs, {len(dev)} dev pairs")
    out: list[Compared] = []
    with threadpool_limits(1):
        x0 = shipped_design(lexical, words, vocabulary)
        d0 = shipped_design(dev_lexical, dev_words, vocabulary)
        rows: dict[str, tuple[NDArray[np.float32], NDArray[np.float32]]] = {SHIPPED: (x0, d0)}
        for label, signals in extra.items():
            rows[label] = (np.hstack([x0, signals(train)]), np.hstack([d0, signals(dev)]))
        right: dict[str, NDArray[np.bool_]] = {}
        for label, (x, d) in rows.items():
            c, cv, right[label] = _fit(x, y, fold, d, dev_y)
            diff = right[label].astype(float) - right[SHIPPED].astype(float)
            low, high = np.percentile(draws @ diff / len(diff), [2.5, 97.5])
            accuracy = float(right[label].mean())
            out.append(Compared(label, c, cv, accuracy, float(diff.mean()), float(low), float(high)))
            report(out[-1].line())
    return out
