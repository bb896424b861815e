"""The FastAPI application: translates HTTP to the services and errors to JSON, nothing more.

`create_app(settings)` builds the app and does nothing else; its lifespan opens the conversation store
and loads the model and index in the background, so `/healthz` answers at once and `/readyz` says 503
until they are ready. Tests (and embedders) may hand in ready `services` instead.

Middleware, outermost first: the request log (request id, JSON line, metrics, last-resort 500), CORS
(when origins are configured, so error responses carry its headers too), the body size limit. Auth and
the rate limit are route dependencies.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.api import articles, chat, metrics, openai_compat
from bot.api.auth import RateLimiter, caller_dependency
from bot.api.deps import ServicesDep
from bot.api.errors import ERROR_RESPONSES, ErrorBody, install_error_handlers
from bot.api.limits import BodyLimitMiddleware
from bot.api.logging_mw import RequestLogMiddleware, configure_logging
from bot.api.metrics import Metrics
from bot.conversations.store import ConversationStore
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger("claimbot.api")

DESCRIPTION = """Answers questions about news articles with **verbatim quotes**, each cited with its outlet,
date, article id and exact character span, and says plainly when the articles do not cover a question.

When `CLAIMBOT_API_KEYS` is set, `/v1/*` needs `Authorization: Bearer <key>`; the admin routes need a key
from `CLAIMBOT_ADMIN_KEYS`. Errors are `{"error": {"code", "message"}}`. OpenAI clients work with
`base_url=<this server>/v1`."""


class Readiness(BaseModel):
    """The model and index are loaded."""

    status: str
    model: str
    articles: int
    sentences: int
    chunks: int
    clauses: int = Field(description="Vectors of the parts of long sentences (the words quoted, clauses).")


async def _load_services(app: FastAPI, settings: Settings) -> None:
    from bot.services import build_services

    try:
        app.state.services = await run_in_threadpool(build_services, settings)
    except Exception as exc:  # reported by /readyz and the log; the process stays up to say why
        app.state.load_error = str(exc) or type(exc).__name__
        log.exception("the model or index failed to load", extra={"fields": {"error": app.state.load_error}})
        return
    fields = {"model": app.state.services.embeddings.model_id, "pid": os.getpid()}
    log.info("ready", extra={"fields": fields})


def _openapi_with_upload_schemas(app: FastAPI) -> Callable[[], dict[str, Any]]:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                articles.openapi_components()
            )
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> FastAPI:
    """Build the app (no I/O here: the lifespan opens the stores and loads the model)."""
    settings = settings or Settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.conversations = await run_in_threadpool(
            ConversationStore.open, settings.conversations, settings.store.data_dir
        )
        log.info(
            "starting",
            extra={
                "fields": {
                    "auth": "keys" if settings.auth.enabled else "open",
                    "rate_limit_per_minute": settings.auth.rate_limit_per_minute,
                    "cors_origins": settings.http.cors_origins,
                    "conversations": str(app.state.conversations.path),
                }
            },
        )
        loading = None if services is not None else asyncio.create_task(_load_services(app, settings))
        if app.state.slack is not None:
            await app.state.slack.start()
        yield
        if app.state.slack is not None:
            await app.state.slack.stop()  # lets answers in progress reach Slack (bounded)
        if loading is not None and not loading.done():
            loading.cancel()

    app = FastAPI(
        title="claimbot",
        summary="Answers from news articles in verbatim, cited quotes.",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.load_error = None
    app.state.metrics = Metrics(lambda: app.state.services)
    install_error_handlers(app)

    limiter = RateLimiter(settings.auth.rate_limit_per_minute, settings.auth.rate_limit_burst)
    user = caller_dependency(settings.auth, limiter, admin=False)
    admin = caller_dependency(settings.auth, limiter, admin=True)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"model": ErrorBody}})
    def readyz(services: ServicesDep) -> Readiness:
        """The model is loaded and the index is open (503 until then)."""
        counts = services.store.counts()
        return Readiness(status="ready", model=services.embeddings.model_id, **counts)

    app.include_router(metrics.build_router())
    app.include_router(chat.build_router(user), responses=ERROR_RESPONSES)
    app.include_router(articles.build_router(settings, user, admin), responses=ERROR_RESPONSES)
    app.include_router(openai_compat.build_router(user), responses=ERROR_RESPONSES)
    app.openapi = _openapi_with_upload_schemas(app)  # type: ignore[method-assign]
    app.state.slack = None
    if settings.slack.enabled:
        from bot.slack.app import mount_slack

        app.state.slack = mount_slack(app, settings)  # POST /slack/events, signed by Slack (no API key)

    # add_middleware puts each in front of the ones before: the body limit ends up innermost.
    app.add_middleware(
        BodyLimitMiddleware,
        default=settings.http.max_body_bytes,
        overrides={("POST", "/v1/articles"): settings.http.max_upload_bytes},
    )
    if settings.http.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.http.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(
        RequestLogMiddleware,
        log_text=settings.http.log_message_text,
        observers=(app.state.metrics.observe_request,),
    )
    return app
