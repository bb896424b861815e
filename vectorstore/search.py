"""Hybrid search: dense sentences + dense chunks (context) + BM25, fused, spread across articles.

Why three signals: a sentence on its own often lacks the words of the question ("Pejabat Rusia
menyebutnya berita palsu" does not say what was called fake), its chunk carries that context; BM25
catches names, numbers and Indonesian wording the small encoder blurs. Scores are kept on an absolute
scale (calibrated cosine, coverage-normalised BM25) rather than fused by rank, so a weak best match
stays weak and the answer layer can abstain. For a question, BM25 coverage is read against the best
match in the index, within a bound (`HybridSearcher._lexical_lift`); `Passage.lexical` stays plain
coverage. A long sentence that says two things (a quotation and
who said it) is also scored by its best part (`clause_spans`), since one vector averages both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from vectorstore.chroma import clause_id
from vectorstore.config import RetrievalSettings
from vectorstore.embeddings import ArrayEmbeddings
from vectorstore.models import ArticleRecord, Filters, Passage
from vectorstore.sentences import ATTRIBUTING_VERBS, joinable, leans_back
from vectorstore.store import ChromaStore

if TYPE_CHECKING:
    from numpy.typing import NDArray

# Similarities are compared after removing the corpus's topic direction (see
# `ChromaStore.topic_direction`); those "centred" cosines of multilingual-e5 run from about 0 for
# unrelated text to about 0.5 for a close paraphrase. This maps that band to [0, 1] so it can be
# weighed against BM25 coverage.
COS_FLOOR = 0.0
COS_CEIL = 0.5


def calibrate(cos: float) -> float:
    """Map a centred cosine similarity to [0, 1] (see COS_FLOOR / COS_CEIL)."""
    return float(min(1.0, max(0.0, (cos - COS_FLOOR) / (COS_CEIL - COS_FLOOR))))


def fuse(dense: float, context: float, lexical: float, s: RetrievalSettings) -> float:
    """Dense evidence (sentence and chunk) is the base; BM25 coverage adds to it, never subtracts.

    Additive rather than averaged because BM25 is structurally near zero for English questions over
    Indonesian text: averaging would cap their scores and make them incomparable with Indonesian ones.
    """
    base = (s.weight_dense * dense + s.weight_context * context) / (
        (s.weight_dense + s.weight_context) or 1.0
    )
    return base + s.weight_lexical * lexical * (1.0 - base)


class Direction:
    """A unit vector that compares by value, so passages holding one still compare with `==`."""

    __slots__ = ("array",)

    def __init__(self, array: NDArray[np.float32]) -> None:
        self.array = array

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Direction) and bool(np.array_equal(self.array, other.array))

    __hash__ = None  # type: ignore[assignment]


class _Centred:
    """Cosine similarity to the query with the corpus topic direction projected out of both sides."""

    def __init__(self, query: NDArray[np.float32], topic: NDArray[np.float32] | None) -> None:
        self.topic = topic
        self.query = self.unit(query)

    def unit(self, v: NDArray[np.float32]) -> NDArray[np.float32]:
        """`v` with the topic direction projected out, scaled to unit length."""
        if self.topic is not None:
            v = v - float(v @ self.topic) * self.topic
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def __call__(self, v: NDArray[np.float32]) -> float:
        return float(self.unit(v) @ self.query)


@dataclass
class _Candidate:
    sid: str
    article_id: str
    index: int
    start: int
    end: int
    text: str
    dense: float = 0.0
    context: float = 0.0
    lex_sentence: float = 0.0
    lex_chunk: float = 0.0
    clauses: int = 0
    clause: float = -1.0
    """Similarity of the sentence's best clause (`clause_spans`), less the clause discount."""
    vector: Any = field(default=None, repr=False)


class HybridSearcher:
    """Ranks sentences for a query; the unit returned is always a verbatim sentence span."""

    def __init__(self, store: ChromaStore, embeddings: ArrayEmbeddings, settings: RetrievalSettings) -> None:
        self.store = store
        self.embeddings = embeddings
        self.settings = settings

    def search(
        self, query: str, *, top_k: int = 5, filters: Filters | None = None, as_question: bool = True
    ) -> list[Passage]:
        """The `top_k` best passages, at most `per_article` per article while others remain."""
        ranked = self.rank(query, filters=filters, as_question=as_question)
        return diversify(
            ranked, top_k=top_k, per_article=self.settings.per_article, redundancy=self.settings.redundancy
        )

    def rank(self, query: str, *, filters: Filters | None = None, as_question: bool = True) -> list[Passage]:
        """Every candidate passage, scored and sorted best first.

        `as_question` reads the query as a question, which asks about one thing a sentence says, in
        words other than the sentence's: a long sentence is as close to it as its best part
        (`_score_clauses`), and BM25 is read against the best match in the index (`_lexical_lift`).
        A claim (`as_question=False`) is a whole statement, matched as one.

        A passage is one sentence, or a sentence that leans back (`leans_back`) together with the one
        before it, which is how such a sentence is always quoted: "Ia didampingi oleh ... Li
        Hongzhong." names no one on its own. Its vector embeds both (`embedding_spans`) and its BM25
        score counts the words of both, so a question worded like the first sentence finds the answer
        in the second.
        """
        s = self.settings
        store = self.store
        qv = self.embeddings.embed_array([query], is_query=True)[0]
        where = store.where(filters)
        allowed = store.allowed_articles(filters)
        if allowed is not None and not allowed:
            return []
        nearest = store.query(store.sentences, qv, s.candidates, where)
        # What the articles near the question share is taken out of every comparison (`_Centred`).
        sim = _Centred(qv, store.topic_direction(str(meta["article_id"]) for _, meta, _, _ in nearest))
        cands: dict[str, _Candidate] = {}
        for sid, meta, doc, vec in nearest:
            cands[sid] = _candidate(sid, meta, doc, vec, sim)
        chunk_hits = store.query(store.chunks, qv, s.candidates, where)
        chunk_cos = {cid: sim(vec) for cid, _, _, vec in chunk_hits}
        chunk_meta = {cid: meta for cid, meta, _, _ in chunk_hits}
        floor = min(chunk_cos.values(), default=0.0)

        bm_max = store.lex_sentences.max_score(query) or 1.0
        lex_s = {sid: sc / bm_max for sid, sc in store.lex_sentences.search(query, s.candidates, allowed)}
        bmc_max = store.lex_chunks.max_score(query) or 1.0
        lex_c = {cid: sc / bmc_max for cid, sc in store.lex_chunks.search(query, s.candidates, allowed)}
        lift = (self._lexical_lift(lex_s), self._lexical_lift(lex_c)) if as_question else (1.0, 1.0)
        missing_chunks = [cid for cid in lex_c if cid not in chunk_meta]
        for cid, (meta, _, _) in store.fetch(store.chunks, missing_chunks).items():
            chunk_meta[cid] = meta

        # Sentences of the best chunks (dense or lexical) are candidates too: their context speaks.
        # So are the neighbours of every candidate, which a pair may need.
        by_sim = sorted(chunk_cos, key=lambda cid: -chunk_cos[cid])
        top_chunks = by_sim[:10] + list(lex_c)[:10]
        wanted = set(lex_s) | set(cands)
        for cid in top_chunks:
            meta = chunk_meta[cid]
            wanted.update(f"{meta['article_id']}#s{i}" for i in range(int(meta["s0"]), int(meta["s1"])))
        wanted.update(n for sid in list(wanted) for n in _neighbours(sid))
        missing = [sid for sid in wanted if sid not in cands]
        records = store.records()
        for sid, (meta, doc, vec) in store.fetch(store.sentences, missing).items():
            if str(meta["article_id"]) in records and (allowed is None or meta["article_id"] in allowed):
                cands[sid] = _candidate(sid, meta, doc, vec, sim)

        # Index chunks by article so each candidate finds the chunks that contain it.
        by_article: dict[str, list[tuple[int, int, str]]] = {}
        for cid, meta in chunk_meta.items():
            by_article.setdefault(str(meta["article_id"]), []).append((int(meta["s0"]), int(meta["s1"]), cid))
        for cand in cands.values():
            cand.lex_sentence = lex_s.get(cand.sid, 0.0)
            ctx, lexc = floor, 0.0
            for s0, s1, cid in by_article.get(cand.article_id, ()):
                if s0 <= cand.index < s1:
                    ctx = max(ctx, chunk_cos.get(cid, floor))
                    lexc = max(lexc, lex_c.get(cid, 0.0))
            cand.context, cand.lex_chunk = ctx, lexc
        if as_question:
            self._score_clauses(cands, sim)

        out = []
        pairs = self._pairs(cands, records)
        texts = store.texts(sorted({d.article_id for _, d in pairs})) if pairs else {}
        paired: set[str] = set()
        for prev, cand in pairs:
            text = texts.get(cand.article_id, "")
            if text[prev.start : prev.end] != prev.text or not joinable(text, prev, cand):
                continue  # a stale text, or furniture between the two: not one verbatim passage
            joint = _Candidate(
                sid=cand.sid,
                article_id=cand.article_id,
                index=cand.index,
                start=prev.start,
                end=cand.end,
                text=text[prev.start : cand.end],
                dense=cand.dense,  # its vector embeds both sentences (`embedding_spans`)
                context=max(prev.context, cand.context),
                lex_sentence=store.lex_sentences.joint_score(query, [prev.sid, cand.sid]) / bm_max,
                lex_chunk=max(prev.lex_chunk, cand.lex_chunk),
                clause=max(prev.clause, cand.clause),
                vector=cand.vector,
            )
            out.append(self._passage(joint, records[cand.article_id], sentences=2, sim=sim, lift=lift))
            paired.add(cand.sid)
        for c in cands.values():
            rec = records.get(c.article_id)
            if rec is None or c.sid in paired or not quotable(c.text, rec.title):
                continue
            out.append(self._passage(c, rec, sentences=1, sim=sim, lift=lift))
        out.sort(key=lambda p: (-p.score, p.article_id, p.start))
        return out

    def widen(self, passages: list[Passage], *, before: int, after: int) -> list[Passage]:
        """Each passage with up to `before` sentences before it and `after` after it in its article, as
        one verbatim span (only neighbours that are quotable and adjacent, with nothing cut out in
        between). A passage whose widened span overlaps an earlier one of the same article is merged
        into it, so no text is quoted twice. `sentence_index` and the scores stay those of the passage
        that was ranked.

        Why: on questions written for Wikipedia and news passages (IDK-MRC, TyDi QA, FacQA dev sets),
        the sentence that answers is often next to the one that matches the question ("Taman Budaya
        Yogyakarta (TBY) sendiri terletak di ..." after the sentence naming the museum asked about).
        """
        if not passages or (before <= 0 and after <= 0):
            return passages
        ids = []
        for p in passages:
            first = p.sentence_index - p.sentence_count + 1
            ids += [f"{p.article_id}#s{i}" for i in range(max(0, first - before), first)]
            ids += [f"{p.article_id}#s{i}" for i in range(p.sentence_index + 1, p.sentence_index + 1 + after)]
        found = self.store.fetch(self.store.sentences, list(dict.fromkeys(ids)))
        texts = self.store.texts(sorted({p.article_id for p in passages}))
        records = self.store.records()
        out: list[Passage] = []
        for p in passages:
            text = texts.get(p.article_id)
            rec = records.get(p.article_id)
            if text is None or rec is None or text[p.start : p.end] != p.text:
                out.append(p)
                continue
            first = p.sentence_index - p.sentence_count + 1
            start, end = p.start, p.end
            for i in range(first - 1, first - 1 - before, -1):
                span = _neighbour(found.get(f"{p.article_id}#s{i}"), text, rec.title)
                if span is None or text[span[1] : start].strip():
                    break
                start = span[0]
            for i in range(p.sentence_index + 1, p.sentence_index + 1 + after):
                span = _neighbour(found.get(f"{p.article_id}#s{i}"), text, rec.title)
                if span is None or text[end : span[0]].strip():
                    break
                end = span[1]
            taken = next(
                (
                    k
                    for k, q in enumerate(out)
                    if q.article_id == p.article_id and q.start <= end and start <= q.end
                ),
                None,
            )
            if taken is None:
                out.append(p.model_copy(update={"start": start, "end": end, "text": text[start:end]}))
                continue
            q = out[taken]
            lo, hi = min(q.start, start), max(q.end, end)
            out[taken] = q.model_copy(update={"start": lo, "end": hi, "text": text[lo:hi]})
        return out

    def _score_clauses(self, cands: dict[str, _Candidate], sim: _Centred) -> None:
        """Give each candidate with clause vectors the similarity of its best clause, less
        `clause_discount` (a part is shorter than the sentence, so it matches one idea of a question
        more easily). A sentence is then as close to the question as its best part."""
        ids = [clause_id(c.article_id, c.index, k) for c in cands.values() for k in range(c.clauses)]
        if not ids:
            return
        for meta, _, vec in self.store.fetch(self.store.clauses, ids).values():
            cand = cands.get(f"{meta['article_id']}#s{meta['idx']}")
            if cand is not None:
                cand.clause = max(cand.clause, sim(vec) - self.settings.clause_discount)

    def _pairs(
        self, cands: dict[str, _Candidate], records: dict[str, ArticleRecord]
    ) -> list[tuple[_Candidate, _Candidate]]:
        """(previous, sentence) for each quotable candidate that leans back on a quotable previous one."""
        out = []
        for cand in cands.values():
            rec = records.get(cand.article_id)
            if rec is None or cand.index == 0 or not leans_back(cand.text):
                continue
            prev = cands.get(f"{cand.article_id}#s{cand.index - 1}")
            if prev is not None and quotable(prev.text, rec.title) and quotable(cand.text, rec.title):
                out.append((prev, cand))
        return out

    def _lexical_lift(self, coverage: dict[str, float]) -> float:
        """What BM25 coverage is multiplied by in a question's scores: 1 / the best coverage in the
        index, but at most 1 / `lexical_relative_floor`.

        A question is worded unlike its answer, so even the sentence that answers it often holds a
        fifth of its words ("justify possible joint drills" against "... Shoigu mengenai kemungkinan
        latihan militer bersama"); read as plain coverage that is noise beside the dense score. Read
        against the best match it says: no sentence shares more of the question. The floor keeps a
        question whose words barely match anything (English against Indonesian text) from lifting
        that noise.
        """
        best = max(coverage.values(), default=0.0)
        return 1.0 / max(best, self.settings.lexical_relative_floor)

    def _passage(
        self, c: _Candidate, rec: ArticleRecord, *, sentences: int, sim: _Centred, lift: tuple[float, float]
    ) -> Passage:
        lexical = 0.5 * c.lex_sentence + 0.5 * c.lex_chunk
        lifted = 0.5 * min(1.0, c.lex_sentence * lift[0]) + 0.5 * min(1.0, c.lex_chunk * lift[1])
        dense = max(c.dense, c.clause)
        score = fuse(calibrate(dense), calibrate(c.context), lifted, self.settings)
        passage = Passage(
            article_id=c.article_id,
            sentence_index=c.index,
            sentence_count=sentences,
            start=c.start,
            end=c.end,
            text=c.text,
            score=round(score, 6),
            dense=round(dense, 6),
            context=round(c.context, 6),
            lexical=round(lexical, 6),
            title=rec.title,
            source=rec.source,
            published=rec.published,
        )
        if c.vector is not None:
            passage._vector = Direction(sim.unit(c.vector))
        return passage


def _neighbour(
    found: tuple[dict[str, Any], str, Any] | None, text: str, title: str | None
) -> tuple[int, int] | None:
    """The span of a stored neighbouring sentence, if it is still the article's text and quotable."""
    if found is None:
        return None
    meta, doc, _ = found
    start, end = int(meta["start"]), int(meta["end"])
    if text[start:end] != doc or not quotable(doc, title):
        return None
    return start, end


def quotable(sentence: str, title: str | None) -> bool:
    """Headlines and questions are context, not evidence: never offered as a quote.

    A headline summarises (and its body says the same with attribution); a sentence that asks
    ("Apa yang Diinginkan Rusia dari Korea Utara?") answers nothing. Both still count as context
    through their chunk.
    """
    text = _FOOTNOTES.sub("", sentence.strip()).rstrip("\"”’'")
    if not text or (text[-1] not in ".!…:;)" and not _ATTRIBUTED.search(text)):
        return False  # a headline or sub-heading: no closing punctuation
    return not text.endswith("?") and sentence.strip() != (title or "").strip()


# Reference markers after the closing punctuation ("... inti sel.[4]", "... tahun 671.[3][5]", as in every
# Wikipedia text): the sentence is body text, not a headline that lacks a full stop.
_FOOTNOTES = re.compile(r"(?:\[[^\[\]\n]{1,30}\])+$")

# A closing quotation and who said it: reported speech is body text even when the article leaves off
# the final full stop ("’’Kim juga berharap bantuan pangan dari Rusia,’’ demikian dilaporkan New York
# Times"); a headline does not attribute.
_ATTRIBUTED = re.compile(
    rf"[,.!?][\"”’']+\s*(?:{'|'.join(sorted(ATTRIBUTING_VERBS))})\b",
    re.IGNORECASE,
)


def _candidate(
    sid: str, meta: dict[str, Any], doc: str, vec: NDArray[np.float32], sim: _Centred
) -> _Candidate:
    return _Candidate(
        sid=sid,
        article_id=str(meta["article_id"]),
        index=int(meta["idx"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=doc,
        dense=sim(vec),
        clauses=int(meta.get("clauses", 0)),
        vector=vec,
    )


def _neighbours(sid: str) -> list[str]:
    """Ids of the sentences before and after sentence `sid` ("ARTICLE#sN")."""
    article_id, _, index = sid.rpartition("#s")
    if not index.isdigit():
        return []
    i = int(index)
    return [f"{article_id}#s{j}" for j in (i - 1, i + 1) if j >= 0]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _directions(passages: list[Passage]) -> NDArray[np.float32]:
    """The passages' unit vectors as rows (zeros for one without: alike to nothing)."""
    dims = next((p._vector.array.shape[0] for p in passages if p._vector is not None), 1)
    out = np.zeros((len(passages), dims), dtype=np.float32)
    for i, p in enumerate(passages):
        if p._vector is not None:
            out[i] = p._vector.array
    return out


def diversify(
    ranked: list[Passage], *, top_k: int, per_article: int, redundancy: float = 0.0
) -> list[Passage]:
    """Take the best passages, at most `per_article` per article while other articles have candidates,
    never the same sentence text twice (syndicated copies repeat sentences word for word) and never a
    passage overlapping one already taken (a pair and its own sentences).

    With `redundancy` > 0, each pick is the passage whose score, less `redundancy` times its
    similarity to the most alike passage already taken, is highest (maximal marginal relevance): a
    second outlet's wording of the same statement gives way to a passage that says something else."""
    chosen: list[Passage] = []
    per: dict[str, int] = {}
    texts = [_norm(p.text) for p in ranked]
    open_ = [True] * len(ranked)  # not yet taken, not a repeat of or overlapping a taken passage
    vectors = _directions(ranked) if redundancy else None
    alike = np.zeros(len(ranked), dtype=np.float32)  # similarity to the most alike passage taken
    while len(chosen) < top_k:
        candidates = [i for i, ok in enumerate(open_) if ok]
        if not candidates:
            break
        # Articles that have had their share wait until no other article has a candidate left.
        candidates = [i for i in candidates if per.get(ranked[i].article_id, 0) < per_article] or candidates
        if vectors is None:
            best = candidates[0]
        else:
            best = max(candidates, key=lambda i: ranked[i].score - redundancy * float(alike[i]))
            alike = np.maximum(alike, vectors @ vectors[best])
        taken = ranked[best]
        chosen.append(taken)
        per[taken.article_id] = per.get(taken.article_id, 0) + 1
        for i, p in enumerate(ranked):
            if open_[i] and (
                i == best
                or texts[i] == texts[best]
                or (p.article_id == taken.article_id and p.start < taken.end and taken.start < p.end)
            ):
                open_[i] = False
    chosen.sort(key=lambda p: -p.score)
    return chosen
