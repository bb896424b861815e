"""A fast laboratory for retrieval and abstention design: one index per data set, read once into numpy.

`claimbot eval` measures the product end to end, a few minutes a set. Choosing a design takes hundreds
of variants, so this reads a built index (sentences, chunks, clauses with their vectors, the BM25
indexes) and the questions' vectors (through the embedding cache) once, and scores every variant from
those arrays in seconds. `bot.eval.ablations` runs the variants; the product is then re-measured with
`claimbot eval questions --corpus ...`.

Build the indexes once (any folder; the embedding cache makes a rebuild cheap):

    CLAIMBOT_DATA_DIR=/tmp/lab/facqa claimbot ingest ../shared/data/dev/facqa-dev-corpus.jsonl

Data: FacQA (IndoNLU), IDK-MRC (Putri & Oh, 2022), TyDi QA GoldP (Clark et al., 2020) dev sets as
prepared in `../shared/data/dev/`, and the project's own questions over `seeds/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.answerability import Grounding
from bot.eval.cases import QuestionCase, gold_spans, load_questions
from bot.eval.metrics import Span
from vectorstore.config import EmbeddingSettings, StoreSettings
from vectorstore.embeddings import ArrayEmbeddings, make_embeddings
from vectorstore.search import quotable
from vectorstore.store import ChromaStore

if TYPE_CHECKING:
    from numpy.typing import NDArray

DEV = Path("../shared/data/dev")
SETS: dict[str, tuple[str, str]] = {
    "facqa": (str(DEV / "facqa-dev-questions.jsonl"), str(DEV / "facqa-dev-corpus.jsonl")),
    "idkmrc": (str(DEV / "idkmrc-dev-questions.jsonl"), str(DEV / "idkmrc-dev-corpus.jsonl")),
    "tydiqa": (str(DEV / "tydiqa-dev-questions.jsonl"), str(DEV / "tydiqa-dev-corpus.jsonl")),
    "seeds": ("tests/data/questions.jsonl", "seeds"),
    "seeds-heldout": ("tests/data/questions-heldout.jsonl", "seeds"),
}
"""name -> (questions, corpus) as `claimbot eval questions FILE --corpus PATH` takes them."""


def embedder(cache: Path | None) -> ArrayEmbeddings:
    """The configured embedding model, with the disk cache when a folder is given."""
    emb = make_embeddings(EmbeddingSettings())
    if cache is not None and emb.cache is None:
        emb.use_cache(cache)
    return emb


@dataclass
class Index:
    """Everything of one built index as arrays, rows of sentences, chunks and clauses."""

    texts: dict[str, str]
    titles: dict[str, str | None]
    sid: list[str]
    aid: list[str]
    idx: NDArray[np.int64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    S: NDArray[np.float32]
    """Sentence vectors (as embedded: a sentence that refers back carries the one before it)."""
    C: NDArray[np.float32]
    chunk_of: NDArray[np.int64]
    """(n_sentences, 3): rows of the chunks holding each sentence, -1 padded."""
    chunk_aid: list[str]
    cid: list[str]
    K: NDArray[np.float32]
    clause_owner: NDArray[np.int64]
    """Row of the sentence each clause vector belongs to."""
    article_row: NDArray[np.int64]
    """Per sentence, the number of its article (rows of `article_sums`)."""
    article_sums: NDArray[np.float64]
    quotable: NDArray[np.bool_]
    store: ChromaStore | None
    """Open while questions are read (their BM25 scores); None once the set is loaded (picklable)."""
    grounding: Grounding
    row: dict[str, int] = field(default_factory=dict)
    norm: list[str] = field(default_factory=list)
    """Each sentence's text lower-cased with spaces collapsed (repeats are dropped by `diversify`)."""

    @classmethod
    def load(cls, data_dir: Path, emb: ArrayEmbeddings) -> Index:
        store = ChromaStore.open(
            StoreSettings(data_dir=data_dir, chroma_url=None), model_id=emb.model_id, dim=emb.dim
        )
        records = store.records()
        texts = store.texts(sorted(records))
        s_rows = [
            (i, m, d, np.asarray(v, dtype=np.float32))
            for ids, docs, metas, vecs in store._pages(
                store.sentences, ["documents", "metadatas", "embeddings"]
            )
            for i, d, m, v in zip(ids, docs, metas, vecs, strict=True)
        ]
        s_rows.sort(key=lambda r: (str(r[1]["article_id"]), int(r[1]["idx"])))
        sid = [r[0] for r in s_rows]
        row = {s: n for n, s in enumerate(sid)}
        aid = [str(r[1]["article_id"]) for r in s_rows]
        articles = sorted(set(aid))
        a_row = {a: n for n, a in enumerate(articles)}
        S = np.vstack([r[3] for r in s_rows])
        art = np.array([a_row[a] for a in aid])
        sums = np.zeros((len(articles), S.shape[1]))
        np.add.at(sums, art, S.astype(np.float64))
        c_rows = [
            (i, m, np.asarray(v, dtype=np.float32))
            for ids, _, metas, vecs in store._pages(store.chunks, ["metadatas", "embeddings"])
            for i, m, v in zip(ids, metas, vecs, strict=True)
        ]
        chunk_of = np.full((len(sid), 3), -1, dtype=np.int64)
        fill = np.zeros(len(sid), dtype=np.int64)
        for n, (_, m, _) in enumerate(c_rows):
            for k in range(int(m["s0"]), int(m["s1"])):
                r = row.get(f"{m['article_id']}#s{k}")
                if r is not None and fill[r] < 3:
                    chunk_of[r, fill[r]] = n
                    fill[r] += 1
        k_rows = [
            (m, np.asarray(v, dtype=np.float32))
            for _, _, metas, vecs in store._pages(store.clauses, ["metadatas", "embeddings"])
            for m, v in zip(metas, vecs, strict=True)
        ]
        owner = np.array([row[f"{m['article_id']}#s{m['idx']}"] for m, _ in k_rows], dtype=np.int64)
        K = np.vstack([v for _, v in k_rows]) if k_rows else np.zeros((0, S.shape[1]), dtype=np.float32)
        titles = {a: r.title for a, r in records.items()}
        quot = np.array([quotable(r[2], titles.get(a)) for r, a in zip(s_rows, aid, strict=True)])
        return cls(
            texts=texts,
            titles=titles,
            sid=sid,
            aid=aid,
            idx=np.array([int(r[1]["idx"]) for r in s_rows]),
            start=np.array([int(r[1]["start"]) for r in s_rows]),
            end=np.array([int(r[1]["end"]) for r in s_rows]),
            S=S,
            C=np.vstack([v for _, _, v in c_rows]),
            chunk_of=chunk_of,
            chunk_aid=[str(m["article_id"]) for _, m, _ in c_rows],
            cid=[i for i, _, _ in c_rows],
            K=K,
            clause_owner=owner,
            article_row=art,
            article_sums=sums,
            quotable=quot,
            store=store,
            grounding=Grounding(store.vocabulary()),
            row=row,
            norm=[" ".join(r[2].lower().split()) for r in s_rows],
        )


@dataclass
class Question:
    """One question with what every variant needs: its vector, gold spans and BM25 coverages."""

    case: QuestionCase
    gold: list[Span]
    q: NDArray[np.float32]
    lex_s: NDArray[np.float32]
    """BM25 score of each sentence / the score of a sentence holding every query term."""
    lex_c: NDArray[np.float32]
    missing: int
    """Name words of the question that no article holds."""


@dataclass
class DataSet:
    name: str
    index: Index
    questions: list[Question]


def load_set(name: str, data_dir: Path, emb: ArrayEmbeddings) -> DataSet:
    """The index at `data_dir` and the questions of set `name` (see `SETS`)."""
    index = Index.load(data_dir, emb)
    store = index.store
    assert store is not None
    cases = load_questions(Path(SETS[name][0]))
    Q = emb.embed_array([c.question for c in cases], is_query=True)
    out = []
    chunk_row = {c: n for n, c in enumerate(index.cid)}
    for c, q in zip(cases, Q, strict=True):
        text = c.question
        lex_s = np.zeros(len(index.sid), dtype=np.float32)
        top = store.lex_sentences.max_score(text) or 1.0
        for doc, sc in store.lex_sentences.search(text, 100_000):
            lex_s[index.row[doc]] = sc / top
        lex_c = np.zeros(len(index.chunk_aid), dtype=np.float32)
        top = store.lex_chunks.max_score(text) or 1.0
        for doc, sc in store.lex_chunks.search(text, 100_000):
            if doc in chunk_row:
                lex_c[chunk_row[doc]] = sc / top
        out.append(
            Question(
                case=c,
                gold=gold_spans(c.id, c.gold, index.texts),
                q=q,
                lex_s=lex_s,
                lex_c=lex_c,
                missing=len(index.grounding.missing_words(text)),
            )
        )
    index.store = None
    return DataSet(name, index, out)


def cached_set(name: str, data_dir: Path, emb: ArrayEmbeddings, folder: Path) -> DataSet:
    """`load_set`, pickled under `folder` after the first time (delete the file after a re-index)."""
    import pickle

    path = folder / f"{name}.pickle"
    if path.exists():
        with path.open("rb") as fh:
            loaded: DataSet = pickle.load(fh)
            return loaded
    ds = load_set(name, data_dir, emb)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(ds, fh)
    return ds


def naive(ds: DataSet, emb: ArrayEmbeddings, top_k: int = 5) -> list[list[Span]]:
    """Baseline 1 (`bot.eval.baselines.NaiveLangchain`) in numpy: the same splitter and model, exact
    cosine instead of Chroma's approximate search."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from bot.eval.baselines import CHUNK_OVERLAP, CHUNK_SIZE

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    texts = ds.index.texts
    docs = splitter.create_documents(list(texts.values()), metadatas=[{"article_id": a} for a in texts])
    V = emb.embed_array([d.page_content for d in docs])
    spans = [
        (
            str(d.metadata["article_id"]),
            int(d.metadata["start_index"]),
            int(d.metadata["start_index"]) + len(d.page_content),
        )
        for d in docs
    ]
    Q = np.vstack([q.q for q in ds.questions])
    best = np.argsort(-(Q @ V.T), axis=1)[:, :top_k]
    return [[spans[int(i)] for i in row] for row in best]
