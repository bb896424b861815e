"""The answer chain, a langchain runnable: retrieve -> select quotes -> compose -> verify.

The offline default writes no prose of its own: the answer is the selected quotes, each with its [n]
marker, so nothing in it can be untrue to the articles. When the best evidence is weak the chain says
the articles do not cover the question and cites nothing, rather than quoting something loosely related.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from langchain_core.runnables import Runnable, RunnableLambda

from bot.answer_types import AnswerType, answers_kind, expected_type
from bot.answerability import Grounding, judge
from bot.config.answer import AnswerSettings
from bot.models import Answer, AskRequest, Citation
from bot.quotes import cite, verify
from vectorstore.models import Passage
from vectorstore.search import HybridSearcher, diversify
from vectorstore.store import ChromaStore
from vectorstore.text import language

NO_ANSWER = {
    "en": "The articles do not cover this question.",
    "id": "Artikel-artikel yang ada tidak membahas pertanyaan ini.",
}
NOT_MENTIONED = {
    "en": "The articles do not mention {names}.",
    "id": "Artikel-artikel yang ada tidak menyebut {names}.",
}
LEAD = {"en": "The articles say:", "id": "Menurut artikel:"}

# A question asking for a date or a number looks this many times deeper for quotes that hold one.
TYPED_DEPTH = 2


@dataclass
class _State:
    request: AskRequest
    passages: list[Passage] = field(default_factory=list)
    """The `top_k` best passages: what the answerability judgement weighs."""
    pool: list[Passage] = field(default_factory=list)
    """Where the quotes come from: the same, or deeper for a date or number question."""
    selected: list[Passage] = field(default_factory=list)
    missing_names: list[str] = field(default_factory=list)


def select_quotes(passages: list[Passage], settings: AnswerSettings) -> list[Passage]:
    """The passages worth quoting: those whose score is close to the best one's, or relevant in their
    own right (`quote_floor`): one very close match does not push out the rest."""
    if not passages:
        return []
    floor = min(max(p.score for p in passages) * settings.relative_cutoff, settings.quote_floor)
    return [p for p in passages if p.score >= floor]


def kind_first(question: str, passages: list[Passage]) -> list[Passage]:
    """The passages holding the kind of answer asked for (a date for "when", a number for "how many")
    before those that do not, each group in its own order. "When did they first meet?" is answered by
    "Mereka pertama kali bertemu pada April 2019", not by the closer "Kim dan Putin bertemu".
    """
    if expected_type(question) is AnswerType.OTHER:
        return passages
    holding = [p for p in passages if answers_kind(question, p.text)]
    return holding + [p for p in passages if not answers_kind(question, p.text)]


def compose(question: str, citations: list[Citation], missing_names: list[str] | None = None) -> Answer:
    """The answer text: the quotes with their [n] markers, or a plain sentence saying why not."""
    lang = language(question)
    if missing_names:
        text = NOT_MENTIONED[lang].format(names=", ".join(missing_names))
        return Answer(question=question, answer=text, insufficient_evidence=True, citations=[])
    if not citations:
        return Answer(question=question, answer=NO_ANSWER[lang], insufficient_evidence=True, citations=[])
    lines = [LEAD[lang]] + [f"“{c.quote}” [{c.n}]" for c in citations]
    return Answer(
        question=question, answer="\n".join(lines), insufficient_evidence=False, citations=citations
    )


def build_answer_chain(
    searcher: HybridSearcher, store: ChromaStore, settings: AnswerSettings
) -> Runnable[AskRequest, Answer]:
    """The chain behind `claimbot ask` and the API's /v1/ask."""
    cache: dict[int, Grounding] = {}

    def grounding() -> Grounding:
        vocabulary = store.vocabulary()  # refreshes the store if another process wrote
        rev = store.loaded_revision
        if rev not in cache:
            cache.clear()
            cache[rev] = Grounding(vocabulary)
        return cache[rev]

    def retrieve(req: AskRequest) -> _State:
        ranked = searcher.rank(req.question, filters=req.filters)
        per, redundancy = searcher.settings.per_article, searcher.settings.redundancy
        passages = diversify(ranked, top_k=req.top_k, per_article=per, redundancy=redundancy)
        if expected_type(req.question) is AnswerType.OTHER:
            return _State(req, passages, passages)
        deeper = diversify(ranked, top_k=req.top_k * TYPED_DEPTH, per_article=per, redundancy=redundancy)
        return _State(req, passages, deeper)

    def widen(passages: list[Passage]) -> list[Passage]:
        return searcher.widen(
            passages, before=settings.quote_context_before, after=settings.quote_context_after
        )

    def select(state: _State) -> _State:
        verdict = judge(
            state.request.question,
            state.passages,
            grounding(),
            min_evidence=settings.min_evidence,
            min_lexical=settings.min_lexical,
            typed_passages=settings.typed_passages,
        )
        state.missing_names = verdict.missing_names
        if verdict.answerable:
            top = kind_first(state.request.question, state.pool)[: state.request.top_k]
            state.selected = widen(select_quotes(top, settings))
        return state

    def finish(state: _State) -> Answer:
        texts = store.texts([p.article_id for p in state.selected])
        citations = cite(state.selected, texts)
        answer = compose(state.request.question, citations, state.missing_names)
        verify(answer.citations, texts)
        return answer

    chain = RunnableLambda(retrieve) | RunnableLambda(select) | RunnableLambda(finish)
    return chain.with_config(run_name="claimbot-answer")
