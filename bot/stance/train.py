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
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from threadpoolctl import threadpool_limits

from bot.stance.data import CACHE_DIR, Pair, embed_pairs, label_index, load_pairs, shared_path
from bot.stance.evaluate import format_metrics, metrics
from bot.stance.features import (
    LANGUAGE_INDEPENDENT,
    LEXICAL_NAMES,
    interaction,
    lexical_matrix,
    unaligned_words,
)
from bot.stance.lengthen import lengthen
from bot.stance.model import CLASSES, DEFAULT_WEIGHTS, HEADS, Head, HeadName, StanceModel
from bot.stance.newspairs import MIN_COVERAGE, corpus_ids, load_articles, news_pairs

if TYPE_CHECKING:
    from numpy.typing import NDArray

HEAD_COLUMNS: dict[HeadName, tuple[str, ...]] = {
    "monolingual": LEXICAL_NAMES,
    "crosslingual": LANGUAGE_INDEPENDENT,
}
# Principal directions of the embedding interaction to try (0: none). The monolingual head uses no
# embedding feature (its vectors have width 0): on top of the unaligned words (`unaligned_words`, +0.04)
# they add nothing measurable on dev (+0.001 [-0.009, +0.012] at the k cross-validation picks,
# `bot.eval.stance_embeddings`), and serving would have to embed every claim for it. For the
# cross-lingual head, an English claim's |u - v| and u * v lie off the Indonesian training distribution,
# so only the (centred) cosine of the embeddings carries over.
PCA_GRID: dict[HeadName, tuple[int, ...]] = {"monolingual": (0,), "crosslingual": (0,)}
C_GRID = (0.002, 0.005, 0.01, 0.03)
# Words a claim adds to its evidence (`unaligned_words`) become features when at least this many training
# pairs have them; none for the cross-lingual head, where no word of the claim is in the evidence.
MIN_PAIRS = 3
GLOSS_ENGLISH = True
USES_VOCABULARY: dict[HeadName, bool] = {"monolingual": True, "crosslingual": False}


def pair_features(
    pairs: Sequence[Pair],
) -> tuple[NDArray[np.float32], list[list[str]], NDArray[np.int64]]:
    """What a head is fitted on and measured with: each pair's lexical signals, its unaligned words
    (`unaligned_words`) and its label's index."""
    lexical = lexical_matrix([p.claim for p in pairs], [p.evidence for p in pairs])
    return lexical, [unaligned_words(p.claim, p.evidence) for p in pairs], label_index(pairs)


def build_vocabulary(unaligned: Sequence[Sequence[str]], min_pairs: int = MIN_PAIRS) -> tuple[str, ...]:
    """The words that are unaligned in at least `min_pairs` pairs, sorted."""
    counts = Counter(w for words in unaligned for w in set(words))
    return tuple(sorted(w for w, n in counts.items() if n >= min_pairs))


def principal_directions(
    u: NDArray[np.float32], v: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Mean and principal directions (rows, by decreasing variance) of the claim-evidence interaction."""
    if u.shape[1] == 0:
        return np.zeros(0, dtype=np.float32), np.zeros((0, 0), dtype=np.float32)
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
    unaligned: Sequence[Sequence[str]] = (),
    vocabulary: Sequence[str] = (),
    class_weight: str | None = None,
) -> Head:
    """Standardise the head's features and fit a multinomial logistic regression."""
    from sklearn.linear_model import LogisticRegression

    pca_mean, components = directions
    # Vectors of width 0: a head of lexical features only (`design_matrix`).
    evidence_mean = v.mean(axis=0).astype(np.float32) if v.shape[1] else np.zeros(0, dtype=np.float32)
    unscaled = Head(
        columns=tuple(columns),
        evidence_mean=evidence_mean,
        pca_mean=pca_mean,
        pca_components=components[:k],
        mean=np.zeros(1, dtype=np.float32),
        scale=np.ones(1, dtype=np.float32),
        coef=np.zeros((len(CLASSES), 1), dtype=np.float32),
        intercept=np.zeros(len(CLASSES), dtype=np.float32),
        vocabulary=tuple(vocabulary),
    )
    x = unscaled.design(lexical, u, v, unaligned)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=5000, class_weight=class_weight).fit((x - mean) / scale, y)
    return Head(
        columns=tuple(columns),
        evidence_mean=evidence_mean,
        pca_mean=pca_mean,
        pca_components=components[:k],
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        coef=clf.coef_.astype(np.float32),
        intercept=clf.intercept_.astype(np.float32),
        vocabulary=tuple(vocabulary),
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
    unaligned: Sequence[Sequence[str]] | None = None,
    class_weight: str | None = None,
) -> tuple[int, float, float]:
    """(k, C, mean macro-F1) with the best cross-validated macro-F1. With `unaligned` (each pair's
    unaligned words), each fold builds its vocabulary from its own training part."""
    scores: dict[tuple[int, float], list[float]] = {}
    for f in range(int(fold.max()) + 1):
        tr, te = fold != f, fold == f
        directions = principal_directions(u[tr], v[tr])
        words_tr = [unaligned[int(i)] for i in np.flatnonzero(tr)] if unaligned is not None else []
        words_te = [unaligned[int(i)] for i in np.flatnonzero(te)] if unaligned is not None else []
        vocabulary = build_vocabulary(words_tr) if unaligned is not None else ()
        for k, c in itertools.product(pca_grid, C_GRID):
            head = fit_head(
                lexical[tr],
                u[tr],
                v[tr],
                y[tr],
                columns=columns,
                k=k,
                c=c,
                directions=directions,
                unaligned=words_tr,
                vocabulary=vocabulary,
                class_weight=class_weight,
            )
            predicted = head.proba(lexical[te], u[te], v[te], words_te).argmax(axis=1)
            scores.setdefault((k, c), []).append(metrics(y[te], predicted).macro_f1)
    (k, c), best = max(scores.items(), key=lambda kv: (float(np.mean(kv[1])), -kv[0][0], -kv[0][1]))
    return k, c, float(np.mean(best))


def subset(pairs: list[Pair], claims: int) -> list[Pair]:
    """The pairs of `claims` distinct claims drawn at random (seed 0), in their original order."""
    drawn = sorted({p.claim for p in pairs})
    random.Random(0).shuffle(drawn)
    kept = set(drawn[:claims])
    return [p for p in pairs if p.claim in kept]


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
    parser.add_argument(
        "--crosslingual-claims",
        type=int,
        default=None,
        help="train the cross-lingual head (the one that needs e5 vectors of the training pairs) on the "
        "pairs of this many distinct claims, drawn at random (seed 0); default all",
    )
    parser.add_argument(
        "--long-pairs",
        action="store_true",
        help="train the monolingual head on every training pair and a copy of it lengthened with "
        "unrelated content (`bot.stance.lengthen`, seed --seed), as news sentences are",
    )
    parser.add_argument(
        "--news-pairs",
        type=int,
        default=0,
        metavar="N",
        help="add up to N news pairs (`bot.stance.newspairs`: IndoSum summary sentences against the "
        "article sentence that says them, supports, and a related sentence of another article, neutral) "
        "to the monolingual head's training pairs; the articles of the IndoNLI claims' corpus are left out",
    )
    parser.add_argument("--news-articles", type=Path, default=shared_path("indosum-dev-articles.jsonl"))
    parser.add_argument(
        "--news-exclude",
        type=Path,
        default=shared_path("dev/indonli-dev-corpus.jsonl"),
        help="a corpus whose document ids are left out of the news pairs (the IndoNLI claims' distractors)",
    )
    parser.add_argument("--news-no-copies", action="store_true", help="no near-verbatim supports pairs")
    parser.add_argument(
        "--news-min-coverage",
        type=float,
        default=MIN_COVERAGE,
        help="share of a summary sentence's content words that its article sentence must cover (supports)",
    )
    parser.add_argument(
        "--news-same-article",
        action="store_true",
        help="also a neutral pair from the claim's own article (shares a name, covers under half the claim)",
    )
    parser.add_argument(
        "--balanced",
        action="store_true",
        help="weigh the monolingual head's classes inversely to their frequency (class_weight)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()

    from vectorstore.config import EmbeddingSettings
    from vectorstore.embeddings import E5Embeddings

    embedder = E5Embeddings(show_progress=True)
    shared_cache = EmbeddingSettings().embedding_cache_dir
    if shared_cache is not None:
        embedder.use_cache(shared_cache)  # CLAIMBOT_EMBEDDING_CACHE_DIR: vectors other runs computed
    train, dev = load_pairs(args.train), load_pairs(args.dev)
    embedded = train if args.crosslingual_claims is None else subset(train, args.crosslingual_claims)
    print(
        f"{len(train)} training pairs ({len(embedded)} with e5 vectors, for the cross-lingual head), "
        f"{len(dev)} dev pairs; embedding (cached in {args.cache_dir})"
    )
    vectors = embed_pairs(embedded, embedder, args.cache_dir)
    dev_vectors = embed_pairs(dev, embedder, args.cache_dir)
    print(f"embedded in {time.perf_counter() - started:.0f} s")

    # Small matrices: BLAS threads only fight each other here (10x slower on 2 busy cores).
    with threadpool_limits(1):
        # Lengthened copies need no vectors: only the monolingual head, which reads none, sees them.
        monolingual = [*train, *lengthen(train, args.seed)] if args.long_pairs else train
        if args.news_pairs:
            articles = load_articles(args.news_articles, corpus_ids(args.news_exclude))
            news = news_pairs(
                articles,
                args.news_pairs,
                args.seed,
                copies=not args.news_no_copies,
                min_coverage=args.news_min_coverage,
                same_article=args.news_same_article,
            )
            counts = Counter(p.label for p in news)
            print(f"{len(news)} news pairs from {len(articles)} articles: {dict(counts)}")
            monolingual = [*monolingual, *news]
        sets = {"monolingual": (monolingual, None), "crosslingual": (embedded, vectors)}
        _fit_and_save(args, embedder.model_id, sets, dev, dev_vectors)
    size = args.out.stat().st_size / 1024
    print(f"\nwrote {args.out} ({size:.0f} KiB) in {time.perf_counter() - started:.0f} s in all")


Vectors = tuple["NDArray[np.float32]", "NDArray[np.float32]"]


def _fit_and_save(
    args: argparse.Namespace,
    model_id: str,
    sets: dict[str, tuple[list[Pair], Vectors | None]],
    dev: list[Pair],
    dev_vectors: Vectors,
) -> None:
    """Fit each head on its training pairs (with their vectors, or None for a lexical head), measure it
    on dev, and save the model."""
    dev_lexical, dev_unaligned, dev_y = pair_features(dev)
    no_vectors = np.zeros((len(dev), 0), dtype=np.float32)

    heads: dict[HeadName, Head] = {}
    head_config: dict[str, Any] = {}
    for name in HEADS:
        train, vectors = sets[name]
        lexical, unaligned, y = pair_features(train)
        fold = grouped_folds([p.group for p in train], args.folds, args.seed)
        if vectors is None:
            u = v = np.zeros((len(train), 0), dtype=np.float32)
            du, dv = no_vectors, no_vectors
        else:
            (u, v), (du, dv) = vectors, dev_vectors
        columns = HEAD_COLUMNS[name]
        words = unaligned if USES_VOCABULARY[name] else None
        weight = "balanced" if args.balanced and name == "monolingual" else None
        k, c, cv = choose(lexical, u, v, y, fold, columns, PCA_GRID[name], words, weight)
        vocabulary = build_vocabulary(unaligned) if USES_VOCABULARY[name] else ()
        heads[name] = fit_head(
            lexical,
            u,
            v,
            y,
            columns=columns,
            k=k,
            c=c,
            directions=principal_directions(u, v),
            unaligned=unaligned,
            vocabulary=vocabulary,
            class_weight=weight,
        )
        m = metrics(dev_y, heads[name].proba(dev_lexical, du, dv, dev_unaligned).argmax(axis=1))
        head_config[name] = {
            "columns": list(columns),
            "vocabulary": list(vocabulary),
            "embeddings": vectors is not None,
            "train_pairs": len(train),
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
        "version": 2,
        "classes": list(CLASSES),
        "embedding_model": model_id,
        "train_majority": Counter(p.label for p in sets["monolingual"][0]).most_common(1)[0][0],
        "train_pairs": len(sets["monolingual"][0]),
        "seed": args.seed,
        "long_pairs": bool(args.long_pairs),
        "news_pairs": {
            "limit": args.news_pairs,
            "copies": not args.news_no_copies,
            "min_coverage": args.news_min_coverage,
            "same_article": bool(args.news_same_article),
            "from": "IndoSum dev folds (Kurniawan & Louvan, 2018), CC BY-SA 4.0",
        }
        if args.news_pairs
        else None,
        "class_weight": "balanced" if args.balanced else None,
        "trained_on": "IndoNLI train split (Mahendra et al., EMNLP 2021), CC BY-SA 4.0",
        "heads": head_config,
        # An English claim against Indonesian evidence goes through the monolingual head on its gloss
        # (`StanceModel.gloss_english`); see the README for how that was chosen.
        "gloss_english": GLOSS_ENGLISH,
        # The contradiction rules (`bot.stance.rules`) stay on: without them a denial or another number
        # reads as support ("The missile flew 1,000 km." against "... 650 km": supports 0.74), a wrong
        # `supported`; on the IndoNLI dev claims, which rarely turn on a number or a denial, they cost
        # 0.007 of accuracy (2 claims of 300) and the seeds' sets are unchanged (docs/claim-checking.md).
        "contradiction_rules": True,
    }
    StanceModel(heads, config).save(args.out)


def _print_coefficients(head: Head) -> None:
    """The weight of each named feature per class (on standardised inputs), for the README."""
    names = [*head.columns, *(["centred_cosine"] if head.evidence_mean.size else [])]
    print("feature" + "".join(f"{c:>10}" for c in CLASSES))
    for i, name in enumerate(names):
        print(f"{name:<20}" + "".join(f"{w:>10.2f}" for w in head.coef[:, i]))


if __name__ == "__main__":
    main()
