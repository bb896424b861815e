"""Field types of request bodies, so the API accepts exactly what its OpenAPI spec says.

Pydantic's lax mode would read `"top_k": "5"`, `"stream": 1` or `"published_to": 0` into something;
clients reading the spec would not expect that, and schemathesis (tests/bot/test_schema.py) rejects it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from bot.models import MAX_EVIDENCE, MAX_QUESTION_CHARS, MAX_TOP_K, AskRequest, CheckRequest, searchable
from vectorstore.models import Filters

# What `bot.models.searchable` accepts, as the spec's pattern (read with Python's Unicode classes, as
# schemathesis does): no control character but tab and line breaks, and a letter or digit somewhere.
# The validator, not the pattern, does the checking, so a refusal names the problem in words.
_PLAIN = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*"
SEARCHABLE_PATTERN = rf"^{_PLAIN}[^\W_]{_PLAIN}$"
SearchableText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUESTION_CHARS, json_schema_extra={"pattern": SEARCHABLE_PATTERN}),
    AfterValidator(searchable),
]


def _iso_text(value: Any) -> Any:
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


def _number(value: Any) -> Any:
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_text)]
JsonInt = Annotated[int, BeforeValidator(_number)]  # 5 and 5.0 (JSON Schema's integers), not "5"


class StrictFilters(Filters):
    """`Filters`, with dates only as YYYY-MM-DD text."""

    published_from: IsoDate | None = Field(default=None, description="Earliest publication date.")
    published_to: IsoDate | None = Field(default=None, description="Latest publication date.")


class AskBody(AskRequest):
    """A question about the indexed articles (the body of /v1/ask)."""

    question: SearchableText
    top_k: JsonInt = Field(default=5, ge=1, le=MAX_TOP_K, description="Most citations to return.")
    filters: StrictFilters | None = None


class CheckBody(CheckRequest):
    """A claim to check (the body of /v1/check)."""

    claim: SearchableText
    top_k: JsonInt = Field(default=5, ge=1, le=MAX_EVIDENCE, description="Most evidence quotes to return.")
    filters: StrictFilters | None = None
