"""Pure parts of hybrid search: which sentences may be quoted, score fusion, diversification."""

from __future__ import annotations

from vectorstore.config import RetrievalSettings
from vectorstore.models import Passage
from vectorstore.search import calibrate, diversify, fuse, quotable


def test_headlines_subheadings_and_questions_are_not_quotes() -> None:
    title = "AS Ingatkan Korut Jangan Sekali-Sekali Suplai Senjata ke Rusia"
    assert not quotable(title, title)
    assert not quotable("Korea Utara Meluncurkan Rudal Menjelang Pembicaraan", None)
    assert not quotable("Apa yang Diinginkan Rusia dari Korea Utara?", None)
    assert quotable("Moskow dan Pyongyang telah membantah niat tersebut.", title)
    assert quotable("‘’Tidak, saya tak bisa. Tak ada yang bisa saya katakan,’’ kata Peskov menegaskan.", None)
    assert quotable("“Itulah mengapa kami datang ke sini.”", None)


def test_lexical_coverage_lifts_but_never_lowers_the_dense_score() -> None:
    s = RetrievalSettings()
    base = fuse(0.6, 0.4, 0.0, s)
    assert fuse(0.6, 0.4, 1.0, s) > base > fuse(0.2, 0.1, 0.0, s)
    assert 0.0 <= fuse(0.0, 0.0, 0.0, s) <= fuse(1.0, 1.0, 1.0, s) <= 1.0
    assert calibrate(-0.3) == 0.0 and calibrate(0.9) == 1.0


def _p(article: str, index: int, score: float, text: str | None = None) -> Passage:
    return Passage(
        article_id=article,
        sentence_index=index,
        start=index,
        end=index + 1,
        text=text or f"{article}{index}",
        score=score,
        dense=score,
        context=score,
        lexical=0.0,
    )


def test_diversify_spreads_across_articles_and_drops_repeated_sentences() -> None:
    ranked = [
        _p("a", 0, 0.9),
        _p("a", 1, 0.8),
        _p("a", 2, 0.7),
        _p("b", 0, 0.6, "same words."),
        _p("c", 0, 0.5, "Same  words."),
        _p("d", 0, 0.4),
    ]
    top = diversify(ranked, top_k=4, per_article=2)
    assert [(p.article_id, p.sentence_index) for p in top] == [("a", 0), ("a", 1), ("b", 0), ("d", 0)]
    # When the other articles run out, an article may give more than its share.
    more = diversify(ranked[:3], top_k=3, per_article=1)
    assert len(more) == 3
