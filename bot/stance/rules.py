"""Contradiction rules applied on top of the learned stance model, each one explainable in a sentence.

IndoNLI, the model's training data, has few denials ("membantah", 52 of 9,873 pairs) and few
statements that differ from the claim only by a number, date or means of transport, so the learned
weights of those signals are weak. News claims hinge on them (the issue's examples: 650 km vs
"1,000 km"; 2019 vs "2021"; train vs "plane"; Pyongyang denied supplying weapons). When the evidence
restates the claim and one of these signals fires, the rule moves most of the probability to
`refutes`. Restating means: for a claim and evidence in the same language, the evidence covers at
least `MIN_COVERAGE` of the claim's content words; across languages, where words cannot be compared,
every name of the claim appears in the evidence.

On IndoNLI the rules change few predictions: 107 of 9,873 on train, where the coverage threshold was
set (accuracy -0.002), and 25 of 2,090 on dev (+0.0005). `python -m bot.stance.evaluate` prints the
figures with and without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from bot.stance.features import LEXICAL_NAMES

if TYPE_CHECKING:
    from numpy.typing import NDArray

MIN_COVERAGE = 0.6
REFUTES_WEIGHT = 0.6
"""A fired rule mixes the model's probabilities with certainty of `refutes`, so refutes >= 0.6."""

# Checked in this order; the first that fires names the rule.
RULES: tuple[str, ...] = ("denial_mismatch", "number_conflict", "year_conflict", "class_conflict")
RULE_TEXT = {
    "denial_mismatch": "one text denies what the other states",
    "number_conflict": "the evidence gives another number",
    "year_conflict": "the evidence gives another year",
    "class_conflict": "the evidence names another member of the same kind (e.g. train, not plane)",
}
# The conflict signals of `bot.stance.features.SIGNALS` in words, to explain a refutation.
SIGNAL_TEXT = {
    **RULE_TEXT,
    "polarity_mismatch": "one text negates what the other states",
    "antonym": "the evidence says the opposite",
    "name_conflict": "the evidence names another person or place",
}


def _column(lexical: NDArray[np.float32], name: str) -> NDArray[np.float32]:
    return lexical[:, LEXICAL_NAMES.index(name)]


def restates(lexical: NDArray[np.float32], crosslingual: Sequence[bool]) -> NDArray[np.bool_]:
    """Whether each evidence restates its claim closely enough for a changed detail to contradict it."""
    covered = _column(lexical, "coverage") >= MIN_COVERAGE
    # The claim names something, and every name of it is in the evidence.
    names_kept = (_column(lexical, "claim_names") > 0) & (_column(lexical, "name_missing") == 0)
    return np.where(np.asarray(crosslingual, dtype=bool), names_kept, covered)


def fired_rules(lexical: NDArray[np.float32], crosslingual: Sequence[bool]) -> list[str | None]:
    """The rule that fires for each pair, or None."""
    eligible = restates(lexical, crosslingual)
    out: list[str | None] = []
    for i, ok in enumerate(eligible):
        fired = next((r for r in RULES if ok and lexical[i, LEXICAL_NAMES.index(r)] > 0), None)
        if fired == "denial_mismatch" and not _column(lexical, "polarity_mismatch")[i]:
            fired = None  # "denied not doing" states what the claim states
        out.append(fired)
    return out


def apply_rules(
    probs: NDArray[np.float64], lexical: NDArray[np.float32], crosslingual: Sequence[bool]
) -> tuple[NDArray[np.float64], list[str | None]]:
    """Probabilities after the rules (`CLASSES` order: supports, refutes, neutral) and the rule fired."""
    rules = fired_rules(lexical, crosslingual)
    out = probs.copy()
    refutes = np.array([0.0, 1.0, 0.0])
    for i, rule in enumerate(rules):
        if rule is not None:
            out[i] = (1 - REFUTES_WEIGHT) * probs[i] + REFUTES_WEIGHT * refutes
    return out, rules
