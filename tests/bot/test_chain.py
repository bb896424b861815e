"""The answer chain on the seeds, with the real model and store."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer_types import answers_kind, expected_units, has_date
from bot.chain import NO_ANSWER, compose, kind_first, select_quotes
from bot.config.answer import AnswerSettings
from bot.eval.questions import evaluate, load_cases
from bot.models import AskRequest, Citation
from bot.quotes import cite, verify
from tests.conftest import SEEDS, TEST_DATA
from tests.passages import make_passage
from vectorstore.errors import QuoteIntegrityError
from vectorstore.models import Passage

# Measured on tests/data/questions.jsonl with the default settings (docs/evaluation.md); a drop
# below these is a regression.
MIN_HIT_AT_5 = 0.90  # 0.95 measured (42 of 44) with quote context and CLAIMBOT_PER_ARTICLE 4
# Share of cited quotes that overlap a gold quote (0.43 measured in the lab; the naive recipe: 0.23).
MIN_CITATION_PRECISION = 0.30
# 0.73 measured in the lab (11 of 15), down from 0.80: the answer-kind test's "berapa <any noun>" unit
# rule lifted the seeds but refused 25 answerable FacQA dev questions, and went
# (docs/decisions/retrieval-on-external-data.md). One case of slack.
MIN_ABSTENTION = 0.66


def _texts(services) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {aid: services.store.get_article(aid).text for aid in services.store.records()}


# The held-out set (tests/data/questions-heldout.jsonl) was written from the articles before the
# search was changed and is never used to choose between designs, only to check that a change that
# helps the development set is not tuning to it.
MIN_HELDOUT_HIT_AT_5 = 0.9  # 0.96 measured (23 of 24)
MIN_HELDOUT_CITATION_PRECISION = 0.25  # 0.25 measured (25 of 100 quotes)
MIN_HELDOUT_ABSTENTION = 0.5


def test_dev_question_set(seeded) -> None:  # type: ignore[no-untyped-def]
    cases = load_cases(TEST_DATA / "questions.jsonl")
    assert len(cases) >= 30 and {c.lang for c in cases} == {"en", "id"}
    report = evaluate(cases, lambda q: seeded.ask(AskRequest(question=q)), _texts(seeded))
    assert report.fidelity() == 1.0
    assert report.hit_at(5) >= MIN_HIT_AT_5, report.hit_at(5)
    assert report.citation_precision() >= MIN_CITATION_PRECISION, report.citation_precision()
    assert report.abstention_recall() >= MIN_ABSTENTION, report.abstention_recall()


@pytest.mark.slow
def test_heldout_question_set(seeded) -> None:  # type: ignore[no-untyped-def]
    cases = load_cases(TEST_DATA / "questions-heldout.jsonl")
    assert len(cases) >= 20 and sum(not c.answerable for c in cases) >= 5
    assert sum(c.lang == "en" for c in cases) == sum(c.lang == "id" for c in cases)
    report = evaluate(cases, lambda q: seeded.ask(AskRequest(question=q)), _texts(seeded))
    assert report.fidelity() == 1.0
    assert report.hit_at(5) >= MIN_HELDOUT_HIT_AT_5, report.hit_at(5)
    assert report.citation_precision() >= MIN_HELDOUT_CITATION_PRECISION, report.citation_precision()
    assert report.abstention_recall() >= MIN_HELDOUT_ABSTENTION, report.abstention_recall()


def test_a_question_asking_when_is_answered_by_quotes_holding_a_date_first() -> None:
    undated, dated = (
        _passage("Kim bertemu Putin di Vladivostok."),
        _passage("Mereka bertemu pada April 2019."),
    )
    day = _passage("Kim bertemu Putin pada Rabu 13 September.")
    assert kind_first("Kapan Kim bertemu Putin?", [undated, dated]) == [dated, undated]
    # As precise as asked: a day for "tanggal berapa", so a year alone comes after.
    assert kind_first("Pada tanggal berapa Kim bertemu Putin?", [undated, dated, day]) == [
        day,
        undated,
        dated,
    ]
    # Other questions keep the search's order.
    assert kind_first("Siapa bertemu Putin?", [undated, dated]) == [undated, dated]


def test_quotes_close_to_the_best_or_relevant_in_their_own_right_are_kept() -> None:
    settings = AnswerSettings(relative_cutoff=0.6, quote_floor=0.35)
    best, relevant, weak = (_passage(t) for t in ("Satu.", "Dua.", "Tiga."))
    best.score, relevant.score, weak.score = 0.84, 0.37, 0.3
    # 0.37 is under 0.6 of 0.84, but relevant on its own; 0.3 is neither.
    assert select_quotes([best, relevant, weak], settings) == [best, relevant]
    best.score = 0.45
    assert select_quotes([best, relevant, weak], settings) == [best, relevant, weak]  # 0.3 is over 0.6 x 0.45


def test_answer_kinds_reckoned_times_and_units_anywhere_in_the_question() -> None:
    assert has_date("Pertemuan itu berlangsung sehari setelah kedatangan Kim di Rusia.")
    assert has_date("Hanya beberapa jam sebelum pertemuan mereka, Korea Utara meluncurkan rudal.")
    assert not has_date("Korea Utara meluncurkan dua rudal balistik.")
    assert expected_units("What is the estimated dollar value of the arms deal?") == ("dolar", "dollar", "$")
    assert expected_units("What did Kim say about the dollar?") == ()  # not a quantity question
    assert answers_kind(
        "How far did the missiles fly?", "Rudal-rudal itu menempuh jarak sekitar 650 kilometer."
    )
    assert not answers_kind("How far did the missiles fly?", "Korea Utara meluncurkan dua rudal.")


def test_answer_is_made_of_cited_verbatim_quotes(seeded) -> None:  # type: ignore[no-untyped-def]
    answer = seeded.ask(AskRequest(question="who denied arms transfers?"))
    assert not answer.insufficient_evidence and answer.citations
    texts = _texts(seeded)
    for c in answer.citations:
        assert f"“{c.quote}” [{c.n}]" in answer.answer
        assert texts[c.article_id][c.start : c.end] == c.quote
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert any("membantah" in c.quote for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        (
            "Who won the last Premier League match between Arsenal and Manchester United?",
            "The articles do not mention Premier League, Arsenal, Manchester.",
        ),
        ("Siapa juara Piala Dunia FIFA 2022?", "Artikel-artikel yang ada tidak menyebut Piala Dunia FIFA."),
        ("Bagaimana cuaca di Jakarta hari ini?", NO_ANSWER["id"]),
    ],
)
def test_abstains_plainly_when_the_articles_do_not_say(seeded, question: str, reply: str) -> None:  # type: ignore[no-untyped-def]
    answer = seeded.ask(AskRequest(question=question))
    assert answer.insufficient_evidence is True
    assert answer.citations == [] and answer.answer == reply


def test_the_reply_speaks_the_language_of_the_question() -> None:
    quote = Citation(n=1, article_id="a", quote="Kim tiba.", start=0, end=9, score=0.9)
    # Indonesian with few function words: the chain's own detector used to call it English.
    assert compose("Mengapa Korut dinilai makin berharga bagi Rusia?", [quote]).answer.startswith(
        "Menurut artikel:"
    )
    assert compose("who denied arms transfers?", [quote]).answer.startswith("The articles say:")
    assert compose("Siapa yang membantah tuduhan itu?", []).answer == NO_ANSWER["id"]


WORDS = sorted({w for p in SEEDS.glob("*.txt") for w in p.read_text(encoding="utf-8").split()})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    # Control characters are refused before search (422; tests/bot/test_faults.py): not this test's subject.
    noise=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=0, max_size=20),
    k=st.integers(min_value=1, max_value=8),
)
def test_every_quote_is_the_original_text_at_its_span(seeded, words: list[str], noise: str, k: int) -> None:  # type: ignore[no-untyped-def]
    question = " ".join(words) + " " + noise
    if not any(ch.isalnum() for ch in question):
        return  # no word to search for: refused before search, like a control character
    texts = _texts(seeded)
    answer = seeded.ask(AskRequest(question=question, top_k=k))
    results = seeded.search(question, top_k=k).results
    assert len(answer.citations) <= k and len(results) <= k
    for c in [*answer.citations, *results]:
        assert texts[c.article_id][c.start : c.end] == c.quote and c.quote.strip() == c.quote


def _passage(text: str) -> Passage:
    return make_passage(text, lexical=1.0)


def test_a_passage_that_differs_from_the_article_is_never_cited() -> None:
    assert cite([_passage("Kim tiba.")], {"a": "Kim tiba. Putin menunggu."})[0].quote == "Kim tiba."
    with pytest.raises(QuoteIntegrityError):
        cite([_passage("Kim pergi.")], {"a": "Kim tiba. Putin menunggu."})
    with pytest.raises(QuoteIntegrityError):
        cite([_passage("Kim tiba.")], {})


def test_verify_rejects_a_tampered_citation() -> None:
    good = Citation(n=1, article_id="a", quote="Kim tiba.", start=0, end=9, score=0.9)
    verify([good], {"a": "Kim tiba. Putin menunggu."})
    with pytest.raises(QuoteIntegrityError):
        verify([good.model_copy(update={"quote": "Kim pergi."})], {"a": "Kim tiba. Putin menunggu."})
    with pytest.raises(QuoteIntegrityError):
        verify([good.model_copy(update={"start": 1})], {"a": "Kim tiba. Putin menunggu."})
