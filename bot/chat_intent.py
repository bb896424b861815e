"""What a chat message asks for: a claim to check ("is it true that ...?", "cek: ...") or a question.

Kept apart from the verdict engine (`bot/check.py`): conversations, the API and Slack read a message's
intent without importing everything that judges claims.
"""

from __future__ import annotations

import re

# English and Indonesian ways of asking for a check, anchored at the start of the message: "check:",
# "fact-check -", "is it true (that)", "(apakah) benar(kah) (bahwa)", "cek:", "periksa:", "verifikasi:".
_CHECK_PREFIX = re.compile(
    r"^\s*(?:(?:please\s+)?(?:fact[- ]?check|check|verify|cek|periksa|verifikasi)\s*[:：-]\s*"
    r"|is\s+it\s+(?:true|correct|right)\s+(?:that\s+)?"
    r"|(?:apakah\s+)?benar(?:kah)?\s+(?:bahwa\s+)?"
    r"|apakah\s+benar\s+(?:bahwa\s+)?)",
    re.IGNORECASE,
)


def claim_in_message(text: str) -> str | None:
    """The claim when a chat message asks for one to be checked ("is it true that ...?", "cek: ...",
    "benarkah ...?"), else None."""
    match = _CHECK_PREFIX.match(text)
    if not match:
        return None
    claim = text[match.end() :].strip().rstrip("?？").strip()
    if not claim:
        return None
    return claim[0].upper() + claim[1:]
