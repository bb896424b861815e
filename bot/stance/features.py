"""Features of a (claim, evidence) pair for the stance model, all in one place.

Two kinds, concatenated into one vector by `design_matrix`:

- **Lexical signals** (`lexical_features`, named and described in `LEXICAL_NAMES`), each explainable on
  its own: how much of the claim the evidence covers (stemmed with `vectorstore.lexical.tokenize`),
  negation and denial words on either side, numbers, years and months that differ, antonyms and "same
  kind, other value" words (plane vs train, north vs south), capitalised names of the claim missing
  from the evidence. The word lists (`bot.stance.lexicon`) are Indonesian and English.
- **Embedding features** of the query-embedded claim `u` and the passage-embedded evidence `v` (the
  bundled e5): their cosine centred on the average evidence (`centred_cosine`), and `[|u - v|, u * v]`
  projected on a few principal directions learnt in training. Neither `u` nor `v` alone is used, so
  the model cannot learn what a claim "looks like" without its evidence (on IndoNLI that trick alone
  reaches 0.55 accuracy and would not carry over).

Word-overlap signals mean nothing between an English claim and an Indonesian quote, so the model has a
second head that sees only `LANGUAGE_INDEPENDENT` signals; `vectorstore.text.language` picks the head.

Everything here is pure and deterministic; the model and the training script both call
`design_matrix`, so training and serving cannot compute features differently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from bot.stance.lexicon import (
    ANTONYMS,
    CLASS_MEMBERS,
    DENIALS,
    HEDGES,
    MULTIPLIERS,
    NEGATIONS,
    NUMBER_WORDS,
    RESTRICTORS,
)
from vectorstore.text import stem, tokenize

if TYPE_CHECKING:
    from numpy.typing import NDArray

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![\w])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*")
_CONTRACTED_NOT = re.compile(r"n['’]t\b")

LEXICAL_NAMES: tuple[str, ...] = (
    "coverage",  # share of the claim's content words found in the evidence
    "missing_words",  # log(1 + number of claim content words not in the evidence)
    "evidence_coverage",  # share of the evidence's content words found in the claim
    "bigram_coverage",  # share of the claim's content-word bigrams found in the evidence
    "trigram_coverage",  # share of the claim's character trigrams found in the evidence (morphology)
    "order",  # longest common subsequence of claim and evidence words, as a share of the claim
    "claim_length",  # log(1 + number of claim content words)
    "length_ratio",  # claim content words / evidence content words (capped at 2)
    "negation_claim",  # the claim has a negation word
    "negation_evidence",  # the evidence has a negation word
    "polarity_mismatch",  # one side negated (odd count of negation and denial words), the other not
    "denial_claim",  # the claim has a denial word (deny, membantah...)
    "denial_evidence",  # the evidence has a denial word
    "denial_mismatch",  # exactly one side has a denial word
    "hedge_claim",  # the claim hedges (may, akan, diduga...) and the evidence does not
    "restrictor_claim",  # the claim narrows (only, all, always...) with a word the evidence lacks
    "number_match",  # share of the claim's numbers found in the evidence
    "number_conflict",  # a number of the claim is absent while the evidence gives other numbers
    "number_unsupported",  # the claim has numbers, the evidence none
    "year_conflict",  # a year (1900-2100) of the claim is absent while the evidence gives another
    "antonym",  # a word of the claim has its antonym, not itself, in the evidence
    "class_conflict",  # same class, other member (train vs plane; March vs September; north vs south)
    "claim_names",  # log(1 + number of names in the claim)
    "name_missing",  # share of the claim's names (capitalised runs) with no word in the evidence
    "name_conflict",  # a name of the claim is missing and the evidence has a name the claim lacks
    # The same statement with one thing changed is a contradiction: conflicts weighted by coverage.
    "covered_polarity",  # polarity_mismatch times coverage
    "covered_antonym",  # antonym times coverage
    "covered_number",  # number_conflict times coverage
    "covered_class",  # class_conflict times coverage
)

# Signals that do not compare words of the two texts, so they hold between languages too.
LANGUAGE_INDEPENDENT: tuple[str, ...] = (
    "negation_claim",
    "negation_evidence",
    "polarity_mismatch",
    "denial_claim",
    "denial_evidence",
    "denial_mismatch",
    "hedge_claim",
    "number_match",
    "number_conflict",
    "number_unsupported",
    "year_conflict",
    "antonym",
    "class_conflict",
    "claim_names",
    "name_missing",
    "name_conflict",
)

# Yes/no signals reported with a prediction, to explain it.
SIGNALS: tuple[str, ...] = (
    "polarity_mismatch",
    "denial_mismatch",
    "number_conflict",
    "year_conflict",
    "antonym",
    "class_conflict",
    "name_conflict",
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def parse_number(token: str) -> float:
    """A number as written in Indonesian or English: '1.000' and '1,000' are 1000, '2,5' is 2.5."""
    parts = re.split(r"[.,]", token)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        return float("".join(parts))
    if len(parts) == 2:
        return float(f"{parts[0]}.{parts[1]}")
    return float("".join(parts))


def numbers(text: str) -> set[float]:
    """The numbers of `text`, digits or words, with 'juta'/'million'-style multipliers applied."""
    found: set[float] = set()
    lowered = text.lower()
    for m in _NUMBER.finditer(lowered):
        value = parse_number(m.group())
        following = _WORD.match(lowered[m.end() :].lstrip())
        if following and following.group() in MULTIPLIERS:
            value *= MULTIPLIERS[following.group()]
        found.add(round(value, 6))
    words = _words(text)
    for i, w in enumerate(words):
        if w in NUMBER_WORDS:
            scale = MULTIPLIERS.get(words[i + 1], 1.0) if i + 1 < len(words) else 1.0
            found.add(float(NUMBER_WORDS[w] * scale))
    return found


def names(text: str) -> set[tuple[str, ...]]:
    """Names: runs of capitalised words, lower-cased ("Kim Jong Un" -> ('kim', 'jong', 'un')). A single
    word capitalised only for starting a sentence is left out."""
    out = set()
    for m in _NAME.finditer(text):
        words = tuple(w.lower() for w in m.group().split())
        before = text[: m.start()].rstrip(" \"'“‘(")
        if len(words) == 1 and (not before or before.endswith((".", "!", "?", ":"))):
            continue
        out.add(words)
    return out


def _name_found(name: tuple[str, ...], words: set[str]) -> bool:
    # One word of a name is enough (Kim Jong Un is "Kim"); fuzzy, so that "Russia" meets "Rusia".
    return any(n == w or SequenceMatcher(None, n, w).ratio() >= 0.8 for n in name for w in words)


def abbreviates(short: str, words: Sequence[str]) -> bool:
    """Whether `short` is spelt by prefixes of two or more consecutive `words`, as Indonesian news
    shortens names: 'korut' (Korea Utara), 'ktt' (konferensi tingkat tinggi), 'pbb'. Lower-case input."""

    def spell(rest: str, j: int, used: int) -> bool:
        if not rest:
            return used >= 2
        if j >= len(words) or not words[j].startswith(rest[0]):
            return False
        word = words[j]
        return any(
            word[:n] == rest[:n] and spell(rest[n:], j + 1, used + 1)
            for n in range(min(len(word), len(rest)), 0, -1)
        )

    return 2 <= len(short) <= 8 and any(spell(short, i, 0) for i in range(len(words)))


def _negations(text: str, words: list[str]) -> int:
    return sum(w in NEGATIONS for w in words) + len(_CONTRACTED_NOT.findall(text.lower()))


def _denials(words: list[str]) -> int:
    return sum(w in DENIALS or stem(w) in DENIALS for w in words)


def polarity_counts(text: str) -> tuple[int, int]:
    """(negations, denials) in `text`, contractions ("didn't") counted as negations: what sets its
    polarity (`lexical_features` compares their parity on the two sides)."""
    words = _words(text)
    return _negations(text, words), _denials(words)


def _antonym(claim_words: set[str], evidence_words: set[str]) -> bool:
    claim_sides = {ANTONYMS[w] for w in claim_words if w in ANTONYMS}
    evidence_sides = {ANTONYMS[w] for w in evidence_words if w in ANTONYMS}
    return any(
        (pair, 1 - side) in evidence_sides and (pair, side) not in evidence_sides
        for pair, side in claim_sides
    )


def _class_conflict(claim_words: set[str], evidence_words: set[str]) -> bool:
    evidence_members = {CLASS_MEMBERS[w] for w in evidence_words if w in CLASS_MEMBERS}
    for cls, member in {CLASS_MEMBERS[w] for w in claim_words if w in CLASS_MEMBERS}:
        others = {m for c, m in evidence_members if c == cls}
        if others and member not in others:
            return True
    return False


def _trigrams(text: str) -> set[str]:
    padded = f" {' '.join(_words(text))} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _in_order(claim: list[str], evidence: list[str]) -> float:
    """Longest common subsequence of the two token lists, as a share of the claim."""
    if not claim:
        return 1.0
    prev = [0] * (len(evidence) + 1)
    for c in claim:
        row = [0]
        for j, e in enumerate(evidence):
            row.append(prev[j] + 1 if c == e else max(prev[j + 1], row[j]))
        prev = row
    return prev[-1] / len(claim)


def _share(part: set[object], whole: set[object], empty: float) -> float:
    return len(part & whole) / len(part) if part else empty


def lexical_features(claim: str, evidence: str) -> NDArray[np.float32]:
    """The lexical signals of one pair, in the order of `LEXICAL_NAMES`."""
    # Numbers are compared as values below, not as words.
    c_tokens = [t for t in tokenize(claim) if not t.isdigit()]
    e_tokens = [t for t in tokenize(evidence) if not t.isdigit()]
    c_words, e_words = _words(claim), _words(evidence)
    c_set, e_set = set(c_tokens), set(e_tokens)
    # A claim word that abbreviates evidence words (Korut: Korea Utara) counts as found.
    found = (c_set & e_set) | {t for t in c_set - e_set if abbreviates(t, e_words)}
    coverage = len(found) / len(c_set) if c_set else 1.0
    c_bigrams, e_bigrams = set(pairwise(c_tokens)), set(pairwise(e_tokens))

    c_forms = set(c_words) | {stem(w) for w in c_words}
    e_forms = set(e_words) | {stem(w) for w in e_words}
    neg_c, neg_e = _negations(claim, c_words), _negations(evidence, e_words)
    den_c, den_e = _denials(c_words), _denials(e_words)
    # "X denied doing Y" says, for the claim "X did Y", what "X did not do Y" says.
    polarity_mismatch = (neg_c + den_c) % 2 != (neg_e + den_e) % 2
    antonym = _antonym(c_forms, e_forms)
    class_conflict = _class_conflict(c_forms, e_forms)

    c_num, e_num = numbers(claim), numbers(evidence)
    number_conflict = bool(c_num - e_num) and bool(e_num - c_num)
    c_years = {n for n in c_num if 1900 <= n <= 2100 and n == int(n)}
    e_years = {n for n in e_num if 1900 <= n <= 2100 and n == int(n)}

    c_names, e_names = names(claim), names(evidence)
    missing_names = [
        n for n in c_names if not _name_found(n, set(e_words)) and not any(abbreviates(w, e_words) for w in n)
    ]
    extra_names = [n for n in e_names if not _name_found(n, set(c_words))]

    return np.array(
        [
            coverage,
            np.log1p(len(c_set - found)),
            _share(e_set, c_set, 0.0),  # type: ignore[arg-type]
            _share(c_bigrams, e_bigrams, coverage),  # type: ignore[arg-type]
            _share(_trigrams(claim), _trigrams(evidence), 1.0),  # type: ignore[arg-type]
            _in_order(c_tokens, e_tokens),
            np.log1p(len(c_tokens)),
            min(len(c_tokens) / max(len(e_tokens), 1), 2.0),
            neg_c > 0,
            neg_e > 0,
            polarity_mismatch,
            den_c > 0,
            den_e > 0,
            (den_c > 0) != (den_e > 0),
            bool(c_forms & HEDGES) and not (e_forms & HEDGES),
            bool((c_forms & RESTRICTORS) - e_forms),
            _share(c_num, e_num, 0.0),  # type: ignore[arg-type]
            number_conflict,
            bool(c_num) and not e_num,
            bool(c_years - e_years) and bool(e_years - c_years),
            antonym,
            class_conflict,
            np.log1p(len(c_names)),
            len(missing_names) / len(c_names) if c_names else 0.0,
            bool(missing_names) and bool(extra_names),
            polarity_mismatch * coverage,
            antonym * coverage,
            number_conflict * coverage,
            class_conflict * coverage,
        ],
        dtype=np.float32,
    )


def lexical_matrix(claims: Sequence[str], evidences: Sequence[str]) -> NDArray[np.float32]:
    """`lexical_features` of each pair, one row each."""
    if not claims:
        return np.zeros((0, len(LEXICAL_NAMES)), dtype=np.float32)
    return np.vstack([lexical_features(c, e) for c, e in zip(claims, evidences, strict=True)])


def unaligned_words(claim: str, evidence: str) -> list[str]:
    """Stems of the claim's words that the evidence does not say (neither as written nor stemmed), each
    once, in order. The model weighs them by a learnt vocabulary (`unaligned_matrix`): which words a
    claim adds that make it unsettled ("pertama", "hanya") or contradicted ("tidak", "belum") is learnt
    from IndoNLI rather than listed by hand (IndoNLI dev accuracy 0.670 -> 0.707 with lexical signals
    alone, logistic regression)."""
    said = set(_words(evidence))
    said |= {stem(w) for w in said}
    out: list[str] = []
    for word in _words(claim):
        root = stem(word)
        if word not in said and root not in said and root not in out:
            out.append(root)
    return out


def unaligned_matrix(unaligned: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> NDArray[np.float32]:
    """One row per pair (its `unaligned_words`), one 0/1 column per `vocabulary` word."""
    column = {w: i for i, w in enumerate(vocabulary)}
    out = np.zeros((len(unaligned), len(vocabulary)), dtype=np.float32)
    for row, words in enumerate(unaligned):
        for word in words:
            if word in column:
                out[row, column[word]] = 1.0
    return out


def interaction(u: NDArray[np.float32], v: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows of [|u - v|, u * v] for claim vectors `u` and evidence vectors `v`, both (n, dim)."""
    return np.hstack([np.abs(u - v), u * v]).astype(np.float32)


def centred_cosine(
    u: NDArray[np.float32], v: NDArray[np.float32], evidence_mean: NDArray[np.float32]
) -> NDArray[np.float32]:
    """How much closer each claim is to its evidence than to the average evidence: u . (v - mean).

    e5 puts an English claim ~0.05 further from an Indonesian sentence than the same claim in
    Indonesian; the claim's similarity to the average (Indonesian) evidence carries the same offset,
    so the difference is comparable across languages.
    """
    return np.sum(u * (v - evidence_mean), axis=1, keepdims=True).astype(np.float32)


def design_matrix(
    lexical: NDArray[np.float32],
    u: NDArray[np.float32],
    v: NDArray[np.float32],
    *,
    columns: Sequence[str],
    evidence_mean: NDArray[np.float32],
    pca_mean: NDArray[np.float32],
    pca_components: NDArray[np.float32],
    unaligned: NDArray[np.float32] | None = None,
) -> NDArray[np.float32]:
    """A head's input: the chosen lexical `columns`, the centred cosine, the projected interaction and
    the claim's unaligned words (`unaligned_matrix`, possibly with no column).

    `lexical` holds every signal (columns in `LEXICAL_NAMES` order); `pca_components` is (k, 2 * dim),
    possibly with k = 0; an empty `evidence_mean` means the head uses no embedding feature at all.
    """
    index = [LEXICAL_NAMES.index(c) for c in columns]
    bag = unaligned if unaligned is not None else np.zeros((len(lexical), 0), dtype=np.float32)
    if evidence_mean.size == 0:  # a head without embedding features: `u` and `v` are not read
        return np.hstack([lexical[:, index], bag]).astype(np.float32)
    projected = ((interaction(u, v) - pca_mean) @ pca_components.T).astype(np.float32)
    parts: list[NDArray[np.float32]] = [
        lexical[:, index],
        centred_cosine(u, v, evidence_mean),
        projected,
        bag,
    ]
    return np.hstack(parts).astype(np.float32)


def fired_signals(lexical_row: NDArray[np.float32]) -> list[str]:
    """The names in `SIGNALS` that are on for one pair, to explain a prediction."""
    return [name for name in SIGNALS if lexical_row[LEXICAL_NAMES.index(name)] > 0]
