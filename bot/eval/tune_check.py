"""Choose the offline checker's thresholds on a grid, precision first.

    CLAIMBOT_EMBEDDING_CACHE_DIR=/tmp/claimbot-emb-cache python -m bot.eval.tune_check \\
        ../shared/data/dev/indonli-dev-claims.jsonl=/tmp/indonli-index \\
        tests/data/claims.jsonl=/tmp/seeds-index tests/data/claims-heldout.jsonl=/tmp/seeds-index

Each argument is a claim set and the data directory of an index that holds its corpus (built with
`CLAIMBOT_DATA_DIR=DIR claimbot ingest CORPUS`); the first set is the one whose accuracy is maximised.
Every claim is retrieved and its candidates scored by the stance model once; then each setting of
CLAIMBOT_CHECK_QUOTES x CLAIMBOT_SUPPORT_THRESHOLD x CLAIMBOT_REFUTE_THRESHOLD is applied to the cached
scores exactly as `bot.check` would (`bot.judging.judge`, `bot.verdict.decide`). Among the settings with at
most `--max-decisive-wrong` decisive wrong verdicts (`supported`, `refuted` or `mixed` where the label is
another) on every set, the one with the best accuracy on the first set is printed, with the runners-up.
Claims that never reach the stance model (no word of theirs in the index, or names no article mentions)
are `not_enough_evidence` under every setting, as in `Services.check`.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.config.check import CheckSettings
from bot.eval.cases import load_claims
from bot.judging import judge
from bot.models import CheckRequest, Verdict
from bot.settings import Settings
from bot.stance.model import StanceScores
from bot.verdict import decide
from vectorstore.config import StoreSettings
from vectorstore.models import Passage

QUOTES_GRID = (1, 2, 3, 5, 8, 12)
THRESHOLD_GRID = tuple(round(0.5 + 0.05 * i, 2) for i in range(9))  # 0.5 .. 0.9
DECISIVE: frozenset[Verdict] = frozenset({"supported", "refuted", "mixed"})


@dataclass(frozen=True)
class Scored:
    """One claim of a set: its label, and its candidates with their stance (None: decided before)."""

    label: Verdict
    lang: str
    passages: list[Passage] | None
    scores: list[StanceScores]


def score_set(claims: Path, data_dir: Path) -> list[Scored]:
    """Retrieve and score every claim of `claims` against the index in `data_dir`."""
    from bot.services import build_services

    settings = Settings(store=StoreSettings(data_dir=data_dir))
    services = build_services(settings)
    checker = services.checker
    out = []
    for case in load_claims(claims):
        if not services.has_words(case.claim) or checker.unsettleable(case.claim):
            out.append(Scored(case.label, case.lang, None, []))
            continue
        passages = checker.candidates(CheckRequest(claim=case.claim))
        out.append(Scored(case.label, case.lang, passages, checker.scores(case.claim, passages)))
    return out


def verdicts(scored: Sequence[Scored], settings: CheckSettings) -> list[Verdict]:
    """Each claim's verdict under `settings`, from the cached scores."""
    out: list[Verdict] = []
    for s in scored:
        if s.passages is None:
            out.append("not_enough_evidence")
            continue
        judged = judge(s.passages, s.scores, settings)
        out.append(decide(judged, settings.check_quotes).verdict)
    return out


def figures(scored: Sequence[Scored], predicted: Sequence[Verdict]) -> tuple[float, float]:
    """(accuracy, share of decisive wrong verdicts)."""
    gold = np.array([s.label for s in scored])
    pred = np.array(predicted)
    wrong = np.array([p in DECISIVE for p in predicted]) & (pred != gold)
    return float((pred == gold).mean()), float(wrong.mean())


def grid(sets: dict[str, list[Scored]], max_wrong: float) -> list[tuple[float, CheckSettings, list[str]]]:
    """Every admissible setting, best accuracy on the first set first, with each set's figures."""
    rows = []
    for q, sup, ref in itertools.product(QUOTES_GRID, THRESHOLD_GRID, THRESHOLD_GRID):
        settings = CheckSettings(check_quotes=q, support_threshold=sup, refute_threshold=ref)
        figs = [figures(s, verdicts(s, settings)) for s in sets.values()]
        if all(w <= max_wrong for _, w in figs):
            text = [f"{name}: acc {a:.3f} wrong {w:.3f}" for name, (a, w) in zip(sets, figs, strict=True)]
            rows.append((figs[0][0], settings, text))
    # Ties: the fewer deciding quotes and the higher thresholds (the more cautious setting).
    rows.sort(key=lambda r: (-r[0], r[1].check_quotes, -r[1].support_threshold, -r[1].refute_threshold))
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sets", nargs="+", help="CLAIMS.jsonl=INDEX_DATA_DIR, the set to maximise first")
    parser.add_argument("--max-decisive-wrong", type=float, default=0.05)
    parser.add_argument("--show", type=int, default=10, help="settings to print")
    args = parser.parse_args(argv)
    sets: dict[str, list[Scored]] = {}
    for spec in args.sets:
        claims, _, data_dir = spec.partition("=")
        sets[Path(claims).stem] = score_set(Path(claims), Path(data_dir))
        print(f"scored {claims} ({len(sets[Path(claims).stem])} claims)", flush=True)
    current = CheckSettings()
    now = [figures(s, verdicts(s, current)) for s in sets.values()]
    print(
        f"current: quotes {current.check_quotes} support {current.support_threshold} refute "
        f"{current.refute_threshold}: " + "; ".join(f"acc {a:.3f} wrong {w:.3f}" for a, w in now)
    )
    rows = grid(sets, args.max_decisive_wrong)
    print(f"{len(rows)} settings with <= {args.max_decisive_wrong:.0%} decisive wrong on every set")
    for _, s, text in rows[: args.show]:
        print(
            f"quotes {s.check_quotes:>2} support {s.support_threshold:.2f} refute {s.refute_threshold:.2f}: "
            + "; ".join(text)
        )


if __name__ == "__main__":
    main()
