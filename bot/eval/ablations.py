"""Retrieval and answer variants scored from a `bot.eval.lab` data set, with bootstrap intervals.

A `Variant` reproduces the product's ranking (`vectorstore.search`) and answer selection
(`bot.chain`) from arrays, one component switchable at a time, so an ablation over four sets takes
seconds. Lean-back pairs are not reproduced here (a pair only widens a quote to its previous
sentence); they are measured end to end with `claimbot eval`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.answer_types import AnswerType, answers_kind, carries, expected_type, expected_units
from bot.eval import bootstrap
from bot.eval import metrics as m
from bot.eval.lab import DataSet, Index, Question
from bot.eval.metrics import Span

if TYPE_CHECKING:
    from numpy.typing import NDArray

Array = "NDArray[np.float32]"


@dataclass(frozen=True)
class Variant:
    """One design; the defaults are the product as it was when this was written."""

    name: str = "product"
    centring: str = "near"  # near: the articles of the question's 40 nearest sentences; corpus; none
    w_dense: float = 0.7
    w_ctx: float = 0.3
    w_lex: float = 0.4
    lex_floor: float = 0.15  # 1.0: plain BM25 coverage
    clause: float | None = 0.05  # discount of a clause's similarity; None: no clause vectors
    per_article: int = 2
    redundancy: float = 0.2
    gate: bool = True  # the product's candidate set; False: every sentence is a candidate
    fusion: str = "absolute"  # or "rrf": reciprocal-rank fusion of the four rankings
    rrf_k: float = 60.0
    weights: tuple[float, ...] = ()  # fusion "learned": one per SIGNALS, then the intercept
    cos_floor: float = 0.0
    cos_ceil: float = 0.5
    # answer layer
    min_evidence: float = 0.15
    min_lexical: float = 0.5
    names_test: bool = True
    typed_test: bool = True
    evidence_test: bool = True
    relative_cutoff: float = 0.7
    quote_floor: float = 0.45
    typed_depth: int = 2
    before: int = 0  # sentences quoted before the chosen one (same article)
    after: int = 0  # and after it
    typed_top: int = 2  # passages whose quotes (windows) the typed test reads
    typed_window: bool = True  # False: the typed test reads the bare sentences
    kind_window: bool = False  # True: typed quotes first judged on the quote with its neighbours
    answer_model: Any = None  # a fitted sklearn classifier over FEATURES instead of the hand tests
    answer_threshold: float = 0.5

    def but(self, name: str, **changes: object) -> Variant:
        return replace(self, name=name, **changes)  # type: ignore[arg-type]


@dataclass
class Ranked:
    """A question's scored sentences (every row of the index) and what the answer layer reads."""

    score: NDArray[np.float64]
    dense: NDArray[np.float64]
    lexical: NDArray[np.float64]
    topic: NDArray[np.float32] | None  # taken out of the vectors MMR compares
    signals: NDArray[np.float32] | None = None  # fusion "learned": SIGNALS of every sentence


def _unit(v: NDArray[np.float64]) -> NDArray[np.float32]:
    n = float(np.sqrt(v @ v))
    return (v / n if n else v).astype(np.float32)


def _centred(
    V: NDArray[np.float32], q: NDArray[np.float32], t: NDArray[np.float32] | None
) -> NDArray[np.float32]:
    raw = V @ q
    if t is None:
        return raw
    vt = V @ t
    qt = float(q @ t)
    den = np.sqrt(np.clip(1 - vt**2, 1e-9, None)) * np.sqrt(max(1 - qt**2, 1e-9))
    return (raw - vt * qt) / den


def rank(v: Variant, ix: Index, qu: Question) -> Ranked:
    q = qu.q
    raw = ix.S @ q
    t: NDArray[np.float32] | None = None
    if v.centring == "near":
        near = np.argsort(-raw)[:40]
        t = _unit(ix.article_sums[np.unique(ix.article_row[near])].sum(axis=0))
    elif v.centring == "corpus":
        t = _unit(ix.article_sums.sum(axis=0))
    dense = _centred(ix.S, q, t)
    chunk = _centred(ix.C, q, t)
    has = ix.chunk_of >= 0
    ctx = np.where(has, chunk[np.where(has, ix.chunk_of, 0)], -1.0).max(axis=1)
    lex_c = np.where(has, qu.lex_c[np.where(has, ix.chunk_of, 0)], 0.0).max(axis=1)
    if v.clause is not None and len(ix.K):
        kc = _centred(ix.K, q, t) - v.clause
        best = np.full(len(dense), -1.0)
        np.maximum.at(best, ix.clause_owner, kc)
        dense_eff = np.maximum(dense, best)
    else:
        dense_eff = dense
    lex_s = qu.lex_s
    if v.fusion == "learned":
        F = signal_matrix(ix, raw, dense_eff, ctx, lex_s, lex_c, chunk_raw=ix.C @ q)
        z = F @ np.asarray(v.weights, dtype=np.float32)[:-1] + v.weights[-1]
        score = 1.0 / (1.0 + np.exp(-z))
    elif v.fusion == "rrf":
        score = np.zeros(len(dense))
        for signal in (dense_eff, ctx, lex_s, lex_c):
            order = np.argsort(-signal, kind="stable")
            r = np.empty(len(order))
            r[order] = np.arange(1, len(order) + 1)
            score += 1.0 / (v.rrf_k + r)
    else:
        cal = lambda x: np.clip((x - v.cos_floor) / (v.cos_ceil - v.cos_floor), 0, 1)  # noqa: E731
        base = (v.w_dense * cal(dense_eff) + v.w_ctx * cal(ctx)) / ((v.w_dense + v.w_ctx) or 1.0)
        lift_s = 1.0 / max(lex_s.max(initial=0.0), v.lex_floor)
        lift_c = 1.0 / max(float(qu.lex_c.max(initial=0.0)), v.lex_floor)
        lifted = 0.5 * np.minimum(1, lex_s * lift_s) + 0.5 * np.minimum(1, lex_c * lift_c)
        score = base + v.w_lex * lifted * (1 - base)
    ok = ix.quotable.copy()
    if v.gate:
        cand = np.zeros(len(dense), dtype=bool)
        cand[np.argsort(-raw)[:40]] = True
        cand[np.argsort(-lex_s)[:40][lex_s[np.argsort(-lex_s)[:40]] > 0]] = True
        top_raw_chunks = np.argsort(-(ix.C @ q))[:40]
        chosen = set(top_raw_chunks[np.argsort(-chunk[top_raw_chunks])[:10]].tolist())
        lc = np.argsort(-qu.lex_c)[:10]
        chosen |= set(lc[qu.lex_c[lc] > 0].tolist())
        cand |= np.isin(ix.chunk_of, list(chosen)).any(axis=1)
        nb = cand.copy()
        nb[1:] |= cand[:-1]
        nb[:-1] |= cand[1:]
        ok &= nb
    score = np.where(ok, score, -np.inf)
    signals = F if v.fusion == "learned" else None
    return Ranked(score=score, dense=dense_eff, lexical=0.5 * lex_s + 0.5 * lex_c, topic=t, signals=signals)


# A learned ranker (logistic regression over these signals) was measured and not kept; see
# docs/decisions/retrieval-on-external-data.md.
SIGNALS = (
    "dense",
    "dense_raw",
    "context",
    "context_raw",
    "lexical",
    "lexical_chunk",
    "lexical_rel",
    "lexical_chunk_rel",
    "dense_raw_rel",
    "context_raw_rel",
)

LEXICAL_REL_FLOOR = 0.05


@dataclass(frozen=True)
class Best:
    """The question's best match on each plain signal, which the relative signals are read against."""

    dense_raw: float
    context_raw: float
    lexical: float
    lexical_chunk: float


def signals(
    *,
    dense: NDArray[np.float32],
    dense_raw: NDArray[np.float32],
    context: NDArray[np.float32],
    context_raw: NDArray[np.float32],
    lexical: NDArray[np.float32],
    lexical_chunk: NDArray[np.float32],
    best: Best,
) -> NDArray[np.float32]:
    """The SIGNALS of n candidates as an (n, len(SIGNALS)) matrix, one column per signal."""
    return np.column_stack(
        [
            dense,
            dense_raw,
            context,
            context_raw,
            lexical,
            lexical_chunk,
            lexical / max(best.lexical, LEXICAL_REL_FLOOR),
            lexical_chunk / max(best.lexical_chunk, LEXICAL_REL_FLOOR),
            dense_raw - best.dense_raw,
            context_raw - best.context_raw,
        ]
    ).astype(np.float32)


def signal_matrix(
    ix: Index,
    raw: NDArray[np.float32],
    dense: NDArray[np.float32],
    ctx: NDArray[np.float32],
    lex_s: NDArray[np.float32],
    lex_c: NDArray[np.float32],
    chunk_raw: NDArray[np.float32],
) -> NDArray[np.float32]:
    """The product's SIGNALS (`vectorstore.ranking.signals`) of every sentence of the index."""
    has = ix.chunk_of >= 0
    ctx_raw = np.where(has, chunk_raw[np.where(has, ix.chunk_of, 0)], -1.0).max(axis=1).astype(np.float32)
    best = Best(
        dense_raw=float(raw.max()),
        context_raw=float(ctx_raw.max()),
        lexical=float(lex_s.max(initial=0.0)),
        lexical_chunk=float(lex_c.max(initial=0.0)),
    )
    return signals(
        dense=dense,
        dense_raw=raw,
        context=ctx,
        context_raw=ctx_raw,
        lexical=lex_s,
        lexical_chunk=lex_c,
        best=best,
    )


def diversify(v: Variant, ix: Index, r: Ranked, top_k: int) -> list[int]:
    """The product's `diversify` on rows: per-article share, no repeated text, MMR."""
    order = [int(i) for i in np.argsort(-r.score)[:200] if np.isfinite(r.score[i])]
    chosen: list[int] = []
    per: dict[str, int] = {}
    seen: set[str] = set()
    alike = dict.fromkeys(order, 0.0)
    units: dict[int, NDArray[np.float32]] = {}
    if v.redundancy and order:
        U = ix.S[order]
        if r.topic is not None:
            U = U - np.outer(U @ r.topic, r.topic)
        U = U / (np.sqrt((U * U).sum(axis=1, keepdims=True)) + 1e-12)
        units = dict(zip(order, U, strict=True))
    open_ = list(order)
    while len(chosen) < top_k and open_:
        cands = [i for i in open_ if per.get(ix.aid[i], 0) < v.per_article] or open_
        best = max(cands, key=lambda i: r.score[i] - v.redundancy * alike[i]) if v.redundancy else cands[0]
        chosen.append(best)
        per[ix.aid[best]] = per.get(ix.aid[best], 0) + 1
        seen.add(ix.norm[best])
        if v.redundancy:
            sims = np.array([units[i] for i in open_]).reshape(len(open_), -1) @ units[best]
            for i, s in zip(open_, sims, strict=True):
                alike[i] = max(alike[i], float(s))
        open_ = [i for i in open_ if i != best and ix.norm[i] not in seen]
    chosen.sort(key=lambda i: -r.score[i])
    return chosen


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def window_rows(v: Variant, ix: Index, i: int) -> range:
    """The rows quoted for row i: it and its `before` / `after` neighbours of the same article."""
    a = min(j for j in range(i - v.before, i + 1) if j >= 0 and ix.aid[j] == ix.aid[i])
    b = max(j for j in range(i, i + v.after + 1) if j < len(ix.aid) and ix.aid[j] == ix.aid[i])
    return range(a, b + 1)


def window_text(v: Variant, ix: Index, i: int) -> str:
    """What is quoted for row i: the sentence with `before` / `after` neighbours of its article."""
    rows = window_rows(v, ix, i)
    return ix.texts[ix.aid[i]][int(ix.start[rows[0]]) : int(ix.end[rows[-1]])]


def sentence_text(ix: Index, i: int) -> str:
    return ix.texts[ix.aid[i]][int(ix.start[i]) : int(ix.end[i])]


@dataclass
class Outcome:
    """What one variant said for one question."""

    search: list[Span]
    ask: list[Span]
    abstained: bool


def answer(
    v: Variant,
    ds: DataSet,
    qu: Question,
    top_k: int = 5,
    abstain: Callable[[Variant, DataSet, Question, Ranked, list[int]], bool] | None = None,
    boost: NDArray[np.float64] | None = None,
) -> Outcome:
    """What variant `v` searches and answers for one question; `boost` (one value per sentence of the
    index) is added to the fused score of every candidate, to measure a signal the product lacks."""
    ix = ds.index
    r = rank(v, ix, qu)
    if boost is not None:
        r.score = r.score + boost  # -inf (not a candidate) stays -inf
    top = diversify(v, ix, r, top_k)

    def span(i: int) -> Span:
        rows = window_rows(v, ix, i)
        return (ix.aid[i], int(ix.start[rows[0]]), int(ix.end[rows[-1]]))

    search = [span(i) for i in top]
    refused = abstain(v, ds, qu, r, top) if abstain is not None else refuses(v, ix, qu, r, top)
    if refused:
        return Outcome(search, [], True)
    question = qu.case.question
    pool = top
    if expected_type(question) is not AnswerType.OTHER and v.typed_depth > 1:
        pool = diversify(v, ix, r, top_k * v.typed_depth)
        holding = [
            i
            for i in pool
            if answers_kind(question, window_text(v, ix, i) if v.kind_window else sentence_text(ix, i))
        ]
        pool = holding + [i for i in pool if i not in holding]
    pool = pool[:top_k]
    if pool:
        floor = min(max(r.score[i] for i in pool) * v.relative_cutoff, v.quote_floor)
        pool = [i for i in pool if r.score[i] >= floor]
    return Outcome(search, [span(i) for i in pool], False)


def refuses(v: Variant, ix: Index, qu: Question, r: Ranked, top: list[int]) -> bool:
    """The product's answerability tests: the learned model, or the hand-written tests it replaced."""
    if v.names_test and qu.missing >= 2:
        return True
    if not top:
        return True
    if v.answer_model is not None:
        x = np.array([ranked_features(ix, qu, r, top)])
        return float(v.answer_model.predict_proba(x)[0, 1]) < v.answer_threshold
    question = qu.case.question
    best = max(top, key=lambda i: r.score[i])
    if v.evidence_test:
        floor = v.min_evidence * (2 if qu.missing and v.names_test else 1)
        if not (r.dense[best] >= floor or r.lexical[best] >= v.min_lexical):
            return True
    if v.typed_test:
        two = sorted(top, key=lambda i: -r.score[i])[: v.typed_top]
        if not carries(
            expected_type(question),
            (window_text(v, ix, i) if v.typed_window else sentence_text(ix, i) for i in two),
            expected_units(question),
        ):
            return True
    return False


def figures(ds: DataSet, outs: Sequence[Outcome]) -> dict[str, NDArray[np.float64]]:
    """Per-question indicator arrays (answerable questions unless said), for means and bootstraps."""
    ans = [(q, o) for q, o in zip(ds.questions, outs, strict=True) if q.case.answerable]
    una = [o for q, o in zip(ds.questions, outs, strict=True) if not q.case.answerable]
    f: dict[str, NDArray[np.float64]] = {}
    for key in ("search", "ask"):
        ranks = [m.first_hit_rank(getattr(o, key), q.gold) for q, o in ans]
        f[f"{key}_hit5"] = np.array([float(x is not None and x <= 5) for x in ranks])
        before = [m.chars_before_gold(getattr(o, key), q.gold) for q, o in ans]
        f[f"{key}_read1000"] = np.array([float(x is not None and x < 1000) for x in before])
    f["ask_refused"] = np.array([float(o.abstained) for _, o in ans])
    f["unans_refused"] = np.array([float(o.abstained) for o in una])
    cited = [o.ask for _, o in ans]
    gold = [q.gold for q, _ in ans]
    f["ask_cit_prec"] = np.array([m.citation_precision(cited, gold) or 0.0])
    f["ask_char_prec"] = np.array([m.character_precision(cited, gold) or 0.0])
    return f


def run(v: Variant, ds: DataSet, **kw: object) -> dict[str, NDArray[np.float64]]:
    return figures(ds, [answer(v, ds, q, **kw) for q in ds.questions])  # type: ignore[arg-type]


def interval(x: NDArray[np.float64], n: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """Mean and a bootstrap 95% interval over questions (the report's bootstrap, `bot.eval.bootstrap`)."""
    if len(x) == 0:
        return (float("nan"),) * 3
    weights = bootstrap.resample_weights(len(x), n, seed)
    mean = bootstrap.interval(bootstrap.ratio(x, np.ones(len(x))), weights)
    low = float("nan") if mean.low is None else mean.low
    high = float("nan") if mean.high is None else mean.high
    return float(x.mean()), low, high


def paired(a: NDArray[np.float64], b: NDArray[np.float64], n: int = 1000) -> tuple[float, float, float]:
    """Difference of means b - a with a paired bootstrap 95% interval."""
    return interval(b - a, n)


@dataclass
class _Row:
    """A sentence as `bot.answerability.features` reads a passage."""

    score: float
    dense: float
    lexical: float
    text: str


def ranked_features(ix: Index, qu: Question, r: Ranked, top: Sequence[int]) -> NDArray[np.float64]:
    """The FEATURES of a question whose rows are already ranked (`r`) and chosen (`top`)."""
    rows = [
        _Row(float(r.score[i]), float(r.dense[i]), float(r.lexical[i]), sentence_text(ix, i)) for i in top
    ]
    return np.array(features(qu.case.question, rows, qu.missing))


def answerability_features(v: Variant, ds: DataSet, qu: Question) -> NDArray[np.float64]:
    """The product's answerability features (`bot.answerability.features`) of a question's five best."""
    ix = ds.index
    r = rank(v, ix, qu)
    return ranked_features(ix, qu, r, diversify(v, ix, r, 5))


FEATURES = (
    "top_score",
    "top_dense",
    "top_lexical",
    "margin",
    "mean_score",
    "best_lexical",
    "missing_names",
    "typed_question",
    "typed_missing",
)
"""What the learned answerability model (measured, not kept) read of a question's five best passages."""


def features(question: str, passages: Sequence[_Row], missing_names: int) -> list[float]:
    """The FEATURES of a question and its best passages."""
    kind = expected_type(question)
    ranked = sorted(passages, key=lambda p: -p.score)
    if not ranked:
        return [0.0] * 6 + [float(missing_names), float(kind is not AnswerType.OTHER), 1.0]
    best = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    typed_missing = not carries(kind, (p.text for p in ranked[:2]), expected_units(question))
    return [
        best.score,
        best.dense,
        best.lexical,
        best.score - second,
        sum(p.score for p in ranked) / len(ranked),
        max(p.lexical for p in ranked),
        float(missing_names),
        float(kind is not AnswerType.OTHER),
        float(typed_missing),
    ]
