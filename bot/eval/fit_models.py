"""The two learned models measured against the hand-set design, and not kept: their held-out figures.

    python -m bot.eval.fit_models --index-root /tmp/lab --cache /tmp/claimbot-emb-cache

expects one built index per set under `--index-root` (`facqa`, `idkmrc`, `tydiqa`, `seeds`; see
`bot.eval.lab`). Neither beat what it would replace (docs/decisions/retrieval-on-external-data.md).

- **Ranker** (not shipped): a logistic regression over each candidate sentence's
  `bot.eval.ablations.SIGNALS`, labelled by whether it overlaps a gold quote, on the answerable
  questions of every set, each set weighing the same. Reported: hit@5 of each set with the ranker
  fitted on the *other* sets (leave-one-set-out), against the product before.
- **Answerability** (`bot.answerability`): a logistic regression over FEATURES of the question's five
  best passages, fitted on IDK-MRC (the one set with unanswerable questions), 5-fold cross-validated
  five times; the threshold is the highest whose cross-validated share of answerable IDK-MRC questions
  refused stays at most `--max-refused`. Reported: the cross-validated refusal shares, and the share
  refused on the other sets by the model fitted on all of IDK-MRC.

Data: FacQA (IndoNLU; MIT), IDK-MRC (Putri & Oh, 2022; CC BY-SA 4.0), TyDi QA GoldP (Clark et al.,
2020; Apache-2.0) as prepared in `../shared/data/dev/`; the seeds' questions are the project's own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bot.eval import ablations as A
from bot.eval.ablations import SIGNALS
from bot.eval.lab import DataSet, cached_set, embedder
from bot.eval.metrics import overlaps

SETS = ("facqa", "idkmrc", "tydiqa", "seeds")


def ranker_rows(ds: DataSet) -> tuple[np.ndarray, np.ndarray]:
    """SIGNALS of every candidate sentence of the answerable questions, and whether it is gold."""
    probe = A.Variant(fusion="learned", weights=(0.0,) * (len(SIGNALS) + 1))
    ix = ds.index
    xs, ys = [], []
    for qu in ds.questions:
        if not qu.case.answerable:
            continue
        r = A.rank(probe, ix, qu)
        assert r.signals is not None
        rows = np.nonzero(np.isfinite(r.score))[0]
        gold = [
            any(overlaps((ix.aid[i], int(ix.start[i]), int(ix.end[i])), g) for g in qu.gold) for i in rows
        ]
        xs.append(r.signals[rows])
        ys.append(np.array(gold))
    return np.vstack(xs), np.concatenate(ys)


def fit_ranker(
    rows: dict[str, tuple[np.ndarray, np.ndarray]], sets: list[str], c: float = 1.0
) -> tuple[float, ...]:
    """Weights then intercept of a logistic regression on `sets`, each set weighing the same."""
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([rows[s][0] for s in sets])
    y = np.concatenate([rows[s][1] for s in sets])
    w = np.concatenate([np.full(len(rows[s][1]), 1.0 / len(rows[s][1])) for s in sets])
    model = LogisticRegression(C=c, max_iter=5000).fit(X, y, sample_weight=w * len(w))
    return (*(float(x) for x in model.coef_[0]), float(model.intercept_[0]))


def answerability_cv(x: np.ndarray, y: np.ndarray, c: float = 1.0, repeats: int = 5) -> np.ndarray:
    """Cross-validated probability that each question is answerable (5 folds, averaged over repeats)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    p = np.zeros(len(y))
    for rep in range(repeats):
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=rep).split(x, y):
            mu, sd = x[tr].mean(0), x[tr].std(0) + 1e-9
            m = LogisticRegression(C=c, max_iter=5000).fit((x[tr] - mu) / sd, y[tr])
            p[te] += m.predict_proba((x[te] - mu) / sd)[:, 1] / repeats
    return p


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index-root", type=Path, required=True)
    ap.add_argument("--cache", type=Path, default=None, help="Embedding cache folder.")
    ap.add_argument("--pickles", type=Path, default=Path("/tmp/claimbot-lab"))
    ap.add_argument("--max-refused", type=float, default=0.10)
    args = ap.parse_args()
    emb = embedder(args.cache)
    data = {s: cached_set(s, args.index_root / s, emb, args.pickles) for s in SETS}
    rows = {s: ranker_rows(data[s]) for s in SETS}
    before = A.Variant()
    for held in SETS:
        weights = fit_ranker(rows, [s for s in SETS if s != held])
        f = A.run(A.Variant(fusion="learned", weights=weights), data[held])
        b = A.run(before, data[held])
        d = A.paired(b["search_hit5"], f["search_hit5"])
        print(
            f"ranker, {held} held out: search hit@5 {f['search_hit5'].mean():.3f} "
            f"(before {b['search_hit5'].mean():.3f}; difference {d[0]:+.3f} [{d[1]:+.3f}, {d[2]:+.3f}])"
        )
    weights = fit_ranker(rows, list(SETS))
    print("ranker weights:", dict(zip((*SIGNALS, "intercept"), np.round(weights, 3), strict=True)))
    learned = A.Variant(fusion="learned", weights=weights)
    feats = {
        s: np.vstack([A.answerability_features(learned, data[s], q) for q in data[s].questions]) for s in SETS
    }
    answerable = {s: np.array([q.case.answerable for q in data[s].questions]) for s in SETS}
    x, y = feats["idkmrc"], answerable["idkmrc"]
    p = answerability_cv(x, y)
    thresholds = np.round(np.arange(0.05, 0.95, 0.01), 2)
    ok = [t for t in thresholds if (p[y] < t).mean() <= args.max_refused]
    threshold = float(max(ok)) if ok else 0.05
    print(
        f"answerability on IDK-MRC, cross-validated, threshold {threshold:.2f}: unanswerable refused "
        f"{(p[~y] < threshold).mean():.3f}, answerable refused {(p[y] < threshold).mean():.3f}"
    )
    from sklearn.linear_model import LogisticRegression

    mu, sd = x.mean(0), x.std(0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=5000).fit((x - mu) / sd, y)
    for s in SETS:
        prob = model.predict_proba((feats[s] - mu) / sd)[:, 1]
        una = (prob[~answerable[s]] < threshold).mean() if (~answerable[s]).any() else float("nan")
        print(
            f"  {s}: answerable refused {(prob[answerable[s]] < threshold).mean():.3f}, "
            f"unanswerable refused {una:.3f}"
        )


if __name__ == "__main__":
    main()
