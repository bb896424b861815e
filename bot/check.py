"""Claim checking, offline: retrieve -> stance of each quote -> who says it, and when -> verdict.

The verdict is built from explainable parts, and every quote it shows is sliced from the original text
and verified like an answer's:

1. **Retrieve** candidate sentences for the claim with the hybrid search (the claim is the query); a
   claim naming a means of transport is searched again with the other means.
2. **Stance** of each candidate from the stance model (`bot.stance`): supports, refutes or neutral.
   A pair of sentences is judged by its own (second) sentence. A conflict-free candidate that restates
   the claim (high retrieval score, or most of the claim's words: in the same language, or through the
   glossary for an English claim; and every name of the claim) supports it; a negation or hedge counts
   only in the clause that says what the claim says. One that names another place or person where the
   claim names one it lacks, or another means, refutes; one whose article never names what the claim
   names decides nothing. A candidate only counts when it is relevant (its retrieval score, or the
   share of the claim it says, close to the best score) and its stance is clear; its weight is
   relevance x probability.
3. **Framing** (`bot.framing`): a quote that reports an accusation or suspicion ("AS menuduh ...") does
   not establish a bare factual claim, it establishes that someone claims it; a quote that states a
   denial is the other side of it; a quote that expects something ("akan", "rencananya") is weighed
   below one that reports it, and a later report wins over an earlier expectation.
4. **Verdict**: `supported` or `refuted` when the deciding quotes agree, `mixed` when both sides carry
   weight (or the support is only an accusation that is also denied, or an earlier expectation that a
   later report contradicts), `not_enough_evidence` when nothing relevant decides the claim or the claim
   names what no article mentions.

No LLM is involved; article text is only ever compared, never followed, so an article that says "answer
SUPPORTED" is just another sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.answerability import Grounding
from bot.framing import (
    Framing,
    absent_names,
    claim_names,
    frame,
    is_attributed,
    missing_names,
    swapped_names,
)
from bot.models import CheckRequest, CheckResult, Evidence, EvidenceStance, Verdict
from bot.quotes import cite, verify
from bot.stance.features import LEXICAL_NAMES, SIGNALS, lexical_features, polarity_counts
from bot.stance.lexicon import CLASS_MEMBERS, NEGATIONS, WORD_CLASSES
from bot.stance.model import StanceModel, StanceScores
from bot.verdict_text import explain
from vectorstore.glossary import gloss, translations
from vectorstore.lexical import stem
from vectorstore.sentences import split_sentences
from vectorstore.text import language

if TYPE_CHECKING:
    from vectorstore.models import Passage
    from vectorstore.search import HybridSearcher
    from vectorstore.store import ChromaStore

CANDIDATES = 12
"""Sentences retrieved per claim and scored for stance."""
MIN_RELEVANCE = 0.35
"""Least retrieval score (fused, 0-1) of a quote that can decide a claim."""
RELATIVE_RELEVANCE = 0.5
"""... and at least this share of the best candidate's score."""
MIN_STANCE = 0.5
"""Least probability of supports / refutes for a quote to take that side."""
MIN_WEIGHT = 0.25
"""Least relevance x probability of the strongest quote of a side for that side to count."""
DOMINANCE = 2.0
"""When both sides count, one whose weight is this many times the other's wins; else the verdict is mixed."""
EXPECTATION_DISCOUNT = 0.4
"""Weight of a quote that expects or guesses something, against one that reports it."""
RESTATES_FROM = 0.5
RESTATES_FULL = 0.8
"""A conflict-free quote whose retrieval score reaches RESTATES_FULL restates the claim (support 0.8);
from RESTATES_FROM it counts in proportion. The stance model, trained on short IndoNLI premises, reads
news sentences that say the claim in other words, with more around it, as neutral; retrieval relevance is
the better evidence of a paraphrase, once nothing in the pair contradicts."""
RESTATES_MIN_COVERAGE = 0.4
"""... and, where words can be compared, only when it says at least this share of the claim's words."""
UNSUPPORTED = 0.4
"""Most support a quote can give when the claim names what its article never names (below MIN_STANCE)."""
NAME_SWAP_RELEVANCE = 0.5
NAME_SWAP_REFUTES = 0.6
NAME_SWAP_COVERAGE = 0.35
"""A relevant sentence in the claim's language that names another place or person where the claim names
one it lacks ("bertemu di Kremlin" vs "bertemu ... di Vostochny Cosmodrome") refutes with at least this."""
COVERED_FROM = 0.5
COVERED_FULL = 0.75
"""... or, in the claim's language, whose share of the claim's content words reaches COVERED_FULL (the
stance rules call 0.6 a restatement)."""
MEANS = "transport"
"""The closed class of words a claim's means is named by (plane, train, ship...). A quote that names
no means cannot support a claim about one; a relevant quote about the same people that names another
means refutes it, and the claim is also searched with the other means, so that the quote saying "by
train" is found for a claim saying "by plane"."""
COVERAGE_RELEVANCE = 1.0
"""A candidate is at least as relevant as this times the share of the claim's words it says."""
CONFLICTS = frozenset(SIGNALS) - {"name_conflict"}
_COVERAGE = LEXICAL_NAMES.index("coverage")
_POLARITY = LEXICAL_NAMES.index("polarity_mismatch")
_NUMBER_UNSUPPORTED = LEXICAL_NAMES.index("number_unsupported")
CONTEXT_CHARS = 600
"""Text before a quote searched for the names it leaves to a pronoun."""
"""Signals that rule a restatement out. A missing name is not one: "Korut" and "North Korea", or a
sentence that says "Ia" for Shoigu, miss names while saying the same thing."""


@dataclass
class Judged:
    """A candidate with its stance, framing and weight."""

    passage: Passage
    scores: StanceScores
    framing: Framing
    stance: EvidenceStance
    weight: float


@dataclass
class Decision:
    """The verdict and the judged quotes behind it, before they are cited."""

    verdict: Verdict
    confidence: float
    reason: str
    deciding: list[Judged]
    context: list[Judged]


def restatement(
    claim: str,
    passage: Passage,
    core: str,
    scores: StanceScores,
    framing: Framing,
    claim_hedged: bool,
    before: str = "",
    words: str | None = None,
    coverage: float | None = None,
) -> float:
    """How surely the quote says what the claim says, judged from relevance when nothing conflicts and
    every name of the claim is in it. `words` (the claim in the quote's language, `_claim_words`) and
    their `coverage` of `core` are computed when not given."""
    if words is None:
        words = _claim_words(claim, core, scores)
    # A negation or a hedge counts when it is in the clause that says what the claim says.
    conflicts = set(CONFLICTS.intersection(scores.signals))
    if "polarity_mismatch" in conflicts and not clause_polarity_mismatch(words, core):
        conflicts.discard("polarity_mismatch")
    if conflicts:
        return 0.0
    if framing.expectation and not claim_hedged and frame(best_clause(words, core)).expectation:
        return 0.0
    # A name the sentence leaves to a pronoun or epithet ("mitranya dari Korea Utara" for Kim) is found
    # just before it; a number of the claim must be in the sentence itself.
    if missing_names(claim, before + core):
        return 0.0
    lexical = lexical_features(claim, core)
    if lexical[_NUMBER_UNSUPPORTED] > 0:
        return 0.0
    share = (passage.score - RESTATES_FROM) / (RESTATES_FULL - RESTATES_FROM)
    # Sharing most of the claim's words is a restatement too: in the same language as written, for an
    # English claim against an Indonesian quote through the glossary (`vectorstore.glossary.gloss`).
    if words is not claim or scores.head == "monolingual":
        if coverage is None:
            coverage = _coverage(words, core)
        if coverage < RESTATES_MIN_COVERAGE:
            # Close in meaning to the retriever, but saying little of the claim: "Kini Rusia membutuhkan
            # teman seperti Korut" for "Korut menginginkan bantuan pangan dari Rusia".
            share = 0.0
        share = max(share, (coverage - COVERED_FROM) / (COVERED_FULL - COVERED_FROM))
    return 0.8 * min(1.0, max(0.0, share))


def _claim_words(claim: str, quote: str, scores: StanceScores) -> str:
    """The claim's words, in the quote's language where the glossary can put them there."""
    return claim if scores.head == "monolingual" else (_glossed(claim, quote) or claim)


def _glossed(claim: str, quote: str) -> str | None:
    """The English claim glossed into the quote's Indonesian words; None for other language pairs."""
    if language(claim) != "en" or language(quote) != "id":
        return None
    return gloss(claim, quote)


_CLAUSE_BREAK = re.compile(
    r"[,;:.!?]\s+|\s+(?:namun|tetapi|tapi|meski|meskipun|walaupun|sedangkan|but|although|though|while)\s+",
    re.IGNORECASE,
)


def clause_polarity_mismatch(claim: str, sentence: str) -> bool:
    """Whether the negation that sets the sentence against the claim is in the clause that says what
    the claim says, and negates something the claim says. "Meski belum ada konfirmasi resmi, namun AS
    menegaskan bahwa kesepakatan ... akan melanggar resolusi PBB" negates its concession, not the
    statement the claim restates; "... tidak akan mencerminkan hal yang baik bagi Korea Utara, dan mereka
    akan membayar harganya" negates "reflect well", which a claim that they would pay a price never says."""
    clause = best_clause(claim, sentence)
    if not lexical_features(claim, clause)[_POLARITY]:
        return False
    return _negates_claim(claim, clause)


# Words between a negation and what it negates: "tidak akan pernah memasok", "not be able to supply".
_BETWEEN = frozenset(
    "akan bisa dapat pernah mau ingin boleh harus sedang lagi juga pula begitu terlalu sama sekali pun "
    "ada yang be been being will would can could to have has had ever".split()
)


def _negates_claim(claim: str, clause: str) -> bool:
    """Whether a negation of `clause` bears on the claim: the claim is the negated side, the clause
    denies something ("membantah"), or what the clause's negation negates is a word of the claim."""
    claim_negations, _ = polarity_counts(claim)
    clause_negations, clause_denials = polarity_counts(clause)
    if claim_negations or clause_denials:
        return True
    words = _WORDS.findall(clause.lower())
    at = [i for i, word in enumerate(words) if word in NEGATIONS]
    if clause_negations > len(at):
        return True  # a contraction ("didn't"): what it negates is not looked for
    said = {stem(w) for w in _WORDS.findall(claim.lower())}
    for i in at:
        following = [w for w in words[i + 1 : i + 6] if w not in _BETWEEN][:2]
        if not following or any(stem(w) in said for w in following):
            return True
    return False


def best_clause(claim: str, sentence: str) -> str:
    """The clause of `sentence` (split at commas, colons, sentence ends inside a quotation, and "namun",
    "tetapi", "meski"...) that shares most words with the claim (in the sentence's language)."""
    clauses = [c for c in _CLAUSE_BREAK.split(sentence) if c.strip()]
    if len(clauses) < 2:
        return sentence
    return max(clauses, key=lambda c: _coverage(claim, c))


_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def means(text: str) -> set[str]:
    """The means of transport `text` names (members of the `MEANS` class)."""
    found = set()
    for word in _WORDS.findall(text.lower()):
        for form in (word, stem(word)):
            cls, member = CLASS_MEMBERS.get(form, ("", ""))
            if cls == MEANS:
                found.add(member)
    return found


def other_means_query(claim: str) -> str | None:
    """The claim with its means replaced by every other means, or None when it names none."""
    named = means(claim)
    if not named:
        return None
    others = [ws.split()[0] for m, ws in WORD_CLASSES[MEANS].items() if m not in named]
    # In the articles' words where the glossary knows them: the quote to find is Indonesian.
    words = []
    for w in claim.split():
        if means(w):
            continue
        indonesian = translations(w.lower().strip(".,;:!?\"'"))
        words.append(indonesian[0] if indonesian else w)
    return " ".join([*words, *others])


def _stance(supports: float, refutes: float) -> EvidenceStance:
    if supports >= MIN_STANCE and supports > refutes:
        return "supports"
    if refutes >= MIN_STANCE and refutes > supports:
        return "refutes"
    return "neutral"


def _coverage(claim: str, sentence: str) -> float:
    return float(lexical_features(claim, sentence)[_COVERAGE])


def core_text(passage: Passage) -> str:
    """What a passage says for itself: its last sentence when it is a pair. The sentence before is there
    for the names the second leaves to a pronoun ("Dia mengatakan Shoigu ..."), not for what it asserts:
    its negations, hedges and questions ("Jika tidak, bagaimana mungkin ...?") are not the quote's."""
    if passage.sentence_count < 2:
        return passage.text
    spans = split_sentences(passage.text)
    return passage.text[spans[-1].start : spans[-1].end] if len(spans) >= 2 else passage.text


def judge_candidates(
    claim: str, passages: list[Passage], scores: list[StanceScores], texts: Mapping[str, str]
) -> list[Judged]:
    """Stance, framing and weight of each candidate; irrelevant ones weigh nothing. `texts` are the
    candidates' articles: a quote cannot support a claim naming what its whole article never names.
    `scores` are of each passage's `core_text`; a pair's first sentence counts as context only."""
    if not passages:
        return []
    best = max(p.score for p in passages)
    floor = max(MIN_RELEVANCE, RELATIVE_RELEVANCE * best)
    attributed = is_attributed(claim)
    hedged = frame(claim).expectation
    claimed_means = means(claim)
    denies = frame(claim).denial
    out = []
    for p, s in zip(passages, scores, strict=True):
        core = core_text(p)
        framing = frame(core, claim_attributed=attributed)
        article = texts.get(p.article_id, "")
        core_start = p.end - len(core)
        before = article[max(0, p.start - CONTEXT_CHARS) : core_start]
        words = _claim_words(claim, core, s)
        coverage = _coverage(words, core)
        restates = restatement(claim, p, core, s, framing, hedged, before, words=words, coverage=coverage)
        supports = max(s.supports, restates)
        refutes = s.refutes
        absent = missing_names(claim, p.text)
        if absent and absent_names(absent, article):
            # About something else: what the claim names is nowhere in the article.
            supports, refutes = min(supports, UNSUPPORTED), min(refutes, UNSUPPORTED)
        if denies and frame(core).alleged:
            # "X denied Y" is neither established nor contradicted by a quote of the accusation of Y.
            supports, refutes = min(supports, UNSUPPORTED), min(refutes, UNSUPPORTED)
        if _earlier_year(core, p.published) and not _years(claim):
            # "Putin dan Kim di Vladivostok, 25 April 2019" in a 2023 article is about 2019.
            supports = min(supports, UNSUPPORTED)
        relevance = max(p.score, COVERAGE_RELEVANCE * coverage)
        if claimed_means:
            named = means(core)
            if not named & claimed_means:
                supports = min(supports, UNSUPPORTED)
            if named and not named & claimed_means and _names_someone(claim, before + core):
                refutes = max(refutes, NAME_SWAP_REFUTES)
                # The same statement with the means changed: as relevant as it says the rest.
                rest = " ".join(w for w in words.split() if not means(w))
                relevance = max(relevance, COVERAGE_RELEVANCE * _coverage(rest, core))
        if (
            s.head == "monolingual"
            and p.score >= NAME_SWAP_RELEVANCE
            and all(swapped_names(claim, _without_source(core)))
            # "kedua pemimpin" after a sentence naming Kim and Putin names them: no swap.
            and missing_names(claim, before + core)
            and _coverage(claim, core) >= NAME_SWAP_COVERAGE
        ):
            refutes, supports = max(refutes, NAME_SWAP_REFUTES), min(supports, UNSUPPORTED)
        # Relevant is what retrieval ranks high, or what says most of the claim's words: a sentence quoted
        # with the one before it is ranked by the pair, and the pair may be about something else.
        stance = _stance(supports, refutes) if relevance >= floor else "neutral"
        prob = {"supports": supports, "refutes": refutes, "neutral": 0.0}[stance]
        # A plan or a guess neither establishes nor firmly contradicts what a claim says happened.
        discount = framing.expectation and stance != "neutral" and not hedged
        weight = relevance * prob * (EXPECTATION_DISCOUNT if discount else 1.0)
        out.append(Judged(p, s, framing, stance, weight))
    return out


_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_MONTHS = "|".join(w for ws in WORD_CLASSES["month"].values() for w in ws.split())
_FULL_DATE = re.compile(
    rf"(?:\b(?:{_MONTHS})\.?\s+|(?<!\d)\d{{1,2}}/\d{{1,2}}/)(19\d\d|20\d\d)(?!\d)", re.IGNORECASE
)


def _years(text: str) -> set[int]:
    return {int(y) for y in _YEAR.findall(text)}


def _earlier_year(quote: str, published: date | None) -> bool:
    """Whether the quote dates what it says (a month and year: "April 2019", "25/4/2019") to a year before
    its article's: a photo caption or a look back speaks of that time, not of the article's."""
    return published is not None and any(int(y) < published.year for y in _FULL_DATE.findall(quote))


_SOURCE = re.compile(
    r",?\s*(?:demikian\s+)?(?:menurut|kata|ujar|ungkap|tutur|said|says|according\s+to)\b[^,]*[.!?\"”’']*\s*$",
    re.IGNORECASE,
)


def _without_source(sentence: str) -> str:
    """The sentence without a closing "..., demikian menurut juru bicara Kremlin Dmitry Peskov.": who
    reports it is not another person doing what the claim says."""
    return _SOURCE.sub("", sentence) or sentence


def _names_someone(claim: str, text: str) -> bool:
    """Whether `text` names at least one of the claim's names (all, when the claim has one)."""
    named = claim_names(claim)
    return bool(named) and len(missing_names(claim, text)) < len(named)


def _strongest(judged: list[Judged], stance: EvidenceStance) -> list[Judged]:
    side = [j for j in judged if j.stance == stance]
    return sorted(side, key=lambda j: j.weight, reverse=True)


def decide(judged: list[Judged]) -> Decision:
    """The verdict from judged candidates (see the module docstring)."""
    supports, refutes = _strongest(judged, "supports"), _strongest(judged, "refutes")
    s_w = supports[0].weight if supports else 0.0
    r_w = refutes[0].weight if refutes else 0.0
    has_s, has_r = s_w >= MIN_WEIGHT, r_w >= MIN_WEIGHT
    topical = [j for j in judged if j.passage.score >= MIN_RELEVANCE]
    denials = [j for j in topical if j.framing.denial and j.stance != "supports"]

    if has_s and not (has_r and r_w * DOMINANCE > s_w):
        factual = [j for j in supports if j.weight >= MIN_WEIGHT and not j.framing.alleged]
        if not factual:
            # Every supporting quote reports an accusation or suspicion.
            if denials:
                return Decision("mixed", min(s_w, 0.9), "alleged_and_denied", supports[:2], denials[:2])
            return Decision("not_enough_evidence", 0.5, "only_alleged", [], supports[:2])
        later = _later_report(factual, topical)
        if later and all(j.framing.expectation for j in factual):
            return Decision("mixed", 0.5, "expected_then_reported", factual[:2], later[:1])
        if has_r:
            return Decision("supported", s_w / (s_w + r_w), "outweighs", factual[:3], refutes[:1])
        return Decision("supported", min(1.0, 0.5 + s_w / 2), "agree", factual[:3], [])
    if has_r and not (has_s and s_w * DOMINANCE > r_w):
        if has_s:
            if all(j.framing.expectation for j in supports if j.weight >= MIN_WEIGHT):
                return Decision("mixed", 0.5, "expected_then_reported", supports[:2], refutes[:2])
            return Decision("mixed", min(s_w, r_w) / max(s_w, r_w), "disagree", supports[:2], refutes[:2])
        return Decision("refuted", min(1.0, 0.5 + r_w / 2), "agree", refutes[:3], [])
    if has_s and has_r:
        return Decision("mixed", min(s_w, r_w) / max(s_w, r_w), "disagree", supports[:2], refutes[:2])
    # Only expectations support it (each weighed down as one), and a later report names something else:
    # what was expected is not what was reported.
    least = MIN_WEIGHT * EXPECTATION_DISCOUNT
    expected = [j for j in supports if j.framing.expectation and j.weight >= least]
    later = _later_report(expected, topical)
    if expected and later:
        return Decision("mixed", 0.5, "expected_then_reported", expected[:2], later[:1])
    best = max((j.scores.supports + j.scores.refutes for j in topical), default=0.0)
    # Shown: the quotes that came closest to deciding (a side, too weak to count) before the closest
    # in topic, so a reader sees what almost settled it.
    leaning = sorted((j for j in judged if j.weight > 0), key=lambda j: -j.weight)
    shown = [*leaning, *(j for j in topical if all(j is not k for k in leaning))][:2]
    return Decision("not_enough_evidence", max(0.5, 1.0 - best / 2), "nothing_decides", [], shown)


def _later_report(expected: list[Judged], topical: list[Judged]) -> list[Judged]:
    """Non-speculative topical quotes dated after the latest expectation that do not restate it."""
    dates = [j.passage.published for j in expected if j.passage.published]
    if not dates:
        return []
    last = max(dates)
    return [
        j
        for j in topical
        if j.passage.published
        and j.passage.published > last
        and not j.framing.expectation
        and "name_conflict" in j.scores.signals
    ]


class ClaimChecker:
    """The offline engine behind `claimbot check` and `POST /v1/check`."""

    def __init__(
        self,
        searcher: HybridSearcher,
        store: ChromaStore,
        stance: StanceModel,
        grounding: Callable[[], Grounding],
    ) -> None:
        self.searcher = searcher
        self.store = store
        self.stance = stance
        self.grounding = grounding

    def candidates(self, request: CheckRequest) -> list[Passage]:
        """The sentences retrieved for the claim (the query is the claim itself)."""
        # By whole sentence: a claim is a whole statement, and `judge_candidates` finds the clause of a
        # sentence that speaks to it (`best_clause`). Scoring sentences by their best part as well put
        # quotation-and-attribution sentences in the few candidate places and cost two claims.
        found = self.searcher.search(
            request.claim, top_k=CANDIDATES, filters=request.filters, as_question=False
        )
        variant = other_means_query(request.claim)
        if variant is None:
            return found
        # A quote that names another means is scored for the claim with that means: how closely it
        # says the same thing with one thing changed. It can only refute (see `judge_candidates`).
        merged = {(p.article_id, p.start, p.end): p for p in found}
        for p in self.searcher.search(
            variant, top_k=CANDIDATES // 2, filters=request.filters, as_question=False
        ):
            key = (p.article_id, p.start, p.end)
            if means(p.text) and (key not in merged or merged[key].score < p.score):
                merged[key] = p
        return sorted(merged.values(), key=lambda p: -p.score)

    def scores(self, claim: str, passages: list[Passage]) -> list[StanceScores]:
        """Stance of each passage; the index's own vectors are reused when they are the model's."""
        vectors = None
        if self.store.model_id == self.stance.config["embedding_model"]:
            vectors = self.store.sentence_vectors([(p.article_id, p.sentence_index) for p in passages])
        return self.stance.scores(claim, [core_text(p) for p in passages], evidence_vectors=vectors)

    def evidence_candidates(self, request: CheckRequest) -> tuple[list[Evidence], dict[str, str]]:
        """The retrieved sentences as numbered, verified evidence (stance not judged yet), with the
        article texts: what an LLM judge is given to decide on."""
        passages = self.candidates(request)[: request.top_k * 2]
        texts = self.store.texts([p.article_id for p in passages])
        evidence = [Evidence(**c.model_dump(), stance="neutral") for c in cite(passages, texts)]
        verify(evidence, texts)
        return evidence, texts

    def check(self, request: CheckRequest) -> CheckResult:
        """A verdict with the verified quotes that decide it."""
        claim = request.claim
        lang = language(claim)
        missing = self.grounding().missing_names(claim)
        if len(missing) >= 2 or (missing and len(" ".join(missing).split()) >= 2):
            return CheckResult(
                claim=claim,
                verdict="not_enough_evidence",
                confidence=0.8,
                explanation=explain(lang, "not_mentioned", [], [], missing=missing),
            )
        passages = self.candidates(request)
        articles = self.store.texts(list({p.article_id for p in passages}))
        judged = judge_candidates(claim, passages, self.scores(claim, passages), articles)
        decision = decide(judged)
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
        why = decision.deciding[0].scores.rule_text() if decision.verdict == "refuted" else None
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
            confidence=round(min(1.0, max(0.0, decision.confidence)), 3),
            explanation=explanation,
            evidence=evidence,
        )
