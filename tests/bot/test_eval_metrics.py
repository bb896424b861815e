"""The evaluation's figures on small hand-made cases whose right value is worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.eval import metrics as m
from bot.eval.cases import LABELS, GoldQuote, gold_spans, load_claims, load_questions
from bot.eval.scoring import claim_figures, majority_reference, question_figures, score_case
from bot.eval.systems import Output, Quote
from vectorstore.errors import BadInputError

A, B = "art-a", "art-b"


def test_overlap_is_half_open_and_per_article() -> None:
    assert m.overlaps((A, 0, 5), (A, 4, 9))
    assert not m.overlaps((A, 0, 5), (A, 5, 9))  # touching ends share no character
    assert not m.overlaps((A, 0, 5), (B, 0, 5))
    assert m.overlaps((A, 10, 20), (A, 0, 100))  # containment


def test_rank_hit_at_k_and_mrr() -> None:
    gold = [(A, 100, 150)]
    assert m.first_hit_rank([(B, 100, 150), (A, 0, 99), (A, 140, 200)], gold) == 3
    assert m.first_hit_rank([(A, 0, 100)], gold) is None
    ranks = [1, 3, None, 2]
    assert m.hit_at_k(ranks, 1) == 0.25
    assert m.hit_at_k(ranks, 2) == 0.5
    assert m.hit_at_k(ranks, 3) == 0.75
    assert m.mean_reciprocal_rank([1, 2, None, 4]) == pytest.approx((1 + 0.5 + 0 + 0.25) / 4)
    assert m.hit_at_k([], 5) is None and m.mean_reciprocal_rank([]) is None


def test_coverage_and_pooled_citation_precision() -> None:
    gold = [(A, 0, 10), (B, 0, 10)]
    assert m.gold_coverage([(A, 5, 20), (A, 30, 40)], gold) == 0.5
    assert m.gold_coverage([(A, 5, 20)], []) is None
    # 1 hit out of 2 quotes, then 0 out of 3: pooled 1/5 (a per-case mean would say 0.25).
    cited = [[(A, 0, 5), (A, 50, 60)], [(B, 50, 60), (B, 70, 80), (B, 90, 95)]]
    assert m.citation_precision(cited, [gold, gold]) == pytest.approx(0.2)
    assert m.citation_precision([[]], [gold]) is None


def test_character_precision_counts_overlapping_gold_once() -> None:
    # 100 cited characters; gold covers 50..150 and, nested inside it, 60..70: 50 characters are gold.
    assert m.character_precision([[(A, 0, 100)]], [[(A, 50, 150), (A, 60, 70)]]) == 0.5
    # Two quotes, 10 + 30 characters, 10 of them gold (all of the first): 0.25.
    assert m.character_precision([[(A, 0, 10), (B, 0, 30)]], [[(A, 0, 10)]]) == 0.25


def test_characters_read_before_gold_and_hit_within_a_budget() -> None:
    cited = [(A, 0, 100), (A, 200, 300)]
    assert m.chars_before_gold(cited, [(A, 250, 260)]) == 100 + 50
    assert m.chars_before_gold(cited, [(A, 0, 5)]) == 0
    assert m.chars_before_gold(cited, [(B, 0, 5)]) is None
    assert m.hit_within([150, 999, 1000, None], 1000) == 0.5


def test_quote_fidelity() -> None:
    texts = {A: "hello world"}
    quotes = [("hello", (A, 0, 5)), ("world", (A, 6, 11)), ("worlx", (A, 6, 11)), ("x", (B, 0, 1))]
    assert m.quote_fidelity(quotes, texts) == 0.5
    assert not m.is_faithful("", (A, 0, 0), texts)  # an empty quote is never faithful
    assert not m.is_faithful("hello", (A, -1, 4), texts)
    assert m.quote_fidelity([], texts) is None


def test_abstention_precision_and_recall() -> None:
    abstained = [True, True, False, False]
    answerable = [False, True, False, True]
    assert m.abstention_precision(abstained, answerable) == 0.5  # 2 abstentions, 1 was right
    assert m.abstention_recall(abstained, answerable) == 0.5  # 2 unanswerable, 1 caught
    assert m.abstention_precision([False, False], [True, False]) is None
    assert m.abstention_recall([True], [True]) is None


def test_percentile_matches_numpy() -> None:
    values = [12.0, 3.0, 7.0, 100.0, 5.0]
    for q in (0, 50, 90, 95, 100):
        assert m.percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert m.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None


def test_verdict_accuracy_confusion_and_macro_f1() -> None:
    gold = ["supported", "supported", "refuted", "not_enough_evidence"]
    pred = ["supported", "refuted", "refuted", "supported"]
    assert m.accuracy(gold, pred) == 0.5
    confusion = m.confusion_matrix(gold, pred, LABELS)
    assert confusion["supported"] == {"supported": 1, "refuted": 1, "not_enough_evidence": 0, "mixed": 0}
    assert confusion["not_enough_evidence"]["supported"] == 1
    assert sum(sum(row.values()) for row in confusion.values()) == 4
    f1 = m.f1_per_label(gold, pred, LABELS)
    # supported: P 1/2, R 1/2 -> 0.5; refuted: P 1/2, R 1 -> 2/3; nee: never predicted -> 0;
    # mixed: neither gold nor predicted -> left out.
    assert f1 == pytest.approx({"supported": 0.5, "refuted": 2 / 3, "not_enough_evidence": 0.0})
    assert m.macro_f1(gold, pred, LABELS) == pytest.approx((0.5 + 2 / 3 + 0.0) / 3)
    with pytest.raises(ValueError, match="label outside"):
        m.confusion_matrix(["supported"], ["true"], LABELS)


def test_evidence_hit_counts_only_claims_with_gold() -> None:
    evidence = [[(A, 0, 10)], [(A, 50, 60)], [(A, 0, 10)]]
    gold = [[(A, 5, 6)], [(A, 0, 10)], []]
    assert m.evidence_hit(evidence, gold) == 0.5
    assert m.evidence_hit([[]], [[]]) is None


def _run(case_id: str, kind: str, quotes: list[Quote], *, abstained: bool = False, verdict=None, lang="en"):  # type: ignore[no-untyped-def]
    texts = {A: "x" * 1000, B: "y" * 1000}
    gold = [(A, 100, 200)] if kind in ("answerable", "supported") else []
    for q in quotes:
        q.quote = texts[q.article_id][q.start : q.end]
    output = Output(quotes=quotes, abstained=abstained, verdict=verdict)
    return score_case(
        case_id=case_id, system="s", lang=lang, kind=kind, gold=gold, output=output, texts=texts, ms=10.0
    )


def test_question_figures_of_hand_made_runs() -> None:
    runs = [
        _run("q1", "answerable", [Quote(article_id=A, start=150, end=250, quote="")]),  # hit at 1
        _run("q2", "answerable", [Quote(article_id=B, start=0, end=50, quote="")], lang="id"),  # miss
        _run("q3", "unanswerable", [], abstained=True),
        _run("q4", "unanswerable", [Quote(article_id=B, start=0, end=10, quote="")]),
    ]
    f = question_figures(runs, abstains=True, ks=[1, 5])
    assert (f.cases, f.answerable, f.unanswerable) == (4, 2, 2)
    assert f.hit_at == {1: 0.5, 5: 0.5} and f.mrr == 0.5
    assert f.citation_precision == 0.5  # one of the two quotes on answerable questions hits
    assert f.character_precision == pytest.approx(50 / 150)
    assert f.quote_fidelity == 1.0
    assert f.abstention_precision == 1.0 and f.abstention_recall == 0.5
    assert f.latency["answerable"].n == 2 and f.latency["all"].p50_ms == 10.0
    never = question_figures(runs, abstains=False, ks=[1])
    assert never.abstention_precision is None and never.abstention_recall is None


def test_claim_figures_and_the_majority_reference() -> None:
    runs = [
        _run("c1", "supported", [Quote(article_id=A, start=0, end=150, quote="")], verdict="supported"),
        _run("c2", "supported", [Quote(article_id=B, start=0, end=5, quote="")], verdict="refuted"),
        _run("c3", "not_enough_evidence", [], verdict="not_enough_evidence"),
    ]
    f = claim_figures(runs, verdicts=True)
    assert f.accuracy == pytest.approx(2 / 3) and f.evidence_hit == 0.5
    assert f.confusion is not None and f.confusion["supported"]["refuted"] == 1
    assert f.macro_f1 == pytest.approx((2 / 3 + 0 + 1) / 3)  # supported, refuted, nee
    assert claim_figures(runs, verdicts=False).accuracy is None
    ref = majority_reference(["supported", "supported", "refuted", "mixed"])
    assert ref.label == "supported" and ref.accuracy == 0.5
    assert ref.macro_f1 == pytest.approx((2 / 3 + 0 + 0) / 3)
    assert math.isclose(majority_reference(["mixed", "refuted"]).accuracy or 0, 0.5)


def test_data_sets_are_checked_line_by_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "a", "question": "x", "lang": "en", "answerable": false}\n{"id": "b"\n')
    with pytest.raises(BadInputError, match=r"q.jsonl:2: not JSON"):
        load_questions(bad)
    bad.write_text('{"id": "a", "claim": "x", "lang": "en", "label": "true"}\n')
    with pytest.raises(BadInputError, match=r"q.jsonl:1: label"):
        load_claims(bad)
    with pytest.raises(BadInputError, match="not found in art-a"):
        gold_spans("q9", [GoldQuote(article_id=A, quote="absent")], {A: "some text"})
    with pytest.raises(BadInputError, match="not in the index"):
        gold_spans("q9", [GoldQuote(article_id=B, quote="x")], {A: "x"})
    assert gold_spans("q9", [GoldQuote(article_id=A, quote="text")], {A: "some text"}) == [(A, 5, 9)]
