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

`--weights W` tunes another stance model than the shipped one, and `--clause MODE` judges its quotes by
their clause aligned with the claim (CLAIMBOT_JUDGE_CLAUSE). `--against B` scores the same candidates with
a second model B too (as the settings say; without `--against`, `--clause` compares with W itself judged
as the settings say) and prints, for the current setting and for each side's best admissible one, the
paired differences of accuracy and decisive wrong verdicts on every set, with 95% bootstrap intervals
over claims (1,000 resamples, `bot.eval.bootstrap`).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.config.check import CheckSettings, ClauseMode
from bot.eval.bootstrap import interval, ratio, resample_weights
from bot.eval.cases import load_claims
from bot.judging import judge
from bot.models import CheckRequest, Verdict
from bot.settings import Settings
from bot.stance.model import StanceModel, StanceScores
from bot.verdict import decide
from vectorstore.config import StoreSettings
from vectorstore.models import Passage

if TYPE_CHECKING:
    from numpy.typing import NDArray

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
    return score_sets(claims, data_dir, [Scorer()])[0]


@dataclass(frozen=True)
class Scorer:
    """A stance model (None: the shipped one) and how the checker judges quotes with it
    (CLAIMBOT_JUDGE_CLAUSE; None: as the settings say)."""

    weights: Path | None = None
    judge_clause: ClauseMode | None = None


def score_sets(claims: Path, data_dir: Path, scorers: Sequence[Scorer]) -> list[list[Scored]]:
    """Retrieve every claim of `claims` once, and score its candidates with each of `scorers`; one list
    of claims per scorer."""
    from bot.check import ClaimChecker
    from bot.services import build_services

    settings = Settings(store=StoreSettings(data_dir=data_dir))
    services = build_services(settings)
    checkers = []
    for scorer in scorers:
        check = settings.check
        if scorer.judge_clause is not None:
            check = check.model_copy(update={"judge_clause": scorer.judge_clause})
        stance = services.stance
        if scorer.weights is not None:
            stance = StanceModel.from_file(scorer.weights, embedder=services.stance.embedder)
        checkers.append(ClaimChecker(services.searcher, services.store, stance, services.grounding, check))
    out: list[list[Scored]] = [[] for _ in scorers]
    for case in load_claims(claims):
        if not services.has_words(case.claim) or checkers[0].unsettleable(case.claim):
            for scored in out:
                scored.append(Scored(case.label, case.lang, None, []))
            continue
        passages = checkers[0].candidates(CheckRequest(claim=case.claim))
        for scored, checker in zip(out, checkers, strict=True):
            scored.append(Scored(case.label, case.lang, passages, checker.scores(case.claim, passages)))
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


def outcomes(
    scored: Sequence[Scored], predicted: Sequence[Verdict]
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per claim: (is the verdict right, is it a decisive wrong verdict)."""
    gold = np.array([s.label for s in scored])
    pred = np.array(predicted)
    wrong = np.array([p in DECISIVE for p in predicted]) & (pred != gold)
    return pred == gold, wrong


def figures(scored: Sequence[Scored], predicted: Sequence[Verdict]) -> tuple[float, float]:
    """(accuracy, share of decisive wrong verdicts)."""
    right, wrong = outcomes(scored, predicted)
    return float(right.mean()), float(wrong.mean())


def paired(ours: NDArray[np.bool_], theirs: NDArray[np.bool_]) -> str:
    """`ours - theirs` (per-claim 0/1 outcomes of two models on the same claims): the difference of the
    means and its 95% paired bootstrap interval."""
    diff = ours.astype(float) - theirs.astype(float)
    found = interval(ratio(diff, np.ones(len(diff))), resample_weights(len(diff)))
    return f"{found.value:+.3f} [{found.low:+.3f}, {found.high:+.3f}]"


def compare(
    sets: dict[str, list[Scored]],
    against: dict[str, list[Scored]],
    ours: CheckSettings,
    theirs: CheckSettings,
) -> list[str]:
    """One line per set: each model's accuracy and decisive wrong share under its settings, and the
    paired differences (ours - theirs) with their intervals."""
    lines = []
    for name in sets:
        a_right, a_wrong = outcomes(sets[name], verdicts(sets[name], ours))
        b_right, b_wrong = outcomes(against[name], verdicts(against[name], theirs))
        lines.append(
            f"  {name}: acc {a_right.mean():.3f} vs {b_right.mean():.3f}, diff {paired(a_right, b_right)}; "
            f"decisive wrong {a_wrong.mean():.3f} vs {b_wrong.mean():.3f}, diff {paired(a_wrong, b_wrong)}"
        )
    return lines


def _describe(s: CheckSettings) -> str:
    return f"quotes {s.check_quotes} support {s.support_threshold:.2f} refute {s.refute_threshold:.2f}"


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
    parser.add_argument("--weights", type=Path, default=None, help="stance weights (default: shipped)")
    parser.add_argument(
        "--against", type=Path, default=None, help="stance weights to compare with, paired (see above)"
    )
    parser.add_argument(
        "--clause",
        choices=["off", "clause", "either"],
        default=None,
        help="judge quotes by their clause aligned with the claim (CLAIMBOT_JUDGE_CLAUSE) with --weights; "
        "without --against, compared with the same weights judged as the settings say",
    )
    args = parser.parse_args(argv)
    ours = Scorer(args.weights, args.clause)
    theirs = Scorer(args.against) if args.against is not None else Scorer(args.weights)
    compared = args.against is not None or args.clause is not None
    sets: dict[str, list[Scored]] = {}
    against: dict[str, list[Scored]] = {}
    for spec in args.sets:
        claims, _, data_dir = spec.partition("=")
        name = Path(claims).stem
        sets[name], *rest = score_sets(Path(claims), Path(data_dir), [ours, *([theirs] if compared else [])])
        if rest:
            against[name] = rest[0]
        print(f"scored {claims} ({len(sets[name])} claims)", flush=True)
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
    if not against:
        return
    print(f"\n{ours} against {theirs}, both at the current setting:")
    print("\n".join(compare(sets, against, current, current)))
    their_rows = grid(against, args.max_decisive_wrong)
    if rows and their_rows:
        best = f"{_describe(rows[0][1])} against {_describe(their_rows[0][1])}"
        print(f"each at its best admissible setting ({best}):")
        print("\n".join(compare(sets, against, rows[0][1], their_rows[0][1])))


if __name__ == "__main__":
    main()
