"""The LLM judge of a claim: retrieved quotes in, a verdict with verbatim evidence out (`engine="llm"`).

The claim and each candidate quote go to the model inside data blocks marked with a random tag, and the
system prompt says nothing inside a block is an instruction, so an article that says "ignore previous
instructions" is judged, not obeyed. The model's reply is only advice: every quote it returns must be
found verbatim in the article (inside the candidate's sentence first), or it is dropped and counted; a
verdict whose deciding quotes were all dropped becomes `not_enough_evidence`. What leaves here always
satisfies `quote == texts[article_id][start:end]` (checked by `bot.quotes.verify`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import openai
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from bot.llm.config import LlmSettings
from bot.llm.prompts import PromptTemplate, load_prompt
from bot.llm.reply import JudgedQuote, JudgeReply, ReplyError, parse_reply
from bot.models import CheckResult, Evidence, EvidenceStance
from bot.quotes import verify
from vectorstore.errors import BadInputError, UpstreamError

log = logging.getLogger(__name__)

PROMPT_NAME = "check"
ENGINE = "llm"
# A verdict the judge could not back with a verbatim quote is undecided, not confidently "no evidence".
UNDECIDED_CONFIDENCE = 0.5
_NEEDS: dict[str, set[EvidenceStance]] = {
    "supported": {"supports"},
    "refuted": {"refutes"},
    "mixed": {"supports", "refutes"},
    "not_enough_evidence": set(),
}
_MAX_ERROR_CHARS = 300


@dataclass
class _Tally:
    """Why evidence items of the reply were left out (all of them are counted in `dropped_quotes`)."""

    not_verbatim: int = 0
    unknown_n: int = 0
    unreadable: int = 0
    repeated: int = 0

    @property
    def total(self) -> int:
        return self.not_verbatim + self.unknown_n + self.unreadable + self.repeated

    def describe(self) -> str:
        parts = [
            (self.not_verbatim, "not verbatim in the article"),
            (self.unknown_n, "for an evidence number that was not offered"),
            (self.unreadable, "unreadable (no number or no valid stance)"),
            (self.repeated, "a second quote for the same evidence"),
        ]
        return "; ".join(f"{count} {why}" for count, why in parts if count)


def data_block(kind: str, tag: str, body: str) -> str:
    """`body` between the BEGIN and END lines of a data block (the format the system prompt describes)."""
    return f"<<<BEGIN {kind} {tag}>>>\n{body}\n<<<END {kind} {tag}>>>"


def _evidence_body(c: Evidence) -> str:
    published = c.published.isoformat() if c.published else "unknown"
    return (
        f"article_id: {c.article_id}\noutlet: {c.source or 'unknown'}\npublished: {published}\n"
        f"title: {c.title or 'unknown'}\nquote:\n{c.quote}"
    )


def locate(quote: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """Span of `quote` in `text`: inside [start, end) if it is there, else the occurrence nearest `start`."""
    q = quote.strip()
    if not q:
        return None
    inside = text.find(q, start, end)
    if inside >= 0:
        return inside, inside + len(q)
    best: int | None = None
    pos = text.find(q)
    while pos >= 0:
        if best is None or abs(pos - start) < abs(best - start):
            best = pos
        pos = text.find(q, pos + 1)
    return None if best is None else (best, best + len(q))


class LlmJudge:
    """Judges a claim with an OpenAI-compatible chat model. Building one makes no network request."""

    def __init__(self, settings: LlmSettings) -> None:
        if settings.llm_base_url is None:
            raise BadInputError("the LLM judge needs an endpoint: set CLAIMBOT_LLM_BASE_URL")
        self.settings = settings
        self.base_url = settings.llm_base_url
        # Reading the template here (a local file) makes a bad CLAIMBOT_LLM_PROMPT_VERSION fail at start-up.
        self.prompt: PromptTemplate = load_prompt(
            PROMPT_NAME, settings.llm_prompt_version, settings.llm_prompts_dir
        )
        self.model = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.api_key_value(),
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_max_retries,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )

    def judge(self, claim: str, candidates: list[Evidence], texts: Mapping[str, str]) -> CheckResult:
        """A verdict on `claim` from the candidate quotes (verbatim, numbered by position from 1)."""
        verify(candidates, texts)  # candidates that are not verbatim are the caller's bug, never sent
        if not candidates:
            return CheckResult(
                claim=claim,
                verdict="not_enough_evidence",
                confidence=UNDECIDED_CONFIDENCE,
                explanation="No passage of the articles is about this claim, so there was nothing to judge.",
                engine=ENGINE,
            )
        reply = self._ask(self.messages(claim, candidates))
        return self._result(claim, reply, candidates, texts)

    def messages(
        self, claim: str, candidates: Sequence[Evidence], tag: str | None = None
    ) -> list[BaseMessage]:
        """The system and user messages: the claim and every candidate inside tagged data blocks."""
        bodies = [_evidence_body(c) for c in candidates]
        tag = tag or _fresh_tag([claim, *bodies])
        blocks = [data_block(f"EVIDENCE {i}", tag, body) for i, body in enumerate(bodies, start=1)]
        system, user = self.prompt.render(
            tag=tag,
            claim=data_block("CLAIM", tag, claim),
            evidence="\n\n".join(blocks),
            count=str(len(candidates)),
        )
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def _ask(self, messages: list[BaseMessage]) -> JudgeReply:
        """Ask, and ask again (with what was wrong) while the reply is not the JSON asked for."""
        attempts = self.settings.llm_parse_retries + 1
        problem = ""
        for _ in range(attempts):
            content = self._complete(messages)
            try:
                return parse_reply(content)
            except ReplyError as e:
                problem = str(e)
                log.warning("LLM judge reply unusable (%s); %s", self.settings.llm_model, problem)
                correction = (
                    f"That reply could not be used: {problem}. Reply again with the JSON object only, "
                    "in the shape the system message gives."
                )
                messages = [*messages, AIMessage(content=content[:4000]), HumanMessage(content=correction)]
        raise UpstreamError(
            f"the LLM judge ({self.settings.llm_model} at {self.base_url}) did not return the JSON verdict "
            f"asked for in {attempts} attempt(s): {problem}"
        )

    def _complete(self, messages: list[BaseMessage]) -> str:
        """The text of one completion; transport and server failures become `UpstreamError`."""
        kwargs: dict[str, Any] = {}
        if self.settings.llm_json_mode:
            kwargs["response_format"] = {"type": "json_object"}
        where = f"the LLM endpoint {self.base_url}"
        try:
            message = self.model.invoke(messages, **kwargs)
        except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as e:
            # The reply was cut off or withheld: the same as an unusable reply, so it is asked again.
            return f"(no usable reply: {type(e).__name__})"
        except openai.APITimeoutError as e:
            raise UpstreamError(f"{where} did not answer within {self.settings.llm_timeout_s:g} s") from e
        except openai.APIConnectionError as e:
            raise UpstreamError(f"cannot reach {where}: {e}") from e
        except openai.APIStatusError as e:
            hint = ""
            if e.status_code == 400 and self.settings.llm_json_mode:
                hint = " (if it refuses response_format, set CLAIMBOT_LLM_JSON_MODE=false)"
            # The client puts the server's `error` object in `body`; its message is the useful part.
            detail = e.body.get("message") if isinstance(e.body, dict) else None
            detail = str(detail or e.message)[:_MAX_ERROR_CHARS]
            raise UpstreamError(f"{where} answered HTTP {e.status_code}: {detail}{hint}") from e
        except openai.OpenAIError as e:
            raise UpstreamError(f"{where} failed: {str(e)[:_MAX_ERROR_CHARS]}") from e
        except (KeyError, TypeError, ValueError) as e:
            # langchain could not read the response as a chat completion: the server is not compatible.
            raise UpstreamError(f"{where} did not send an OpenAI chat completion: {e}") from e
        return str(message.text)

    def _result(
        self, claim: str, reply: JudgeReply, candidates: Sequence[Evidence], texts: Mapping[str, str]
    ) -> CheckResult:
        """Keep what can be checked; downgrade a verdict that no kept quote backs."""
        tally = _Tally(unreadable=reply.unreadable)
        kept: list[Evidence] = []
        seen: set[int] = set()
        for item in reply.evidence:
            if not 1 <= item.n <= len(candidates):
                tally.unknown_n += 1
            elif item.n in seen:
                tally.repeated += 1
            elif (evidence := _checked(item, candidates[item.n - 1], texts)) is None:
                tally.not_verbatim += 1
            else:
                seen.add(item.n)
                kept.append(evidence)

        verdict, confidence, explanation = reply.verdict, reply.confidence, reply.explanation
        stances = {e.stance for e in kept}
        if not _NEEDS[verdict] <= stances:
            why = (
                "the quotes it gave for that were not verbatim in the articles and were dropped"
                if tally.not_verbatim
                else "it cited no quote that backs that"
            )
            explanation = f"The LLM judge answered {verdict}, but {why}, so the evidence does not decide it."
            verdict, confidence = "not_enough_evidence", UNDECIDED_CONFIDENCE
        if verdict == "not_enough_evidence":
            # The contract of not_enough_evidence: no quote in the evidence supports or refutes.
            kept = [e.model_copy(update={"stance": "neutral"}) for e in kept]
        if not explanation:  # the model gave none: say at least what it decided and on which quotes
            markers = " ".join(f"[{e.n}]" for e in kept if e.stance != "neutral")
            explanation = (
                "The LLM judge found that the quotes do not decide the claim."
                if verdict == "not_enough_evidence"
                else f"The LLM judge found the claim {verdict} {markers}".strip() + "."
            )
        if tally.total:
            log.warning("LLM judge: %d evidence item(s) left out: %s", tally.total, tally.describe())
            explanation += f" ({tally.total} quote(s) from the LLM left out: {tally.describe()}.)"

        verify(kept, texts)
        return CheckResult(
            claim=claim,
            verdict=verdict,
            confidence=round(confidence, 4),
            explanation=explanation,
            evidence=kept,
            engine=ENGINE,
            dropped_quotes=tally.total,
        )


def _checked(item: JudgedQuote, candidate: Evidence, texts: Mapping[str, str]) -> Evidence | None:
    """The item as evidence with its exact span, or None when its quote is not verbatim in the article."""
    update: dict[str, object] = {"n": item.n, "stance": item.stance}
    if item.quote is not None:
        text = texts[candidate.article_id]
        span = locate(item.quote, text, candidate.start, candidate.end)
        if span is None:
            return None
        start, end = span
        update.update(quote=text[start:end], start=start, end=end)
    return candidate.model_copy(update=update)


def _fresh_tag(data: Sequence[str]) -> str:
    """A random tag that occurs in none of the data, so no article can fake the end of its block."""
    for _ in range(100):
        tag = secrets.token_hex(8)
        if not any(tag in d for d in data):
            return tag
    raise RuntimeError("no fresh data-block tag in 100 tries")  # 64 random bits: never in practice
