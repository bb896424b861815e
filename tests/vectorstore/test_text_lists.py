"""The text layer's word lists: read from the package's data files, each list in one place."""

from __future__ import annotations

from importlib import resources

from bot.answer_types import has_date
from bot.stance.features import polarity_counts
from bot.stance.lexicon import CLASS_MEMBERS
from vectorstore.metadata import find_dates
from vectorstore.sentences import split_sentences
from vectorstore.text.affixes import prefixes, stemmer_prefixes, suffixes
from vectorstore.text.dates import month_abbreviations, month_names, months
from vectorstore.text.lists import table, words


def test_every_data_file_is_read_through_the_package() -> None:
    data = resources.files("vectorstore.text").joinpath("data")
    names = sorted(p.name for p in data.iterdir() if p.name.endswith((".txt", ".tsv")))
    assert {"months.tsv", "glossary.tsv", "affixes.tsv", "stop-words.txt"} <= set(names)
    for name in names:
        stem, ext = name.rsplit(".", 1)
        assert table(stem) if ext == "tsv" else words(stem), name


def test_months_table() -> None:
    assert len(set(months().values())) == 12
    assert months()["pebruari"] == months()["feb"] == 2 and months()["agt"] == 8
    assert "sept" in month_abbreviations() and "september" not in month_abbreviations()
    assert "may" not in month_names(with_may=False)[5] and "may" in month_names()[5]


def test_one_month_table_for_every_reader() -> None:
    # Spellings metadata knew (Pebruari, Agt) and answer types and the stance lexicon did not.
    assert has_date("Kim tiba pada 17 Pebruari.")
    assert CLASS_MEMBERS["pebruari"] == CLASS_MEMBERS["februari"] == ("month", "2")
    assert "may" not in CLASS_MEMBERS  # the English modal verb
    assert [f.value.isoformat() for f in find_dates("Jakarta, 5 Agt 2023 - Hujan.")] == ["2023-08-05"]
    assert len(split_sentences("Rapat digelar 5 Sept. 2023 di Jakarta.")) == 1


def test_affix_tables() -> None:
    assert stemmer_prefixes()[:3] == ("memper", "meny", "meng")
    assert {p.text for p in prefixes()} >= set(stemmer_prefixes()) | {"pe", "be", "te", "se"}
    assert suffixes() == ("nya", "lah", "kah", "pun", "kan", "an", "i")


def test_the_stance_lexicon_counts_a_denial_in_any_form() -> None:
    # The old framing list lacked forms the stance lexicon had ("membantahnya").
    assert polarity_counts("Korut membantahnya.") == polarity_counts("Korut membantah tuduhan itu.")
