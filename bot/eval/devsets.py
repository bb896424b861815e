"""The external development benchmark: which sets, over which corpus, from where (with credit).

Three question sets and one claim set from public Indonesian data, each with its own corpus, as
prepared in `../shared/data/dev/` (its README says how), plus the project's own sets over `seeds/`.
Nothing of that data is copied into the repository: the sets are read from where they are.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import BadInputError

DEV_DATA = Path("../shared/data/dev")
"""Where the shared development sets are, from the repository root."""


@dataclass(frozen=True)
class DevSet:
    """One set of the benchmark: its questions and/or claims, the corpus they are asked over, and
    where the data comes from (named in every report)."""

    name: str
    title: str
    corpus: tuple[Path, ...]
    questions: Path | None = None
    claims: Path | None = None
    credit: str = ""


def dev_sets(
    data: Path = DEV_DATA, seeds: Path = Path("seeds"), own: Path = Path("tests/data")
) -> list[DevSet]:
    """Every set of the benchmark, external ones first."""
    return [
        DevSet(
            "facqa",
            "FacQA: factoid questions over short news passages",
            (data / "facqa-dev-corpus.jsonl",),
            questions=data / "facqa-dev-questions.jsonl",
            credit="FacQA from IndoNLU (Wilie et al., 2020; IndoNLP/indonlu, Apache-2.0 repository, MIT "
            "on its dataset card)",
        ),
        DevSet(
            "idkmrc",
            "IDK-MRC: Wikipedia passages, half the questions unanswerable",
            (data / "idkmrc-dev-corpus.jsonl",),
            questions=data / "idkmrc-dev-questions.jsonl",
            credit="IDK-MRC (Putri & Oh, 2022; rifkiaputri/IDK-MRC, CC BY-SA 4.0)",
        ),
        DevSet(
            "tydiqa",
            "TyDi QA GoldP (Indonesian): Wikipedia passages",
            (data / "tydiqa-dev-corpus.jsonl",),
            questions=data / "tydiqa-dev-questions.jsonl",
            credit="TyDi QA GoldP (Clark et al., 2020; Apache-2.0), Indonesian, as shipped in the IDK-MRC "
            "repository",
        ),
        DevSet(
            "indonli",
            "IndoNLI claims over their premises among IndoSum articles",
            (data / "indonli-dev-corpus.jsonl",),
            claims=data / "indonli-dev-claims.jsonl",
            credit="IndoNLI (Mahendra et al., 2021; ir-nlp-csui/indonli, CC BY-SA 4.0) and IndoSum "
            "(Kurniawan & Louvan, 2018; CC BY-SA 4.0)",
        ),
        DevSet(
            "seeds",
            "The project's own development sets over the five seed articles",
            (seeds,),
            questions=own / "questions.jsonl",
            claims=own / "claims.jsonl",
            credit="written for this project",
        ),
        DevSet(
            "seeds-heldout",
            "The project's held-out sets over the five seed articles",
            (seeds,),
            questions=own / "questions-heldout.jsonl",
            claims=own / "claims-heldout.jsonl",
            credit="written for this project",
        ),
    ]


def pick(sets: Sequence[DevSet], names: Sequence[str] | None) -> list[DevSet]:
    """The sets named (all when none is), in the benchmark's order; an unknown name is an error."""
    if not names:
        return list(sets)
    known = {s.name for s in sets}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BadInputError(f"unknown set(s) {', '.join(unknown)}: choose from {', '.join(sorted(known))}")
    return [s for s in sets if s.name in names]


def check_present(sets: Sequence[DevSet]) -> None:
    """Every file of the chosen sets exists (a missing ../shared is one clear line, not a traceback)."""
    for s in sets:
        for path in (*s.corpus, s.questions, s.claims):
            if path is not None and not path.exists():
                raise BadInputError(
                    f"{s.name}: {path} does not exist (the development sets are in {DEV_DATA})"
                )


def small_corpus(corpus: Path, gold_articles: set[str], distractors: int, dest: Path, seed: int = 0) -> int:
    """Write to `dest` the records of the JSONL `corpus` whose id is in `gold_articles`, plus
    `distractors` others drawn at random with `seed`: a small index in which the gold passages still
    compete with unrelated ones (the quality gates' sample). Returns how many records were written."""
    with corpus.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip()]
    gold = [line for line in lines if json.loads(line)["id"] in gold_articles]
    others = [line for line in lines if json.loads(line)["id"] not in gold_articles]
    picked = gold + random.Random(seed).sample(others, min(distractors, len(others)))
    dest.write_text(
        "".join(line if line.endswith("\n") else line + "\n" for line in picked), encoding="utf-8"
    )
    return len(picked)
