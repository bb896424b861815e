"""Bootstrap intervals, paired differences, the reliability table and the calibration error, on inputs
whose right answer is known (worked out by hand, or by the normal approximation of a proportion)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.eval import bootstrap as b
from bot.eval import metrics as m
from bot.eval.cases import LABELS
from bot.eval.intervals import claim_stats, question_stats
from bot.eval.report import CaseRun
from bot.eval.scoring import calibration, claim_figures, question_figures, score_case
from bot.eval.systems import Output, Quote

A = "art-a"


def test_resample_weights_draw_n_cases_a_row_reproducibly() -> None:
    w = b.resample_weights(7, resamples=50, seed=3)
    assert w.shape == (50, 7)
    assert (w.sum(axis=1) == 7).all() and (w >= 0).all()
    assert np.array_equal(w, b.resample_weights(7, resamples=50, seed=3))
    assert not np.array_equal(w, b.resample_weights(7, resamples=50, seed=4))
    # Over many rows each case is drawn once per row on average.
    assert b.resample_weights(7, resamples=4000).mean(axis=0) == pytest.approx(np.ones(7), abs=0.05)


def test_interval_of_a_proportion_matches_the_normal_approximation() -> None:
    # 200 hits in 400 cases: 0.5 +- 1.96 * sqrt(0.25 / 400) = 0.5 +- 0.049.
    hits = np.array([1.0, 0.0] * 200)
    i = b.interval(b.ratio(hits, np.ones(400)), b.resample_weights(400))
    assert i.value == 0.5
    assert i.low == pytest.approx(0.451, abs=0.012) and i.high == pytest.approx(0.549, abs=0.012)
    assert i.half_width == pytest.approx(0.049, abs=0.008)


def test_a_constant_figure_has_no_width_and_an_undefined_one_no_interval() -> None:
    i = b.interval(b.ratio(np.ones(30), np.ones(30)), b.resample_weights(30))
    assert (i.value, i.low, i.high) == (1.0, 1.0, 1.0)
    empty = b.interval(b.ratio(np.zeros(5), np.zeros(5)), b.resample_weights(5))
    assert empty == b.Interval(value=None, low=None, high=None)


def test_resamples_where_the_figure_is_undefined_are_left_out() -> None:
    # One unanswerable question among 40, refused: many resamples draw none; the rest all say 1.0.
    unanswerable = np.zeros(40)
    unanswerable[0] = 1.0
    i = b.interval(b.ratio(unanswerable, unanswerable), b.resample_weights(40))
    assert (i.value, i.low, i.high) == (1.0, 1.0, 1.0)


def test_a_pooled_share_weights_cases_by_their_quotes() -> None:
    # Case 1: 1 hit of 2 quotes, case 2: 0 of 3 -> pooled 1/5 on the set itself.
    i = b.interval(b.ratio([1, 0], [2, 3]), b.resample_weights(2, resamples=200))
    assert i.value == pytest.approx(0.2)
    assert i.low == 0.0 and i.high == 0.5  # draws of case 2 only, and of case 1 only


def test_paired_difference_sees_a_small_consistent_gain() -> None:
    rng = np.random.default_rng(1)
    theirs = (rng.random(300) < 0.6).astype(float)
    ours = theirs.copy()
    ours[np.flatnonzero(theirs == 0)[:15]] = 1.0  # right on 15 more cases, wrong on none more
    ones = np.ones(300)
    w = b.resample_weights(300)
    diff = b.interval(b.difference(b.ratio(ours, ones), b.ratio(theirs, ones)), w)
    assert diff.value == pytest.approx(0.05) and diff.excludes_zero()
    # The two figures' own intervals overlap: unpaired, the gain would look like no difference.
    mine, base = b.interval(b.ratio(ours, ones), w), b.interval(b.ratio(theirs, ones), w)
    assert mine.low is not None and base.high is not None and mine.low < base.high
    same = b.interval(b.difference(b.ratio(theirs, ones), b.ratio(theirs, ones)), w)
    assert (same.value, same.low, same.high) == (0.0, 0.0, 0.0) and not same.excludes_zero()


def test_weighted_macro_f1_equals_the_plain_one() -> None:
    gold = ["supported", "supported", "refuted", "refuted", "refuted", "not_enough_evidence"]
    pred = ["supported", "refuted", "refuted", "refuted", "supported", "refuted"]
    stat = b.macro_f1(gold, pred, LABELS)
    assert stat(np.ones((1, 6)))[0] == pytest.approx(m.macro_f1(gold, pred, LABELS) or 0)
    # Doubling the weight of case 1 is the same as listing it twice.
    w = np.array([[2.0, 1, 1, 1, 1, 1]])
    assert stat(w)[0] == pytest.approx(m.macro_f1(["supported", *gold], ["supported", *pred], LABELS) or 0)


def test_reliability_table_and_calibration_error_by_hand() -> None:
    confidence = [0.9, 0.9, 0.6, 0.6, 0.0, 1.0]
    correct = [True, False, True, True, False, True]
    table = m.reliability(confidence, correct, bins=10)
    assert len(table) == 10 and [row[2] for row in table] == [1, 0, 0, 0, 0, 0, 2, 0, 0, 3]
    assert table[0][3:] == (0.0, 0.0)  # confidence 0.0 in the first bin, wrong
    last = table[9]  # 0.9, 0.9 and 1.0 (1.0 belongs to the last bin): 2 of 3 right
    assert last[3] == pytest.approx(2.8 / 3) and last[4] == pytest.approx(2 / 3)
    assert table[1][3] is None and table[1][4] is None
    # |0 - 0| * 1/6 + |1 - 0.6| * 2/6 + |2/3 - 2.8/3| * 3/6 = 0.1333 + 0.1333
    ece = m.expected_calibration_error(table)
    assert ece == pytest.approx(0.4 / 3 + 0.8 / 6)
    stat = b.calibration_error(confidence, correct)
    assert stat(np.ones((1, 6)))[0] == pytest.approx(ece)


def test_perfect_calibration_is_zero_and_constant_overconfidence_is_the_gap() -> None:
    right = [True, True, True, False]
    assert m.expected_calibration_error(m.reliability([0.75] * 4, right)) == pytest.approx(0.0)
    assert m.expected_calibration_error(m.reliability([0.95] * 4, right)) == pytest.approx(0.2)
    assert m.expected_calibration_error([]) is None


def test_decisive_wrong_counts_only_confident_mistakes() -> None:
    gold = ["supported", "refuted", "not_enough_evidence", "not_enough_evidence", "refuted"]
    pred = ["supported", "not_enough_evidence", "supported", "mixed", "supported"]
    assert m.decisive_wrong(gold, pred) == pytest.approx(3 / 5)  # cases 3, 4 and 5


def _run(case_id: str, kind: str, spans: list[tuple[int, int]], **extra: object) -> CaseRun:
    texts = {A: "x" * 1000}
    gold = [(A, 100, 200)] if kind in ("answerable", "supported", "refuted") else []
    quotes = [Quote(article_id=A, start=s, end=e, quote=texts[A][s:e]) for s, e in spans]
    output = Output(quotes=quotes, **extra)  # type: ignore[arg-type]
    return score_case(
        case_id=case_id, system="s", lang="id", kind=kind, gold=gold, output=output, texts=texts, ms=1.0
    )


def test_every_question_figure_with_an_interval_equals_the_reported_one() -> None:
    runs = [
        _run("q1", "answerable", [(150, 250), (0, 50)]),
        _run("q2", "answerable", [(0, 50), (900, 1000), (120, 130)]),
        _run("q3", "answerable", [], abstained=True),
        _run("q4", "unanswerable", [], abstained=True),
        _run("q5", "unanswerable", [(0, 10)]),
    ]
    figures = question_figures(runs, abstains=True, ks=[1, 3])
    stats = question_stats(runs, abstains=True, ks=[1, 3])
    expected = {
        "hit@1": figures.hit_at[1],
        "hit@3": figures.hit_at[3],
        "mrr": figures.mrr,
        "coverage": figures.coverage,
        "citation_precision": figures.citation_precision,
        "character_precision": figures.character_precision,
        "hit_within_budget": figures.hit_within_budget,
        "quote_fidelity": figures.quote_fidelity,
        "abstention_recall": figures.abstention_recall,
        "refused_answerable": figures.refused_answerable,
        "abstention_precision": figures.abstention_precision,
    }
    assert set(stats) == set(expected)
    for name, stat in stats.items():
        assert stat(np.ones((1, len(runs))))[0] == pytest.approx(expected[name]), name
    assert figures.refused_answerable == pytest.approx(1 / 3)


def test_every_claim_figure_with_an_interval_equals_the_reported_one() -> None:
    runs = [
        _run("c1", "supported", [(150, 250)], verdict="supported", confidence=0.9),
        _run("c2", "refuted", [(0, 50)], verdict="supported", confidence=0.8),
        _run("c3", "not_enough_evidence", [], verdict="not_enough_evidence", confidence=0.55),
        _run("c4", "refuted", [(100, 120)], verdict="refuted", confidence=0.65),
    ]
    figures = claim_figures(runs, verdicts=True)
    stats = claim_stats(runs, verdicts=True)
    assert figures.calibration is not None and figures.decisive_wrong == 0.25
    expected = {
        "evidence_hit": figures.evidence_hit,
        "citation_precision": figures.citation_precision,
        "quote_fidelity": figures.quote_fidelity,
        "accuracy": figures.accuracy,
        "macro_f1": figures.macro_f1,
        "decisive_wrong": figures.decisive_wrong,
        "ece": figures.calibration.ece,
    }
    assert set(stats) == set(expected)
    for name, stat in stats.items():
        assert stat(np.ones((1, len(runs))))[0] == pytest.approx(expected[name]), name
    assert calibration([_run("c5", "supported", [], verdict="supported")]) is None
    assert math.isclose(sum(bin_.count for bin_ in figures.calibration.bins), 4)
