"""The composition root: builds the embedder, the store, the searcher and the chains from settings,
once per process, and hands them to the entry points (CLI, API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from langchain_core.runnables import Runnable, RunnableConfig

from bot.answerability import Grounding
from bot.chain import build_answer_chain
from bot.check import ClaimChecker
from bot.models import Answer, AskRequest, CheckRequest, CheckResult, SearchResults
from bot.quotes import cite, verify
from bot.settings import Settings
from bot.stance.model import StanceModel
from vectorstore.embeddings import ArrayEmbeddings, E5Embeddings, make_embeddings
from vectorstore.ingest import Ingestor
from vectorstore.models import Filters
from vectorstore.search import HybridSearcher
from vectorstore.store import ChromaStore

if TYPE_CHECKING:
    from bot.llm.judge import LlmJudge


@dataclass
class Services:
    """What the entry points use. Build with `build_services(settings)`."""

    settings: Settings
    embeddings: ArrayEmbeddings
    store: ChromaStore
    _grounding: tuple[int, Grounding] | None = field(default=None, init=False, repr=False)

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.store, self.embeddings, self.settings.retrieval)

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.embeddings, self.settings.ingest)

    @cached_property
    def answer_chain(self) -> Runnable[AskRequest, Answer]:
        return build_answer_chain(self.searcher, self.store, self.settings.answer)

    @cached_property
    def stance(self) -> StanceModel:
        """The shipped stance model, sharing the process's e5 when that is the index's model."""
        shared = self.embeddings if isinstance(self.embeddings, E5Embeddings) else None
        return StanceModel.from_file(embedder=shared)

    @cached_property
    def checker(self) -> ClaimChecker:
        return ClaimChecker(self.searcher, self.store, self.stance, self.grounding)

    def grounding(self) -> Grounding:
        """The index vocabulary for name look-ups, rebuilt when the index changes."""
        vocabulary = self.store.vocabulary()  # refreshes the store if another process wrote
        if self._grounding is None or self._grounding[0] != self.store.loaded_revision:
            self._grounding = (self.store.loaded_revision, Grounding(vocabulary))
        return self._grounding[1]

    @cached_property
    def llm_judge(self) -> LlmJudge | None:
        """The optional LLM judge, when CLAIMBOT_LLM_BASE_URL is set."""
        if not self.settings.llm.enabled:
            return None
        from bot.llm.judge import LlmJudge

        return LlmJudge(self.settings.llm)

    def check(self, request: CheckRequest) -> CheckResult:
        """A verdict on a claim with the verified quotes that decide it: the LLM judge's when one is
        configured, else the offline engine's."""
        judge = self.llm_judge
        if judge is None:
            return self.checker.check(request)
        candidates, texts = self.checker.evidence_candidates(request)
        return judge.judge(request.claim, candidates, texts)

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
