"""The verdict on a claim from its judged quotes, and how sure it is.

Aggregation is the simplest rule that can be explained in a sentence (`bot.judging` decides each quote's
side with the stance model and the thresholds of `CheckSettings`):

- `supported`: some quote entails the claim and none contradicts it;
- `refuted`: some quote contradicts it and none entails it;
- `mixed`: one quote entails it and another contradicts it;
- `not_enough_evidence`: no quote takes a side; the quotes shown are those that came closest.

`confidence` is the probability that the verdict is right, read from a calibration map fitted on data
held out from the stance model's training (`Calibration`, written by `python -m bot.calibrate`):
for each verdict, the deciding probability (the strongest entailment for `supported`, contradiction for
`refuted`, the weaker of the two for `mixed`, and the strongest of either for `not_enough_evidence`,
which is the more surely right the lower it is) goes through an isotonic map to the share of such
verdicts that were right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.judging import Judged
from bot.models import Verdict

DEFAULT_CALIBRATION = Path(__file__).resolve().parent / "stance" / "calibration.json"
VERDICTS: tuple[Verdict, ...] = ("supported", "refuted", "mixed", "not_enough_evidence")


@dataclass
class Decision:
    """The verdict and the judged quotes behind it, before they are cited."""

    verdict: Verdict
    score: float
    """The deciding probability (see the module docstring); `Calibration` turns it into a confidence."""
    reason: str
    deciding: list[Judged]
    context: list[Judged]


@dataclass(frozen=True)
class Calibration:
    """Per verdict, an increasing (or, for `not_enough_evidence`, decreasing) step map from the deciding
    probability to the probability that the verdict is right, interpolated linearly between points."""

    points: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = field(default_factory=dict)
    fitted_on: str = ""

    def __call__(self, verdict: Verdict, score: float) -> float:
        """P(the verdict is right | its deciding probability); 0.5 for a verdict never fitted."""
        if verdict not in self.points:
            return 0.5
        xs, ys = self.points[verdict]
        return float(np.clip(np.interp(score, xs, ys), 0.0, 1.0))

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_CALIBRATION) -> Calibration:
        """Read the map written by `save`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        points = {v: (tuple(p["x"]), tuple(p["y"])) for v, p in data["verdicts"].items()}
        return cls(points=points, fitted_on=data.get("fitted_on", ""))

    def save(self, path: str | Path, **info: object) -> None:
        """Write the map (and any `info`, e.g. the thresholds it was fitted for) as JSON."""
        verdicts = {v: {"x": list(xs), "y": list(ys)} for v, (xs, ys) in self.points.items()}
        data = {"fitted_on": self.fitted_on, **info, "verdicts": verdicts}
        # One line per key: the point lists are long and only read by machines.
        lines = [f"  {json.dumps(k)}: {json.dumps(data[k], sort_keys=True)}" for k in sorted(data)]
        Path(path).write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def _strongest(judged: list[Judged], stance: str) -> list[Judged]:
    return sorted((j for j in judged if j.stance == stance), key=lambda j: -j.strength)


def decide(judged: list[Judged], counted: int) -> Decision:
    """The verdict from the judged candidates (best rank first); `counted` is how many of them could take
    a side (CLAIMBOT_CHECK_QUOTES): the closest to deciding are looked for among those."""
    supports, refutes = _strongest(judged, "supports"), _strongest(judged, "refutes")
    if supports and refutes:
        score = min(supports[0].strength, refutes[0].strength)
        return Decision("mixed", score, "disagree", supports[:2], refutes[:2])
    if supports:
        return Decision("supported", supports[0].strength, "agree", supports[:3], [])
    if refutes:
        return Decision("refuted", refutes[0].strength, "agree", refutes[:3], [])
    eligible = judged[:counted]
    score = max((j.strength for j in eligible), default=0.0)
    # Shown: the quotes that came closest to taking a side, then the rest by rank.
    closest = sorted(eligible, key=lambda j: -j.strength)[:1]
    shown = [*closest, *(j for j in judged if all(j is not c for c in closest))]
    return Decision("not_enough_evidence", score, "nothing_decides", [], shown)
