"""The FastAPI application: translates HTTP to the services and errors to JSON, nothing more.

Errors are `{"error": {"code", "message"}}` with the matching status; validation errors name the field.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.api.deps import ServicesDep
from bot.models import MAX_TOP_K, Answer, AskRequest, SearchResults
from bot.settings import Settings
from vectorstore.errors import (
    BadInputError,
    ClaimbotError,
    IndexMismatchError,
    NotFoundError,
    UpstreamError,
)
from vectorstore.models import ArticleRecord, Filters, StoredArticle

log = logging.getLogger("claimbot.api")

STATUS: dict[type[ClaimbotError], int] = {
    BadInputError: 400,
    NotFoundError: 404,
    IndexMismatchError: 409,
    UpstreamError: 503,
}


class SearchRequest(BaseModel):
    """A search for passages (no abstention)."""

    query: str = Field(min_length=1, max_length=2000)
    top_k: int = Field(default=5, ge=1, le=MAX_TOP_K)
    filters: Filters | None = None


class ArticlePage(BaseModel):
    """One page of the article list."""

    total: int
    offset: int
    limit: int
    articles: list[ArticleRecord]


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; its lifespan loads the model and opens the index once per process."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from bot.services import build_services

        app.state.services = await run_in_threadpool(build_services, settings)
        yield

    app = FastAPI(
        title="claimbot",
        summary="Answers from news articles in verbatim, cited quotes.",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.exception_handler(ClaimbotError)
    async def _claimbot_error(_: Request, exc: ClaimbotError) -> JSONResponse:
        status = next((s for t, s in STATUS.items() if isinstance(exc, t)), 500)
        if status >= 500:
            log.error("%s: %s", exc.code, exc)
        return _error(status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if p != "body") or "body"
        return _error(422, "invalid_request", f"{where}: {first['msg']}")

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz(services: ServicesDep) -> dict[str, object]:
        """The model is loaded and the index is open (503 until then)."""
        return {"status": "ready", "model": services.embeddings.model_id, **services.store.counts()}

    @app.post("/v1/ask", tags=["answers"])
    def ask(request: AskRequest, services: ServicesDep) -> Answer:
        """Answer a question with verbatim, cited quotes (or say the articles do not cover it)."""
        return services.ask(request)

    @app.post("/v1/search", tags=["answers"])
    def search(request: SearchRequest, services: ServicesDep) -> SearchResults:
        """Ranked passages with citation fields."""
        return services.search(request.query, top_k=request.top_k, filters=request.filters)

    @app.get("/v1/articles", tags=["articles"])
    def articles(
        services: ServicesDep,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> ArticlePage:
        """The indexed articles with their metadata, a page at a time."""
        records = sorted(services.store.records().values(), key=lambda r: r.article_id)
        return ArticlePage(
            total=len(records), offset=offset, limit=limit, articles=records[offset : offset + limit]
        )

    @app.get("/v1/articles/{article_id}", tags=["articles"])
    def article(article_id: str, services: ServicesDep) -> StoredArticle:
        """An article's metadata and the original text every start/end offset refers to."""
        return services.store.get_article(article_id)

    return app
