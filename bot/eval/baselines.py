"""Baselines claimbot is measured against, built in the same run over the same original texts.

1. `NaiveLangchain`: the recipe a user writes first: `RecursiveCharacterTextSplitter` (1000/200)
   over each article's original text, the same embedding model, a Chroma collection, similarity
   search top-k, citing whole chunks (at their real start offsets, so overlap can be measured).
2. `Lexical`: the project's BM25 alone, over the sentences claimbot indexes.
3. `DenseSentences`: the same embedding model alone, plain cosine over those sentences.

None of them can abstain. They are built from texts only (not from claimbot's index), so an
evaluation over HTTP builds exactly the same baselines as one in-process.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np

from bot.eval.metrics import Span
from bot.eval.systems import Output, Quote
from vectorstore.cleaning import content_regions
from vectorstore.embeddings import ArrayEmbeddings
from vectorstore.lexical import BM25
from vectorstore.sentences import split_sentences

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


def sentence_spans(texts: Mapping[str, str]) -> list[Span]:
    """The sentences claimbot indexes (page furniture left out), as spans of the original texts."""
    return [
        (aid, s.start, s.end)
        for aid, text in texts.items()
        for s in split_sentences(text, content_regions(text))
    ]


class NaiveLangchain:
    """Baseline 1: langchain's splitter + Chroma, the way its tutorials do it."""

    key = "naive-langchain"
    title = "1. naive langchain (RecursiveCharacterTextSplitter 1000/200 + Chroma, whole chunks)"
    abstains = False

    def __init__(self, store: Any, client: Any, collection: str, size: int) -> None:
        self.store = store
        self.client = client
        self.collection = collection
        self.size = size

    @classmethod
    def build(cls, texts: Mapping[str, str], embeddings: ArrayEmbeddings) -> NaiveLangchain:
        """Split, embed and add every article to a fresh collection of an in-memory Chroma."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        docs = splitter.create_documents(list(texts.values()), metadatas=[{"article_id": a} for a in texts])
        # The same client settings as the project's store: Chroma refuses a second in-process client
        # whose settings differ.
        client = chromadb.EphemeralClient(
            settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        )
        collection = f"eval-naive-{uuid.uuid4().hex[:12]}"
        store = Chroma(collection_name=collection, embedding_function=embeddings, client=client)
        batch = int(client.get_max_batch_size())
        for i in range(0, len(docs), batch):
            part = docs[i : i + batch]
            store.add_documents(part, ids=[f"c{i + j}" for j in range(len(part))])
        return cls(store, client, collection, len(docs))

    def run(self, text: str, top_k: int) -> Output:
        hits = self.store.similarity_search_with_score(text, k=top_k)
        quotes = []
        for doc, distance in hits:
            start = int(doc.metadata.get("start_index", -1))
            quotes.append(
                Quote(
                    article_id=str(doc.metadata["article_id"]),
                    start=start,
                    end=start + len(doc.page_content),
                    quote=doc.page_content,
                    # Chroma's default space is squared L2; for unit vectors cosine = 1 - d / 2.
                    score=round(1.0 - float(distance) / 2.0, 4),
                )
            )
        return Output(quotes=quotes)

    def close(self) -> None:
        """Drop the collection (the in-memory client lives as long as the process)."""
        self.client.delete_collection(self.collection)


class Lexical:
    """Baseline 2: BM25 over sentences (the project's `vectorstore.lexical.BM25` and tokeniser)."""

    key = "lexical"
    title = "2. lexical only (BM25 over sentences)"
    abstains = False

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts
        self.index = BM25()
        self.spans: dict[str, Span] = {}
        for n, span in enumerate(sentence_spans(texts)):
            doc_id = f"s{n}"
            self.spans[doc_id] = span
            self.index.add(doc_id, span[0], texts[span[0]][span[1] : span[2]])

    def run(self, text: str, top_k: int) -> Output:
        quotes = []
        for doc_id, score in self.index.search(text, top_k):
            aid, start, end = self.spans[doc_id]
            quotes.append(
                Quote(article_id=aid, start=start, end=end, quote=self.texts[aid][start:end], score=score)
            )
        return Output(quotes=quotes)


class DenseSentences:
    """Baseline 3: the same embedding model over sentences, plain cosine, nothing else."""

    key = "dense"
    title = "3. dense only (same model, sentence level, cosine)"
    abstains = False

    def __init__(self, texts: Mapping[str, str], embeddings: ArrayEmbeddings) -> None:
        self.texts = texts
        self.embeddings = embeddings
        self.spans = sentence_spans(texts)
        self.vectors = embeddings.embed_array([texts[a][s:e] for a, s, e in self.spans])

    def run(self, text: str, top_k: int) -> Output:
        query = self.embeddings.embed_array([text], is_query=True)[0]
        sims = self.vectors @ query
        best = np.argsort(-sims, kind="stable")[:top_k]
        quotes = []
        for i in best:
            aid, start, end = self.spans[int(i)]
            quotes.append(
                Quote(
                    article_id=aid,
                    start=start,
                    end=end,
                    quote=self.texts[aid][start:end],
                    score=round(float(sims[i]), 4),
                )
            )
        return Output(quotes=quotes)
