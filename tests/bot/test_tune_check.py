"""The threshold grid (`bot.eval.tune_check`): applied to cached scores exactly as the checker decides."""

from __future__ import annotations

from bot.config.check import CheckSettings
from bot.eval.tune_check import Scored, figures, grid, verdicts
from bot.stance.model import StanceScores
from tests.passages import make_passage as passage


def scores(supports: float, refutes: float) -> StanceScores:
    return StanceScores(
        supports=supports, refutes=refutes, neutral=1.0 - supports - refutes, head="monolingual"
    )


def claim(label: str, supports: float, refutes: float) -> Scored:
    return Scored(label, "id", [passage("Kalimat itu.", 0.9)], [scores(supports, refutes)])  # type: ignore[arg-type]


SET = [
    claim("supported", 0.80, 0.05),
    claim("refuted", 0.05, 0.80),
    claim("not_enough_evidence", 0.70, 0.10),  # a neutral claim the model leans to support
    Scored("not_enough_evidence", "id", None, []),  # decided before the model (names no article has)
]


def test_verdicts_follow_the_thresholds() -> None:
    low = CheckSettings(check_quotes=1, support_threshold=0.65, refute_threshold=0.75)
    assert verdicts(SET, low) == ["supported", "refuted", "supported", "not_enough_evidence"]
    assert figures(SET, verdicts(SET, low)) == (0.75, 0.25)
    high = CheckSettings(check_quotes=1, support_threshold=0.75, refute_threshold=0.85)
    assert verdicts(SET, high) == ["supported", *["not_enough_evidence"] * 3]


def test_grid_keeps_only_settings_under_the_decisive_wrong_cap() -> None:
    rows = grid({"set": SET}, max_wrong=0.0)
    best_accuracy, best, _ = rows[0]
    # Support must sit above 0.70 (the neutral claim), refute at most 0.80 (the refuted one).
    assert best_accuracy == 1.0
    assert best.support_threshold > 0.70 and best.refute_threshold <= 0.80
    assert all(r[1].support_threshold > 0.70 for r in rows)


def test_compare_gives_paired_differences_per_set() -> None:
    import numpy as np

    from bot.eval.tune_check import compare, paired

    setting = CheckSettings(check_quotes=1, support_threshold=0.65, refute_threshold=0.75)
    # The other model leans to support the neutral claim less: one decisive wrong verdict fewer.
    other = [*SET[:2], claim("not_enough_evidence", 0.40, 0.10), SET[3]]
    (line,) = compare({"set": other}, {"set": SET}, setting, setting)
    assert "acc 1.000 vs 0.750, diff +0.250 [" in line
    assert "decisive wrong 0.000 vs 0.250, diff -0.250 [" in line
    same = np.array([True, False, True])
    assert paired(same, same) == "+0.000 [+0.000, +0.000]"
