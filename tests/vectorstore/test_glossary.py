from vectorstore.glossary import gloss, lemma_candidates, translations
from vectorstore.lexical import BM25


def test_inflected_english_words_find_their_entry() -> None:
    assert "membantah" in translations("denied")
    assert translations("denies") == translations("deny")
    assert "bertemu" in translations("met")  # irregular past
    assert "rencana" in translations("planned")  # doubled consonant
    assert "plan" in lemma_candidates("planning")
    assert translations("kereta") == ()  # not an English word of the glossary
    assert translations("Kim-Jong") == ()


def test_an_english_query_meets_indonesian_words_in_bm25() -> None:
    index = BM25()
    index.add("a#s0", "a", "Kim tiba di Rusia dengan menaiki kereta lapis baja.")
    index.add("b#s0", "b", "Kim bertemu dengan Putin di kosmodrom.")
    index.add("c#s0", "c", "Harga beras naik lagi pekan ini.")
    ranked = index.search("Kim arrived on an armoured train", limit=3)
    assert ranked[0][0] == "a#s0"
    # Without the glossary only "Kim" would match, and a and b would tie.
    assert ranked[0][1] > 2 * dict(ranked)["b#s0"]
    # An Indonesian query is untouched by it.
    assert index.search("harga beras", limit=1)[0][0] == "c#s0"


def test_a_gloss_puts_an_english_claim_in_the_quotes_words() -> None:
    quote = (
        "Pertemuan itu berlangsung sehari setelah kedatangan Kim di Rusia dengan menaiki kereta lapis baja."
    )
    glossed = gloss("Kim Jong Un arrived in Russia on an armoured train.", quote)
    # The name by the part the quote writes, Russia as the quote spells it, function words dropped.
    # "datang" is the glossary's first word the quote holds (as "kedatangan", the same stem).
    assert glossed.split() == ["Kim", "datang", "rusia", "lapis", "kereta"]
    assert gloss("Kim did not fly 1,000 km", "Kim terbang") == "Kim tidak terbang 1,000 km"
    assert "pendek" in gloss("short-range missiles", "rudal jarak pendek").split()


def test_names_of_countries_and_name_parts_take_the_quotes_indonesian_form() -> None:
    quote = "Jepang juga mendeteksi peluncuran rudal Korea Utara ke Laut Jepang."
    words = gloss("Japan also detected the North Korean missile launch.", quote).split()
    assert {"jepang", "utara", "korea", "deteksi", "rudal"} <= {w.lower() for w in words}
    assert "japan" not in {w.lower() for w in words} and "North" not in words
    assert translations("chinese") == ("china", "tiongkok") and translations("ukrainian") == ("ukraina",)
    # A name the quote does not hold stays as written.
    assert "Japan" in gloss("Kim visited Japan.", "Kim berkunjung ke Rusia.").split()


def test_an_english_country_name_finds_its_indonesian_name_in_bm25() -> None:
    index = BM25()
    index.add("a#s0", "a", "Jepang juga mendeteksi peluncuran rudal tersebut.")
    index.add("a#s1", "a", "Korea Utara meluncurkan dua rudal balistik.")
    assert index.search("Japan detected the launch", 2)[0][0] == "a#s0"
