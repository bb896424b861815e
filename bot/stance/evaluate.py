"""Measure the stance model on IndoNLI dev, next to the majority-class baseline.

    python -m bot.stance.evaluate [--dev ../shared/data/indonli-dev.jsonl] [--weights bot/stance/weights.npz]
                                  [--claims tests/data/claims.jsonl]

prints accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix (rows: gold, columns:
predicted), for the head the model picks (monolingual: IndoNLI is all Indonesian) and, in one line, for
the cross-lingual head forced on the same pairs. `--claims` adds a sanity check on our own claim set:
the stance of each (claim, gold quote) pair against the claim's label. It is a look, not a tuning set.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.stance.model import CLASSES, DEFAULT_WEIGHTS, HeadName, StanceModel

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True)
class Metrics:
    """Classification figures over `CLASSES`."""

    accuracy: float
    macro_f1: float
    precision: tuple[float, ...]
    recall: tuple[float, ...]
    f1: tuple[float, ...]
    support: tuple[int, ...]
    confusion: tuple[tuple[int, ...], ...]  # rows: gold, columns: predicted


def metrics(gold: NDArray[np.int64], predicted: NDArray[np.int64]) -> Metrics:
    """Accuracy, macro-F1, per-class P/R/F1 and the confusion matrix of class indices."""
    k = len(CLASSES)
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (gold, predicted), 1)
    tp = np.diag(confusion).astype(float)
    precision = np.divide(tp, confusion.sum(axis=0), out=np.zeros(k), where=confusion.sum(axis=0) > 0)
    recall = np.divide(tp, confusion.sum(axis=1), out=np.zeros(k), where=confusion.sum(axis=1) > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros(k), where=denom > 0)
    return Metrics(
        accuracy=float(tp.sum() / max(len(gold), 1)),
        macro_f1=float(f1.mean()),
        precision=tuple(float(x) for x in precision),
        recall=tuple(float(x) for x in recall),
        f1=tuple(float(x) for x in f1),
        support=tuple(int(x) for x in confusion.sum(axis=1)),
        confusion=tuple(tuple(int(x) for x in row) for row in confusion),
    )


def format_metrics(m: Metrics) -> str:
    """A per-class table and the confusion matrix."""
    lines = [
        f"accuracy {m.accuracy:.3f}   macro-F1 {m.macro_f1:.3f}",
        "",
        "class       P      R      F1     n",
    ]
    for i, name in enumerate(CLASSES):
        lines.append(f"{name:<9} {m.precision[i]:6.3f} {m.recall[i]:6.3f} {m.f1[i]:6.3f} {m.support[i]:5d}")
    lines += ["", "confusion (rows gold, columns predicted)", " " * 10 + "".join(f"{c:>10}" for c in CLASSES)]
    for name, row in zip(CLASSES, m.confusion, strict=True):
        lines.append(f"{name:<10}" + "".join(f"{x:>10}" for x in row))
    return "\n".join(lines)


def evaluate_dev(
    model: StanceModel, dev: Path, head: HeadName | None = None, rules: bool | None = None
) -> Metrics:
    """Metrics of `model` on IndoNLI pairs in `dev` (embeddings read from the cache when present)."""
    from bot.stance.data import embed_pairs, label_index, load_pairs

    pairs = load_pairs(dev)
    u, v = embed_pairs(pairs, model.embedder)
    out = model.proba([p.claim for p in pairs], [p.evidence for p in pairs], u, v, head=head, rules=rules)
    return metrics(label_index(pairs), out.probs.argmax(axis=1))


def claims_sanity(model: StanceModel, path: Path) -> list[str]:
    """One line per (claim, gold quote) of a claim set, then the share agreeing with the claim's label."""
    expected = {"supported": "supports", "refuted": "refutes"}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines, agree = [], Counter[str]()
    for row in rows:
        quotes = [g["quote"] for g in row.get("gold", [])]
        for s in model.scores(row["claim"], quotes):
            want = expected.get(row["label"])
            agree[row["label"]] += want == s.label
            agree[f"n_{row['label']}"] += 1
            mark = "" if want is None else (" ok" if want == s.label else " MISS")
            lines.append(
                f"{row['id']} {row['lang']} {row['label']:<10} -> {s.label:<8} "
                f"(s {s.supports:.2f} r {s.refutes:.2f} n {s.neutral:.2f}, {s.head}"
                f"{', ' + ' '.join(s.signals) if s.signals else ''}{', rule ' + s.rule if s.rule else ''})"
                f"{mark}  {row['claim'][:60]}"
            )
    for label, want in expected.items():
        n = agree[f"n_{label}"]
        lines.append(f"{label} quotes predicted {want}: {agree[label]}/{n}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    from bot.stance.data import shared_path

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dev", type=Path, default=shared_path("indonli-dev.jsonl"), help="IndoNLI dev JSONL"
    )
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--claims", type=Path, default=None, help="also check a claim set's gold quotes")
    args = parser.parse_args(argv)

    from vectorstore.config import EmbeddingSettings
    from vectorstore.embeddings import E5Embeddings

    embedder = E5Embeddings()
    shared_cache = EmbeddingSettings().embedding_cache_dir
    if shared_cache is not None:
        embedder.use_cache(shared_cache)  # CLAIMBOT_EMBEDDING_CACHE_DIR: vectors other runs computed
    model = StanceModel.from_file(args.weights, embedder=embedder)
    m = evaluate_dev(model, args.dev)
    majority = model.config["train_majority"]
    baseline = metrics(*_majority(m, CLASSES.index(majority)))
    print(f"IndoNLI dev ({args.dev.name}, {sum(m.support)} pairs)\n")
    print(format_metrics(m))
    other = evaluate_dev(model, args.dev, rules=not model.contradiction_rules)
    toggled = "without" if model.contradiction_rules else "with"
    cross = evaluate_dev(model, args.dev, head="crosslingual")
    print(
        f"\n{toggled} the contradiction rules: accuracy {other.accuracy:.3f}, macro-F1 {other.macro_f1:.3f}"
    )
    print(
        f"cross-lingual head on the same pairs: accuracy {cross.accuracy:.3f}, macro-F1 {cross.macro_f1:.3f}"
    )
    print(
        f"majority-class baseline (always {majority!r}, the commonest training label): "
        f"accuracy {baseline.accuracy:.3f}, macro-F1 {baseline.macro_f1:.3f}"
    )
    if args.claims:
        print(f"\nsanity check on {args.claims}:")
        print("\n".join(claims_sanity(model, args.claims)))


def _majority(m: Metrics, cls: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    gold = np.repeat(np.arange(len(CLASSES)), m.support)
    return gold, np.full_like(gold, cls)


if __name__ == "__main__":
    main()
