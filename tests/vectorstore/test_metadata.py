"""Metadata heuristics: title, outlet, author and publication date read from the article text."""

from __future__ import annotations

import json
from datetime import date
from itertools import islice
from pathlib import Path

import pytest

from vectorstore.loading import iter_sources, normalise_newlines
from vectorstore.metadata import extract_metadata, find_dates, parse_date
from vectorstore.models import ArticleMeta, LoadedArticle

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
INDOSUM = REPO.parent / "shared" / "data" / "indosum-dev-articles.jsonl"


def seed_meta(article_id: str) -> ArticleMeta:
    [article] = list(iter_sources([SEEDS / f"{article_id}.txt"], max_bytes=1_000_000))
    assert isinstance(article, LoadedArticle)
    return extract_metadata(article.text)


def test_seed_000_names_no_outlet_and_no_full_date() -> None:
    meta = seed_meta("000_42152cb5f7c46a69")
    # "Reuters" is the agency it cites ("Menurut Reuters"), not the publisher; "April 2019" has no day.
    assert meta == ArticleMeta()


def test_seed_001_reads_the_kompas_header() -> None:
    meta = seed_meta("001_c885beee8d69cd11")
    assert meta.source == "Kompas TV"
    assert meta.published == date(2023, 9, 6)
    assert meta.author == "Edwin Shri Bimo"
    assert (
        meta.title
        == "Kim Jong Un dan Putin Disebut akan Bertemu, Apa yang Dibutuhkan Korut dari Rusia dan Sebaliknya?"
    )


def test_seed_002_takes_the_latest_weekday_date_not_the_photo_caption() -> None:
    meta = seed_meta("002_6d8d7629fed82d19")
    assert meta.source == "Republika"
    assert meta.published == date(2023, 9, 5)  # the caption says "Senin, 4 April 2022"
    assert meta.author == "Ferry kisihandi"
    assert meta.title == "AS Ingatkan Korut Jangan Sekali-Sekali Suplai Senjata ke Rusia"


def test_seed_003_author_is_the_bare_name_under_the_title() -> None:
    meta = seed_meta("003_d0311550289dc6a3")
    assert meta.author == "Aldgra Fredly"
    assert meta.title == "Pemimpin Korea Utara Bertemu Putin, Bersumpah Mendukung Perang Rusia"
    assert meta.source is None
    assert meta.published is None  # "Rabu 13 September" has no year


def test_seed_004_has_a_byline_and_a_dateline_but_no_year() -> None:
    meta = seed_meta("004_9706094b4d5c32a3")
    assert meta.source == "Kontan"
    assert meta.author == "Prihastomo Wahyu Widodo"
    assert meta.published is None  # "Selasa (5/9)" has no year
    assert meta.title is None  # the first line is the byline


def test_sidecar_overrides_win_over_heuristics() -> None:
    [article] = list(iter_sources([SEEDS / "004_9706094b4d5c32a3.txt"], max_bytes=1_000_000))
    assert isinstance(article, LoadedArticle)
    meta = article.overrides.merged_over(extract_metadata(article.text))
    assert (meta.source, meta.published) == ("Kontan", date(2023, 9, 5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-09-05", date(2023, 9, 5)),
        ("6 September 2023", date(2023, 9, 6)),
        ("6 Sept. 2023", date(2023, 9, 6)),
        ("September 6, 2023", date(2023, 9, 6)),
        ("Selasa (5/9/2023)", date(2023, 9, 5)),
        ("Senin, 4 April 2022", date(2022, 4, 4)),
        ("Rabu 13 September 2023", date(2023, 9, 13)),
        ("Jum'at, 1 Desember 2017", date(2017, 12, 1)),
        ("4/9/2023", date(2023, 9, 4)),
        ("04-09-2023", date(2023, 9, 4)),
        ("17 Agustus 1945", date(1945, 8, 17)),
        ("1 Pebruari 2016", date(2016, 2, 1)),
        ("6 September 2023, 07:05 WIB", date(2023, 9, 6)),
        ("Selasa (5/9)", None),
        ("13 September", None),
        ("31/2/2023", None),
        ("April 2019", None),
        ("5/9/2023 dan 6/9/2023", None),
        ("bukan tanggal", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_find_dates_reads_weekdays_and_skips_numbers_that_are_not_dates() -> None:
    text = "Surat S-123/MK.02/2017 terbit Senin (4/9/2023), dibahas 10/2016 dan pada 6 September 2023."
    found = find_dates(text)
    assert [(f.value, f.with_weekday) for f in found] == [
        (date(2023, 9, 4), True),
        (date(2023, 9, 6), False),
    ]
    assert text[found[0].start : found[0].end] == "4/9/2023"


def test_published_prefers_a_weekday_date_and_ignores_announced_ones() -> None:
    text = (
        "Judul Berita\nRapat digelar Kamis (18/8/2016) di Jakarta.\n"
        "Film itu tayang pada 4 Mei 2018 mendatang, dan diskon berlaku hingga 31 Maret 2017."
    )
    assert extract_metadata(text).published == date(2016, 8, 18)


def test_published_falls_back_to_the_latest_full_date() -> None:
    text = "Judul Berita\nPerjanjian diteken pada 3 Juli 2009 dan diperbarui 12 Januari 2015."
    assert extract_metadata(text).published == date(2015, 1, 12)


@pytest.mark.parametrize(
    ("first_line", "source"),
    [
        ("Jakarta, CNN Indonesia -- Kepolisian bekerja.", "CNN Indonesia"),
        ("Jakarta (ANTARA News) - Petugas menilang.", "Antara"),
        ("JAKARTA (Pos Kota) – Penasihat diciduk.", "Pos Kota"),
        ("Suara.com - Diluncurkan dua pekan lalu.", "Suara"),
        ("Merdeka.com - Busana adat Batak menuai komentar.", "Merdeka"),
        ("JUARA.NET, KUALA LUMPUR - Indonesia menambah medali.", "Juara"),
        ("SENGKANG, KABARWAJO.com - Warga berkumpul.", "Kabarwajo"),
        ("Paris (AFP) - Polisi berjaga.", None),
        ("INGGRIS – Arsenal bermain imbang.", None),
    ],
)
def test_source_comes_from_the_dateline(first_line: str, source: str | None) -> None:
    assert extract_metadata(first_line + "\nKalimat berikutnya.").source == source


@pytest.mark.parametrize(
    ("text", "author"),
    [
        ("Judul Berita\nIsi berita.\nReporter: Edy Purnomo", "Edy Purnomo"),
        ("Judul Berita\nIsi.\nPenulis: Moh. Shofan, aktivis Muhammadiyah", "Moh. Shofan"),
        ("Judul Berita\nIsi.\nEditor: Budi\nOleh: Ani Lestari", "Ani Lestari"),
        ("Judul Berita\nIsi.\nPenulis: drew / cie", None),
        ("Kalimat pembuka berita.\nAldgra Fredly\nIsi.", None),
    ],
)
def test_author_from_bylines(text: str, author: str | None) -> None:
    assert extract_metadata(text).author == author


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Kim Tiba di Rusia\nIsi berita.", "Kim Tiba di Rusia"),
        ("Kalimat pembuka yang berakhir dengan titik.\nIsi.", None),
        ("Siapa yang tak suka dengan donat?\nIsi.", None),
        ("Tesla (Foto: Tesla)\nIsi.", None),
        ("Jakarta, CNN Indonesia -- Kalimat pembuka tanpa titik\nIsi.", None),
        ("Penulis: Budi\nIsi.", None),
        ("Judul Satu-satunya Baris", None),
        ("J" * 201 + " kata\nIsi.", None),
    ],
)
def test_title_is_the_first_line_when_it_looks_like_a_headline(text: str, title: str | None) -> None:
    assert extract_metadata(text).title == title


def test_empty_text_has_no_metadata() -> None:
    assert extract_metadata("") == ArticleMeta()


@pytest.mark.skipif(not INDOSUM.is_file(), reason="IndoSum data not available")
def test_indosum_outlets_and_weekday_dates_agree_with_the_records() -> None:
    with INDOSUM.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in islice(fh, 300)]
    outlet_of = {
        "cnn indonesia": "CNN Indonesia",
        "antaranews": "Antara",
        "merdeka": "Merdeka",
        "suara": "Suara",
    }
    named = agreeing = dated = close = 0
    for record in records:
        meta = extract_metadata(normalise_newlines(record["text"]))
        if meta.source is not None and record["source"] in outlet_of:
            named += 1
            agreeing += meta.source == outlet_of[record["source"]]
        if meta.published is not None:
            dated += 1
            close += abs((meta.published - date.fromisoformat(record["date"])).days) <= 31
    assert named > 100
    assert agreeing == named
    # IndoSum dates come from crawl timestamps, and texts often give no year: a loose agreement.
    assert dated > 20
    assert close / dated > 0.6
