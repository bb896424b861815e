"""Two stance models on IndoNLI dev pairs, as they are and lengthened to news length, paired.

    python -m bot.eval.long_pairs --weights /tmp/w-long.npz [--against bot/stance/weights.npz] [--seed 0]

Each dev pair is scored as it is, and with its premise lengthened by unrelated content from another dev
premise (`bot.stance.lengthen`, the same ways as the training option `--long-pairs`, a fixed seed), label
kept. For each model: accuracy and macro-F1 with a 95% bootstrap interval over pairs, then the paired
difference of accuracy (weights - against) on the same resamples (1,000, `bot.eval.bootstrap`).
Measures only (nothing is written). IndoNLI is all Indonesian, so nearly every pair goes to the
monolingual head, which reads no embedding; only the few pairs routed to the cross-lingual head are
embedded.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.eval.bootstrap import interval, ratio, resample_weights
from bot.stance.data import Pair, label_index, load_pairs, shared_path
from bot.stance.evaluate import metrics
from bot.stance.lengthen import lengthen
from bot.stance.model import DEFAULT_WEIGHTS, StanceModel
from vectorstore.text import language

if TYPE_CHECKING:
    from numpy.typing import NDArray


def predict(model: StanceModel, pairs: Sequence[Pair]) -> NDArray[np.int64]:
    """The predicted class index of each pair, routed as the model routes it when serving."""
    claims, evidences = [p.claim for p in pairs], [p.evidence for p in pairs]
    cross = [i for i, (c, e) in enumerate(zip(claims, evidences, strict=True)) if language(c) != language(e)]
    u = v = np.zeros((len(pairs), 0), dtype=np.float32)
    if cross:  # only these rows read their vectors
        cu = model.embedder.embed_array([claims[i] for i in cross], is_query=True)
        cv = model.embedder.embed_array([evidences[i] for i in cross], is_query=False)
        u = np.zeros((len(pairs), cu.shape[1]), dtype=np.float32)
        v = np.zeros_like(u)
        u[cross], v[cross] = cu, cv
    return np.asarray(model.proba(claims, evidences, u, v).probs.argmax(axis=1), dtype=np.int64)


def _mean(values: NDArray[np.float64], weights: NDArray[np.float64], signed: bool = False) -> str:
    found = interval(ratio(values, np.ones(len(values))), weights)
    form = "+.3f" if signed else ".3f"
    return f"{found.value:{form}} [{found.low:{form}}, {found.high:{form}}]"


def report(name: str, gold: NDArray[np.int64], ours: NDArray[np.int64], theirs: NDArray[np.int64]) -> str:
    """Accuracy of each model with its interval, macro-F1, and the paired difference of accuracy."""
    weights = resample_weights(len(gold))
    a, b = (ours == gold).astype(float), (theirs == gold).astype(float)
    return (
        f"{name} ({len(gold)} pairs)\n"
        f"  weights: accuracy {_mean(a, weights)}, macro-F1 {metrics(gold, ours).macro_f1:.3f}\n"
        f"  against: accuracy {_mean(b, weights)}, macro-F1 {metrics(gold, theirs).macro_f1:.3f}\n"
        f"  difference (weights - against): {_mean(a - b, weights, signed=True)}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, required=True, help="the stance model to measure")
    parser.add_argument("--against", type=Path, default=DEFAULT_WEIGHTS, help="the one to compare with")
    parser.add_argument("--dev", type=Path, default=shared_path("indonli-dev.jsonl"))
    parser.add_argument("--seed", type=int, default=0, help="seed of the lengthened dev pairs")
    args = parser.parse_args(argv)

    from vectorstore.config import EmbeddingSettings
    from vectorstore.embeddings import E5Embeddings

    embedder = E5Embeddings()
    shared_cache = EmbeddingSettings().embedding_cache_dir
    if shared_cache is not None:
        embedder.use_cache(shared_cache)
    ours = StanceModel.from_file(args.weights, embedder=embedder)
    theirs = StanceModel.from_file(args.against, embedder=embedder)
    dev = load_pairs(args.dev)
    gold = label_index(dev)
    for name, pairs in (("dev pairs as they are", dev), ("dev pairs lengthened", lengthen(dev, args.seed))):
        print(report(name, gold, predict(ours, pairs), predict(theirs, pairs)), flush=True)


if __name__ == "__main__":
    main()
