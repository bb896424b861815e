"""The small error tree of claimbot.

Entry points translate these at the edge only: an HTTP status with a JSON body in the API, an exit code
and one clear line in the CLI. "Not enough evidence" is an answer, never an exception.
"""

from __future__ import annotations


class ClaimbotError(Exception):
    """Base of every error claimbot raises on purpose. `code` is stable and machine-readable."""

    code = "error"


class BadInputError(ClaimbotError):
    """The caller's input is invalid (a bad question, filter, path or setting)."""

    code = "bad_request"


class NotFoundError(ClaimbotError):
    """The thing asked for (an article, a conversation) does not exist."""

    code = "not_found"


class IndexMismatchError(ClaimbotError):
    """The index was built with another embedding model than the one configured: re-index."""

    code = "index_mismatch"


class UpstreamError(ClaimbotError):
    """A service claimbot depends on (a Chroma server, an LLM endpoint, a SQLite file) failed or is
    unreachable while running. Retrying later may work: the API answers 503 with `Retry-After`."""

    code = "upstream_error"


class IndexUnavailableError(UpstreamError):
    """The index's storage (a Chroma server, or the embedded Chroma files) failed at run time. The API
    stops sending work to it and probes it again with growing pauses until it answers."""


class DataDirError(ClaimbotError):
    """A data directory or database file is not what it should be (a file where a folder belongs, a
    damaged SQLite file). An operator must act; claimbot never overwrites or deletes it to "repair" it."""

    code = "damaged_data"


class EmptyIndexError(ClaimbotError):
    """There is no index where one was expected, or it holds no articles: ingest some first. Distinct
    from an answer saying the articles do not cover a question."""

    code = "empty_index"


class QuoteIntegrityError(ClaimbotError):
    """A quote does not equal the original text at its span: a bug, never shown to users as a quote."""

    code = "quote_integrity"
