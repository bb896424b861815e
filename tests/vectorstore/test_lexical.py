from vectorstore.lexical import BM25, stem, tokenize


def test_affixes_meet_at_one_stem() -> None:
    assert stem("menuduh") == stem("dituduh") == stem("tuduhan") == "tuduh"
    assert stem("memasok") == stem("pasokan") == stem("dipasok") == "pasok"
    assert stem("senjatanya") == "senjata"


def test_roots_that_look_affixed_stay_whole() -> None:
    # The light affix stripper read these as prefix or suffix + stem: selatan -> selat (south became
    # strait), menteri -> nter, kereta -> reta, terbang -> bang; and memasok -> asok but pasokan -> paso.
    assert [stem(w) for w in ("selatan", "menteri", "kereta", "terbang")] == [
        "selatan",
        "menteri",
        "kereta",
        "terbang",
    ]
    assert stem("penerbangan") == "terbang"
    assert stem("selatan") != stem("selat")


def test_tokenize_drops_function_words_and_splits_hyphens() -> None:
    assert tokenize("Siapa yang mengirim tuduhan itu?") == ["kirim", "tuduh"]
    assert tokenize("Kim Jong-un") == ["kim", "jong", "un"]


def _index() -> BM25:
    bm = BM25()
    bm.add("a#s0", "a", "Korea Utara membantah tuduhan memasok senjata ke Rusia.")
    bm.add("a#s1", "a", "Cuaca di Jakarta cerah hari ini.")
    bm.add("b#s0", "b", "Rusia dan Korea Utara dibantah mengirim amunisi.")
    bm.add("c#s0", "c", "Harga beras naik di pasar.")
    return bm


def test_bm25_ranks_matching_documents_first() -> None:
    hits = _index().search("siapa yang membantah pasokan senjata?", limit=10)
    assert [doc for doc, _ in hits][:2] == ["a#s0", "b#s0"]
    assert all(score > 0 for _, score in hits)


def test_bm25_respects_allowed_articles_and_removal() -> None:
    bm = _index()
    assert [d for d, _ in bm.search("membantah", 10, allowed={"b"})] == ["b#s0"]
    bm.remove_article("a")
    assert len(bm) == 2
    assert [d for d, _ in bm.search("membantah senjata", 10)] == ["b#s0"]
    assert bm.search("cuaca jakarta", 10) == []


def test_scores_normalise_below_max_score() -> None:
    bm = _index()
    top = bm.search("membantah senjata Rusia", 1)[0][1]
    assert 0 < top <= bm.max_score("membantah senjata Rusia")


def test_re_adding_a_document_replaces_it() -> None:
    bm = _index()
    bm.add("c#s0", "c", "Harga minyak turun.")
    assert bm.search("beras", 10) == []
    assert [d for d, _ in bm.search("minyak", 10)] == ["c#s0"]


def test_english_possessive_is_no_word() -> None:
    assert tokenize("Russia's defence minister") == tokenize("Russia defence minister")
    assert tokenize("Korea’s missiles") == ["korea", "missiles"]
    assert tokenize("Ma'ruf") == ["ma", "ruf"]  # an apostrophe inside a word is not a possessive


def test_an_acronym_of_the_query_never_counts_as_a_missing_word() -> None:
    """ "North Korea" makes the acronym "nk"; an index that never writes "NK" must not score the query
    as if one of its words were absent from every article (`max_score` counts missing words in full)."""
    bm = BM25()
    bm.add("a#s0", "a", "Korea Utara membantah tuduhan.")
    bm.add("a#s1", "a", "Cuaca cerah.")
    with_names = bm.max_score("North Korea membantah")
    assert with_names == bm.max_score("north korea membantah")
    # The acronym still counts where the index holds it.
    bm.add("b#s0", "b", "Perserikatan Bangsa-Bangsa bersidang.")
    assert bm.max_score("forum Perserikatan Bangsa-Bangsa") > bm.max_score("forum perserikatan bangsa-bangsa")
