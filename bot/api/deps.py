"""Dependencies of the routes, as `Annotated` aliases so a route's signature lists what it needs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.api.errors import ApiError
from bot.api.metrics import Metrics
from bot.conversations.store import ConversationStore
from bot.services import Services
from bot.settings import Settings


def get_services(request: Request) -> Services:
    """The services the lifespan built; 503 until they are ready."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        failed = getattr(request.app.state, "load_error", None)
        message = f"the model or index failed to load: {failed}" if failed else None
        raise ApiError(503, message or "the model and index are still loading", headers={"Retry-After": "2"})
    return services


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
