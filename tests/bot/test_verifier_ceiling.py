"""`bot.eval.verifier_ceiling`: the checker's best accuracy under a cap on decisive wrong verdicts."""

from __future__ import annotations

from bot.config.check import CheckSettings
from bot.eval.tune_check import Scored, verdicts
from bot.eval.verifier_ceiling import alone, ceiling, report
from bot.models import Verdict
from bot.stance.model import StanceModel, StanceScores


def _scored(rows: list[tuple[Verdict, float, float]]) -> list[Scored]:
    scored = alone(
        [f"klaim {i}" for i in range(len(rows))],
        ["bukti"] * len(rows),
        [r[0] for r in rows],
        StanceModel.from_file(),
    )
    for s, (_, sup, ref) in zip(scored, rows, strict=True):
        s.scores[0] = StanceScores(supports=sup, refutes=ref, neutral=1 - sup - ref, head="monolingual")
    return scored


ROWS: list[tuple[Verdict, float, float]] = [
    ("supported", 0.80, 0.10),
    ("refuted", 0.10, 0.75),
    ("not_enough_evidence", 0.62, 0.10),  # supported below a support threshold of 0.65: decisive wrong
    ("supported", 0.58, 0.10),  # right only with a support threshold of 0.55
]


def test_the_ceiling_keeps_the_cap_and_prefers_the_higher_thresholds_on_ties() -> None:
    scored = _scored(ROWS)
    settings, accuracy, wrong = ceiling(scored, max_wrong=0.0)
    assert settings is not None
    assert (settings.support_threshold, settings.refute_threshold) == (0.8, 0.75)
    assert accuracy == 0.75 and wrong == 0.0
    # Allowing one wrong in four admits a support threshold of 0.55 (the fourth claim right, the third
    # wrongly supported), no better: the tie goes to the cautious setting.
    loose = CheckSettings(check_quotes=1, support_threshold=0.55, refute_threshold=0.75)
    assert verdicts(scored, loose) == ["supported", "refuted", "supported", "supported"]
    assert ceiling(scored, max_wrong=0.25)[0] == settings


def test_no_setting_under_an_impossible_cap_is_said_so() -> None:
    rows: list[tuple[Verdict, float, float]] = [("not_enough_evidence", 0.95, 0.01)]
    scored = _scored(rows)
    assert ceiling(scored, max_wrong=0.0)[0] is None
    assert any("no setting" in line for line in report("one", scored, 0.0))


def test_a_claim_copied_from_its_evidence_is_supported_by_the_real_model() -> None:
    text = "Rudal-rudal itu menempuh jarak sekitar 650 kilometer."
    scored = alone([text], [text], ["supported"], StanceModel.from_file())
    assert verdicts(scored, CheckSettings()) == ["supported"]
    lines = report("copied", scored, 0.05)
    assert lines[1].startswith("  argmax") and "accuracy 1.000" in lines[1]
