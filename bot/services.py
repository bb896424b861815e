"""The composition root: builds the embedder, the store, the searcher and the chains from settings,
once per process, and hands them to the entry points (CLI, API)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from langchain_core.runnables import Runnable, RunnableConfig

from bot.chain import build_answer_chain
from bot.models import Answer, AskRequest, SearchResults
from bot.quotes import cite, verify
from bot.settings import Settings
from vectorstore.embeddings import ArrayEmbeddings, make_embeddings
from vectorstore.ingest import Ingestor
from vectorstore.models import Filters
from vectorstore.search import HybridSearcher
from vectorstore.store import ChromaStore


@dataclass
class Services:
    """What the entry points use. Build with `build_services(settings)`."""

    settings: Settings
    embeddings: ArrayEmbeddings
    store: ChromaStore

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.store, self.embeddings, self.settings.retrieval)

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.embeddings, self.settings.ingest)

    @cached_property
    def answer_chain(self) -> Runnable[AskRequest, Answer]:
        return build_answer_chain(self.searcher, self.store, self.settings.answer)

    def ask(self, request: AskRequest, config: RunnableConfig | None = None) -> Answer:
        """Answer a question with verified quotes (or say the articles do not cover it)."""
        return self.answer_chain.invoke(request, config=config)

    def search(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> SearchResults:
        """Ranked passages with citation fields (no abstention: search shows what is closest)."""
        passages = self.searcher.search(query, top_k=top_k, filters=filters)
        texts = self.store.texts([p.article_id for p in passages])
        citations = cite(passages, texts)
        verify(citations, texts)
        return SearchResults(query=query, results=citations)


def build_services(settings: Settings) -> Services:
    """Load the embedding model and open the index (both once per process)."""
    embeddings = make_embeddings(settings.embedding)
    store = ChromaStore.open(settings.store, model_id=embeddings.model_id, dim=embeddings.dim)
    return Services(settings=settings, embeddings=embeddings, store=store)
