"""Dependencies of the routes, as `Annotated` aliases so a route's signature lists what it needs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.services import Services
from vectorstore.errors import UpstreamError


def get_services(request: Request) -> Services:
    """The services the lifespan built; 503 until they are ready."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise UpstreamError("the index and model are still loading")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
