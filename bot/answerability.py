"""Can the articles answer this question at all? Checked before quoting anything.

Three checks, each explainable to a user:

1. **Names the articles never mention.** A question about "Xi Jinping" or "the Premier League" cannot be
   answered by articles that never name them, however close the topic. Capitalised words of the
   question (not the first word, not common English words such as "North" or "House") are looked up in
   the index's vocabulary, also as near-spellings ("Russia" ~ "rusia", "Institute" ~ "institut"); when
   two or more are missing, the answer says which.
2. **Evidence too weak.** The best passage's own similarity to the question (with the corpus topic
   removed) must reach `min_evidence`, unless its wording covers the question well (BM25). A single
   unknown name is not enough to refuse (it may be a spelling the articles do not use, "Korsel" for
   "Korea Selatan"), but it doubles the similarity the evidence needs.
3. **No answer of the kind asked for.** A "how many / berapa" question needs a quantity in one of the
   `typed_passages` best passages, a "when / kapan" question a date or time (`bot.answer_types`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.answer_types import carries, expected_type, expected_units
from vectorstore.models import Passage
from vectorstore.text import stem

# English words that are often capitalised in questions without being names of anything the articles
# would spell the same way (they translate: "North Korea" is "Korea Utara").
_COMMON_CAPITALISED = frozenset(
    """
    north south east west northern southern eastern western central white house united states kingdom
    us usa uk un eu nato president prime minister ministry minister's president's foreign defence
    defense secretary general chief state national republic democratic people people's government
    army military navy air force council security office department agency institute university
    chinese russian ukrainian korean american japanese european asian pacific ocean sea city
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december i
    """.split()
)

_TOKEN = re.compile(r"[^\W\d_][^\W_]*(?:[-'][^\W\d_]+)*", re.UNICODE)


@dataclass
class Verdict:
    """Whether to answer, and if not, why (in words for the user)."""

    answerable: bool
    missing_names: list[str]


def name_candidates(question: str) -> list[str]:
    """Capitalised words of the question that may name something (not its first word)."""
    return [word for word, _ in _candidates(question)]


def _candidates(question: str) -> list[tuple[str, int]]:
    out = []
    for i, match in enumerate(_TOKEN.finditer(question)):
        word = match.group(0)
        if i == 0 or not word[0].isupper() or word.lower() in _COMMON_CAPITALISED:
            continue
        out.append((word, match.start()))
    return out


def _grounded(word: str, vocabulary: Collection[str], by_prefix: dict[str, list[str]]) -> bool:
    parts = [p for p in re.split(r"[-']", word.lower()) if p]
    for part in parts:
        if part in vocabulary or stem(part) in vocabulary:
            return True
        near = by_prefix.get(part[:2], [])
        if difflib.get_close_matches(part, near, n=1, cutoff=0.8):
            return True
    return False


class Grounding:
    """Looks question names up in the index vocabulary (build once per index revision)."""

    def __init__(self, vocabulary: Collection[str]) -> None:
        self.vocabulary = set(vocabulary)
        self.by_prefix: dict[str, list[str]] = {}
        for word in self.vocabulary:
            self.by_prefix.setdefault(word[:2], []).append(word)

    def missing_words(self, question: str) -> list[str]:
        """Name words of the question that no article contains, in the order they appear."""
        return [w for w, _ in _candidates(question) if not _grounded(w, self.vocabulary, self.by_prefix)]

    def missing_names(self, question: str) -> list[str]:
        """Like `missing_words`, with neighbouring words joined into one name ("Xi Jinping")."""
        names: list[str] = []
        end = -2
        for word, start in _candidates(question):
            if _grounded(word, self.vocabulary, self.by_prefix):
                continue
            if names and question[end:start].strip() == "":
                names[-1] = f"{names[-1]} {word}"
            else:
                names.append(word)
            end = start + len(word)
        return names


def judge(
    question: str,
    passages: list[Passage],
    grounding: Grounding,
    *,
    min_evidence: float,
    min_lexical: float,
    typed_passages: int = 3,
) -> Verdict:
    """Decide whether the passages can answer `question` (see the module docstring)."""
    missing = grounding.missing_words(question)
    if len(missing) >= 2:
        return Verdict(answerable=False, missing_names=grounding.missing_names(question))
    if not passages:
        return Verdict(answerable=False, missing_names=[])
    top = max(passages, key=lambda p: p.score)
    floor = min_evidence * 2 if missing else min_evidence
    strong = top.dense >= floor or top.lexical >= min_lexical
    best = sorted(passages, key=lambda p: -p.score)[:typed_passages]
    typed = carries(expected_type(question), (p.text for p in best), expected_units(question))
    return Verdict(answerable=strong and typed, missing_names=[])
