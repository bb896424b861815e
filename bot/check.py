"""Claim checking, offline: retrieve -> stance of each quote -> verdict, with a calibrated confidence.

1. **Retrieve** (`ClaimChecker.candidates`): the claim is the query of the hybrid search, matched as a
   whole statement; the CLAIMBOT_CHECK_CANDIDATES best sentences are the candidates. A claim that names
   what no article mentions ("Angela Merkel ...") is `not_enough_evidence` at once, with no quote.
2. **Judge** (`bot.judging`): the stance model (`bot.stance`, trained on IndoNLI) gives each candidate
   the probability that it entails, contradicts or does not settle the claim; a sentence quoted with the
   one before it is judged by its own sentence.
3. **Decide** (`bot.verdict`): `supported` when a quote entails the claim, `refuted` when one
   contradicts it, `mixed` when both happen, `not_enough_evidence` otherwise (showing the closest quotes);
   `confidence` is the calibrated probability that the verdict is right.

No LLM is involved; article text is only ever compared, never followed, so an article that says "answer
SUPPORTED" is just another sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.answerability import Grounding
from bot.config.check import CheckSettings
from bot.judging import aligned_clause, judge, sentences_of
from bot.models import CheckRequest, CheckResult, Evidence
from bot.quotes import cite, verify
from bot.stance.model import StanceModel, StanceScores
from bot.verdict import Calibration, Decision, decide
from bot.verdict_text import explain
from vectorstore.text import language

if TYPE_CHECKING:
    from vectorstore.models import Passage
    from vectorstore.search import HybridSearcher
    from vectorstore.store import ChromaStore


class ClaimChecker:
    """The offline engine behind `claimbot check` and `POST /v1/check`."""

    def __init__(
        self,
        searcher: HybridSearcher,
        store: ChromaStore,
        stance: StanceModel,
        grounding: Callable[[], Grounding],
        settings: CheckSettings | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.searcher = searcher
        self.store = store
        self.stance = stance
        self.grounding = grounding
        self.settings = settings or CheckSettings()
        self.calibration = calibration or Calibration.from_file()

    def candidates(self, request: CheckRequest) -> list[Passage]:
        """The sentences retrieved for the claim (the query is the claim itself), best first."""
        # By whole sentence: a claim is a whole statement. Scoring a sentence by its best part (as for
        # questions) filled the few candidate places with quotation-and-attribution sentences.
        return self.searcher.search(
            request.claim, top_k=self.settings.check_candidates, filters=request.filters, as_question=False
        )

    def scores(self, claim: str, passages: list[Passage]) -> list[StanceScores]:
        """Stance of each passage: of its one sentence, or of the more decided sentence of a pair
        (`bot.judging.sentences_of`); with CLAIMBOT_JUDGE_CLAUSE, of the clause of each sentence that
        aligns with the claim (`bot.judging.aligned_clause`) instead of or besides the sentence. The
        index's own vectors are reused when they are the model's."""
        texts: list[str] = []
        keys: list[tuple[str, int]] = []
        owner: list[int] = []
        mode = self.settings.judge_clause
        for i, p in enumerate(passages):
            sentences = sentences_of(p)
            for k, sentence in enumerate(sentences):
                # A pair's first sentence is the one before its own in the article.
                key = (p.article_id, p.sentence_index - len(sentences) + 1 + k)
                clause = aligned_clause(claim, sentence) if mode != "off" else None
                judged = (
                    [sentence] if clause is None else [clause] if mode == "clause" else [sentence, clause]
                )
                texts += judged
                # A clause is scored with its sentence's stored vector: only the cross-lingual head
                # reads vectors, and it sees the sentence's topic either way.
                keys += [key] * len(judged)
                owner += [i] * len(judged)
        vectors = None
        if self.store.model_id == self.stance.config["embedding_model"]:
            # Each sentence once (the store refuses a repeated id), then a row per text.
            unique = list(dict.fromkeys(keys))
            row = {k: i for i, k in enumerate(unique)}
            vectors = self.store.sentence_vectors(unique)[[row[k] for k in keys]]
        scored = self.stance.scores(claim, texts, evidence_vectors=vectors)
        best: dict[int, StanceScores] = {}
        for i, s in zip(owner, scored, strict=True):
            if i not in best or max(s.supports, s.refutes) > max(best[i].supports, best[i].refutes):
                best[i] = s
        return [best[i] for i in range(len(passages))]

    def evidence_candidates(self, request: CheckRequest) -> tuple[list[Evidence], dict[str, str]]:
        """The retrieved sentences as numbered, verified evidence (stance not judged yet), with the
        article texts: what an LLM judge is given to decide on."""
        passages = self.candidates(request)[: request.top_k * 2]
        texts = self.store.texts([p.article_id for p in passages])
        evidence = [Evidence(**c.model_dump(), stance="neutral") for c in cite(passages, texts)]
        verify(evidence, texts)
        return evidence, texts

    def decision(self, claim: str, passages: list[Passage]) -> Decision:
        """The verdict on `claim` from its candidates (uncited); exposed for evaluation and tests."""
        judged = judge(passages, self.scores(claim, passages), self.settings)
        return decide(judged, self.settings.check_quotes)

    def unsettleable(self, claim: str) -> list[str]:
        """The names of `claim` no article holds, when they are enough to rule it out before the stance
        model (two names, or one of two words or more): nothing can settle a claim about what no article
        names. Empty otherwise."""
        missing = self.grounding().missing_names(claim)
        return missing if len(missing) >= 2 or (missing and len(" ".join(missing).split()) >= 2) else []

    def check(self, request: CheckRequest) -> CheckResult:
        """A verdict with the verified quotes that decide it."""
        claim = request.claim
        lang = language(claim)
        missing = self.unsettleable(claim)
        if missing:
            return CheckResult(
                claim=claim,
                verdict="not_enough_evidence",
                confidence=round(self.calibration("not_enough_evidence", 0.0), 3),
                explanation=explain(lang, "not_mentioned", [], [], missing=missing),
            )
        decision = self.decision(claim, self.candidates(request))
        shown = (decision.deciding + decision.context)[: request.top_k]
        texts = self.store.texts([j.passage.article_id for j in shown])
        citations = cite([j.passage for j in shown], texts)
        undecided = decision.verdict == "not_enough_evidence"
        evidence = [
            Evidence(**c.model_dump(), stance="neutral" if undecided else j.stance)
            for c, j in zip(citations, shown, strict=True)
        ]
        verify(evidence, texts)
        n_deciding = min(len(decision.deciding), len(evidence))
        why = decision.deciding[0].scores.why() if decision.verdict == "refuted" else None
        explanation = explain(
            lang,
            decision.reason,
            evidence[:n_deciding],
            evidence[n_deciding:],
            verdict=decision.verdict,
            why=why,
        )
        return CheckResult(
            claim=claim,
            verdict=decision.verdict,
            confidence=round(self.calibration(decision.verdict, decision.score), 3),
            explanation=explanation,
            evidence=evidence,
        )
