"""Fit the verdict's confidence: the probability that a verdict is right, given its deciding probability.

    python -m bot.calibrate [--dev ../shared/data/indonli-dev.jsonl] \\
        [--exclude ../shared/data/dev/indonli-dev-claims.jsonl] [--out bot/stance/calibration.json]

The data are IndoNLI dev pairs, which the stance model never saw in training, *less* the pairs whose
claims make the external claim set (`--exclude`), so that the claim set measures the calibration rather
than fitting it. Each pair is checked as a claim with one quote (its premise), with the thresholds of
`CheckSettings` (the defaults, or CLAIMBOT_* in the environment): the verdict `bot.verdict.decide` gives,
its deciding probability, and whether it is right (SUPPORTED -> supported, REFUTED -> refuted,
NOT_ENOUGH_INFO -> not_enough_evidence). Per verdict, an isotonic regression (scikit-learn) maps the
deciding probability to the share of right verdicts: increasing for `supported` and `refuted`,
decreasing for `not_enough_evidence` (a strong stance that stayed under the threshold makes it less sure).
`mixed` never happens with one quote; its map is that of the weaker side (a disagreement is at most as
sure as its weaker quote), halved, since at most one side of it can be right.

It prints the reliability table of the fitted pairs (5-fold cross-fitted, so each pair is scored by a
map fitted without it) and the expected calibration error. Needs scikit-learn.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.config.check import CheckSettings
from bot.judging import judge
from bot.models import Verdict
from bot.stance.data import embed_pairs, in_claim_set, load_pairs, shared_path
from bot.stance.model import DEFAULT_WEIGHTS, StanceModel, StanceScores
from bot.verdict import DEFAULT_CALIBRATION, Calibration, decide
from vectorstore.models import Passage

RIGHT: dict[str, Verdict] = {
    "supports": "supported",
    "refutes": "refuted",
    "neutral": "not_enough_evidence",
}
BINS = 10


def one_quote(text: str) -> Passage:
    """`text` as the one candidate quote of a claim (as if retrieval had found exactly it)."""
    return Passage(
        article_id="premise",
        sentence_index=0,
        start=0,
        end=len(text),
        text=text,
        score=1.0,
        dense=1.0,
        context=1.0,
        lexical=1.0,
    )


def pair_verdicts(
    scores: Sequence[StanceScores], premises: Sequence[str], settings: CheckSettings
) -> list[tuple[Verdict, float]]:
    """The verdict and deciding probability of each pair, checked as a claim with one quote."""
    out = []
    for s, premise in zip(scores, premises, strict=True):
        decision = decide(judge([one_quote(premise)], [s], settings), settings.check_quotes)
        out.append((decision.verdict, decision.score))
    return out


def fit(verdicts: Sequence[tuple[Verdict, float]], right: Sequence[bool]) -> Calibration:
    """Isotonic maps per verdict (see the module docstring), as interpolation points."""
    from sklearn.isotonic import IsotonicRegression

    points: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {}
    for verdict in ("supported", "refuted", "not_enough_evidence"):
        rows = [i for i, (v, _) in enumerate(verdicts) if v == verdict]
        if len(rows) < 10:
            continue
        x = np.array([verdicts[i][1] for i in rows])
        y = np.array([float(right[i]) for i in rows])
        iso = IsotonicRegression(increasing=verdict != "not_enough_evidence", out_of_bounds="clip")
        iso.fit(x, y)
        points[verdict] = (
            tuple(round(float(a), 4) for a in iso.X_thresholds_),
            tuple(round(float(b), 4) for b in iso.y_thresholds_),
        )
    sides = [points[v] for v in ("supported", "refuted") if v in points]
    if sides:
        grid = tuple(sorted({x for s in sides for x in s[0]}))
        values = tuple(round(0.5 * min(float(np.interp(x, s[0], s[1])) for s in sides), 4) for x in grid)
        points["mixed"] = (grid, values)
    return Calibration(points=points)


def reliability(
    confidence: Sequence[float], right: Sequence[bool], bins: int = BINS
) -> tuple[list[str], float]:
    """Rows of a reliability table (bin, n, mean confidence, accuracy) and the expected calibration error."""
    conf, ok = np.asarray(confidence, dtype=float), np.asarray(right, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            gap = abs(conf[mask].mean() - ok[mask].mean())
            ece += mask.mean() * gap
            rows.append(
                f"{edges[b]:.1f}-{edges[b + 1]:.1f}  n={int(mask.sum()):4d}  "
                f"confidence {conf[mask].mean():.2f}  accuracy {ok[mask].mean():.2f}"
            )
    return rows, float(ece)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dev", type=Path, default=shared_path("indonli-dev.jsonl"))
    parser.add_argument("--exclude", type=Path, default=shared_path("dev/indonli-dev-claims.jsonl"))
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--out", type=Path, default=DEFAULT_CALIBRATION)
    args = parser.parse_args(argv)

    excluded = in_claim_set(args.dev, args.exclude)
    pairs = [p for p, out in zip(load_pairs(args.dev), excluded, strict=True) if not out]
    from vectorstore.config import EmbeddingSettings
    from vectorstore.embeddings import E5Embeddings

    embedder = E5Embeddings()
    shared_cache = EmbeddingSettings().embedding_cache_dir
    if shared_cache is not None:
        embedder.use_cache(shared_cache)  # CLAIMBOT_EMBEDDING_CACHE_DIR: vectors other runs computed
    model = StanceModel.from_file(args.weights, embedder=embedder)
    u, v = embed_pairs(pairs, model.embedder)
    claims, premises = [p.claim for p in pairs], [p.evidence for p in pairs]
    out = model.proba(claims, premises, u, v)
    scores = [
        StanceScores(supports=float(p[0]), refutes=float(p[1]), neutral=float(p[2]), head=h)
        for p, h in zip(out.probs, out.heads, strict=True)
    ]
    settings = CheckSettings()
    verdicts = pair_verdicts(scores, premises, settings)
    right = [v == RIGHT[p.label] for (v, _), p in zip(verdicts, pairs, strict=True)]

    # Cross-fitted reliability: each pair's confidence from a map fitted on the other folds.
    fold = np.arange(len(pairs)) % 5
    confidence = np.zeros(len(pairs))
    for f in range(5):
        train = [i for i in range(len(pairs)) if fold[i] != f]
        cal = fit([verdicts[i] for i in train], [right[i] for i in train])
        for i in np.flatnonzero(fold == f):
            confidence[i] = cal(*verdicts[i])
    table, ece = reliability(confidence.tolist(), right)
    print(f"{len(pairs)} IndoNLI dev pairs ({int(excluded.sum())} claims of {args.exclude.name} left out)")
    print("\n".join(table))
    print(f"expected calibration error (5-fold cross-fitted): {ece:.3f}")

    calibration = fit(verdicts, right)
    calibration = Calibration(
        points=calibration.points,
        fitted_on=f"{len(pairs)} IndoNLI dev pairs not among the external claim set (CC BY-SA 4.0)",
    )
    calibration.save(
        args.out,
        thresholds={
            "support_threshold": settings.support_threshold,
            "refute_threshold": settings.refute_threshold,
        },
        weights=args.weights.name,
        cross_fitted_ece=round(ece, 4),
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
