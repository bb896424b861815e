"""The FastAPI application: translates HTTP to the services and errors to JSON, nothing more.

`create_app(settings)` builds the app and does nothing else; its lifespan checks the data directory
(a damaged one stops the start with one line naming the file), opens the conversation store and has
the `Supervisor` (bot/api/health.py) load the model and index in the background, so `/healthz`
(liveness) answers at once and `/readyz` says 503 until they are ready, and again while the index is
down. Tests (and embedders) may hand in ready `services` instead.

Swagger UI (`/docs`) and ReDoc (`/redoc`) are served with the assets fastapi-offline ships, so they
work on a machine without internet.

Middleware, outermost first: the request log (request id, JSON line, metrics, last-resort 500), CORS
(when origins are configured, so error responses carry its headers too), the body size limit. Auth and
the rate limit are route dependencies.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from bot.api import articles, chat, metrics, openai_compat
from bot.api.auth import RateLimiter, caller_dependency, failure_limiter
from bot.api.deps import ServicesDep
from bot.api.errors import ERROR_RESPONSES, ErrorBody, install_error_handlers
from bot.api.health import Supervisor
from bot.api.limits import BodyLimitMiddleware
from bot.api.logging_mw import RequestLogMiddleware, configure_logging
from bot.api.metrics import Metrics
from bot.conversations.store import ConversationStore
from bot.services import Services
from bot.settings import Settings
from vectorstore.datadir import check_store
from vectorstore.errors import ClaimbotError

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
        try:
            await run_in_threadpool(check_store, settings.store)
            app.state.conversations = await run_in_threadpool(
                ConversationStore.open, settings.conversations, settings.store.data_dir
            )
        except ClaimbotError as exc:  # a damaged data directory: refuse to start, saying which file
            log.error("cannot start", extra={"fields": {"error": str(exc), "code": exc.code}})
            raise
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
        app.state.supervisor.start()
        if app.state.slack is not None:
            await app.state.slack.start()
        yield
        if app.state.slack is not None:
            await app.state.slack.stop()  # lets answers in progress reach Slack (bounded)
        app.state.supervisor.stop()

    app = FastAPIOffline(
        title="claimbot",
        summary="Answers from news articles in verbatim, cited quotes.",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services

    def ready(loaded: Services) -> None:
        app.state.services = loaded

    app.state.supervisor = Supervisor(settings, services, on_ready=ready)
    app.state.metrics = Metrics(app.state.supervisor)
    install_error_handlers(app)

    limiter = RateLimiter(settings.auth.rate_limit_per_minute, settings.auth.rate_limit_burst)
    failures = failure_limiter(settings.auth)
    user = caller_dependency(settings.auth, limiter, admin=False, failures=failures)
    admin = caller_dependency(settings.auth, limiter, admin=True, failures=failures)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"model": ErrorBody}})
    def readyz(services: ServicesDep) -> Readiness:
        """The model is loaded and the index answers (503 while loading, or while the index is down:
        then `Retry-After` says when the server tries it again)."""
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
