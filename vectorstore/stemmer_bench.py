"""Which stemmer should the lexical index use? BM25-only retrieval, measured with each.

    python -m vectorstore.stemmer_bench [--dev ../shared/data/dev] [--stemmers light,sastrawi]

For each question set (the dev sets FacQA, IDK-MRC answerable, TyDi QA in `../shared/data/dev`, and the
seeds' `tests/data/questions.jsonl` over `seeds/`), every sentence of the set's corpus is indexed in the
project's own `vectorstore.lexical.BM25` (sentences as `split_sentences` cuts the content regions of
`content_regions`, exactly as ingest does), once per stemmer, and each answerable question is searched.
A hit is a retrieved sentence overlapping a gold quote's span in the same article (the rule of
`claimbot eval` and of the dev sets' README). Reported: hit@5 and MRR@10, each with a bootstrap 95%
interval over questions, and the paired difference of each stemmer against the first, with its interval.

No embeddings, no Chroma: this isolates what the stemmer changes, which is only the lexical side.
Dev data: FacQA (IndoNLU), IDK-MRC, TyDi QA GoldP; see `../shared/data/dev/README.md` for sources and
licences.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vectorstore.cleaning import content_regions
from vectorstore.lexical import BM25
from vectorstore.loading import iter_sources
from vectorstore.models import LoadedArticle
from vectorstore.sentences import split_sentences
from vectorstore.text.stemming import STEMMERS

ROOT = Path(__file__).resolve().parent.parent
_MAX_BYTES = 50_000_000
_DEPTH = 10
_RESAMPLES = 2000


@dataclass(frozen=True)
class QuestionSet:
    name: str
    questions: Path
    corpus: Path


def question_sets(dev: Path) -> list[QuestionSet]:
    """The dev sets present under `dev`, then the seeds' questions."""
    sets = [
        QuestionSet(name, dev / f"{name}-dev-questions.jsonl", dev / f"{name}-dev-corpus.jsonl")
        for name in ("facqa", "idkmrc", "tydiqa")
        if (dev / f"{name}-dev-questions.jsonl").exists()
    ]
    sets.append(QuestionSet("seeds", ROOT / "tests" / "data" / "questions.jsonl", ROOT / "seeds"))
    return sets


def _articles(corpus: Path) -> dict[str, str]:
    return {
        a.article_id: a.text
        for a in iter_sources([corpus], max_bytes=_MAX_BYTES)
        if isinstance(a, LoadedArticle)
    }


def _gold_spans(case: dict, texts: dict[str, str]) -> list[tuple[str, int, int]]:
    spans = []
    for g in case["gold"]:
        start = texts.get(g["article_id"], "").find(g["quote"])
        if start >= 0:
            spans.append((g["article_id"], start, start + len(g["quote"])))
    return spans


def ranks(qs: QuestionSet, stemmer: Callable[[str], str]) -> tuple[list[int | None], float]:
    """For each answerable question of `qs`, the rank (1-based) of the first hit within the top
    `_DEPTH`, or None; and the seconds spent indexing."""
    texts = _articles(qs.corpus)
    began = time.perf_counter()
    index = BM25(stemmer=stemmer)
    spans: dict[str, tuple[str, int, int]] = {}
    for article_id, text in texts.items():
        for i, s in enumerate(split_sentences(text, content_regions(text))):
            doc_id = f"{article_id}:{i}"
            spans[doc_id] = (article_id, s.start, s.end)
            index.add(doc_id, article_id, text[s.start : s.end])
    indexing = time.perf_counter() - began
    out: list[int | None] = []
    for line in qs.questions.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        gold = _gold_spans(case, texts)
        if not case.get("answerable", True) or not gold:
            continue
        rank = None
        for r, (doc_id, _) in enumerate(index.search(case["question"], _DEPTH), start=1):
            art, start, end = spans[doc_id]
            if any(a == art and start < e and s < end for a, s, e in gold):
                rank = r
                break
        out.append(rank)
    return out, indexing


def _figures(rank_list: Sequence[int | None]) -> np.ndarray:
    """Per question: [hit@5, reciprocal rank@10]."""
    return np.array([[1.0 if r is not None and r <= 5 else 0.0, 1.0 / r if r else 0.0] for r in rank_list])


def _interval(values: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    idx = rng.integers(0, len(values), size=(_RESAMPLES, len(values)))
    means = values[idx].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "data" / "dev")
    parser.add_argument(
        "--stemmers", default="light,sastrawi", help=f"comma-separated, of {sorted(STEMMERS)}"
    )
    args = parser.parse_args(argv)
    names = args.stemmers.split(",")
    rng = np.random.default_rng(0)
    print(
        "| set | n | stemmer | hit@5 [95% CI] | MRR@10 [95% CI] | vs " + names[0] + ": hit@5, MRR | index s |"
    )
    print("|---|---|---|---|---|---|---|")
    for qs in question_sets(args.dev):
        per: dict[str, np.ndarray] = {}
        for name in names:
            rank_list, seconds = ranks(qs, STEMMERS[name])
            per[name] = figures = _figures(rank_list)
            cells = []
            for col in range(2):
                low, high = _interval(figures[:, col], rng)
                cells.append(f"{figures[:, col].mean():.3f} [{low:.3f}, {high:.3f}]")
            if name == names[0]:
                diff = "-"
            else:
                delta = figures - per[names[0]]
                parts = []
                for col in range(2):
                    low, high = _interval(delta[:, col], rng)
                    parts.append(f"{delta[:, col].mean():+.3f} [{low:+.3f}, {high:+.3f}]")
                diff = ", ".join(parts)
            row = [qs.name, str(len(rank_list)), name, *cells, diff, f"{seconds:.1f}"]
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
