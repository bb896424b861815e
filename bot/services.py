"""The composition root: builds the embedder, the store, the searcher and the chains from settings,
once per process, and hands them to the entry points (CLI, API).

Before any search, a question or claim is checked against the index as a whole, so the answer says
what is really wrong: an index with no articles is `EmptyIndexError` (not "the articles do not cover
this"), a filter naming an article or outlet the index does not hold is `NotFoundError`, and a text
none of whose content words occurs in the index (in any spelling or translation the search would
match: a greeting, a key-mash) is answered "the articles do not cover this" without quotes, since
whatever the vectors found nearest would be quoted for no reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from langchain_core.runnables import Runnable, RunnableConfig

from bot.answerability import Grounding
from bot.chain import build_answer_chain, compose
from bot.check import ClaimChecker
from bot.models import Answer, AskRequest, CheckRequest, CheckResult, SearchResults
from bot.quotes import cite, verify
from bot.settings import Settings
from bot.stance.model import StanceModel
from vectorstore.embeddings import ArrayEmbeddings, E5Embeddings, make_embeddings
from vectorstore.errors import EmptyIndexError, NotFoundError
from vectorstore.ingest import Ingestor
from vectorstore.models import Filters
from vectorstore.search import HybridSearcher
from vectorstore.store import ChromaStore
from vectorstore.text import language

if TYPE_CHECKING:
    from bot.llm.judge import LlmJudge


EMPTY_INDEX = "the index holds no articles: add some with `claimbot ingest PATH` or POST /v1/articles"
NO_WORD_IN_INDEX = {
    "en": "None of the claim's words occurs in the articles, so they cannot decide it.",
    "id": "Tidak satu pun kata dalam klaim ini terdapat dalam artikel, jadi artikel tidak dapat "
    "memutuskannya.",
}


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
        return ClaimChecker(self.searcher, self.store, self.stance, self.grounding, self.settings.check)

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

    def require_articles(self, filters: Filters | None = None) -> None:
        """The index holds articles, and every article id and outlet a filter names is among them."""
        records = self.store.records()
        if not records:
            raise EmptyIndexError(EMPTY_INDEX)
        if filters is None:
            return
        for article_id in filters.article_id or []:
            if article_id not in records:
                raise NotFoundError(f"no article with id {article_id!r} in the index")
        outlets = {(r.source or "").strip().lower(): r.source for r in records.values() if r.source}
        for source in filters.source or []:
            if source.strip().lower() not in outlets:
                held = ", ".join(sorted(map(str, outlets.values()))[:20])
                raise NotFoundError(f"no article from the outlet {source!r} in the index (outlets: {held})")

    def has_words(self, text: str) -> bool:
        """Whether any content word of `text` occurs in the index (see the module docstring)."""
        self.store.refresh()
        return self.store.lex_sentences.knows_any(text)

    def check(self, request: CheckRequest) -> CheckResult:
        """A verdict on a claim with the verified quotes that decide it: the LLM judge's when one is
        configured, else the offline engine's."""
        self.require_articles(request.filters)
        if not self.has_words(request.claim):
            lang = language(request.claim)
            return CheckResult(
                claim=request.claim,
                verdict="not_enough_evidence",
                # As sure as when the claim's names are missing from the articles (bot.check).
                confidence=0.8,
                explanation=NO_WORD_IN_INDEX[lang],
            )
        judge = self.llm_judge
        if judge is None:
            return self.checker.check(request)
        candidates, texts = self.checker.evidence_candidates(request)
        return judge.judge(request.claim, candidates, texts)

    def ask(self, request: AskRequest, config: RunnableConfig | None = None) -> Answer:
        """Answer a question with verified quotes (or say the articles do not cover it)."""
        self.require_articles(request.filters)
        if not self.has_words(request.question):
            return compose(request.question, [])
        return self.answer_chain.invoke(request, config=config)

    def search(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> SearchResults:
        """Ranked passages with citation fields (no abstention: search shows what is closest)."""
        self.require_articles(filters)
        passages = self.searcher.search(query, top_k=top_k, filters=filters)
        texts = self.store.texts([p.article_id for p in passages])
        citations = cite(passages, texts)
        verify(citations, texts)
        return SearchResults(query=query, results=citations)


def load_embeddings(settings: Settings) -> ArrayEmbeddings:
    """The embedding model the settings name (loaded once per process)."""
    return make_embeddings(settings.embedding)


def build_services(settings: Settings, *, embeddings: ArrayEmbeddings | None = None) -> Services:
    """Load the embedding model (unless given) and open the index."""
    embeddings = embeddings if embeddings is not None else load_embeddings(settings)
    store = ChromaStore.open(settings.store, model_id=embeddings.model_id, dim=embeddings.dim)
    return Services(settings=settings, embeddings=embeddings, store=store)
