"""The follow-up rule: which chat messages lean on what was asked before, and what to retrieve for them.

**The follow-up rule.** A message is read as a follow-up of the conversation when there are earlier
questions and the message

1. refers back: it has a demonstrative (English: it, its, this, that, these, those, there; Indonesian:
   itu, ini, tersebut, hal, sana), or a personal pronoun (they, them, their, he, him, his, she, her;
   mereka, dia, ia, beliau) while naming no one itself ("Where did Kim and Putin hold their summit?"
   has its own antecedent: no capitalised word after the first means no name), or
2. continues: it starts with "and", "also", "but", "so", "then", "what about", "how about" (Indonesian:
   "dan", "juga", "tapi", "lalu", "terus", "kemudian", "kalau", "bagaimana dengan"), or
3. is short: at most `followup_max_words` words, 3 by default ("why?", "kapan?", "since when?").

The question retrieved for is then the earlier question(s) followed by the message: walking back from the
latest earlier question, each is taken in until one that was not itself a follow-up (the question that
set the topic), at most `followup_questions` of them, and never beyond the question length limit (older
context is left out first). So after "who denied arms transfers?", "when did they say that?" retrieves
for "who denied arms transfers? when did they say that?". Answers quote the articles only, so a wrong
guess costs relevance, never truth; `search_query` in every reply shows what was retrieved for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answerability import name_candidates
from bot.models import MAX_QUESTION_CHARS

_DEMONSTRATIVE = frozenset("it its this that these those there itu ini tersebut hal sana".split())
_PERSONAL = frozenset("they them their theirs he him his she her hers mereka dia ia beliau".split())
_CONTINUING = (
    "and",
    "also",
    "but",
    "so",
    "then",
    "what about",
    "how about",
    "dan",
    "juga",
    "tapi",
    "tetapi",
    "lalu",
    "terus",
    "kemudian",
    "kalau",
    "bagaimana dengan",
)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


def is_followup(message: str, *, max_words: int = 3) -> bool:
    """Whether `message` leans on what was asked before (see the module docstring for the rule; a
    message of at most `max_words` words is one, CLAIMBOT_FOLLOWUP_MAX_WORDS)."""
    tokens = _WORD.findall(message)
    words = [w.lower().replace("’", "'").split("'")[0] for w in tokens]
    if len(words) <= max_words:
        return True
    if any(w in _DEMONSTRATIVE for w in words):
        return True
    if any(w in _PERSONAL for w in words) and not name_candidates(message):
        return True
    opening = " ".join(words[:2])
    return any(opening == c or opening.startswith(c + " ") for c in _CONTINUING)


def retrieval_question(
    message: str,
    history: Sequence[str],
    *,
    max_context: int = 2,
    max_words: int = 3,
    limit: int = MAX_QUESTION_CHARS,
) -> str:
    """The question to retrieve for: `message`, with earlier questions before it when it is a follow-up.

    `history` holds the conversation's earlier questions, oldest first.
    """
    message = message.strip()
    if not history or max_context <= 0 or not is_followup(message, max_words=max_words):
        return message
    context: list[str] = []
    size = len(message)
    for earlier in reversed(history):
        earlier = earlier.strip()
        if size + len(earlier) + 1 > limit:
            break
        context.insert(0, earlier)
        size += len(earlier) + 1
        if len(context) >= max_context or not is_followup(earlier, max_words=max_words):
            break
    return " ".join([*context, message])
