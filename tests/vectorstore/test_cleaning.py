"""Content regions: page furniture out, news (titles and sub-headings included) in."""

from __future__ import annotations

import json
from itertools import islice, pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vectorstore.cleaning import content_regions, looks_like_name, match_byline, match_dateline
from vectorstore.loading import iter_sources, normalise_newlines
from vectorstore.models import LoadedArticle

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
INDOSUM = REPO.parent / "shared" / "data" / "indosum-dev-articles.jsonl"


def region_texts(text: str) -> list[str]:
    return [text[r.start : r.end] for r in content_regions(text)]


def seed_text(article_id: str) -> str:
    [article] = [a for a in iter_sources([SEEDS / f"{article_id}.txt"], max_bytes=1_000_000)]
    assert isinstance(article, LoadedArticle)
    return article.text


def assert_valid_regions(text: str) -> None:
    regions = content_regions(text)
    for r in regions:
        assert 0 <= r.start < r.end <= len(text)
        piece = text[r.start : r.end]
        assert piece == piece.strip()
        assert "\n" not in piece
    for a, b in pairwise(regions):
        assert a.end <= b.start


SEED_FURNITURE = {
    "000_42152cb5f7c46a69": ["Foto: KCNA", "Ngoc Anh (Menurut Reuters )", "Tautan sumber", "Komentar (0)"],
    "001_c885beee8d69cd11": [
        "Kompas dunia | 6 September 2023, 07:05 WIB",
        "SEOUL, KOMPAS.TV -",
        "Baca Juga: Putin dan Kim Jong-Un Makin Mesra",
        "Penulis : Edwin Shri Bimo",
        "Sumber : Associated Press",
    ],
    "002_6d8d7629fed82d19": [
        "AP/Andrew Harnik",
        "Red: Ferry kisihandi",
        "REPUBLIKA.CO.ID, WASHINGTON –",
        "Baca Juga",
        "Kim akan meninggalkan Pyongyang....",
        "sumber : Reuters",
        "Yuk koleksi",
        "Berita Terpopuler",
    ],
    "003_d0311550289dc6a3": ["Aldgra Fredly", "(asr)", "Reuters berkontribusi pada laporan ini"],
    "004_9706094b4d5c32a3": ["Penulis: Prihastomo", "KONTAN.CO.ID - WASHINGTON.", "Baca Juga: Kim Jong Un"],
}

SEED_FIRST_WORDS = {
    "000_42152cb5f7c46a69": "Pemimpin Korea Utara Kim Jong-un dilaporkan",
    "001_c885beee8d69cd11": "Kim Jong Un dan Putin Disebut akan Bertemu",
    "002_6d8d7629fed82d19": "AS Ingatkan Korut Jangan Sekali-Sekali",
    "003_d0311550289dc6a3": "Pemimpin Korea Utara Bertemu Putin",
    "004_9706094b4d5c32a3": "Pemimpin Korea Utara, Kim Jong Un, dikabarkan",
}


@pytest.mark.parametrize("article_id", sorted(SEED_FURNITURE))
def test_seed_furniture_is_left_out(article_id: str) -> None:
    text = seed_text(article_id)
    kept = "\n".join(region_texts(text))
    for furniture in SEED_FURNITURE[article_id]:
        assert furniture in text
        assert furniture not in kept
    assert region_texts(text)[0].startswith(SEED_FIRST_WORDS[article_id])
    assert_valid_regions(text)


def test_datelines_are_cut_where_the_sentence_starts() -> None:
    starts = {
        "001_c885beee8d69cd11": "Seorang pejabat Amerika Serikat (AS)",
        "002_6d8d7629fed82d19": "Korea Utara (Korut) diingatkan",
        "004_9706094b4d5c32a3": "Pemimpin Korea Utara, Kim Jong Un",
    }
    for article_id, start in starts.items():
        assert any(r.startswith(start) for r in region_texts(seed_text(article_id)))


def test_titles_sub_headings_and_captions_are_kept() -> None:
    kept_003 = region_texts(seed_text("003_d0311550289dc6a3"))
    assert "Pemimpin Korea Utara Bertemu Putin, Bersumpah Mendukung Perang Rusia" in kept_003
    assert "Korea Utara Meluncurkan Rudal Menjelang Pembicaraan" in kept_003
    assert kept_003[-1].endswith("Masih belum jelas apakah Korea Utara menerima tawaran tersebut.")
    kept_001 = region_texts(seed_text("001_c885beee8d69cd11"))
    assert "Apa yang Diinginkan Rusia dari Korea Utara?" in kept_001
    kept_000 = region_texts(seed_text("000_42152cb5f7c46a69"))
    caption = (
        "Presiden Rusia Vladimir Putin (kanan) dan pemimpin Korea Utara Kim Jong-un di Vladivostok "
        "pada April 2019."
    )
    assert caption in kept_000


@pytest.mark.parametrize(
    "line",
    [
        "Baca Juga: Kim Jong Un Sambut Menhan Rusia dengan Tur di Pameran Senjata",
        "SIMAK JUGA - Uruguay & Chelsea Inginkan James Rodriguez",
        "(Baca: Polisi Menduga Dera Dihabisi Orang Dekatnya)",
        "[Baca juga: Daftar Startup Indonesia di Bidang Pendidikan]",
        "Komentar (0)",
        "12 Komentar",
        "Tautan sumber",
        "Berita Terpopuler",
        "Yuk koleksi buku bacaan berkualitas dari buku Republika ...",
        "AP/Andrew Harnik",
        "ANTARA FOTO/Sigid Kurniawan",
        "Foto: Shutterstock",
        "Penulis : Edwin Shri Bimo Editor : Edy-A.-Putra",
        "Red: Ferry kisihandi",
        "sumber : Reuters",
        "Sumber berita Gizmochina.",
        "Reporter: Edy Purnomo",
        "Reuters berkontribusi pada laporan ini",
        "Ngoc Anh (Menurut Reuters )",
        "(asr)",
        "(ard / ard)",
        "[sau]",
        "(T.H - ZG / S027)",
        "(Antara)",
        "Kim akan meninggalkan Pyongyang....",
        "* * *",
        "Merdeka.com -",
        "DailySocial.id adalah portal berita startup dan inovasi teknologi. Kamu bisa menjadi member.",
        "Ikuti berita terkini dari kami di Google News, klik di sini.",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    text = f"Judul Berita Contoh\nKalimat pertama berita ini.\n\n{line}\n\nKalimat terakhir berita ini."
    assert region_texts(text) == [
        "Judul Berita Contoh",
        "Kalimat pertama berita ini.",
        "Kalimat terakhir berita ini.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Lihat saja MU yang harus mengeluarkan dana hingga 105 juta euro untuk membeli Paul Pogba.",
        "Sumber dana proyek itu berasal dari APBN, kata dia.",
        "Penulis buku itu, Budi, hadir dalam acara peluncuran.",
        "Komentar itu memicu kemarahan warga di media sosial.",
        "Baca juga tulisan kami sebelumnya tentang kasus ini.",
        "Redaksi menerima lebih dari 10 surat pembaca pekan ini.",
        "Harga minyak naik 5,1 persen (yoy).",
        "Korea Utara Meluncurkan Rudal Menjelang Pembicaraan",
        "“Itulah mengapa kami datang ke sini.”",
        "Ia berkata: ‘’Tidak ada yang bisa saya katakan....’’ lalu pergi.",
        "Carla Bruni Sarkozy",
    ],
)
def test_news_lines_that_resemble_furniture_are_kept(line: str) -> None:
    text = f"Judul Berita Contoh\nKalimat pertama berita ini.\n{line}\nKalimat terakhir berita ini."
    assert line in region_texts(text)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("REPUBLIKA.CO.ID, WASHINGTON – Korea Utara diingatkan.", "Korea Utara diingatkan."),
        ("KONTAN.CO.ID - WASHINGTON. Pemimpin Korea Utara tiba.", "Pemimpin Korea Utara tiba."),
        (
            "Kompas dunia | 6 September 2023, 07:05 WIBSEOUL, KOMPAS.TV - Seorang pejabat AS.",
            "Seorang pejabat AS.",
        ),
        ("Jakarta, CNN Indonesia -- Kepolisian Malaysia bekerja.", "Kepolisian Malaysia bekerja."),
        ("Singkil, Aceh, (ANTARA News) - Kawasan Danau Bungara asri.", "Kawasan Danau Bungara asri."),
        ("JAKARTA (Pos Kota) – Penasihat spiritual diciduk.", "Penasihat spiritual diciduk."),
        ("Suara.com - Diluncurkan sekitar dua pekan lalu.", "Diluncurkan sekitar dua pekan lalu."),
        ("BARCELONA, JUARA.net - Lega, tapi tetap hati-hati.", "Lega, tapi tetap hati-hati."),
        ("INGGRIS – Arsenal hanya mampu bermain imbang.", "Arsenal hanya mampu bermain imbang."),
        ("Baru - baru ini, rapper asal California merilis album.", None),
        ("GO - JEK perlahan tapi pasti menambah fungsi.", None),
        ("New York - Presiden terpilih bertemu pendiri Alibaba.", None),
        ("Presiden Jokowi – yang baru tiba – mengatakan hal itu.", None),
    ],
)
def test_dateline_prefixes(line: str, kept: str | None) -> None:
    assert region_texts(line + "\nKalimat kedua.") == [kept or line, "Kalimat kedua."]


def test_only_the_first_dateline_near_the_top_is_cut() -> None:
    text = "Jakarta, CNN Indonesia -- Kalimat satu.\nJakarta, CNN Indonesia -- Kalimat dua."
    assert region_texts(text) == ["Kalimat satu.", "Jakarta, CNN Indonesia -- Kalimat dua."]


def test_trailing_credits_are_cut_from_the_paragraph() -> None:
    text = (
        "Masih belum jelas apakah Korea Utara menerima tawaran tersebut. (asr)\n"
        "Putin tiba di Vladivostok pada April 2019. Foto: KCNA\n"
        "Tesla merilis mobil baru (Foto: Tesla)\n"
        "Kalimat dengan kode Antara. (T.M004/B / I007/I007) 27 - 08 - 2016 12:13:44"
    )
    assert region_texts(text) == [
        "Masih belum jelas apakah Korea Utara menerima tawaran tersebut.",
        "Putin tiba di Vladivostok pada April 2019.",
        "Tesla merilis mobil baru",
        "Kalimat dengan kode Antara.",
    ]


def test_headlines_under_a_bare_related_marker_are_links() -> None:
    text = (
        "Judul\nKalimat pertama.\nBaca Juga:\n\nLee Min Ho Buka - bukaan soal Perasaannya\n\n"
        "Video: Judika Jadi Penyanyi atau Pemain Sepak Bola?\n\n"
        "Bukan karena Min Ho seorang artis, namun ada alasan."
    )
    assert region_texts(text) == [
        "Judul",
        "Kalimat pertama.",
        "Bukan karena Min Ho seorang artis, namun ada alasan.",
    ]


def test_bare_name_is_an_author_only_right_under_a_headline() -> None:
    assert region_texts("Judul Berita Hari Ini\nAldgra Fredly\nIsi berita.") == [
        "Judul Berita Hari Ini",
        "Isi berita.",
    ]
    lede = "Kalimat pembuka berita.\nAldgra Fredly\nIsi berita."
    assert region_texts(lede) == ["Kalimat pembuka berita.", "Aldgra Fredly", "Isi berita."]


def test_helpers_recognise_what_metadata_reads() -> None:
    assert match_byline("Penulis : Edwin Shri Bimo Editor : Edy-A.-Putra") == ("penulis", "Edwin Shri Bimo")
    assert match_byline("Red: Ferry kisihandi") == ("red", "Ferry kisihandi")
    assert (
        match_byline("Sumber: Apakah ini kalimat yang sangat panjang sekali dan berisi banyak kata?") is None
    )
    dateline = match_dateline("Kompas dunia | 6 September 2023, 07:05 WIBSEOUL, KOMPAS.TV - Seorang")
    assert dateline is not None
    assert (dateline.outlet, dateline.header_date) == ("KOMPAS.TV", "6 September 2023, 07:05 WIB")
    assert looks_like_name("Aldgra Fredly")
    assert not looks_like_name("Paling cepat Kim akan berkunjung")


def test_empty_and_blank_texts_have_no_regions() -> None:
    assert content_regions("") == []
    assert content_regions(" \n\t\n ") == []


# Random texts made of characters and fragments the rules react to.
_PIECES = [*"aB .,:;-–()[]/\"“”‘’'\n\t\u00a0", "Baca Juga:", "(asr)", "Penulis: ", "....", "Suara.com - "]
messy_text = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(messy_text)
def test_regions_are_sorted_trimmed_and_inside_the_text(text: str) -> None:
    assert_valid_regions(text)


@pytest.mark.skipif(not INDOSUM.is_file(), reason="IndoSum data not available")
def test_indosum_articles_keep_most_of_their_text() -> None:
    with INDOSUM.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, 300)]
    ratios = []
    for record in records:
        text = normalise_newlines(record["text"])
        assert_valid_regions(text)
        kept = sum(r.end - r.start for r in content_regions(text))
        ratios.append(kept / len(text.strip()))
    # Furniture is a small part of a news page: losing much more would mean news was dropped.
    assert min(ratios) > 0.7
    assert sum(ratios) / len(ratios) > 0.95
