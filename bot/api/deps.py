"""Dependencies of the routes, as `Annotated` aliases so a route's signature lists what it needs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.api.errors import ApiError
from bot.api.health import Supervisor
from bot.api.metrics import Metrics
from bot.conversations.store import ConversationStore
from bot.services import Services
from bot.settings import Settings


def get_services(request: Request) -> Services:
    """The services the supervisor loaded; 503 while loading, or while the index is down."""
    supervisor: Supervisor = request.app.state.supervisor
    services = supervisor.services
    if services is None:
        if supervisor.load_error:  # no Retry-After: waiting does not fix it, the operator must
            raise ApiError(503, f"the model or index failed to load: {supervisor.load_error}")
        if supervisor.fault:
            raise _upstream(supervisor, "the index cannot be reached yet")
        raise ApiError(503, "the model and index are still loading", headers={"Retry-After": "2"})
    if supervisor.down():
        raise _upstream(supervisor, "the index is unavailable")
    return services


def _upstream(supervisor: Supervisor, what: str) -> ApiError:
    retry = supervisor.retry_after()
    return ApiError(
        503,
        f"{what}: {supervisor.fault}; the server reconnects by itself (next attempt in {retry} s)",
        code="upstream_error",
        headers={"Retry-After": str(retry)},
    )


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_conversations(request: Request) -> ConversationStore:
    """The conversation store the lifespan opened."""
    store: ConversationStore = request.app.state.conversations
    return store


def get_metrics(request: Request) -> Metrics:
    """The app's metrics (for the retrieval timers)."""
    metrics: Metrics = request.app.state.metrics
    return metrics


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ConversationsDep = Annotated[ConversationStore, Depends(get_conversations)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
