"""Does the e5 interaction lift the monolingual head? Measured on IndoNLI, nothing written.

    CLAIMBOT_EMBEDDING_CACHE_DIR=/tmp/claimbot-emb-cache python -m bot.eval.stance_embeddings \\
        [--pca 0 8 16 32 64 128]

The monolingual head (lexical signals + unaligned words, as shipped: row `none`) is given the centred
cosine of e5 vectors (claim as query, evidence as passage) and the first k principal directions of their
interaction [|u - v|, u * v], for each k of `--pca` (k = 0: the cosine alone). For each row, C is chosen
by 5-fold cross-validation on train (folds grouped by premise, seed 0, `bot.stance.train.choose`); the
head is then fitted on all of train and measured on the dev pairs, with the paired difference of accuracy
against the shipped head (`none`) and its 95% bootstrap interval over pairs (1,000 resamples). The last
line is the row cross-validation would pick. All 9,873 training and 2,090 dev pairs are embedded once
(progress bar, about 15 minutes cold on 2 cores) and cached in `data/stance-cache/` (and in
CLAIMBOT_EMBEDDING_CACHE_DIR when set); then a run takes two to four minutes.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from bot.eval.bootstrap import resample_weights
from bot.stance.data import CACHE_DIR, embed_pairs, load_pairs, shared_path
from bot.stance.evaluate import metrics
from bot.stance.train import (
    HEAD_COLUMNS,
    build_vocabulary,
    choose,
    fit_head,
    grouped_folds,
    pair_features,
    principal_directions,
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pca", type=int, nargs="+", default=[0, 8, 16, 32, 64, 128])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    grid: list[int | None] = [None, *sorted(set(args.pca))]

    from vectorstore.config import EmbeddingSettings
    from vectorstore.embeddings import E5Embeddings

    embedder = E5Embeddings(show_progress=True)
    shared_cache = EmbeddingSettings().embedding_cache_dir
    if shared_cache is not None:
        embedder.use_cache(shared_cache)
    train, dev = load_pairs(shared_path("indonli-train.jsonl")), load_pairs(shared_path("indonli-dev.jsonl"))
    u, v = embed_pairs(train, embedder, CACHE_DIR)
    du, dv = embed_pairs(dev, embedder, CACHE_DIR)
    lexical, words, y = pair_features(train)
    dev_lexical, dev_words, dev_y = pair_features(dev)
    fold = grouped_folds([p.group for p in train], args.folds, 0)
    columns = HEAD_COLUMNS["monolingual"]
    draws = resample_weights(len(dev_y))
    right: dict[int | None, np.ndarray] = {}
    chosen: dict[int | None, float] = {}
    no_vectors = np.zeros((len(train), 0), dtype=np.float32)
    no_dev_vectors = np.zeros((len(dev), 0), dtype=np.float32)
    print(f"{len(train)} training pairs, {len(dev)} dev pairs; monolingual head + k directions")
    print("k     C       CV macro-F1  dev accuracy  dev macro-F1  minus none [95% interval]")
    with threadpool_limits(1):  # small matrices: BLAS threads only fight each other
        directions = principal_directions(u, v)
        vocabulary = build_vocabulary(words)
        for k in grid:
            # `none`: vectors of width 0, a head of lexical features only (the shipped one).
            tu, tv, eu, ev = (
                (no_vectors, no_vectors, no_dev_vectors, no_dev_vectors) if k is None else (u, v, du, dv)
            )
            _, c, cv = choose(lexical, tu, tv, y, fold, columns, (k or 0,), words)
            head = fit_head(
                lexical,
                tu,
                tv,
                y,
                columns=columns,
                k=k or 0,
                c=c,
                directions=principal_directions(tu, tv) if k is None else directions,
                unaligned=words,
                vocabulary=vocabulary,
            )
            predicted = head.proba(dev_lexical, eu, ev, dev_words).argmax(axis=1)
            right[k] = predicted == dev_y
            chosen[k] = cv
            diff = right[k].astype(float) - right[None].astype(float)
            low, high = np.percentile(draws @ diff / len(diff), [2.5, 97.5])
            m = metrics(dev_y, predicted)
            print(
                f"{'none' if k is None else k:<5} {c:<7} {cv:<12.4f} {m.accuracy:<13.4f} {m.macro_f1:<13.4f} "
                f"{diff.mean():+.4f} [{low:+.4f}, {high:+.4f}]",
                flush=True,
            )
    best = max(grid, key=lambda k: (chosen[k], -1 if k is None else -k))
    picked = "none" if best is None else f"k = {best}"
    print(f"cross-validation picks {picked}: dev accuracy {right[best].mean():.4f}")


if __name__ == "__main__":
    main()
