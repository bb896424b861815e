"""Settings of the offline claim checker (read by `bot/check.py`, `bot/judging.py`, `bot/verdict.py`).

Each value was chosen on the external claim set (300 IndoNLI claims over 561 documents,
`../shared/data/dev/indonli-dev-claims.jsonl`) together with the seeds' two claim sets, precision first:
the fewest decisive wrong verdicts (`supported`, `refuted` or `mixed` where the label is another), then the
best accuracy (`python -m bot.eval.tune_check` runs the grid). `docs/claim-checking.md` has the figures and
how to measure them again.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings

from bot.config.base import ENV

ClauseMode = Literal["off", "clause", "either"]


class CheckSettings(BaseSettings):
    """How the offline engine turns retrieved quotes and their stance into a verdict."""

    model_config = ENV

    check_candidates: int = Field(
        default=12,
        ge=1,
        le=50,
        description="Sentences retrieved per claim (the claim is the query) and scored for stance; the "
        "first CLAIMBOT_CHECK_QUOTES may decide, the rest are shown as context. Kept from the earlier "
        "engine (not tuned).",
    )
    check_quotes: int = Field(
        default=3,
        ge=1,
        le=50,
        description="How many candidates, best retrieval score first, may decide the verdict; the rest are "
        "only shown as context. Chosen with the two thresholds on a grid (1, 2, 3, 5, 8, 12 x 0.5-0.9 in "
        "steps of 0.05) over the IndoNLI dev claims and the seeds' two claim sets: among the settings with "
        "at most 5% decisive wrong verdicts on every set, the best IndoNLI accuracy (0.59; decisive wrong "
        "0.043 / 0.024 / 0.000).",
    )
    support_threshold: float = Field(
        default=0.65,
        ge=0,
        le=1,
        description="Least probability that one quote entails the whole claim (the stance model's "
        "`supports`) for the claim to be `supported`; chosen with CLAIMBOT_CHECK_QUOTES (see there).",
    )
    refute_threshold: float = Field(
        default=0.85,
        ge=0,
        le=1,
        description="Least probability that one quote contradicts the claim (the stance model's "
        "`refutes`) for the claim to be `refuted`; chosen with CLAIMBOT_CHECK_QUOTES (see there). Higher "
        "than the support threshold: the model reads the concessions and negated side clauses of news "
        "sentences as contradictions.",
    )
    judge_clause: ClauseMode = Field(
        default="off",
        description="Judge the clause of a long quote that shares the most content words with the claim "
        "(cut at commas and conjunctions, `bot.judging.aligned_clause`): `clause` scores that clause "
        "instead of its sentence, `either` scores both and keeps the more decided. Off: measured with "
        "`python -m bot.eval.tune_check --clause MODE` on the IndoNLI dev claims and the seeds' sets, "
        "`clause` lost IndoNLI accuracy (-0.043 [-0.084, -0.007]) and `either` gave 7% decisive wrong "
        "verdicts on both seed sets (docs/claim-checking.md).",
    )
