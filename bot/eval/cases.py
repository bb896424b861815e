"""Evaluation data sets: questions and claims, one JSON object per line (formats in docs/evaluation.md).

- questions: `{id, question, lang, answerable, gold: [{article_id, quote}]}`
- claims: `{id, claim, lang, label, gold: [{article_id, quote}]}`, label one of supported / refuted /
  not_enough_evidence / mixed

Each gold quote must be an exact substring of its article's original text; `gold_spans` locates it
and refuses a quote it cannot find (a typo in a data set must not silently count as a miss).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.eval.metrics import Span
from bot.models import Verdict
from vectorstore.errors import BadInputError

LABELS: tuple[str, ...] = get_args(Verdict)
"""The claim labels, in the order the report shows them."""


class GoldQuote(BaseModel):
    """A quote that answers the question (or decides the claim), verbatim from its article."""

    article_id: str
    quote: str = Field(min_length=1)


class QuestionCase(BaseModel):
    """One question; `gold` is empty for an unanswerable one."""

    model_config = ConfigDict(extra="ignore")

    id: str
    question: str = Field(min_length=1)
    lang: str = Field(description="Language of the question, e.g. en or id.")
    answerable: bool
    gold: list[GoldQuote] = Field(default_factory=list)

    @property
    def kind(self) -> str:
        """The case type latency is reported by."""
        return "answerable" if self.answerable else "unanswerable"


class ClaimCase(BaseModel):
    """One claim with its verdict; `gold` holds the quotes that decide it (none for not enough evidence)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    claim: str = Field(min_length=1)
    lang: str
    label: Verdict
    gold: list[GoldQuote] = Field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.label


Case = TypeVar("Case", QuestionCase, ClaimCase)


def _load(path: str | Path, model: type[Case]) -> list[Case]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read {path}: {exc}") from exc
    cases: list[Case] = []
    seen: dict[str, Case] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = model.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "record"
            raise BadInputError(f"{path}:{number}: {where}: {first['msg']}") from exc
        if case.id in seen:
            # The same record twice (IndoNLI's dev claims hold one) is counted once: counting it twice
            # would weigh it double. Two different records under one id are an error.
            if seen[case.id] == case:
                continue
            raise BadInputError(f"{path}:{number}: duplicate id {case.id!r}")
        seen[case.id] = case
        cases.append(case)
    if not cases:
        raise BadInputError(f"{path}: no cases")
    return cases


def load_questions(path: str | Path) -> list[QuestionCase]:
    """Read a question set; a bad line is a `BadInputError` naming the file and line."""
    return _load(path, QuestionCase)


def load_claims(path: str | Path) -> list[ClaimCase]:
    """Read a claim set; a bad line is a `BadInputError` naming the file and line."""
    return _load(path, ClaimCase)


def gold_spans(case_id: str, gold: Sequence[GoldQuote], texts: Mapping[str, str]) -> list[Span]:
    """The span of each gold quote in its article's original text (its first occurrence)."""
    spans = []
    for g in gold:
        text = texts.get(g.article_id)
        if text is None:
            raise BadInputError(f"{case_id}: gold article {g.article_id!r} is not in the index")
        start = text.find(g.quote)
        if start < 0:
            raise BadInputError(f"{case_id}: gold quote not found in {g.article_id}: {g.quote[:60]!r}")
        spans.append((g.article_id, start, start + len(g.quote)))
    return spans


def sample_articles(source: Path, count: int, seed: int, dest: Path) -> int:
    """Write `count` records of the JSONL article file `source` (all of them when it has fewer), drawn
    at random with `seed` so a run can be repeated, to `dest` as they are; return how many."""
    try:
        with source.open(encoding="utf-8") as fh:
            lines = [line for line in fh if line.strip()]
    except OSError as exc:
        raise BadInputError(f"cannot read the distractor articles {source}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise BadInputError(f"{source} is not UTF-8 text") from exc
    if not lines:
        raise BadInputError(f"{source} holds no articles")
    picked = random.Random(seed).sample(lines, min(count, len(lines)))
    dest.write_text(
        "".join(line if line.endswith("\n") else line + "\n" for line in picked), encoding="utf-8"
    )
    return len(picked)
