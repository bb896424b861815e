"""News pairs (`bot.stance.newspairs`): summary sentences against the sentence that says them (supports)
and against a related sentence of another article (neutral)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.stance.newspairs import NewsArticle, corpus_ids, load_articles, news_pairs

CLAIM = "Persija mengalahkan Persib 2-1 di Stadion Utama Gelora Bung Karno."
SAYS_IT = "Persija mengalahkan Persib dengan skor 2-1 di Stadion Utama Gelora Bung Karno pada Sabtu malam."
SAME_NAME = "Pelatih Persib memuji kerja keras para pemain."
# Another article of the same category: one sentence covers half the claim (too much: it might say it),
# one covers 3 of its 10 content words (the neutral), one shares a single word (too little).
HALF = "Persija mengalahkan Persib di Stadion Utama musim lalu."
RELATED = "Persija dan Persib bertemu lagi di stadion baru bulan depan dalam laga ulang yang dinanti."
ONE_WORD = "Persib akan menjamu Arema pekan depan."
# Another category: covers more (4 of 10) than RELATED, but is never looked at.
OTHER_CATEGORY = "Persija dan Persib merilis aplikasi tiket untuk Stadion Utama."

MATCH = NewsArticle(
    "a",
    "olahraga",
    f"{SAYS_IT} {SAME_NAME}\n\nPenonton memadati tribun sejak sore.",
    # The second summary sentence is said by no sentence of the article: no pair.
    f"{CLAIM} Pertandingan berlangsung sangat meriah dengan kembang api raksasa.",
)
NEXT_WEEK = NewsArticle("b", "olahraga", f"{ONE_WORD} {HALF} {RELATED}", "")
APP = NewsArticle("c", "teknologi", OTHER_CATEGORY, "")
ARTICLES = [MATCH, NEXT_WEEK, APP]


def test_a_summary_sentence_is_supported_by_its_sentence_and_neutral_to_a_related_one() -> None:
    pairs = news_pairs(ARTICLES, limit=100)
    assert [(p.claim, p.evidence, p.label) for p in pairs] == [
        (CLAIM, SAYS_IT, "supports"),
        (CLAIM, RELATED, "neutral"),
    ]
    # Grouped by the claim's article, so cross-validation keeps an article on one side.
    assert {p.group for p in pairs} == {"indosum:a"}


def test_no_pair_without_a_confident_alignment() -> None:
    assert news_pairs(ARTICLES, limit=100, min_coverage=1.01) == []


def test_neutral_from_the_same_article_shares_a_name_and_little_else() -> None:
    pairs = news_pairs(ARTICLES, limit=100, same_article=True)
    assert (CLAIM, SAME_NAME, "neutral") in [(p.claim, p.evidence, p.label) for p in pairs]
    assert len(pairs) == 3


def test_near_verbatim_copies_can_be_left_out() -> None:
    copy = NewsArticle(
        "d", "olahraga", "Persija mengalahkan Persib 2-1 di Stadion Utama Gelora Bung Karno, Jakarta.", CLAIM
    )
    assert [p.label for p in news_pairs([copy, NEXT_WEEK], limit=100)] == ["supports", "neutral"]
    assert news_pairs([copy, NEXT_WEEK], limit=100, copies=False) == []
    # A paraphrase that adds content is no copy.
    assert len(news_pairs(ARTICLES, limit=100, copies=False)) == 2


def test_limit_and_seed() -> None:
    many = [
        NewsArticle(
            f"m{i}", "olahraga", f"{SAYS_IT.replace('Sabtu', day)}", CLAIM.replace(".", f" hari {day}.")
        )
        for i, day in enumerate(["Senin", "Selasa", "Rabu", "Kamis", "Jumat"])
    ]
    everything = news_pairs(many, limit=100, seed=0)
    assert len(news_pairs(many, limit=3, seed=0)) == 3
    assert news_pairs(many, limit=100, seed=0) == everything
    assert {p.group for p in news_pairs(many, limit=2, seed=0)} != {
        p.group for p in news_pairs(many, limit=2, seed=3)
    }


def test_load_articles_leaves_out_the_excluded_ids(tmp_path: Path) -> None:
    rows = [
        {"id": "keep", "category": "olahraga", "text": SAYS_IT, "summary": CLAIM},
        {"id": "drop", "category": "olahraga", "text": RELATED, "summary": CLAIM},
        {"id": "empty", "category": "olahraga", "text": RELATED, "summary": ""},
    ]
    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "drop", "text": "..."}) + "\n", encoding="utf-8")
    assert corpus_ids(corpus) == {"drop"}
    assert [a.id for a in load_articles(articles, corpus_ids(corpus))] == ["keep"]
