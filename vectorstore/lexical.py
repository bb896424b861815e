"""A lexical (BM25) index over sentences and chunks, kept in step with the Chroma store.

It holds no state of its own on disk: the store rebuilds it from Chroma's documents when it opens and
updates it in the same call that writes Chroma, so the two cannot drift apart. Tokens are the text
layer's (`vectorstore.text`): lower-cased content words, stemmed, so "membantah", "dibantah" and
"bantahan" meet.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from vectorstore.glossary import translations
from vectorstore.text.stemming import stem
from vectorstore.text.tokens import stop_words, tokenize
from vectorstore.text.tokens import words as _words
from vectorstore.variants import spellings

# A capitalised word, hyphenated parts included ("Bangsa-Bangsa"); all-capital words are acronyms
# already and end a run.
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:-[A-Za-z][a-z]*)*")


def acronyms(text: str) -> list[str]:
    """Initials of runs of capitalised words, as news writes them: "Perserikatan Bangsa-Bangsa" -> "pbb",
    "Dewan Perwakilan Rakyat" -> "dpr". Runs of 2 to 6 initials only."""
    out: list[str] = []
    run: list[str] = []
    pos = -1
    for m in _CAPITALISED.finditer(text):
        if run and text[pos : m.start()] != " ":
            _close(run, out)
            run = []
        run.extend(part[0].lower() for part in m.group(0).split("-") if part[:1].isupper())
        pos = m.end()
    _close(run, out)
    return out


def _close(run: list[str], out: list[str]) -> None:
    if 2 <= len(run) <= 6:
        out.append("".join(run))


def index_terms(text: str, stemmer: Callable[[str], str] = stem) -> list[str]:
    """What BM25 indexes and searches for: the stemmed content words and the acronyms of `text`, so
    "PBB" in a question finds "Perserikatan Bangsa-Bangsa" in an article and the reverse."""
    return tokenize(text, stemmer) + acronyms(text)


class BM25:
    """Okapi BM25 over documents keyed by id, with incremental add and remove by article."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, stemmer: Callable[[str], str] = stem) -> None:
        self.k1 = k1
        self.b = b
        # Another stemmer only for measuring one against the other (vectorstore/stemmer_bench.py).
        self._stem = stemmer
        self._postings: dict[str, dict[str, int]] = {}
        self._length: dict[str, int] = {}
        self._terms: dict[str, Counter[str]] = {}
        self._article: dict[str, str] = {}
        self._by_article: dict[str, list[str]] = {}
        self._total = 0
        # Searches run in server threads while an ingest updates the index.
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self._length)

    def add(self, doc_id: str, article_id: str, text: str) -> None:
        """Index one document (replacing a previous one with the same id)."""
        with self._lock:
            self._add(doc_id, article_id, text)

    def _add(self, doc_id: str, article_id: str, text: str) -> None:
        if doc_id in self._length:
            self._remove_doc(doc_id)
        terms = Counter(index_terms(text, self._stem))
        self._terms[doc_id] = terms
        self._length[doc_id] = sum(terms.values())
        self._total += self._length[doc_id]
        self._article[doc_id] = article_id
        self._by_article.setdefault(article_id, []).append(doc_id)
        for term, tf in terms.items():
            self._postings.setdefault(term, {})[doc_id] = tf

    def remove_article(self, article_id: str) -> None:
        """Forget every document of `article_id`."""
        with self._lock:
            self._remove_article(article_id)

    def _remove_article(self, article_id: str) -> None:
        for doc_id in self._by_article.pop(article_id, []):
            self._remove_doc(doc_id, keep_article_list=True)

    def _remove_doc(self, doc_id: str, keep_article_list: bool = False) -> None:
        for term in self._terms.pop(doc_id):
            posting = self._postings[term]
            del posting[doc_id]
            if not posting:
                del self._postings[term]
        self._total -= self._length.pop(doc_id)
        article_id = self._article.pop(doc_id)
        if not keep_article_list:
            self._by_article[article_id].remove(doc_id)

    def vocabulary(self) -> set[str]:
        """Every (stemmed) term in the index."""
        with self._lock:
            return set(self._postings)

    def search(self, query: str, limit: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """The `limit` best (doc_id, score) pairs, restricted to articles in `allowed` when given."""
        with self._lock:
            return self._search(query, limit, allowed)

    def _concepts(self, query: str) -> list[tuple[str, ...]]:
        """The query's terms, each as the index terms that may stand for it: its stem, or, when the index
        does not hold that, the other spellings of the word it does hold (`vectorstore.variants`) and, for
        an English word, the Indonesian words it may stand for (`vectorstore.glossary`)."""
        out: list[tuple[str, ...]] = []
        seen: set[str] = set()
        stop, stem_ = stop_words(), self._stem
        for word in _words(query):
            if word in stop or stem_(word) in seen:
                continue
            primary = stem_(word)
            seen.add(primary)
            if primary in self._postings:
                out.append((primary,))
                continue
            others = {stem_(v) for v in spellings(word)} | spellings(word)
            others |= {stem_(t) for t in translations(word)}
            out.append((primary, *sorted(t for t in others - seen if t in self._postings)))
        # An acronym made from the query's own capitalised words ("North Korea" -> "nk") is another
        # spelling of words already counted: it counts where the index holds it, never as a missing word.
        out.extend((a,) for a in dict.fromkeys(acronyms(query)) if a not in seen and a in self._postings)
        return out

    def _idf(self, term: str, n: int) -> float:
        df = len(self._postings.get(term, ()))
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _search(self, query: str, limit: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        n = len(self._length)
        if n == 0:
            return []
        avgdl = self._total / n or 1.0
        scores: dict[str, float] = {}
        for concept in self._concepts(query):
            best: dict[str, float] = {}  # a concept counts once per document, by its best spelling
            for term in concept:
                posting = self._postings.get(term)
                if not posting:
                    continue
                idf = self._idf(term, n)
                for doc_id, tf in posting.items():
                    if allowed is not None and self._article[doc_id] not in allowed:
                        continue
                    norm = self.k1 * (1.0 - self.b + self.b * self._length[doc_id] / avgdl)
                    part = idf * tf * (self.k1 + 1.0) / (tf + norm)
                    best[doc_id] = max(best.get(doc_id, 0.0), part)
            for doc_id, part in best.items():
                scores[doc_id] = scores.get(doc_id, 0.0) + part
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:limit]

    def joint_score(self, query: str, doc_ids: Iterable[str]) -> float:
        """The score of the documents read as one (their terms and lengths added), e.g. a sentence with
        the sentence before it; 0 for ids the index does not hold."""
        with self._lock:
            n = len(self._length)
            ids = [d for d in doc_ids if d in self._length]
            if n == 0 or not ids:
                return 0.0
            avgdl = self._total / n or 1.0
            length = sum(self._length[d] for d in ids)
            norm = self.k1 * (1.0 - self.b + self.b * length / avgdl)
            score = 0.0
            for concept in self._concepts(query):
                parts = [0.0]
                for term in concept:
                    posting = self._postings.get(term)
                    tf = sum(posting.get(d, 0) for d in ids) if posting else 0
                    if tf:
                        parts.append(self._idf(term, n) * tf * (self.k1 + 1.0) / (tf + norm))
                score += max(parts)
            return score

    def max_score(self, query: str) -> float:
        """The score of a document holding every term of `query`, used to normalise scores to [0, 1].

        Terms the index has never seen count at full weight: a question whose distinctive words are
        absent from every article must not look fully covered because its names of people match.
        """
        n = len(self._length)
        if n == 0:
            return 0.0
        with self._lock:
            total = 0.0
            for concept in self._concepts(query):
                held = [t for t in concept if t in self._postings] or [concept[0]]
                total += max(self._idf(t, n) for t in held) * (self.k1 + 1.0)
            return total

    def knows_any(self, query: str) -> bool:
        """Whether the index holds any content word of `query`, in any spelling or translation the
        search itself would match. A greeting or key-mash holds none: there is nothing to look up."""
        with self._lock:
            return any(t in self._postings for concept in self._concepts(query) for t in concept)


def query_terms(text: str) -> Iterable[str]:
    """The distinct content terms of a question, in order (for explanations and tests)."""
    seen: dict[str, None] = {}
    for t in tokenize(text):
        seen.setdefault(t, None)
    return seen.keys()
