"""News-length pairs: an IndoNLI premise lengthened with unrelated content, its label kept.

IndoNLI premises are short (17 words at the median in train), while the quotes the checker judges are
news sentences that say several things at once. A pair is lengthened by joining its premise with content
from the premise of another pair (another `group`, so another subject), in one of three ways, chosen at
random per pair:

- `before`: the other premise, then this one ("<other>. <premise>");
- `after`: this premise, then the other ("<premise> <other>");
- `clause`: a clause of the other premise (`vectorstore.text.clauses`, at least 4 words) joined to this
  premise as a side clause, after it ("<premise>, sementara <clause>.") or before it ("<Clause>, <premise>").

Unrelated content neither entails nor contradicts the claim, so the label stays. Deterministic for a seed.
Used by `python -m bot.stance.train --long-pairs` (training pairs) and `python -m bot.eval.long_pairs`
(dev pairs lengthened the same way, to measure).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from bot.stance.data import Pair
from vectorstore.text.clauses import bare, clauses
from vectorstore.text.lists import words

Way = Literal["before", "after", "clause"]
WAYS: tuple[Way, ...] = ("before", "after", "clause")
MIN_CLAUSE_WORDS = 4


def _sentence(text: str) -> str:
    """`text` stripped, ending with a full stop (or its own ? or !)."""
    text = text.strip()
    return text if text[-1:] in ".!?\"'”" else text + "."


def join(premise: str, other: str, way: Way, rng: random.Random) -> str:
    """`premise` with content of `other` added the `way` given (see the module docstring)."""
    if way == "before":
        return f"{_sentence(other)} {premise.strip()}"
    if way == "after":
        return f"{_sentence(premise)} {_sentence(other)}"
    parts = clauses(other, MIN_CLAUSE_WORDS) or [bare(other)]
    clause = rng.choice(parts)
    # Case is kept as it is (lowering a first letter would turn a name into a word, `features.names`),
    # but a clause that opens with its own conjunction ("Walaupun ...") needs no other.
    first, _, rest = clause.partition(" ")
    if rng.random() < 0.5:
        if first.lower() in words("clause-conjunctions"):
            return f"{bare(premise)}, {first.lower()} {rest}."
        return f"{bare(premise)}, sementara {clause}."
    return f"{clause[:1].upper()}{clause[1:]}, {premise.strip()}"


def lengthen(pairs: Sequence[Pair], seed: int = 0, ways: Sequence[Way] = WAYS) -> list[Pair]:
    """Each pair once, its evidence joined with content from the premise of a pair of another group (a
    `way` drawn at random for each pair); claims, labels and groups unchanged."""
    rng = random.Random(seed)
    premises = sorted({(p.group, p.evidence) for p in pairs})
    if len({g for g, _ in premises}) < 2:
        raise ValueError("lengthening needs premises of at least two groups")
    out = []
    for pair in pairs:
        while True:
            group, other = rng.choice(premises)
            if group != pair.group:
                break
        out.append(replace(pair, evidence=join(pair.evidence, other, rng.choice(list(ways)), rng)))
    return out
