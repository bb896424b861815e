"""The answerability checks on their own, with a small hand-made vocabulary."""

from __future__ import annotations

from bot.answerability import Grounding, judge, name_candidates
from tests.passages import make_passage
from vectorstore.models import Passage
from vectorstore.text import tokenize

VOCAB = set(tokenize("Kim Jong Un bertemu Putin di Rusia. Institut Unifikasi Nasional Korea. Gedung Putih."))


def _p(dense: float, lexical: float, text: str = "Kim") -> Passage:
    return make_passage(text, 0.5, dense=dense, context=0.0, lexical=lexical)


def test_name_candidates_skip_the_first_word_and_common_capitalised_words() -> None:
    assert name_candidates("What did Chinese President Xi Jinping say in North Korea?") == [
        "Xi",
        "Jinping",
        "Korea",
    ]


def test_names_are_grounded_by_spelling_or_near_spelling() -> None:
    g = Grounding(VOCAB)
    assert g.missing_names("Did Putin meet Kim in Russia?") == []  # Russia ~ rusia
    assert g.missing_names("What did the Korea Institute say?") == []  # Institute ~ institut
    assert g.missing_words("What did Xi Jinping say to Putin?") == ["Xi", "Jinping"]
    assert g.missing_names("Did Xi Jinping or Zelensky call Putin?") == ["Xi Jinping", "Zelensky"]


def test_two_unknown_names_mean_no_answer_one_does_not() -> None:
    g = Grounding(VOCAB)
    strong = [_p(0.4, 0.0)]
    assert (
        judge("What did Xi Jinping say?", strong, g, min_evidence=0.15, min_lexical=0.5).answerable is False
    )
    assert judge("What did Zelensky say?", strong, g, min_evidence=0.15, min_lexical=0.5).answerable is True
    # ...but one unknown name doubles the similarity the evidence needs.
    fair = [_p(0.25, 0.0)]
    assert judge("What did Zelensky say?", fair, g, min_evidence=0.15, min_lexical=0.5).answerable is False
    assert judge("What did Putin say?", fair, g, min_evidence=0.15, min_lexical=0.5).answerable is True


def test_weak_evidence_is_no_answer_unless_the_wording_covers_the_question() -> None:
    g = Grounding(VOCAB)
    assert judge("siapa?", [_p(0.05, 0.1)], g, min_evidence=0.15, min_lexical=0.5).answerable is False
    assert judge("siapa?", [_p(0.05, 0.8)], g, min_evidence=0.15, min_lexical=0.5).answerable is True
    assert judge("siapa?", [], g, min_evidence=0.15, min_lexical=0.5).answerable is False


def test_a_question_needs_an_answer_of_its_kind_among_the_two_best_passages() -> None:
    g = Grounding(VOCAB)
    undated = [_p(0.4, 0.0, "Kim bertemu Putin."), _p(0.3, 0.0, "Putin menyambut Kim.")]
    dated = [*undated[:1], _p(0.3, 0.0, "Mereka bertemu pada April 2019.")]
    assert (
        judge("Kapan Kim bertemu Putin?", undated, g, min_evidence=0.15, min_lexical=0.5).answerable is False
    )
    assert judge("Kapan Kim bertemu Putin?", dated, g, min_evidence=0.15, min_lexical=0.5).answerable is True
