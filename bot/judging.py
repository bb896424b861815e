"""The stance of each retrieved quote towards a claim: supports, refutes or neutral, with its probability.

The stance model (`bot.stance`, trained on IndoNLI) says whether a quote entails the claim, contradicts it
or does not settle it. Here that becomes each quote's `stance`: a quote *supports* only when the model
gives entailment of the whole claim at least CLAIMBOT_SUPPORT_THRESHOLD, *refutes* only at
CLAIMBOT_REFUTE_THRESHOLD of contradiction, and only the CLAIMBOT_CHECK_QUOTES best-ranked candidates
may take a side at all: an entailment score of a sentence retrieval ranks far down is mostly noise (on
the IndoNLI dev claims, letting all 12 candidates decide added wrong `supported` verdicts for claims
whose premise does not settle them). No word lists and no hand rules: what a quote says about the claim
is the model's call, and the verdict (`bot.verdict`) only aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config.check import CheckSettings
from bot.models import EvidenceStance
from bot.stance.model import StanceScores
from vectorstore.glossary import gloss
from vectorstore.sentences import split_sentences
from vectorstore.text import language, tokenize
from vectorstore.text.clauses import clauses

if TYPE_CHECKING:
    from vectorstore.models import Passage


@dataclass(frozen=True)
class Judged:
    """A candidate quote with its stance scores, its retrieval rank (0 = best) and the side it takes."""

    passage: Passage
    scores: StanceScores
    rank: int
    stance: EvidenceStance

    @property
    def decides(self) -> bool:
        """Whether it takes a side (supports or refutes)."""
        return self.stance != "neutral"

    @property
    def strength(self) -> float:
        """The probability of the side it takes; for a neutral quote, its stronger side's."""
        if self.stance == "supports":
            return self.scores.supports
        if self.stance == "refutes":
            return self.scores.refutes
        return max(self.scores.supports, self.scores.refutes)


def sentences_of(passage: Passage) -> list[str]:
    """The sentences a passage quotes: one, or the two of a pair (a sentence that leans back on the one
    before it). Each is judged on its own and the pair takes the more decided of the two: the first may
    be the one that says what the claim says ("Rudal-rudal itu menempuh jarak sekitar 650 kilometer ..."
    quoted before "Rudal-rudal itu diluncurkan ..."), and the second's stance is its own."""
    if passage.sentence_count < 2:
        return [passage.text]
    spans = split_sentences(passage.text)
    if len(spans) < 2:
        return [passage.text]
    first = passage.text[spans[0].start : spans[-1].start].strip()
    return [first, passage.text[spans[-1].start : spans[-1].end]]


def aligned_clause(claim: str, sentence: str) -> str | None:
    """The clause of `sentence` (`vectorstore.text.clauses`, 3 words or more) that shares the most content
    words with `claim` (an English claim against an Indonesian sentence through its gloss); None when
    the sentence is one clause or no clause shares a word. Ties go to the earlier clause."""
    parts = clauses(sentence, min_words=3)
    if len(parts) < 2:
        return None
    if language(claim) == "en" and language(sentence) == "id":
        claim = gloss(claim, sentence)
    wanted = set(tokenize(claim))
    shared = [len(wanted & set(tokenize(p))) for p in parts]
    best = max(range(len(parts)), key=lambda i: (shared[i], -i))
    return parts[best] if shared[best] else None


def core_text(passage: Passage) -> str:
    """What a passage says for itself: its last sentence when it is a pair. The sentence before is there
    for the names the second leaves to a pronoun ("Dia mengatakan Shoigu ..."), not for what it asserts:
    its negations, hedges and questions ("Jika tidak, bagaimana mungkin ...?") are not the quote's."""
    if passage.sentence_count < 2:
        return passage.text
    spans = split_sentences(passage.text)
    return passage.text[spans[-1].start : spans[-1].end] if len(spans) >= 2 else passage.text


def stance_of(scores: StanceScores, rank: int, settings: CheckSettings) -> EvidenceStance:
    """The side a quote takes: its model probability over the threshold, among the first ranks only."""
    if rank >= settings.check_quotes:
        return "neutral"
    if scores.supports >= settings.support_threshold and scores.supports > scores.refutes:
        return "supports"
    if scores.refutes >= settings.refute_threshold and scores.refutes > scores.supports:
        return "refutes"
    return "neutral"


def judge(passages: list[Passage], scores: list[StanceScores], settings: CheckSettings) -> list[Judged]:
    """Each candidate (best retrieval score first) with the side it takes."""
    order = sorted(range(len(passages)), key=lambda i: -passages[i].score)
    return [
        Judged(passages[i], scores[i], rank, stance_of(scores[i], rank, settings))
        for rank, i in enumerate(order)
    ]
