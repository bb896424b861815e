"""95% bootstrap intervals over cases, for every figure of an evaluation, and paired differences.

A figure is written once, as a function of *case weights*: a (B, n) matrix whose row b says how many
times each of the n cases was drawn in resample b (a row of ones is the data set itself). Every figure
of the report is then a ratio of weighted sums (hit@k, citation precision, abstention...) or a small
function of such sums (macro-F1, expected calibration error), computed for all resamples in one matrix
product. The same weight matrix is used for every system of a set, so "claimbot minus baseline 1" is
bootstrapped as a *paired* difference: the systems are compared on the very same draws of cases.

Why not `scipy.stats.bootstrap`: it resamples each figure separately (so no shared draws across the
dozens of figures and systems of one set without re-drawing), and a resample in which a figure is
undefined (no unanswerable question drawn from the seeds' 59) turns its whole interval into NaN; here
such a resample is left out of that figure's percentiles.

The interval is the percentile interval (2.5th and 97.5th percentiles of the resampled figure), with
1,000 resamples and a fixed seed so a report can be reproduced exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

RESAMPLES = 1000
SEED = 0
LEVEL = 0.95

Stat = Callable[["NDArray[np.float64]"], "NDArray[np.float64]"]
"""A figure as a function of case weights: (B, n) -> (B,), NaN where the figure is undefined."""


class Interval(BaseModel):
    """A figure and its 95% bootstrap interval (all None when the figure is undefined on the set)."""

    value: float | None = Field(description="The figure on the data set itself.")
    low: float | None = Field(description="2.5th percentile of the figure over the resamples.")
    high: float | None = Field(description="97.5th percentile of the figure over the resamples.")

    @property
    def half_width(self) -> float | None:
        """Half the interval's width: the tolerance a quality gate allows below the measured figure."""
        return None if self.low is None or self.high is None else (self.high - self.low) / 2

    def excludes_zero(self) -> bool:
        """For a difference: is it a difference at all (the interval lies wholly on one side of 0)?"""
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def resample_weights(n: int, resamples: int = RESAMPLES, seed: int = SEED) -> NDArray[np.float64]:
    """(resamples, n) matrix: how often each of n cases is drawn, n draws with replacement a row."""
    if n <= 0:
        return np.zeros((resamples, 0))
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, n, size=(resamples, n))
    flat = (drawn + n * np.arange(resamples)[:, None]).ravel()
    return np.bincount(flat, minlength=resamples * n).reshape(resamples, n).astype(np.float64)


def _vector(values: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


def _divide(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    out = np.full(np.shape(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def ratio(numerator: ArrayLike, denominator: ArrayLike) -> Stat:
    """sum(w * numerator) / sum(w * denominator), per case vectors: a pooled share (citation
    precision: hit quotes over quotes) or a mean over the cases the denominator counts (hit@5: hits
    over answerable questions). NaN when the denominator is 0."""
    num, den = _vector(numerator), _vector(denominator)
    return lambda w: _divide(w @ num, w @ den)


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> Stat:
    """Weighted macro-F1: F1 of a label is 2 tp / (predicted + gold); labels absent from both the gold
    and the predictions of a resample are left out of its mean (as `metrics.macro_f1` does)."""
    g, p = np.asarray(gold), np.asarray(predicted)
    tp = np.stack([(g == lab) & (p == lab) for lab in labels], axis=1).astype(np.float64)
    count = np.stack([(g == lab).astype(float) + (p == lab) for lab in labels], axis=1)

    def stat(w: NDArray[np.float64]) -> NDArray[np.float64]:
        f1 = _divide(2 * (w @ tp), w @ count)
        present = (w @ count) > 0
        with np.errstate(invalid="ignore"):
            return _divide(np.where(present, f1, 0.0).sum(axis=1), present.sum(axis=1).astype(float))

    return stat


def bin_index(confidence: ArrayLike, bins: int) -> NDArray[np.intp]:
    """Equal-width bin of each confidence in [0, 1]: [0, 0.1), [0.1, 0.2), ... [0.9, 1.0]."""
    c = np.clip(_vector(confidence), 0.0, 1.0)
    return np.minimum((c * bins).astype(np.intp), bins - 1)


def calibration_error(confidence: ArrayLike, correct: ArrayLike, bins: int = 10) -> Stat:
    """Expected calibration error: sum over bins of (share of cases in the bin) * |accuracy - mean
    confidence| in the bin, which is sum_b |sum_{i in b} w_i (correct_i - confidence_i)| / sum w."""
    conf, right = _vector(confidence), _vector(correct)
    member = np.eye(bins)[bin_index(conf, bins)]  # (n, bins) one-hot
    gap = member * (right - conf)[:, None]
    return lambda w: _divide(np.abs(w @ gap).sum(axis=1), w.sum(axis=1))


def interval(stat: Stat, weights: NDArray[np.float64], level: float = LEVEL) -> Interval:
    """The figure on the set itself and its percentile interval over the resamples of `weights`
    (resamples where the figure is undefined are left out)."""
    n = weights.shape[1]
    value = float(stat(np.ones((1, n)))[0]) if n else float("nan")
    if np.isnan(value):
        return Interval(value=None, low=None, high=None)
    resampled = stat(weights)
    resampled = resampled[~np.isnan(resampled)]
    if not resampled.size:
        return Interval(value=value, low=None, high=None)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(resampled, [tail, 100 - tail])
    return Interval(value=value, low=float(low), high=float(high))


def difference(ours: Stat, theirs: Stat) -> Stat:
    """The paired difference of two figures over the same draws of cases."""
    return lambda w: ours(w) - theirs(w)
