"""News-length pairs (`bot.stance.lengthen`): a premise with unrelated content added, its label kept."""

from __future__ import annotations

import pytest

from bot.stance.data import Pair
from bot.stance.lengthen import WAYS, join, lengthen

PAIRS = [
    Pair("Harga beras naik.", "Harga beras di pasar Jakarta naik pekan ini.", "supports", "1"),
    Pair("Harga beras turun.", "Harga beras di pasar Jakarta naik pekan ini.", "refutes", "1"),
    Pair(
        "Timnas menang 2-0.", "Timnas bermain di Stadion Utama, dan penonton memenuhi tribun.", "neutral", "2"
    ),
    Pair(
        "Hujan turun di Bogor.",
        "Hujan deras turun di Bogor sejak pagi, sementara Jakarta cerah.",
        "supports",
        "3",
    ),
]


def test_each_pair_keeps_claim_label_group_and_its_premise_whole() -> None:
    longer = lengthen(PAIRS, seed=0)
    assert len(longer) == len(PAIRS)
    for before, after in zip(PAIRS, longer, strict=True):
        assert (after.claim, after.label, after.group) == (before.claim, before.label, before.group)
        assert before.evidence.rstrip(".") in after.evidence
        assert len(after.evidence) > len(before.evidence)
        # The content added comes from another group's premise, never from its own.
        own = {p.evidence for p in PAIRS if p.group == before.group}
        added = after.evidence.replace(before.evidence.rstrip("."), "")
        assert not any(o.rstrip(".") in added for o in own)


def test_lengthening_is_deterministic_for_a_seed() -> None:
    assert lengthen(PAIRS, seed=0) == lengthen(PAIRS, seed=0)
    assert lengthen(PAIRS, seed=0) != lengthen(PAIRS, seed=1)


@pytest.mark.parametrize("way", WAYS)
def test_each_way_of_joining(way: str) -> None:
    import random

    premise, other = "Harga beras naik pekan ini.", "Walaupun hujan turun, penonton tetap datang ke stadion."
    joined = join(premise, other, way, random.Random(0))  # type: ignore[arg-type]
    assert "Harga beras naik pekan ini" in joined
    if way == "before":
        assert joined == f"{other} {premise}"
    elif way == "after":
        assert joined == f"{premise} {other}"
    else:  # its one clause of 4 words or more, as a side clause before or after the premise
        assert "penonton tetap datang ke stadion" in joined.lower() and "hujan" not in joined


def test_one_group_cannot_be_lengthened() -> None:
    with pytest.raises(ValueError, match="two groups"):
        lengthen(PAIRS[:2])


def test_long_pairs_measures_two_models_paired() -> None:
    import numpy as np

    from bot.eval.long_pairs import predict, report
    from bot.stance.data import label_index
    from bot.stance.model import StanceModel

    model = StanceModel.from_file()  # Indonesian pairs: the monolingual head, no embedding needed
    gold = label_index(PAIRS)
    predicted = predict(model, PAIRS)
    assert predicted.shape == (len(PAIRS),) and predicted[1] == 1  # "turun" against "naik": refutes
    assert (predict(model, lengthen(PAIRS)) >= 0).all()
    text = report("pairs", gold, predicted, predicted)
    assert "difference (weights - against): +0.000 [+0.000, +0.000]" in text
    assert text.count(f"accuracy {float(np.mean(predicted == gold)):.3f}") == 2
