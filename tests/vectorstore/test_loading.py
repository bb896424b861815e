"""Loading articles from files, folders and JSONL, with every problem reported as a LoadFailure."""

from __future__ import annotations

import json
from datetime import date
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vectorstore.loading import iter_sources, normalise_newlines
from vectorstore.models import LoadedArticle, LoadFailure

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
INDOSUM = REPO.parent / "shared" / "data" / "indosum-dev-articles.jsonl"
SEED_IDS = [
    "000_42152cb5f7c46a69",
    "001_c885beee8d69cd11",
    "002_6d8d7629fed82d19",
    "003_d0311550289dc6a3",
    "004_9706094b4d5c32a3",
]


def load(*paths: str | Path, max_bytes: int = 1_000_000) -> list[LoadedArticle | LoadFailure]:
    return list(iter_sources(list(paths), max_bytes=max_bytes))


def articles(items: list[LoadedArticle | LoadFailure]) -> list[LoadedArticle]:
    return [i for i in items if isinstance(i, LoadedArticle)]


def failures(items: list[LoadedArticle | LoadFailure]) -> list[LoadFailure]:
    return [i for i in items if isinstance(i, LoadFailure)]


def test_seeds_load_in_order_with_their_sidecar_dates() -> None:
    items = load(SEEDS)
    assert failures(items) == []
    loaded = articles(items)
    assert [a.article_id for a in loaded] == SEED_IDS
    published = {a.article_id: a.overrides.published for a in loaded}
    assert published == {
        "000_42152cb5f7c46a69": date(2023, 9, 4),
        "001_c885beee8d69cd11": None,
        "002_6d8d7629fed82d19": None,
        "003_d0311550289dc6a3": date(2023, 9, 13),
        "004_9706094b4d5c32a3": date(2023, 9, 5),
    }
    for a in loaded:
        assert a.format == "txt"
        assert a.text == (SEEDS / f"{a.article_id}.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared seed copies not available")
def test_seed_files_are_byte_identical_to_the_shared_copies() -> None:
    for article_id in SEED_IDS:
        name = f"{article_id}.txt"
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()


def test_folder_walk_is_sorted_recursive_and_skips_hidden_readme_and_sidecars(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zet.", encoding="utf-8")
    (tmp_path / "a.md").write_text("# Judul\n\nIsi.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Ce.", encoding="utf-8")
    (tmp_path / "c.meta.json").write_text('{"title": "Judul C"}', encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Tersembunyi.", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Git.", encoding="utf-8")
    (tmp_path / "README.md").write_text("About this folder.", encoding="utf-8")
    (tmp_path / "b" / "readme.txt").write_text("About b.", encoding="utf-8")
    items = load(tmp_path)
    assert failures(items) == []
    loaded = articles(items)
    assert [(a.article_id, a.format) for a in loaded] == [("a", "md"), ("z", "txt"), ("c", "txt")]
    assert loaded[1].origin == str(tmp_path / "b" / "z.txt")
    assert loaded[2].overrides.title == "Judul C"
    # The same README given explicitly is loaded like any article.
    assert [a.article_id for a in articles(load(tmp_path / "README.md"))] == ["README"]


def test_original_text_keeps_everything_but_bom_and_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufeffJudul\r\n\r\n  Baris dua\u00a0 \rBaris tiga  ".encode())
    [article] = articles(load(path))
    assert article.text == "Judul\n\n  Baris dua\u00a0 \nBaris tiga  "


@given(st.text(alphabet=st.sampled_from("ab \r\n\t"), max_size=40))
def test_newline_normalisation_leaves_no_carriage_return(text: str) -> None:
    normalised = normalise_newlines(text)
    assert "\r" not in normalised
    assert normalised.count("\n") == text.count("\n") + text.count("\r") - text.count("\r\n")


@pytest.mark.parametrize(
    ("name", "content", "reason_part"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b" \n\t\n", "empty file"),
        ("binary.txt", b"abc\x00def", "NUL byte at byte offset 3"),
        ("latin1.txt", "Café ok".encode("latin-1"), "invalid UTF-8 at byte offset 3"),
        ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("bad id!.txt", b"Teks.", "ids may use only letters, digits"),
    ],
)
def test_bad_files_fail_with_a_clear_reason(
    tmp_path: Path, name: str, content: bytes, reason_part: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [failure] = load(path)
    assert isinstance(failure, LoadFailure)
    assert failure.origin == str(path)
    assert reason_part in failure.reason


def test_too_large_file_names_size_limit_and_setting(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 2_000, encoding="utf-8")
    [failure] = load(path, max_bytes=1_000)
    assert isinstance(failure, LoadFailure)
    assert "2,000 bytes" in failure.reason
    assert "1,000 bytes" in failure.reason
    assert "CLAIMBOT_MAX_FILE_BYTES" in failure.reason


def test_missing_path_fails_and_loading_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("Teks berita.", encoding="utf-8")
    items = load(tmp_path / "nope.txt", good)
    assert isinstance(items[0], LoadFailure)
    assert items[0].reason == "no such file or folder"
    assert isinstance(items[1], LoadedArticle)
    assert items[1].article_id == "ok"


def test_unknown_extension_in_a_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    items = load(tmp_path)
    assert [a.article_id for a in articles(items)] == ["a"]
    [failure] = failures(items)
    assert failure.origin == str(tmp_path / "image.png")
    assert "unsupported file type '.png'" in failure.reason
    assert "walking a folder" in failure.reason


@pytest.mark.parametrize(
    ("sidecar", "reason_part"),
    [
        ("{not json", "invalid JSON at line 1"),
        ("[1, 2]", "expected a JSON object, got an array"),
        ('{"titel": "Typo"}', "unknown key(s) 'titel'"),
        ('{"published": "5/9/2023"}', "'published' must be a date as YYYY-MM-DD"),
        ('{"published": "2023-02-30"}', "'published' must be a date as YYYY-MM-DD"),
        ('{"author": 42}', "'author' must be a string, got a number"),
    ],
)
def test_malformed_sidecar_fails_its_article(tmp_path: Path, sidecar: str, reason_part: str) -> None:
    (tmp_path / "art.txt").write_text("Teks.", encoding="utf-8")
    (tmp_path / "art.meta.json").write_text(sidecar, encoding="utf-8")
    [failure] = load(tmp_path)
    assert isinstance(failure, LoadFailure)
    assert failure.origin == str(tmp_path / "art.txt")
    assert "art.meta.json" in failure.reason
    assert reason_part in failure.reason


def test_sidecar_gives_every_field_and_html_gets_one_too(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>Isi berita.</p>", encoding="utf-8")
    meta = {
        "title": "Judul",
        "source": "Kompas TV",
        "author": "Edwin",
        "published": "2023-09-06",
        "url": "https://example.org/a",
    }
    (tmp_path / "page.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    [article] = articles(load(tmp_path))
    assert article.overrides.model_dump() == {**meta, "published": date(2023, 9, 6)}


def test_orphan_sidecar_is_reported_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("Teks.", encoding="utf-8")
    (tmp_path / "artikel.meta.json").write_text('{"title": "T"}', encoding="utf-8")
    items = load(tmp_path)
    assert [a.article_id for a in articles(items)] == ["article"]
    [failure] = failures(items)
    assert failure.origin == str(tmp_path / "artikel.meta.json")
    assert "without an article" in failure.reason


def test_html_text_drops_scripts_and_navigation_and_keeps_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.htm"
    page.write_text(
        "<html><head><title>Situs</title><style>p {}</style></head><body>"
        "<nav>Beranda | Berita</nav><h1>Judul  Berita</h1>"
        "<p>Paragraf\n satu, <b>tebal</b> &amp; jelas.<br>Baris kedua.</p>"
        "<script>var x = 1;</script><!-- komentar --><ul><li>Satu</li><li>Dua</li></ul>"
        "<footer>Hak cipta</footer></body></html>",
        encoding="utf-8",
    )
    [article] = articles(load(page))
    assert article.format == "html"
    assert article.text == "Judul Berita\nParagraf satu, tebal & jelas.\nBaris kedua.\nSatu\nDua"


def test_html_without_text_is_an_empty_file(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    [failure] = load(page)
    assert isinstance(failure, LoadFailure)
    assert "empty file" in failure.reason


def test_jsonl_records_load_and_bad_lines_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps(
            {
                "id": "a-1",
                "title": "Judul",
                "source": "suara",
                "date": "2016-08-22",
                "url": "u",
                "text": "Satu.\r\nDua.",
            }
        ),
        "{broken",
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "tanpa id"}),
        json.dumps({"id": "", "text": "id kosong"}),
        json.dumps({"id": "b", "text": 5}),
        json.dumps({"id": "c", "text": "   "}),
        json.dumps({"id": "d", "text": "Ok.", "date": "22-08-2016"}),
        "",
        json.dumps({"id": "e", "text": "Ok juga.", "category": "ignored", "summary": ["x"]}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = load(path)
    loaded = articles(items)
    assert [(a.article_id, a.origin) for a in loaded] == [("a-1", f"{path}:1"), ("e", f"{path}:10")]
    first = loaded[0]
    assert first.format == "jsonl"
    assert first.text == "Satu.\nDua."
    assert first.overrides.title == "Judul"
    assert first.overrides.source == "suara"
    assert first.overrides.published == date(2016, 8, 22)
    reasons = {f.origin.rsplit(":", 1)[1]: f.reason for f in failures(items)}
    assert set(reasons) == {"2", "3", "4", "5", "6", "7", "8"}
    assert "invalid JSON" in reasons["2"]
    assert "expected a JSON object, got an array" in reasons["3"]
    assert "missing 'id'" in reasons["4"]
    assert "'id' is empty" in reasons["5"]
    assert "'text' must be a string, got a number" in reasons["6"]
    assert "'text' is empty" in reasons["7"]
    assert "'date' must be a date as YYYY-MM-DD" in reasons["8"]


def test_jsonl_invalid_utf8_names_the_byte_offset_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    good = json.dumps({"id": "a", "text": "A."}).encode() + b"\n"
    path.write_bytes(good + b'{"id": "b", "text": "\xff"}\n')
    items = load(path)
    assert [a.article_id for a in articles(items)] == ["a"]
    [failure] = failures(items)
    assert failure.origin == f"{path}:2"
    assert f"byte offset {len(good) + 21}" in failure.reason


def test_jsonl_limit_applies_to_each_record(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    small = json.dumps({"id": "small", "text": "Pendek."})
    big = json.dumps({"id": "big", "text": "x" * 500})
    path.write_text(f"{small}\n{big}\n", encoding="utf-8")
    items = load(path, max_bytes=200)
    assert [a.article_id for a in articles(items)] == ["small"]
    [failure] = failures(items)
    assert "JSONL record" in failure.reason
    assert "CLAIMBOT_MAX_FILE_BYTES" in failure.reason


def test_duplicate_id_fails_the_second_occurrence_naming_the_first(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Pertama.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.md").write_text("Kedua.", encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(json.dumps({"id": "x", "text": "Ketiga."}) + "\n", encoding="utf-8")
    items = load(tmp_path / "x.txt", tmp_path / "sub", jsonl)
    assert [a.origin for a in articles(items)] == [str(tmp_path / "x.txt")]
    dupes = failures(items)
    assert [f.origin for f in dupes] == [str(tmp_path / "sub" / "x.md"), f"{jsonl}:1"]
    for f in dupes:
        assert f"duplicate article id 'x': already loaded from {tmp_path / 'x.txt'}" == f.reason


def test_bad_jsonl_id_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"id": "a b/c", "text": "T."}) + "\n" + json.dumps({"id": "y" * 201, "text": "T."})
    )
    reasons = [f.reason for f in failures(load(path))]
    assert "'a b/c' contains ' /'" in reasons[0]
    assert "201 characters long" in reasons[1]


def test_max_bytes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        load(SEEDS, max_bytes=0)


@pytest.mark.skipif(not INDOSUM.is_file(), reason="IndoSum data not available")
def test_indosum_records_load_with_their_metadata(tmp_path: Path) -> None:
    with INDOSUM.open(encoding="utf-8") as fh:
        sample = list(islice(fh, 25))
    path = tmp_path / "indosum.jsonl"
    path.write_text("".join(sample), encoding="utf-8")
    items = load(path)
    assert failures(items) == []
    loaded = articles(items)
    assert len(loaded) == 25
    first = json.loads(sample[0])
    assert loaded[0].article_id == first["id"]
    assert loaded[0].overrides.source == first["source"]
    assert loaded[0].overrides.published == date.fromisoformat(first["date"])
    assert all("\r" not in a.text for a in loaded)
