"""Train the stance model on IndoNLI and write its weights.

    python -m bot.stance.train --train ../shared/data/indonli-train.jsonl \\
        --dev ../shared/data/indonli-dev.jsonl --out bot/stance/weights.npz

For each head (see `bot.stance.model`) the number of principal directions kept of the embedding
interaction and the regularisation C are chosen by 5-fold cross-validation on the training set, folds
grouped by IndoNLI premise so that no premise is seen on both sides; dev is only measured, never used to
choose. Claims and evidence are embedded once (progress bar) and cached under `data/stance-cache/`, so a
re-run takes seconds. Deterministic: fixed fold seed, exact SVD, lbfgs. Needs scikit-learn (training
only; serving is numpy).
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits

from bot.stance.data import CACHE_DIR, Pair, embed_pairs, label_index, load_pairs, shared_path
from bot.stance.evaluate import format_metrics, metrics
from bot.stance.features import LANGUAGE_INDEPENDENT, LEXICAL_NAMES, interaction, lexical_matrix
from bot.stance.model import CLASSES, DEFAULT_WEIGHTS, HEADS, Head, HeadName, StanceModel

if TYPE_CHECKING:
    from numpy.typing import NDArray

HEAD_COLUMNS: dict[HeadName, tuple[str, ...]] = {
    "monolingual": LEXICAL_NAMES,
    "crosslingual": LANGUAGE_INDEPENDENT,
}
# Principal directions of the embedding interaction to try. None for the cross-lingual head: an English
# claim's |u - v| and u * v lie off the Indonesian training distribution, so only the (centred) cosine
# of the embeddings carries over.
PCA_GRID: dict[HeadName, tuple[int, ...]] = {"monolingual": (0, 32, 64, 128), "crosslingual": (0,)}
C_GRID = (0.03, 0.1, 0.3, 1.0)


def principal_directions(
    u: NDArray[np.float32], v: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Mean and principal directions (rows, by decreasing variance) of the claim-evidence interaction."""
    x = interaction(u, v).astype(np.float64)
    mean = x.mean(axis=0)
    _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
    # An SVD direction's sign is arbitrary; fix it so the weights are reproducible.
    signs = np.sign(vt[np.arange(len(vt)), np.abs(vt).argmax(axis=1)])
    return mean.astype(np.float32), (vt * signs[:, None]).astype(np.float32)


def fit_head(
    lexical: NDArray[np.float32],
    u: NDArray[np.float32],
    v: NDArray[np.float32],
    y: NDArray[np.int64],
    *,
    columns: Sequence[str],
    k: int,
    c: float,
    directions: tuple[NDArray[np.float32], NDArray[np.float32]],
) -> Head:
    """Standardise the head's features and fit a multinomial logistic regression."""
    from sklearn.linear_model import LogisticRegression

    pca_mean, components = directions
    evidence_mean = v.mean(axis=0).astype(np.float32)
    unscaled = Head(
        columns=tuple(columns),
        evidence_mean=evidence_mean,
        pca_mean=pca_mean,
        pca_components=components[:k],
        mean=np.zeros(1, dtype=np.float32),
        scale=np.ones(1, dtype=np.float32),
        coef=np.zeros((len(CLASSES), 1), dtype=np.float32),
        intercept=np.zeros(len(CLASSES), dtype=np.float32),
    )
    x = unscaled.design(lexical, u, v)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    return Head(
        columns=tuple(columns),
        evidence_mean=evidence_mean,
        pca_mean=pca_mean,
        pca_components=components[:k],
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        coef=clf.coef_.astype(np.float32),
        intercept=clf.intercept_.astype(np.float32),
    )


def grouped_folds(groups: Sequence[str], folds: int, seed: int) -> NDArray[np.int64]:
    """A fold number per row; rows of one group share a fold."""
    unique = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of = {unique[i]: rank % folds for rank, i in enumerate(order)}
    return np.array([fold_of[g] for g in groups], dtype=np.int64)


def choose(
    lexical: NDArray[np.float32],
    u: NDArray[np.float32],
    v: NDArray[np.float32],
    y: NDArray[np.int64],
    fold: NDArray[np.int64],
    columns: Sequence[str],
    pca_grid: Sequence[int],
) -> tuple[int, float, float]:
    """(k, C, mean macro-F1) with the best cross-validated macro-F1."""
    scores: dict[tuple[int, float], list[float]] = {}
    for f in range(int(fold.max()) + 1):
        tr, te = fold != f, fold == f
        directions = principal_directions(u[tr], v[tr])
        for k, c in itertools.product(pca_grid, C_GRID):
            head = fit_head(
                lexical[tr], u[tr], v[tr], y[tr], columns=columns, k=k, c=c, directions=directions
            )
            predicted = head.proba(lexical[te], u[te], v[te]).argmax(axis=1)
            scores.setdefault((k, c), []).append(metrics(y[te], predicted).macro_f1)
    (k, c), best = max(scores.items(), key=lambda kv: (float(np.mean(kv[1])), -kv[0][0], -kv[0][1]))
    return k, c, float(np.mean(best))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, default=shared_path("indonli-train.jsonl"))
    parser.add_argument("--dev", type=Path, default=shared_path("indonli-dev.jsonl"))
    parser.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="embedding cache (git-ignored)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()

    from vectorstore.embeddings import E5Embeddings

    embedder = E5Embeddings(show_progress=True)
    train, dev = load_pairs(args.train), load_pairs(args.dev)
    print(f"{len(train)} training pairs, {len(dev)} dev pairs; embedding (cached in {args.cache_dir})")
    u, v = embed_pairs(train, embedder, args.cache_dir)
    du, dv = embed_pairs(dev, embedder, args.cache_dir)
    print(f"embedded in {time.perf_counter() - started:.0f} s")

    # Small matrices: BLAS threads only fight each other here (10x slower on 2 busy cores).
    with threadpool_limits(1):
        _fit_and_save(args, embedder.model_id, train, dev, (u, v), (du, dv))
    size = args.out.stat().st_size / 1024
    print(f"\nwrote {args.out} ({size:.0f} KiB) in {time.perf_counter() - started:.0f} s in all")


def _fit_and_save(
    args: argparse.Namespace,
    model_id: str,
    train: list[Pair],
    dev: list[Pair],
    vectors: tuple[NDArray[np.float32], NDArray[np.float32]],
    dev_vectors: tuple[NDArray[np.float32], NDArray[np.float32]],
) -> None:
    (u, v), (du, dv) = vectors, dev_vectors
    lexical = lexical_matrix([p.claim for p in train], [p.evidence for p in train])
    dev_lexical = lexical_matrix([p.claim for p in dev], [p.evidence for p in dev])
    y, dev_y = label_index(train), label_index(dev)
    fold = grouped_folds([p.group for p in train], args.folds, args.seed)
    directions = principal_directions(u, v)

    heads: dict[HeadName, Head] = {}
    head_config: dict[str, Any] = {}
    for name in HEADS:
        columns = HEAD_COLUMNS[name]
        k, c, cv = choose(lexical, u, v, y, fold, columns, PCA_GRID[name])
        heads[name] = fit_head(lexical, u, v, y, columns=columns, k=k, c=c, directions=directions)
        m = metrics(dev_y, heads[name].proba(dev_lexical, du, dv).argmax(axis=1))
        head_config[name] = {
            "columns": list(columns),
            "pca_k": k,
            "C": c,
            "cv_macro_f1": round(cv, 4),
            "dev_accuracy": round(m.accuracy, 4),
            "dev_macro_f1": round(m.macro_f1, 4),
        }
        print(f"\n{name} head: k={k} C={c} (cv macro-F1 {cv:.3f}); IndoNLI dev, this head alone:")
        print(format_metrics(m))
        _print_coefficients(heads[name])

    config = {
        "version": 1,
        "classes": list(CLASSES),
        "embedding_model": model_id,
        "train_majority": Counter(p.label for p in train).most_common(1)[0][0],
        "train_pairs": len(train),
        "seed": args.seed,
        "trained_on": "IndoNLI train split (Mahendra et al., EMNLP 2021), CC BY-SA 4.0",
        "heads": head_config,
    }
    StanceModel(heads, config).save(args.out)


def _print_coefficients(head: Head) -> None:
    """The weight of each named feature per class (on standardised inputs), for the README."""
    names = [*head.columns, "centred_cosine"]
    print("feature" + "".join(f"{c:>10}" for c in CLASSES))
    for i, name in enumerate(names):
        print(f"{name:<20}" + "".join(f"{w:>10.2f}" for w in head.coef[:, i]))


if __name__ == "__main__":
    main()
