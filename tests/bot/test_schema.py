"""Schemathesis over the app's own OpenAPI spec: for generated (valid and invalid) requests to every
operation, no 5xx, and every response conforms to the spec (status, content type, headers, schema).

The app is served by uvicorn on a free loopback port, on a private copy of the seeded index with API
keys configured, so the admin routes are exercised too and schemathesis also checks that requests
without the key are refused. The spec is read at import from an app built with the same settings
(building an app does no I/O).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from bot.api.app import create_app
from tests.bot.serving import LiveServer, api_settings, copy_of_seeded, live_server

ADMIN_KEY = "schema-admin-key"
AUTH = {"api_keys": "schema-user-key", "admin_keys": ADMIN_KEY}

schema = schemathesis.openapi.from_dict(create_app(api_settings(Path("unused"), auth=AUTH)).openapi())


@pytest.fixture(scope="module")
def server(seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    services = copy_of_seeded(seeded, tmp_path_factory.mktemp("schema"), auth=AUTH)
    with live_server(create_app(services.settings, services=services)) as live:
        yield live


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_response_conforms_and_none_is_a_server_error(case: Any, server: LiveServer) -> None:
    # Chat completions check what a schema cannot say (the last message is the user's question, not
    # blank): schema-valid bodies may rightly get a 422 there.
    semantic = case.operation.path == "/v1/chat/completions"
    # The spec declares the Authorization header: a generated one gets the real key, and a case that
    # leaves it out on purpose (negative data) is sent without one, so the 401 is what is checked.
    if case.headers and "Authorization" in case.headers:
        case.headers["Authorization"] = f"Bearer {ADMIN_KEY}"
    case.call_and_validate(
        base_url=server.url,
        excluded_checks=[positive_data_acceptance] if semantic else [],
    )
