"""Sentence splitting over the original text, on the seeds, tricky Indonesian cases and random text."""

from __future__ import annotations

import json
import re
from itertools import islice, pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vectorstore.cleaning import content_regions
from vectorstore.loading import iter_sources, normalise_newlines
from vectorstore.models import LoadedArticle, Span
from vectorstore.sentences import CLAUSE_MIN_WORDS, MAX_SENTENCE_CHARS, clause_spans, split_sentences

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
INDOSUM = REPO.parent / "shared" / "data" / "indosum-dev-articles.jsonl"


def sentences(text: str, regions: list[Span] | None = None) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, regions)]


def assert_valid(text: str, spans: list[Span], regions: list[Span]) -> None:
    for s in spans:
        assert 0 <= s.start < s.end <= len(text)
        piece = text[s.start : s.end]
        assert piece == piece.strip()
        assert "\n" not in piece
        assert any(r.start <= s.start and s.end <= r.end for r in regions)
    for a, b in pairwise(spans):
        assert a.end <= b.start


@pytest.fixture(scope="module")
def seed_sentences() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for article in iter_sources([SEEDS], max_bytes=1_000_000):
        assert isinstance(article, LoadedArticle)
        text = article.text
        regions = content_regions(text)
        spans = split_sentences(text, regions)
        assert_valid(text, spans, regions)
        result[article.article_id] = [text[s.start : s.end] for s in spans]
    return result


EXPECTED_SEED_SENTENCES = [
    (
        "002_6d8d7629fed82d19",
        "‘’Tidak, saya tak bisa. Tak ada yang bisa saya katakan,’’ kata Peskov menegaskan.",
    ),
    ("002_6d8d7629fed82d19", "Rencananya, Kim bertemu dengan Presiden Rusia Vladimir Putin."),
    (
        "002_6d8d7629fed82d19",
        "’’Kim juga berharap bantuan pangan dari Rusia,’’ demikian dilaporkan New York Times",
    ),
    (
        "002_6d8d7629fed82d19",
        "Korea Utara (Korut) diingatkan agar tak memasok senjata ke Rusia untuk digunakan di perang Ukraina.",
    ),
    (
        "003_d0311550289dc6a3",
        "Rudal-rudal itu diluncurkan dari daerah Sunan antara pukul 11.43 dan 11.53 waktu setempat.",
    ),
    (
        "003_d0311550289dc6a3",
        "Dia menandatangani buku tamu dalam bahasa Korea: “Kejayaan Rusia, yang melahirkan penakluk ruang "
        "angkasa pertama, akan abadi.”",
    ),
    ("003_d0311550289dc6a3", "Masih belum jelas apakah Korea Utara menerima tawaran tersebut."),
    (
        "001_c885beee8d69cd11",
        "Dilansir Associated Press, Selasa (5/9/2023), pejabat-pejabat AS juga menuding Rusia sedang mencari "
        "cara membeli amunisi dari Korea Utara untuk mengisi kembali persediaan persenjataannya yang habis "
        "karena perang di Ukraina.",
    ),
    (
        "001_c885beee8d69cd11",
        '"Rusia sangat membutuhkan persediaan perang. Jika tidak, bagaimana mungkin menteri pertahanan dari '
        'negara yang kuat dalam perang, datang ke negara kecil seperti Korea Utara?" kata Kim Taewoo, mantan '
        "kepala Institut Unifikasi Nasional Korea di Seoul.",
    ),
    ("001_c885beee8d69cd11", "Apa yang Diinginkan Rusia dari Korea Utara?"),
    (
        "001_c885beee8d69cd11",
        "Seorang pejabat Amerika Serikat (AS) mengatakan pemimpin Korea Utara, Kim Jong Un, mungkin akan ke "
        "Rusia untuk bertemu Presiden Vladimir Putin.",
    ),
    ("000_42152cb5f7c46a69", "Kim Jong-un diyakini akan melakukan perjalanan dengan kereta api."),
    (
        "000_42152cb5f7c46a69",
        "Presiden Rusia Vladimir Putin (kanan) dan pemimpin Korea Utara Kim Jong-un di Vladivostok "
        "pada April 2019.",
    ),
    (
        "004_9706094b4d5c32a3",
        "New York Times pada hari Selasa (5/9) melaporkan bahwa pertemuan akan berlangsung pekan depan.",
    ),
    (
        "004_9706094b4d5c32a3",
        "Pemimpin Korea Utara, Kim Jong Un, dikabarkan akan segera berkunjung ke Rusia untuk bertemu dengan "
        "Presiden Putin dan membicarakan kesepakatan senjata.",
    ),
]

FURNITURE = [
    "Baca Juga",
    "Komentar (0)",
    "Tautan sumber",
    "Berita Terpopuler",
    "Yuk koleksi",
    "AP/Andrew Harnik",
]
FURNITURE += ["Foto: KCNA", "Penulis", "Red: Ferry", "REPUBLIKA.CO.ID", "KONTAN.CO.ID", "KOMPAS.TV", "(asr)"]


@pytest.mark.parametrize(("article_id", "sentence"), EXPECTED_SEED_SENTENCES)
def test_seed_sentences_are_whole(
    seed_sentences: dict[str, list[str]], article_id: str, sentence: str
) -> None:
    assert sentence in seed_sentences[article_id]


def test_seed_furniture_is_in_no_sentence(seed_sentences: dict[str, list[str]]) -> None:
    assert len(seed_sentences) == 5
    for found in seed_sentences.values():
        for sentence in found:
            for furniture in FURNITURE:
                assert furniture not in sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Budi dan Prof. Ani tiba. Mereka disambut.",
            ["Dr. Budi dan Prof. Ani tiba.", "Mereka disambut."],
        ),
        (
            "Kantor di Jl. Sudirman No. 5 dibuka. Warga senang.",
            ["Kantor di Jl. Sudirman No. 5 dibuka.", "Warga senang."],
        ),
        (
            "Ia bertemu H. Agus Salim dan Sdr. Budi. Lalu pulang.",
            ["Ia bertemu H. Agus Salim dan Sdr. Budi.", "Lalu pulang."],
        ),
        ("John F. Kennedy tewas. Dunia berduka.", ["John F. Kennedy tewas.", "Dunia berduka."]),
        ("Pasukan A.S. Mundur dari sana.", ["Pasukan A.S. Mundur dari sana."]),
        ("Harganya Rp. 5.000 saja. Murah.", ["Harganya Rp. 5.000 saja.", "Murah."]),
        ("Surat a.n. Direktur dikirim tgl. 5 Mei.", ["Surat a.n. Direktur dikirim tgl. 5 Mei."]),
        ("Penelitian Budi dkk. Menunjukkan hasil.", ["Penelitian Budi dkk. Menunjukkan hasil."]),
        (
            "Rapat pada 5/9/2023 pukul 07:05 dan 11.43 lancar.",
            ["Rapat pada 5/9/2023 pukul 07:05 dan 11.43 lancar."],
        ),
        ("Naik 57,8 persen menjadi 8.000 unit. Bagus.", ["Naik 57,8 persen menjadi 8.000 unit.", "Bagus."]),
        (
            "Dikutip dari REPUBLIKA.CO.ID dan Suara.com kemarin.",
            ["Dikutip dari REPUBLIKA.CO.ID dan Suara.com kemarin."],
        ),
        ("Saya... tidak tahu... Mungkin besok.", ["Saya... tidak tahu... Mungkin besok."]),
        ("Kim akan pergi.... Putin menunggu.", ["Kim akan pergi....", "Putin menunggu."]),
        ("Apa benar? Ya! Itu benar.", ["Apa benar?", "Ya!", "Itu benar."]),
        ('Ia berkata, "Kami siap." Lalu pergi.', ['Ia berkata, "Kami siap."', "Lalu pergi."]),
        ("Dia menjawab, “Itu benar.” Semua diam.", ["Dia menjawab, “Itu benar.”", "Semua diam."]),
        ("Kata dia ‘’Siap.’’ Lalu pergi.", ["Kata dia ‘’Siap.’’", "Lalu pergi."]),
        ('"Kenapa tidak? Mereka tetangga," kata Shoigu.', ['"Kenapa tidak? Mereka tetangga," kata Shoigu.']),
        (
            "“Kami datang. Kami menang,” ujarnya. Lalu pulang.",
            ["“Kami datang. Kami menang,” ujarnya.", "Lalu pulang."],
        ),
        ('"Satu. Dua." Tiga.', ['"Satu.', 'Dua."', "Tiga."]),
        ("1. Pertama harus hadir. 2. Kedua harus siap.", ["1. Pertama harus hadir.", "2. Kedua harus siap."]),
        ("Judul Tanpa Titik\nIsi berita.", ["Judul Tanpa Titik", "Isi berita."]),
        ("Kalimat ini selesai. iPhone baru dirilis.", ["Kalimat ini selesai. iPhone baru dirilis."]),
        ('Ia tiba di sana. "', ['Ia tiba di sana. "']),
        ("Pukul 10.00 WIB. Polisi datang.", ["Pukul 10.00 WIB.", "Polisi datang."]),
        ("Rapat 6 Sept. 2023 ditunda.", ["Rapat 6 Sept. 2023 ditunda."]),
    ],
)
def test_tricky_indonesian_cases(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_long_quotation_with_attribution_falls_back_to_splitting() -> None:
    quote = " ".join(f"Kalimat kutipan nomor {i} cukup panjang untuk diuji." for i in range(12))
    text = f'"{quote}," kata dia.'
    assert len(quote) > 400
    found = sentences(text)
    assert len(found) == 12
    assert found[-1] == 'Kalimat kutipan nomor 11 cukup panjang untuk diuji.," kata dia.'


def test_huge_sentence_is_cut_at_clause_boundaries() -> None:
    clauses = [f"bagian {i} dari kalimat yang sangat panjang ini" for i in range(60)]
    text = "Awal " + ", ".join(clauses) + "; lalu akhir kalimat."
    found = split_sentences(text)
    assert len(found) > 1
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in found)
    assert all(text[s.end - 1] == "," for s in found[:-1])
    assert "".join(text[s.start : s.end] for s in found).replace(" ", "") == text.replace(" ", "")


def test_regions_limit_the_split_and_may_cut_a_line() -> None:
    text = "Abaikan ini. Ambil kalimat ini. Dan ini juga.\nBaris lain diabaikan."
    region = Span(start=text.index("Ambil"), end=text.index("\n"))
    assert sentences(text, [region]) == ["Ambil kalimat ini.", "Dan ini juga."]
    assert sentences(text, []) == []


def test_overlapping_regions_are_merged_and_bad_regions_refused() -> None:
    text = "Satu dua. Tiga empat."
    assert sentences(text, [Span(start=5, end=21), Span(start=0, end=9)]) == ["Satu dua.", "Tiga empat."]
    with pytest.raises(ValueError, match="not inside the text"):
        split_sentences(text, [Span(start=0, end=99)])


_PIECES = [*"aZ .!?…,;:\n\t\u00a0\"“”‘’'()0", "Dr.", " F. ", "...", "....", "5/9/2023", "11.43", "’’", "‘’"]
messy_text = st.lists(st.sampled_from(_PIECES), max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(messy_text, st.data())
def test_sentences_cover_every_visible_character_of_the_regions(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=4)))
    regions = [Span(start=a, end=b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)] or [
        Span(start=0, end=len(text))
    ]
    spans = split_sentences(text, regions)
    assert_valid(text, spans, regions)
    covered = {i for s in spans for i in range(s.start, s.end)}
    for r in regions:
        for i in range(r.start, r.end):
            if not text[i].isspace():
                assert i in covered


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=3000))
def test_any_unicode_text_splits_into_bounded_valid_sentences(text: str) -> None:
    spans = split_sentences(text)
    assert_valid(text, spans, [Span(start=0, end=len(text))])
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in spans)


def _clauses(text: str) -> list[str]:
    return [text[c.start : c.end] for c in clause_spans(text, Span(start=0, end=len(text)))]


def test_the_words_quoted_and_clauses_joined_by_a_semicolon_are_parts() -> None:
    text = (
        "“Pemimpin RRDK menunjukkan minat yang besar pada teknik roket; mereka juga berusaha "
        "mengembangkan ruang angkasa,” tambahnya, menggunakan nama resmi Korea Utara."
    )
    assert _clauses(text) == [
        "Pemimpin RRDK menunjukkan minat yang besar pada teknik roket",
        "mereka juga berusaha mengembangkan ruang angkasa",
    ]  # who said it ("tambahnya, ...") is not what was said: no vector of its own
    # ‘’ used as double quotes, and no final full stop.
    reported = "’’Kim juga berharap bantuan pangan dari Rusia,’’ demikian dilaporkan New York Times"
    assert _clauses(reported) == ["Kim juga berharap bantuan pangan dari Rusia"]
    said = "The talks were frank and very useful for both sides, said Peskov to reporters in Moscow."
    assert _clauses(said) == []  # no closing quotation: one part
    # A spaced dash divides; a hyphen inside a word does not.
    assert _clauses("Kim tiba di Vladivostok pagi ini — kereta lapis baja itu berhenti di stasiun.") == [
        "Kim tiba di Vladivostok pagi ini",
        "kereta lapis baja itu berhenti di stasiun.",
    ]


def test_a_sentence_without_two_substantial_parts_has_no_clauses() -> None:
    assert _clauses("Kim bertemu Putin di kosmodrom Vostochny pada hari Rabu.") == []
    assert _clauses("Mitra-mitra Korut: Rusia dan China.") == []  # "Mitra-mitra Korut" is too short
    assert _clauses("“Tidak,” kata Peskov kepada wartawan di Moskow.") == []  # "Tidak" is too short


_WORDS = st.sampled_from(["Kim", "kata", "Rusia", "senjata", "ia", "5/9", "lapis-baja", "AS"])
_SEPARATORS = st.sampled_from(["; ", ": ", ",” ", ",’’ ", " — ", ". ", " “", ' "', ", ", " -"])
_PHRASE = st.lists(_WORDS, min_size=1, max_size=7).map(" ".join)
wordy_text = st.lists(st.tuples(_PHRASE, _SEPARATORS), max_size=6).map(
    lambda pieces: "".join(a + b for a, b in pieces)
)


@settings(max_examples=300, deadline=None)
@given(wordy_text)
def test_clauses_lie_inside_their_sentence_in_order(text: str) -> None:
    for sentence in split_sentences(text):
        parts = clause_spans(text, sentence)
        previous_end = sentence.start
        for part in parts:
            assert previous_end <= part.start < part.end <= sentence.end
            assert len(re.findall(r"[^\W\d_]+", text[part.start : part.end])) >= CLAUSE_MIN_WORDS
            assert text[part.start] not in " ,;:\"“”‘’'" and text[part.end - 1] not in " ,;:\"“”‘’'"
            assert not text[part.start :].lower().startswith("kata ")  # who said it is not a part
            previous_end = part.end


@pytest.mark.skipif(not INDOSUM.is_file(), reason="IndoSum data not available")
def test_indosum_articles_split_into_reasonable_sentences() -> None:
    with INDOSUM.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, 100)]
    counts = []
    for record in records:
        text = normalise_newlines(record["text"])
        regions = content_regions(text)
        spans = split_sentences(text, regions)
        assert_valid(text, spans, regions)
        counts.append(len(spans))
        assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in spans)
    # News paragraphs hold a few sentences each: the average sentence is far shorter than a paragraph.
    assert min(counts) >= 3
    assert 10 <= sum(counts) / len(counts) <= 30
