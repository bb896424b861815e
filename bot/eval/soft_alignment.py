"""Soft word alignment in the stance head: does e5 see *memasok* in *mengirim*? Measured, nothing written.

    CLAIMBOT_EMBEDDING_CACHE_DIR=/tmp/claimbot-emb-cache python -m bot.eval.soft_alignment

The stance model's unaligned words (`bot.stance.features.unaligned_words`) are the claim's words whose
stem the evidence does not say, so a claim in other words reads as "adds something" (its stated limit:
paraphrase beyond shared stems). Here each word of IndoNLI (train and dev, about 12,000 distinct words)
is embedded alone by the bundled e5 (as a query; vectors centred on the vocabulary's mean, then unit
length), and each unaligned claim word gets its best cosine with a word of the evidence. Signals per pair
(`signals`): how many unaligned words have a match of at least 0.3 / 0.4 / 0.5 / 0.6, the mean, lowest
and highest best match, the number of unaligned words and of evidence words the claim does not say. Two
pools of evidence words: all of them (`all`), or only those the claim does not say (`own`, the candidates
for a substituted word). Each block is added to the monolingual head's design as shipped and compared
by `bot.eval.stance_signals.compare` (C by grouped 5-fold CV on IndoNLI train, accuracy on IndoNLI dev
paired against the head as shipped, 95% bootstrap interval).

Data: IndoNLI (Mahendra et al., EMNLP 2021; CC BY-SA 4.0) from `../shared/data/`. Embedding the
vocabulary takes about a minute and a half on 2 cores (cached under `data/stance-cache/` and in
CLAIMBOT_EMBEDDING_CACHE_DIR); the comparison a few minutes.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from bot.stance.data import Pair
    from vectorstore.embeddings import ArrayEmbeddings

THRESHOLDS = (0.3, 0.4, 0.5, 0.6)
Pool = Literal["all", "own"]


class WordVectors:
    """e5 vectors of single words, centred on the mean of the words given and scaled to unit length."""

    def __init__(
        self, words: Sequence[str], embedder: ArrayEmbeddings, cache_dir: Path | None = None
    ) -> None:
        from bot.stance.data import CACHE_DIR, embed_cached

        self.words = sorted(set(words))
        matrix = embed_cached(self.words, embedder, is_query=True, cache_dir=cache_dir or CACHE_DIR)
        matrix = matrix - matrix.mean(axis=0)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.matrix = matrix / norms
        self.row = {w: i for i, w in enumerate(self.words)}

    def best_matches(self, words: Sequence[str], pool: Sequence[str]) -> NDArray[np.float32]:
        """For each of `words`, its highest cosine with a word of `pool` (both known words)."""
        a = self.matrix[[self.row[w] for w in words]]
        b = self.matrix[[self.row[w] for w in pool]]
        return (a @ b.T).max(axis=1).astype(np.float32)


def words_of(pairs: Sequence[Pair]) -> list[str]:
    """Every word (as the stance features read them) of the pairs' claims and evidence."""
    from bot.stance.features import _words

    return [w for p in pairs for text in (p.claim, p.evidence) for w in _words(text)]


def signals(pairs: Sequence[Pair], vectors: WordVectors, pool: Pool) -> NDArray[np.float32]:
    """The soft-alignment signals of each pair (see the module's text), one row each."""
    from bot.stance.features import _words
    from vectorstore.text import stem

    rows = []
    for p in pairs:
        claim, evidence = _words(p.claim), _words(p.evidence)
        said = set(evidence) | {stem(w) for w in evidence}
        says = set(claim) | {stem(w) for w in claim}
        unaligned = [w for w in dict.fromkeys(claim) if w not in said and stem(w) not in said]
        own = [w for w in dict.fromkeys(evidence) if w not in says and stem(w) not in says]
        candidates = own if pool == "own" else list(dict.fromkeys(evidence))
        if unaligned and candidates:
            best = vectors.best_matches(unaligned, candidates)
            row = [float((best >= t).sum()) for t in THRESHOLDS]
            row += [float(best.mean()), float(best.min()), float(best.max())]
        else:
            row = [0.0] * (len(THRESHOLDS) + 3)
        rows.append([*row, float(len(unaligned)), float(len(own))])
    return np.array(rows, dtype=np.float32).reshape(len(pairs), len(THRESHOLDS) + 5)


def main(argv: Sequence[str] | None = None) -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args(argv)
    from bot.eval.stance_signals import compare
    from bot.stance.data import load_pairs, shared_path
    from vectorstore.config import EmbeddingSettings
    from vectorstore.embeddings import E5Embeddings

    train, dev = load_pairs(shared_path("indonli-train.jsonl")), load_pairs(shared_path("indonli-dev.jsonl"))
    embedder = E5Embeddings(batch_size=64, show_progress=True)
    shared_cache = EmbeddingSettings().embedding_cache_dir
    if shared_cache is not None:
        embedder.use_cache(shared_cache)
    vectors = WordVectors(words_of([*train, *dev]), embedder)
    compare(
        train,
        dev,
        {
            "+ soft alignment, all evidence words": lambda pairs: signals(pairs, vectors, "all"),
            "+ soft alignment, evidence words the claim lacks": lambda pairs: signals(pairs, vectors, "own"),
        },
    )


if __name__ == "__main__":
    main()
