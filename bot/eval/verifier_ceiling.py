"""How far can the offline checker go with its stance model if retrieval were perfect? Measured only.

    python -m bot.eval.verifier_ceiling [--weights bot/stance/weights.npz] [--max-decisive-wrong 0.05]

Each claim of the external claim set (`../shared/data/dev/indonli-dev-claims.jsonl`) is judged against
its own premise alone (the document of `indonli-dev-corpus.jsonl` it was written from,
`premise_article_id`), as if retrieval had found exactly that and nothing else; and each of IndoNLI's
2,090 dev pairs against its evidence. The checker's own rule gives the verdict (`bot.judging.judge`,
`bot.verdict.decide` through `bot.eval.tune_check.verdicts`) for every pair of support and refute
thresholds of `bot.eval.tune_check`'s grid (0.50-0.90). Printed for each set: the model's accuracy
when it may always take a side (argmax), the figures at the shipped setting, and the best accuracy among
the settings with at most `--max-decisive-wrong` decisive wrong verdicts, with 95% bootstrap intervals
over claims (1,000 resamples). The best of a grid is an optimistic figure: a ceiling.

What it answers (issue 15): whether the verifier's accuracy target (0.65 on the IndoNLI claims with at
most 5% decisive wrong) is within reach of a better retrieval or aggregation, or only of a better stance
model. Data: IndoNLI (Mahendra et al., EMNLP 2021; CC BY-SA 4.0), IndoSum (Kurniawan & Louvan, 2018;
CC BY-SA 4.0) from `../shared/data/`.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.calibrate import RIGHT, one_quote
from bot.config.check import CheckSettings
from bot.eval.bootstrap import interval, ratio, resample_weights
from bot.eval.tune_check import THRESHOLD_GRID, Scored, outcomes, verdicts
from bot.models import Verdict

if TYPE_CHECKING:
    from bot.stance.model import StanceModel


def alone(
    claims: Sequence[str], evidences: Sequence[str], labels: Sequence[Verdict], model: StanceModel
) -> list[Scored]:
    """Each claim with its evidence as its one candidate, scored by `model`."""
    return [
        Scored(label, "id", [one_quote(evidence)], model.scores(claim, [evidence]))
        for claim, evidence, label in zip(claims, evidences, labels, strict=True)
    ]


def claims_with_premises(claims: Path, corpus: Path, model: StanceModel) -> list[Scored]:
    """The claim set's claims, each against its premise document."""
    texts = {}
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            texts[doc["id"]] = doc["text"]
    rows = [json.loads(line) for line in claims.read_text(encoding="utf-8").splitlines() if line.strip()]
    return alone(
        [r["claim"] for r in rows],
        [texts[r["premise_article_id"]] for r in rows],
        [r["label"] for r in rows],
        model,
    )


def _figures(scored: Sequence[Scored], settings: CheckSettings, draws: np.ndarray) -> str:
    right, wrong = outcomes(scored, verdicts(scored, settings))
    ones = np.ones(len(right))
    acc = interval(ratio(right.astype(float), ones), draws)
    dw = interval(ratio(wrong.astype(float), ones), draws)
    return (
        f"accuracy {acc.value:.3f} [{acc.low:.3f}, {acc.high:.3f}], "
        f"decisive wrong {dw.value:.3f} [{dw.low:.3f}, {dw.high:.3f}]"
    )


def ceiling(scored: Sequence[Scored], max_wrong: float) -> tuple[CheckSettings | None, float, float]:
    """The admissible setting (at most `max_wrong` decisive wrong) with the best accuracy, and its figures;
    ties go to the higher thresholds."""
    best: tuple[CheckSettings | None, float, float] = (None, -1.0, 0.0)
    for sup, ref in itertools.product(THRESHOLD_GRID, THRESHOLD_GRID):
        settings = CheckSettings(check_quotes=1, support_threshold=sup, refute_threshold=ref)
        right, wrong = outcomes(scored, verdicts(scored, settings))
        if wrong.mean() <= max_wrong and right.mean() >= best[1]:
            best = (settings, float(right.mean()), float(wrong.mean()))
    return best


def report(name: str, scored: Sequence[Scored], max_wrong: float) -> list[str]:
    """The lines printed for one set (see the module's text)."""
    draws = resample_weights(len(scored))
    labels = np.array([s.label for s in scored])
    argmax = np.array([RIGHT[s.scores[0].label] for s in scored])
    acc = interval(ratio((argmax == labels).astype(float), np.ones(len(labels))), draws)
    shipped = CheckSettings()
    lines = [
        f"{name} ({len(scored)} claims, each against its own evidence alone)",
        f"  argmax (always takes a side): accuracy {acc.value:.3f} [{acc.low:.3f}, {acc.high:.3f}]",
        f"  shipped thresholds (support {shipped.support_threshold}, refute {shipped.refute_threshold}): "
        + _figures(scored, shipped.model_copy(update={"check_quotes": 1}), draws),
    ]
    settings, _, _ = ceiling(scored, max_wrong)
    if settings is None:
        lines.append(f"  no setting keeps decisive wrong verdicts to {max_wrong:.0%}")
    else:
        lines.append(
            f"  best with <= {max_wrong:.0%} decisive wrong (support {settings.support_threshold}, refute "
            f"{settings.refute_threshold}): " + _figures(scored, settings, draws)
        )
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    from bot.stance.data import load_pairs, shared_path
    from bot.stance.model import DEFAULT_WEIGHTS, StanceModel

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--claims", type=Path, default=shared_path("dev/indonli-dev-claims.jsonl"))
    parser.add_argument("--corpus", type=Path, default=shared_path("dev/indonli-dev-corpus.jsonl"))
    parser.add_argument("--pairs", type=Path, default=shared_path("indonli-dev.jsonl"))
    parser.add_argument("--max-decisive-wrong", type=float, default=0.05)
    args = parser.parse_args(argv)
    model = StanceModel.from_file(args.weights)
    pairs = load_pairs(args.pairs)
    sets = {
        args.claims.name: claims_with_premises(args.claims, args.corpus, model),
        args.pairs.name: alone(
            [p.claim for p in pairs], [p.evidence for p in pairs], [RIGHT[p.label] for p in pairs], model
        ),
    }
    for name, scored in sets.items():
        print("\n".join(report(name, scored, args.max_decisive_wrong)), flush=True)


if __name__ == "__main__":
    main()
