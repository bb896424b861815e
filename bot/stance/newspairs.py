"""News-domain training pairs built from real articles and their summaries (IndoSum).

IndoNLI premises are one to three short sentences; the checker judges long news sentences, which say the
claim together with *related* content (attribution, a second fact about the same people). IndoSum gives
news articles with a mostly extractive summary, so a summary sentence is a claim that some sentence of its
article says in other words or nearly the same ones. Each summary sentence of at least
`MIN_CLAIM_WORDS` content words gives:

- `supports`: the article sentence that covers the most of the claim's content words (stemmed,
  `vectorstore.text.tokenize`; sentences cut by `vectorstore.sentences.split_sentences`), kept only when
  it covers at least `min_coverage` of them (a confident alignment). A near-verbatim copy (the sentence
  covers the whole claim and the claim at least `COPY_EVIDENCE_COVERAGE` of the sentence) is kept unless
  `copies=False`.
- `neutral` (`other`): the sentence of *another* article of the same category that covers the most of the
  claim while covering less than `NEUTRAL_MAX_COVERAGE` of it, with at least `NEUTRAL_MIN_SHARED` content
  words in common: on the topic, not saying the claim. The ceiling keeps a report of the same event by
  another outlet (which might say the claim) out.
- `neutral` (`same`, only with `same_article=True`): a sentence of the claim's own article that shares a
  name with it (`bot.stance.features.names`) but covers less than `NEUTRAL_MAX_COVERAGE` of it.

No `refutes` pair: no honest source of contradictions exists in the data. Claims are drawn in a random
order (seed) and each gives its pairs (a `supports`, usually an `other` neutral, with `same_article` often
a second neutral) until `limit` pairs are taken: about as many supports as neutral pairs, or a third
supports with `same_article`. Every pair's `group` is its article (`indosum:ID`), so grouped folds keep an
article's pairs on one side. Used by `python -m bot.stance.train --news-pairs N`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.stance.data import Pair
from bot.stance.features import names
from vectorstore.sentences import split_sentences
from vectorstore.text import tokenize, words

MIN_CLAIM_WORDS = 4
MIN_COVERAGE = 0.8
COPY_EVIDENCE_COVERAGE = 0.9
NEUTRAL_MAX_COVERAGE = 0.5
NEUTRAL_MIN_SHARED = 2
# Claims scored against a category's sentences at once (a dense block of claims x sentences).
_BATCH = 256


@dataclass(frozen=True)
class NewsArticle:
    """An article with its summary; `category` groups articles for the `other` neutral pairs."""

    id: str
    category: str
    text: str
    summary: str


@dataclass(frozen=True)
class _Sentence:
    article: int
    text: str
    tokens: frozenset[str]


def load_articles(path: str | Path, exclude: Iterable[str] = ()) -> list[NewsArticle]:
    """IndoSum articles (`{id, category, text, summary, ...}` a line), without the ids in `exclude`."""
    skip = set(exclude)
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["id"] not in skip and row.get("summary"):
                out.append(NewsArticle(row["id"], row.get("category") or "", row["text"], row["summary"]))
    return out


def corpus_ids(path: str | Path) -> set[str]:
    """The document ids of a corpus file (`{id, ...}` a line), e.g. the IndoNLI claims' distractors."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["id"] for line in lines if line.strip()}


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def coverage(claim: frozenset[str], evidence: frozenset[str]) -> float:
    """Share of the claim's content words that the evidence has."""
    return len(claim & evidence) / len(claim) if claim else 0.0


def is_copy(claim: frozenset[str], evidence: frozenset[str]) -> bool:
    """Whether the evidence says the claim nearly verbatim: all of it, and little else."""
    return coverage(claim, evidence) == 1.0 and coverage(evidence, claim) >= COPY_EVIDENCE_COVERAGE


def _shares_name(claim: str, evidence: str) -> bool:
    said = set(words(evidence))
    return any(any(w in said for w in name) for name in names(claim))


def news_pairs(
    articles: Sequence[NewsArticle],
    limit: int,
    seed: int = 0,
    *,
    min_coverage: float = MIN_COVERAGE,
    copies: bool = True,
    same_article: bool = False,
) -> list[Pair]:
    """Up to `limit` labelled pairs from `articles` (see the module docstring); deterministic for a seed."""
    sentences: list[_Sentence] = []
    owned: list[list[int]] = []
    for i, article in enumerate(articles):
        owned.append([])
        for text in _sentences(article.text):
            owned[i].append(len(sentences))
            sentences.append(_Sentence(i, text, frozenset(tokenize(text))))
    claims = [
        _Sentence(i, text, tokens)
        for i, article in enumerate(articles)
        for text in _sentences(article.summary)
        if len(tokens := frozenset(tokenize(text))) >= MIN_CLAIM_WORDS
    ]
    random.Random(seed).shuffle(claims)
    others = _other_neutrals(claims, sentences, articles)

    out: list[Pair] = []
    for n, claim in enumerate(claims):
        if len(out) >= limit:
            break
        group = f"indosum:{articles[claim.article].id}"
        own = [sentences[j] for j in owned[claim.article]]
        best = max(own, key=lambda s: (coverage(claim.tokens, s.tokens), -len(s.tokens)), default=None)
        if best is None or coverage(claim.tokens, best.tokens) < min_coverage:
            continue
        if not copies and is_copy(claim.tokens, best.tokens):
            continue
        found = [Pair(claim.text, best.text, "supports", group)]
        other = others[n]
        if other is not None:
            found.append(Pair(claim.text, sentences[other].text, "neutral", group))
        if same_article:
            near = [
                s
                for s in own
                if coverage(claim.tokens, s.tokens) < NEUTRAL_MAX_COVERAGE
                and _shares_name(claim.text, s.text)
            ]
            if near:
                chosen = max(near, key=lambda s: coverage(claim.tokens, s.tokens))
                found.append(Pair(claim.text, chosen.text, "neutral", group))
        out.extend(found[: limit - len(out)])
    return out


def _other_neutrals(
    claims: Sequence[_Sentence], sentences: Sequence[_Sentence], articles: Sequence[NewsArticle]
) -> list[int | None]:
    """For each claim, the index of the sentence of another article of its category that covers the most
    of it under `NEUTRAL_MAX_COVERAGE`, sharing at least `NEUTRAL_MIN_SHARED` words (None: no such one)."""
    vocabulary: dict[str, int] = {}
    for s in [*sentences, *claims]:
        for t in s.tokens:
            vocabulary.setdefault(t, len(vocabulary))
    out: list[int | None] = [None] * len(claims)
    for category in sorted({a.category for a in articles}):
        rows = [j for j, s in enumerate(sentences) if articles[s.article].category == category]
        asked = [n for n, c in enumerate(claims) if articles[c.article].category == category]
        if not rows or not asked:
            continue
        matrix = _binary([sentences[j].tokens for j in rows], vocabulary)
        owner = np.array([sentences[j].article for j in rows])
        for start in range(0, len(asked), _BATCH):
            batch = asked[start : start + _BATCH]
            q = _binary([claims[n].tokens for n in batch], vocabulary)
            shared = (q @ matrix.T).toarray()
            sizes = np.array([len(claims[n].tokens) for n in batch], dtype=np.float64)[:, None]
            cover = shared / sizes
            allowed = (
                (owner[None, :] != np.array([claims[n].article for n in batch])[:, None])
                & (cover < NEUTRAL_MAX_COVERAGE)
                & (shared >= NEUTRAL_MIN_SHARED)
            )
            cover = np.where(allowed, cover, -1.0)
            best = cover.argmax(axis=1)
            for k, n in enumerate(batch):
                if cover[k, best[k]] >= 0:
                    out[n] = rows[int(best[k])]
    return out


def _binary(token_sets: Sequence[frozenset[str]], vocabulary: dict[str, int]) -> Any:
    """A sparse 0/1 matrix, one row per token set, one column per vocabulary word."""
    from scipy.sparse import csr_matrix

    indices = [vocabulary[t] for tokens in token_sets for t in sorted(tokens)]
    indptr = np.cumsum([0, *(len(tokens) for tokens in token_sets)])
    data = np.ones(len(indices), dtype=np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(token_sets), len(vocabulary)))
