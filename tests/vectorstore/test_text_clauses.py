"""Clauses of a sentence (`vectorstore.text.clauses`): cut at commas, semicolons and conjunctions."""

from __future__ import annotations

from vectorstore.text.clauses import bare, clauses


def test_clauses_split_at_commas_and_conjunctions() -> None:
    sentence = "Meski belum ada konfirmasi resmi, namun AS menegaskan bahwa Korut memasok senjata ke Rusia."
    assert clauses(sentence) == [
        "Meski belum ada konfirmasi resmi",
        "namun AS menegaskan",
        "bahwa Korut memasok senjata ke Rusia",
    ]


def test_relative_yang_stays_inside_its_clause_and_case_is_kept() -> None:
    sentence = "Aliran ilmu silat yang didalami Panji tergolong sesat; Panji lalu pergi."
    assert clauses(sentence) == ["Aliran ilmu silat yang didalami Panji tergolong sesat", "Panji lalu pergi"]


def test_short_clauses_are_left_out() -> None:
    assert clauses("Ya, kata dia, harga beras naik di Jakarta.", min_words=3) == [
        "harga beras naik di Jakarta"
    ]
    assert clauses("") == []
    assert bare("  Harga naik!  ") == "Harga naik"
