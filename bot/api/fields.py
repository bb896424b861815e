"""Field types of request bodies, so the API accepts exactly what its OpenAPI spec says.

Pydantic's lax mode would read `"top_k": "5"`, `"stream": 1` or `"published_to": 0` into something;
clients reading the spec would not expect that, and schemathesis (tests/bot/test_schema.py) rejects it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from bot.models import MAX_EVIDENCE, MAX_QUESTION_CHARS, MAX_TOP_K, AskRequest, CheckRequest
from vectorstore.models import Filters

# A search (not a full match): the text holds something other than whitespace.
NOT_BLANK = r"\S"


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

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=NOT_BLANK)
    top_k: JsonInt = Field(default=5, ge=1, le=MAX_TOP_K, description="Most citations to return.")
    filters: StrictFilters | None = None


class CheckBody(CheckRequest):
    """A claim to check (the body of /v1/check)."""

    claim: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=NOT_BLANK)
    top_k: JsonInt = Field(default=5, ge=1, le=MAX_EVIDENCE, description="Most evidence quotes to return.")
    filters: StrictFilters | None = None
