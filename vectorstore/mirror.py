"""What each process derives from the index and keeps in memory: the BM25 indexes of sentences and
chunks, and each article's sum of sentence vectors, whose direction is what the article is about
(`topic_direction`).

Built from Chroma when a store opens or another process wrote (`Mirror.build`), and updated by the same
calls that write Chroma (`add_article`, `remove_article`), so the two never drift. A rebuild makes a new
`Mirror` that the store swaps in whole: readers never see half of one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from vectorstore.chroma import chunk_id, sentence_id
from vectorstore.lexical import BM25

if TYPE_CHECKING:
    from numpy.typing import NDArray


class Mirror:
    """BM25 over sentences and over chunks, and the sentence-vector sum of every ready article."""

    def __init__(self) -> None:
        self.lex_sentences = BM25()
        self.lex_chunks = BM25()
        self.sums: dict[str, NDArray[np.float64]] = {}

    @classmethod
    def build(
        cls,
        sentences: Iterable[tuple[str, str, str, NDArray[np.float64]]],
        chunks: Iterable[tuple[str, str, str]],
    ) -> Mirror:
        """A mirror of stored sentences (id, article id, text, vector) and chunks (id, article id, text)."""
        mirror = cls()
        for doc_id, aid, doc, vec in sentences:
            mirror.lex_sentences.add(doc_id, aid, doc)
            mirror.sums[aid] = mirror.sums[aid] + vec if aid in mirror.sums else vec
        for doc_id, aid, doc in chunks:
            mirror.lex_chunks.add(doc_id, aid, doc)
        return mirror

    def add_article(
        self,
        article_id: str,
        sentences: Sequence[str],
        chunks: Sequence[str],
        sentence_vecs: NDArray[np.float32],
    ) -> None:
        """Take in (or replace) an article written to the index: its sentence and chunk texts, in order."""
        self.remove_article(article_id)
        self.sums[article_id] = sentence_vecs.astype(np.float64).sum(axis=0)
        for i, doc in enumerate(sentences):
            self.lex_sentences.add(sentence_id(article_id, i), article_id, doc)
        for i, doc in enumerate(chunks):
            self.lex_chunks.add(chunk_id(article_id, i), article_id, doc)

    def remove_article(self, article_id: str) -> None:
        """Forget an article (nothing happens if it is not held)."""
        self.sums.pop(article_id, None)
        self.lex_sentences.remove_article(article_id)
        self.lex_chunks.remove_article(article_id)

    def topic_direction(self, article_ids: Iterable[str] | None = None) -> NDArray[np.float32] | None:
        """Unit vector of the mean sentence embedding: what every article of the corpus shares, or,
        given `article_ids`, what those articles share (the whole corpus when none of them is held).

        Search removes this component before comparing a question with sentences, so a sentence does
        not win merely for naming the actors every candidate names (every question about the seeds
        mentions Kim and Putin; so do their headlines). It takes the articles near the question: in a
        newsroom's index of thousands of articles on everything, the corpus mean is general news, and
        removing it would leave Kim and Putin in every score.
        """
        sums: Mapping[str, NDArray[np.float64]] = self.sums
        held = [sums[a] for a in dict.fromkeys(article_ids) if a in sums] if article_ids is not None else []
        near = _unit_sum(held)
        return near if near is not None else _unit_sum(list(sums.values()))


def _unit_sum(vectors: Sequence[NDArray[np.float64]]) -> NDArray[np.float32] | None:
    """The direction of the sum of `vectors`; None when there are none or they cancel out."""
    if not vectors:
        return None
    total = np.sum(vectors, axis=0)
    norm = float(np.linalg.norm(total))
    return (total / norm).astype(np.float32) if norm else None
