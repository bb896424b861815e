"""Hybrid search: which sentences may be quoted, score fusion, diversification, and sentences quoted
with the one before them (pure parts first, then on the seeded index)."""

from __future__ import annotations

import numpy as np
import pytest

from vectorstore.config import RetrievalSettings
from vectorstore.lexical import BM25
from vectorstore.models import Passage, Span
from vectorstore.search import Direction, calibrate, diversify, fuse, quotable
from vectorstore.sentences import embedding_spans, joinable, leans_back, refers_back, split_sentences


def test_headlines_subheadings_and_questions_are_not_quotes() -> None:
    title = "AS Ingatkan Korut Jangan Sekali-Sekali Suplai Senjata ke Rusia"
    assert not quotable(title, title)
    assert not quotable("Korea Utara Meluncurkan Rudal Menjelang Pembicaraan", None)
    assert not quotable("Apa yang Diinginkan Rusia dari Korea Utara?", None)
    assert quotable("Moskow dan Pyongyang telah membantah niat tersebut.", title)
    assert quotable("‘’Tidak, saya tak bisa. Tak ada yang bisa saya katakan,’’ kata Peskov menegaskan.", None)
    # Reported speech is body text even without the article's final full stop; a headline attributes nothing.
    reported = "’’Kim juga berharap bantuan pangan dari Rusia,’’ demikian dilaporkan New York Times"
    assert quotable(reported, None)
    assert not quotable("AS Ingatkan Korut Jangan Sekali-Sekali Suplai Senjata ke Rusia", None)
    assert quotable("“Itulah mengapa kami datang ke sini.”", None)


def test_reference_markers_after_the_full_stop_do_not_make_a_sentence_a_headline() -> None:
    # Wikipedia's footnote markers: IDK-MRC's and TyDi QA's answers are often such sentences.
    assert quotable("Bakteri adalah kelompok organisme yang tidak memiliki membran inti sel.[4]", "Bakteri")
    assert quotable("Ia mengunjungi Sriwijaya tahun 671 dan tinggal selama 6 bulan.[3][5]", None)
    assert quotable("Kerajaan ini berdiri pada abad ke-7.[butuh rujukan]", None)
    assert not quotable("Sejarah awal[1]", None)  # a sub-heading with a marker is still a sub-heading
    assert not quotable("Kapan kerajaan itu berdiri?[2]", None)


def test_lexical_coverage_lifts_but_never_lowers_the_dense_score() -> None:
    s = RetrievalSettings()
    base = fuse(0.6, 0.4, 0.0, s)
    assert fuse(0.6, 0.4, 1.0, s) > base > fuse(0.2, 0.1, 0.0, s)
    assert 0.0 <= fuse(0.0, 0.0, 0.0, s) <= fuse(1.0, 1.0, 1.0, s) <= 1.0
    assert calibrate(-0.3) == 0.0 and calibrate(0.9) == 1.0


def _p(article: str, index: int, score: float, text: str | None = None, span: int = 1) -> Passage:
    return Passage(
        article_id=article,
        sentence_index=index,
        sentence_count=span,
        start=index - span + 1,
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


def _pointing(p: Passage, *direction: float) -> Passage:
    v = np.array(direction, dtype=np.float32)
    p._vector = Direction(v / np.linalg.norm(v))
    return p


def test_diversify_lets_a_passage_saying_something_else_pass_a_near_copy() -> None:
    ranked = [
        _pointing(_p("a", 0, 0.90), 1.0, 0.0),
        _pointing(_p("b", 0, 0.85), 0.99, 0.1),  # another outlet saying the same thing
        _pointing(_p("c", 0, 0.80), 0.0, 1.0),
    ]
    plain = diversify(ranked, top_k=2, per_article=2)
    assert [p.article_id for p in plain] == ["a", "b"]
    spread = diversify(ranked, top_k=2, per_article=2, redundancy=0.2)
    assert [p.article_id for p in spread] == ["a", "c"]
    # Passages still compare by value with their vectors.
    assert ranked[0] == ranked[0].model_copy() and ranked[0] != ranked[1]


def test_diversify_never_takes_a_pair_and_one_of_its_sentences() -> None:
    ranked = [
        _p("a", 5, 0.9, "Kunjungan Shoigu. Ia didampingi Li.", span=2),
        _p("a", 4, 0.8),
        _p("a", 5, 0.7),
    ]
    ranked += [_p("b", 0, 0.6), _p("a", 9, 0.5)]
    top = diversify(ranked, top_k=3, per_article=2)
    assert [(p.article_id, p.sentence_index, p.sentence_count) for p in top] == [
        ("a", 5, 2),
        ("b", 0, 1),
        ("a", 9, 1),
    ]


@pytest.mark.parametrize(
    ("sentence", "refers", "leans"),
    [
        ("Ia didampingi oleh anggota politbiro Partai Komunis Tiongkok, Li Hongzhong.", True, True),
        ("Rudal-rudal itu menempuh jarak sekitar 650 kilometer (404 mil).", True, True),
        ("Masih belum jelas apakah Korea Utara menerima tawaran tersebut.", True, True),
        ("They met again in 2019.", True, True),
        ("Namun, mereka percaya Kim mungkin sedang mengincar dialog.", False, True),
        ("Sebagai imbalannya, Moskow akan menyediakan teknologi satelit.", False, True),
        # "this month", "now", "recently": not pointing back at anything.
        ("Pemimpin Korea Utara Kim Jong Un berencana berkunjung ke Rusia bulan ini.", False, False),
        ("Saat ini, Moskow mencari dari sumber mana pun untuk mendapatkan senjata.", False, False),
        ("Menyusul kedatangan Menhan Rusia Sergei Shoigu belum lama ini ke Pyongyang.", False, False),
        (
            "Sementara itu, John Kirby memperingatkan bahwa Korea Utara berpotensi memberikan senjata.",
            False,
            False,
        ),
        # A first-person quotation names its speaker itself.
        ('"Kami mendapat informasi bahwa Kim berharap diskusi berlanjut," ungkap Watson.', False, False),
        # A long sentence whose "tersebut" points inside itself.
        (
            "Membeli amunisi dari Korea Utara akan menjadi pelanggaran terhadap resolusi PBB, yang didukung "
            "oleh Rusia, yang melarang semua perdagangan senjata dengan negara terisolasi tersebut.",
            False,
            False,
        ),
        ("", False, False),
    ],
)
def test_sentences_that_lean_on_the_one_before(sentence: str, refers: bool, leans: bool) -> None:
    assert refers_back(sentence) is refers
    assert leans_back(sentence) is leans


def test_a_sentence_referring_back_is_embedded_with_the_previous_one_unless_furniture_lies_between() -> None:
    text = (
        "Shoigu mengunjungi Pyongyang pada Juli. Ia didampingi oleh Li Hongzhong.\n"
        "Namun, Kim tidak hadir.\nBaca Juga: Berita lain\nIa pulang."
    )
    spans = split_sentences(text)
    pieces = [text[s.start : s.end] for s in embedding_spans(text, spans)]
    assert pieces == [
        "Shoigu mengunjungi Pyongyang pada Juli.",
        "Shoigu mengunjungi Pyongyang pada Juli. Ia didampingi oleh Li Hongzhong.",
        "Namun, Kim tidak hadir.",  # a connective alone keeps the sentence's own meaning
        "Baca Juga: Berita lain",
        "Baca Juga: Berita lain\nIa pulang.",
    ]
    # The furniture line would be cut out of the index, so "Ia pulang." cannot be quoted across it.
    regions = [Span(start=0, end=text.index("Baca")), Span(start=text.index("Ia pulang"), end=len(text))]
    content = split_sentences(text, regions)
    assert joinable(text, content[2], content[3]) is False
    assert [text[s.start : s.end] for s in embedding_spans(text, content)][-1] == "Ia pulang."


def test_joint_bm25_score_reads_two_sentences_as_one() -> None:
    bm = BM25()
    bm.add("a#s0", "a", "Shoigu mengunjungi Pyongyang pada Juli.")
    bm.add("a#s1", "a", "Ia didampingi oleh Li Hongzhong.")
    bm.add("b#s0", "b", "Cuaca di Jakarta cerah.")
    query = "siapa mendampingi Shoigu ke Pyongyang?"
    alone = dict(bm.search(query, limit=10))
    assert bm.joint_score(query, ["a#s0", "a#s1"]) > max(alone["a#s0"], alone["a#s1"])
    assert bm.joint_score(query, ["a#s0"]) == pytest.approx(alone["a#s0"])
    assert bm.joint_score(query, ["nope"]) == 0.0


QUERIES = [
    "Who accompanied the Russian defence minister on his July trip to Pyongyang?",
    "Apa yang ditawarkan Moskow sebagai imbalannya?",
    "How far did the missiles fly?",
    "siapa yang membantah",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_passage_is_verbatim_and_a_pair_is_two_adjacent_sentences(seeded, query: str) -> None:  # type: ignore[no-untyped-def]
    store = seeded.store
    texts = store.texts(list(store.records()))
    ranked = seeded.searcher.rank(query)
    assert ranked
    for p in ranked:
        text = texts[p.article_id]
        assert text[p.start : p.end] == p.text and p.text.strip() == p.text
        if p.sentence_count == 2:
            sentences = split_sentences(p.text)
            assert len(sentences) >= 2 and leans_back(p.text[sentences[-1].start :])


def test_a_sentence_that_names_no_one_is_quoted_with_the_one_it_leans_on(seeded) -> None:  # type: ignore[no-untyped-def]
    top = seeded.searcher.search(
        "Who accompanied the Russian defence minister on his July trip to Pyongyang?"
    )
    quote = next(p for p in top if "Li Hongzhong" in p.text)
    assert quote.sentence_count == 2
    assert quote.text.startswith("Kunjungan Kim ke Rusia menyusul kunjungan Menteri Pertahanan Rusia")
    assert quote.text.endswith("Ia didampingi oleh anggota politbiro Partai Komunis Tiongkok, Li Hongzhong.")
    # Its sentence is never offered alone as well, and nothing overlapping it is.
    spans = [(p.article_id, p.start, p.end) for p in top]
    assert all(
        not (a == quote.article_id and s < quote.end and quote.start < e)
        for a, s, e in spans
        if (a, s, e) != (quote.article_id, quote.start, quote.end)
    )


def _centred_cos(a: np.ndarray, b: np.ndarray, topic: np.ndarray) -> float:
    a, b = a - (a @ topic) * topic, b - (b @ topic) * topic
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_a_long_sentence_is_as_close_to_a_question_as_its_best_part(seeded, e5) -> None:  # type: ignore[no-untyped-def]
    query = "How interested is the North Korean leader in rocket engineering?"
    by_part = {(p.article_id, p.start): p for p in seeded.searcher.rank(query)}
    whole = {(p.article_id, p.start): p for p in seeded.searcher.rank(query, as_question=False)}
    key, passage = next((k, p) for k, p in by_part.items() if "minat yang besar pada teknik roket" in p.text)
    part = "Pemimpin RRDK menunjukkan minat yang besar pada teknik roket"
    stored = seeded.store.clauses.get(where={"article_id": key[0]}, include=["documents"])["documents"]
    assert stored.count(part) == 1

    topic = seeded.store.topic_direction()
    qv = e5.embed_array([query], is_query=True)[0]
    sentence_cos = _centred_cos(qv, e5.embed_array([passage.text])[0], topic)
    part_cos = _centred_cos(qv, e5.embed_array([part])[0], topic)
    assert part_cos - 0.05 > sentence_cos  # the quotation's first clause is closer than the sentence
    assert passage.dense == pytest.approx(part_cos - 0.05, abs=1e-4)
    assert whole[key].dense == pytest.approx(sentence_cos, abs=1e-4)
    assert passage.score > whole[key].score
    # Only passages whose sentences have parts score differently.
    metas = seeded.store.clauses.get(include=["metadatas"])["metadatas"]
    with_parts = {(m["article_id"], int(m["idx"])) for m in metas}
    changed = [p for k, p in by_part.items() if p.dense != whole[k].dense]
    # (a pair's parts may be in either of its sentences)
    assert changed and all(
        {(p.article_id, p.sentence_index - k) for k in range(p.sentence_count)} & with_parts for p in changed
    )


_UNRELATED = {
    "cuaca.txt": "Hujan deras mengguyur Jakarta sejak Senin sore. Badan Meteorologi memperkirakan cuaca "
    "berawan hingga akhir pekan. Warga diminta waspada genangan di jalan utama. Suhu udara berkisar antara "
    "24 dan 31 derajat Celsius.\n",
    "sepak-bola.txt": "Persija Jakarta menang 2-1 atas Persib Bandung dalam laga Liga 1 di Stadion Utama "
    "Gelora Bung Karno. Gol kemenangan dicetak pada menit ke-88. Pelatih Persija memuji semangat para "
    "pemainnya. Pertandingan berikutnya digelar pekan depan di Bandung.\n",
    "beras.txt": "Harga beras medium di pasar tradisional naik menjadi Rp 13.000 per kilogram. Pedagang "
    "menyebut pasokan dari daerah sentra produksi berkurang karena musim kemarau. Pemerintah berencana "
    "menggelar operasi pasar untuk menahan kenaikan harga.\n",
}


def test_unrelated_articles_leave_a_questions_scores_unchanged(seeded, tmp_path, e5) -> None:  # type: ignore[no-untyped-def]
    """What is taken out of every comparison is what the articles near the question share, not the
    corpus mean: articles on other subjects (a newsroom's index holds thousands) change nothing for a
    question about the seeds. With the corpus mean they shifted every score."""
    from bot.services import Services
    from tests.conftest import SEEDS, make_settings
    from vectorstore.store import ChromaStore

    folder = tmp_path / "articles"
    folder.mkdir()
    for f in SEEDS.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    for name, text in _UNRELATED.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    store = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    mixed = Services(settings=settings, embeddings=e5, store=store)
    assert len(mixed.ingestor.ingest([folder]).added) == 8

    query = "Who denied that North Korea supplies weapons to Russia?"
    qv = e5.embed_array([query], is_query=True)[0]
    near = {
        m["article_id"]
        for _, m, _, _ in store.query(store.sentences, qv, mixed.settings.retrieval.candidates, None)
    }
    assert near <= set(seeded.store.records())  # the question's neighbours are all seed articles
    assert not np.allclose(store.topic_direction(), seeded.store.topic_direction(), atol=1e-3)

    def top(services: Services) -> list[tuple[str, int, float, float]]:
        return [(p.article_id, p.start, p.dense, p.context) for p in services.searcher.search(query, top_k=5)]

    alone, among = top(seeded), top(mixed)
    assert [k[:2] for k in among] == [k[:2] for k in alone]
    assert np.allclose([k[2:] for k in among], [k[2:] for k in alone], atol=1e-5)


def test_a_question_reads_bm25_against_the_best_match_in_the_index(seeded) -> None:  # type: ignore[no-untyped-def]
    """The answer shares only a sixth of this question's words, and still more than any other sentence:
    read against the best match it gets full lexical credit and a place in the top 5; read as plain
    coverage it sat 18th. `Passage.lexical` stays plain coverage (answerability reads it), and a claim
    is scored as before."""
    from vectorstore.search import HybridSearcher

    query = "How did Russia's defence minister justify possible joint drills with North Korea?"
    as_coverage = seeded.searcher.settings.model_copy(update={"lexical_relative_floor": 1.0})
    plain = HybridSearcher(seeded.store, seeded.embeddings, as_coverage)
    relative = {(p.article_id, p.start, p.end): p for p in seeded.searcher.rank(query)}
    coverage = {(p.article_id, p.start, p.end): p for p in plain.rank(query)}
    assert relative.keys() == coverage.keys()
    best = max(relative, key=lambda k: relative[k].lexical)
    assert "tetangga" in relative[best].text and "Shoigu" in relative[best].text
    assert relative[best].lexical == coverage[best].lexical < 0.2
    assert relative[best].score > coverage[best].score
    for key, p in relative.items():
        assert p.lexical == coverage[key].lexical and p.dense == coverage[key].dense
        assert (p.score > coverage[key].score) == (p.lexical > 0)
    searchers = (seeded.searcher, plain)
    top5 = [{(p.article_id, p.start, p.end) for p in s.search(query, top_k=5)} for s in searchers]
    assert best in top5[0] and best not in top5[1]

    claim = "Shoigu said Russia and North Korea might hold joint military drills."
    as_claim = [(p.article_id, p.start, p.score) for p in seeded.searcher.rank(claim, as_question=False)]
    assert as_claim == [(p.article_id, p.start, p.score) for p in plain.rank(claim, as_question=False)]


def test_the_lexical_lift_is_capped_by_the_floor(seeded) -> None:  # type: ignore[no-untyped-def]
    floor = seeded.searcher.settings.lexical_relative_floor
    lift = seeded.searcher._lexical_lift
    assert lift({"a": 0.4, "b": 0.1}) == pytest.approx(2.5)
    assert lift({"a": floor / 2}) == lift({}) == pytest.approx(1 / floor)


def test_a_quote_is_widened_to_its_adjacent_sentences_verbatim_and_never_twice(seeded) -> None:  # type: ignore[no-untyped-def]
    store = seeded.store
    texts = store.texts(list(store.records()))
    top = seeded.searcher.search("Who has denied that North Korea is sending weapons to Russia?", top_k=5)
    assert seeded.searcher.widen(top, before=0, after=0) == top
    wide = seeded.searcher.widen(top, before=1, after=1)
    assert 0 < len(wide) <= len(top)
    for w in wide:
        assert texts[w.article_id][w.start : w.end] == w.text and w.text.strip() == w.text
    # Each ranked passage lies inside one widened quote, and widened quotes never share text.
    for p in top:
        assert any(w.article_id == p.article_id and w.start <= p.start and p.end <= w.end for w in wide)
    for i, a in enumerate(wide):
        for b in wide[i + 1 :]:
            assert a.article_id != b.article_id or a.end <= b.start or b.end <= a.start

    # Some quote holds text beyond the ranked passages inside it: a neighbouring sentence.
    def inside(p, w) -> bool:  # type: ignore[no-untyped-def]
        return p.article_id == w.article_id and w.start <= p.start and p.end <= w.end

    assert any(len(w.text) > sum(len(p.text) + 1 for p in top if inside(p, w)) for w in wide)
