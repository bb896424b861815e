"""Compare classifiers for the monolingual head on the same features: cross-validated on IndoNLI train,
then fitted on all of train and measured on the dev pairs, each against the logistic regression with a
paired bootstrap interval of the accuracy difference.

    python -m bot.eval.stance_compare

Measures only (nothing is written): the shipped head stays a logistic regression (see the README's
figures for why). Features as `bot.stance.train` builds them (lexical signals + unaligned words, the
vocabulary built on each training part), standardised; folds grouped by premise (seed 0). Needs
scikit-learn.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from bot.eval.bootstrap import resample_weights
from bot.stance.data import load_pairs, shared_path
from bot.stance.evaluate import metrics
from bot.stance.features import unaligned_matrix
from bot.stance.train import build_vocabulary, grouped_folds, pair_features


def classifiers() -> dict[str, Any]:
    """The candidates, by name (the logistic regression is the shipped one, C = 0.01)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    return {
        "lr": LogisticRegression(C=0.01, max_iter=5000),
        "mlp": MLPClassifier(
            hidden_layer_sizes=(128,), alpha=3.0, early_stopping=True, random_state=0, max_iter=300
        ),
        "hgb": HistGradientBoostingClassifier(
            learning_rate=0.1,
            max_iter=500,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            early_stopping=True,
            random_state=0,
        ),
    }


def _matrix(lexical: np.ndarray, words: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    return np.hstack([lexical, unaligned_matrix(words, vocabulary)]).astype(np.float64)


def _fit_predict(name: str, x: np.ndarray, y: np.ndarray, test: np.ndarray) -> np.ndarray:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = classifiers()[name].fit((x - mean) / scale, y)
    return np.asarray(clf.predict((test - mean) / scale))


def _paired(right: dict[str, np.ndarray], name: str) -> str:
    diff = right[name].astype(float) - right["lr"].astype(float)
    draws = resample_weights(len(diff)) @ diff / len(diff)
    low, high = np.percentile(draws, [2.5, 97.5])
    return f"accuracy {right[name].mean():.4f}, - lr {diff.mean():+.4f} [{low:+.4f}, {high:+.4f}]"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=["lr", "mlp", "hgb"])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    train, dev = load_pairs(shared_path("indonli-train.jsonl")), load_pairs(shared_path("indonli-dev.jsonl"))
    lex, words, y = pair_features(train)
    dev_lex, dev_words, dev_y = pair_features(dev)
    fold = grouped_folds([p.group for p in train], args.folds, 0)
    models = ["lr", *(m for m in args.models if m != "lr")]
    cv = {m: np.zeros(len(y), dtype=np.int64) for m in models}
    with threadpool_limits(1):
        for f in range(args.folds):
            tr, te = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
            vocabulary = build_vocabulary([words[i] for i in tr])
            x = _matrix(lex[tr], [words[i] for i in tr], vocabulary)
            test = _matrix(lex[te], [words[i] for i in te], vocabulary)
            for m in models:
                cv[m][te] = _fit_predict(m, x, y[tr], test)
        vocabulary = build_vocabulary(words)
        x, test = _matrix(lex, words, vocabulary), _matrix(dev_lex, dev_words, vocabulary)
        on_dev = {m: _fit_predict(m, x, y, test) for m in models}
    for title, gold, predicted in (("train, cross-validated", y, cv), ("dev pairs", dev_y, on_dev)):
        right = {m: predicted[m] == gold for m in models}
        print(f"\n{title} ({len(gold)} pairs)")
        for m in models:
            print(f"{m:<4} macro-F1 {metrics(gold, predicted[m]).macro_f1:.4f}  {_paired(right, m)}")


if __name__ == "__main__":
    main()
