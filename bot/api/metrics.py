"""Prometheus metrics at `GET /metrics`.

- `claimbot_http_requests_total{method, route, status}` and
  `claimbot_http_request_duration_seconds{method, route, status}`: every request, by route template
  (`/v1/articles/{article_id}`, never the raw path, so the label set stays small);
- `claimbot_retrieval_duration_seconds{operation}`: hybrid search inside `ask`/`chat` (timed through the
  answer chain's callbacks, on its `retrieve` step) and `search`;
- `claimbot_index_articles`, `claimbot_index_sentences`, `claimbot_index_chunks`: what the index holds,
  read when scraped; `claimbot_ready`: 1 once the model is loaded and while the index answers.

Each app has its own registry; with several workers each process counts its own requests (a scrape
reaches one of them), while the index figures are the same in all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response
from langchain_core.callbacks import BaseCallbackHandler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.api.health import Supervisor
from vectorstore.errors import UpstreamError

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _IndexCollector(Collector):
    """Index size, read from the store at scrape time (nothing while the index is down)."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor

    def collect(self) -> Iterator[GaugeMetricFamily]:
        services = self.supervisor.services
        counts: dict[str, int] | None = None
        if services is not None and not self.supervisor.down():
            try:
                counts = services.store.counts()
            except UpstreamError:
                counts = None  # the next request marks the index down; a scrape must not fail
        yield GaugeMetricFamily(
            "claimbot_ready",
            "1 when the model is loaded and the index answers.",
            value=int(counts is not None),
        )
        if counts is None:
            return
        for name in ("articles", "sentences", "chunks", "clauses"):
            yield GaugeMetricFamily(
                f"claimbot_index_{name}", f"{name.capitalize()} in the index.", value=counts.get(name, 0)
            )


class _RetrievalTimer(BaseCallbackHandler):
    """Times the answer chain's `retrieve` step (the seam the chain offers, no change to it)."""

    def __init__(self, histogram: Histogram, operation: str) -> None:
        self.histogram = histogram
        self.operation = operation
        self._started: dict[UUID, float] = {}

    def on_chain_start(
        self, serialized: dict[str, Any] | None, inputs: Any, *, run_id: UUID, **kwargs: Any
    ) -> None:
        if kwargs.get("name") == "retrieve":
            self._started[run_id] = time.perf_counter()

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        started = self._started.pop(run_id, None)
        if started is not None:
            self.histogram.labels(self.operation).observe(time.perf_counter() - started)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._started.pop(run_id, None)


class Metrics:
    """The app's metrics and the hooks that feed them."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "claimbot_http_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "claimbot_http_request_duration_seconds",
            "HTTP request latency (to the last byte) by method, route template and status.",
            ["method", "route", "status"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.retrieval = Histogram(
            "claimbot_retrieval_duration_seconds",
            "Hybrid search latency by operation (ask, chat, search).",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_IndexCollector(supervisor))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """The request-log middleware's hook."""
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)

    def callbacks(self, operation: str) -> list[BaseCallbackHandler]:
        """Callbacks for one run of the answer chain (a handler per run: it keeps run start times)."""
        return [_RetrievalTimer(self.retrieval, operation)]

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return generate_latest(self.registry)


def build_router() -> APIRouter:
    """`GET /metrics` (not under /v1: scrapers do not carry API keys)."""
    router = APIRouter(tags=["operations"])

    @router.get(
        "/metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}},
    )
    def metrics(request: Request) -> Response:
        """Prometheus metrics: requests and latency by route and status, retrieval latency, index size."""
        registry: Metrics = request.app.state.metrics
        return Response(registry.render(), media_type=CONTENT_TYPE_LATEST)

    return router
