"""Other spellings of a question's words (affix splits, loanwords) and acronyms, in the lexical index."""

from __future__ import annotations

import pytest

from vectorstore.lexical import BM25, acronyms, index_terms, stem
from vectorstore.variants import indonesian_roots, loanword_spellings, spellings


@pytest.mark.parametrize(
    ("word", "spelling"),
    [
        ("military", "militer"),
        ("coordination", "koordinasi"),
        ("ballistic", "balistik"),
        ("satellites", "satelit"),
        ("technology", "teknologi"),
        ("artillery", "artileri"),
        ("sanctions", "sanksi"),
        ("ammunition", "amunisi"),
        ("international", "internasional"),
        ("conflict", "konflik"),
    ],
)
def test_english_loanwords_get_their_indonesian_spelling(word: str, spelling: str) -> None:
    assert spelling in loanword_spellings(word)


def test_other_affix_splits_and_nasal_prefixes_give_the_root() -> None:
    assert "roket" in indonesian_roots("peroketan")  # pe- + roket + -an; the stemmer reads per- + oket
    assert "pasok" in indonesian_roots("memasok")  # mem- replaced the p of pasok
    assert "serah" in indonesian_roots("menyerahkan")
    assert "militer" in spellings("military") and "roket" in spellings("peroketan")
    assert loanword_spellings("rudal") == set() and loanword_spellings("pemimpin") == set()


def test_a_word_the_index_lacks_is_searched_under_the_spellings_it_holds() -> None:
    bm = BM25()
    bm.add("a#s0", "a", "Militer kami memantau dengan seksama.")
    bm.add("a#s1", "a", "Pemimpin RRDK menunjukkan minat pada teknik roket.")
    bm.add("b#s0", "b", "Harga beras naik di pasar.")
    assert [d for d, _ in bm.search("What did the military say?", limit=5)] == ["a#s0"]
    assert next(d for d, _ in bm.search("minat pada peroketan", limit=5)) == "a#s1"
    # Normalised by the weight of the spelling the index holds, so the match counts as full coverage.
    assert bm.max_score("peroketan") == pytest.approx(bm.max_score("roket"))
    assert dict(bm.search("peroketan", limit=5))["a#s1"] == pytest.approx(
        dict(bm.search("roket", limit=5))["a#s1"]
    )
    # A word the index holds as it is is not widened ("pasar" must not also match anything else).
    assert [d for d, _ in bm.search("pasar", limit=5)] == ["b#s0"]


def test_acronyms_meet_the_names_they_stand_for() -> None:
    assert acronyms("mendukung Rusia di Perserikatan Bangsa-Bangsa, menekankan") == ["pbb"]
    assert acronyms("Dewan Perwakilan Rakyat (DPR) dan Kim") == ["dpr"]
    assert acronyms("Kim bertemu Putin.") == []  # single capitalised words make no acronym
    assert "pbb" in index_terms("forum PBB") and "pbb" in index_terms("Perserikatan Bangsa-Bangsa")
    bm = BM25()
    bm.add("a#s0", "a", "Korea Utara mendukung Rusia di Perserikatan Bangsa-Bangsa.")
    bm.add("a#s1", "a", "Kim naik kereta.")
    assert [d for d, _ in bm.search("sikap Pyongyang di forum PBB", limit=5)] == ["a#s0"]


def test_new_prefixes_join_common_word_families() -> None:
    assert stem("memperingatkan") == stem("mengingatkan") == "ingat"
    assert stem("pertemuan") == stem("bertemu") == "temu"
    assert stem("kedatangan") == stem("datang") == "datang"
    assert stem("persenjataan") == stem("senjata") == "senjata"
    assert stem("perang") == "perang"  # too short a root to strip
