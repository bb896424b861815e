"""Where an evaluation gets claimbot's answers from: this process's services, or a running HTTP API
(`open_backend`, shared by `claimbot eval` and the development benchmark).

Both give the same typed models (`Answer`, `SearchResults`, `CheckResult`) and the articles' original
texts, so the scoring code cannot tell them apart and `--against URL` yields the same figures as an
in-process run of the same index (only the latencies differ).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from bot.console import err, ingest_with_progress
from bot.models import Answer, AskRequest, CheckRequest, CheckResult, SearchResults
from bot.settings import Settings
from vectorstore.errors import BadInputError, UpstreamError

if TYPE_CHECKING:
    from bot.services import Services
    from vectorstore.embeddings import ArrayEmbeddings

_PAGE = 500
_MAX_WAIT_S = 10.0


class Backend(Protocol):
    """What the evaluation needs of claimbot."""

    where: str
    """'in-process' or the base URL."""

    def model_id(self) -> str: ...
    def texts(self) -> dict[str, str]: ...
    def ask(self, question: str, top_k: int) -> Answer: ...
    def search(self, query: str, top_k: int) -> SearchResults: ...
    def check(self, claim: str, top_k: int) -> CheckResult: ...


class InProcess:
    """The services of this process (the configured index, or a temporary one of `--corpus`)."""

    where = "in-process"

    def __init__(self, services: Services) -> None:
        self.services = services

    def model_id(self) -> str:
        return self.services.embeddings.model_id

    def texts(self) -> dict[str, str]:
        store = self.services.store
        return {aid: store.get_article(aid).text for aid in sorted(store.records())}

    def ask(self, question: str, top_k: int) -> Answer:
        return self.services.ask(AskRequest(question=question, top_k=top_k))

    def search(self, query: str, top_k: int) -> SearchResults:
        return self.services.search(query, top_k=top_k)

    def check(self, claim: str, top_k: int) -> CheckResult:
        return self.services.check(CheckRequest(claim=claim, top_k=top_k))


class ApiClient:
    """A small JSON client for claimbot's API: waits out 429 and 503 (honouring Retry-After, a
    bounded number of times) and turns any other failure into an `UpstreamError` with the server's
    own error message."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 120.0, attempts: int = 8):
        import httpx

        if not base_url.startswith(("http://", "https://")):
            raise BadInputError(f"--against must be an http(s) URL, got {base_url!r}")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.base_url = base_url.rstrip("/")
        self.attempts = attempts
        self.retried = 0
        """Requests refused with 429 or 503 and sent again."""
        self._http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The decoded JSON body of a 2xx response."""
        import httpx

        for attempt in range(self.attempts):
            try:
                response = self._http.request(method, path, json=body)
            except httpx.HTTPError as exc:
                raise UpstreamError(f"cannot reach {self.base_url}{path}: {exc}") from exc
            if response.status_code in (429, 503) and attempt + 1 < self.attempts:
                self.retried += 1
                time.sleep(_retry_after(response.headers.get("Retry-After")))
                continue
            if response.is_success:
                return response.json()
            raise UpstreamError(f"{method} {path} answered {response.status_code}: {_message(response)}")
        raise UpstreamError(f"{method} {path}: still refused after {self.attempts} attempts")

    def close(self) -> None:
        self._http.close()


def _retry_after(header: str | None) -> float:
    try:
        return min(_MAX_WAIT_S, max(0.1, float(header or 1)))
    except ValueError:
        return 1.0


def _message(response: Any) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


class OverHttp:
    """A running claimbot API: POST /v1/ask, /v1/search, /v1/check; texts from GET /v1/articles."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.where = client.base_url

    def model_id(self) -> str:
        return str(self.client.request("GET", "/readyz")["model"])

    def texts(self) -> dict[str, str]:
        ids: list[str] = []
        offset = 0
        while True:
            page = self.client.request("GET", f"/v1/articles?offset={offset}&limit={_PAGE}")
            ids += [a["article_id"] for a in page["articles"]]
            offset += _PAGE
            if offset >= int(page["total"]) or not page["articles"]:
                break
        return {aid: self.client.request("GET", f"/v1/articles/{quote(aid, safe='')}")["text"] for aid in ids}

    def ask(self, question: str, top_k: int) -> Answer:
        body = {"question": question, "top_k": top_k}
        return Answer.model_validate(self.client.request("POST", "/v1/ask", body))

    def search(self, query: str, top_k: int) -> SearchResults:
        body = {"query": query, "top_k": top_k}
        return SearchResults.model_validate(self.client.request("POST", "/v1/search", body))

    def check(self, claim: str, top_k: int) -> CheckResult:
        body = {"claim": claim, "top_k": top_k}
        return CheckResult.model_validate(self.client.request("POST", "/v1/check", body))


@dataclass(frozen=True)
class Distractors:
    """Articles on other subjects added to the evaluated index: `count` drawn from `path` with `seed`."""

    path: Path | None
    count: int
    seed: int


@contextmanager
def open_backend(
    settings: Settings,
    against: str | None,
    api_key: str | None,
    corpus: list[Path] | None,
    distractors: Distractors,
) -> Iterator[tuple[Backend, ArrayEmbeddings, dict[str, object] | None, str | None]]:
    """claimbot to evaluate, the embedding model for the baselines, the settings to record, and what
    distractor articles its index holds (with `corpus`, a fresh temporary index of it)."""
    from bot.eval.cases import sample_articles
    from bot.services import build_services
    from vectorstore.embeddings import make_embeddings

    if distractors.path is not None and not corpus:
        raise BadInputError("--distractors needs --corpus: they are added to a fresh index of the corpus")
    if against:
        if corpus:
            raise BadInputError("--corpus and --against exclude each other: the server has its own index")
        client = ApiClient(against, api_key)
        try:
            yield OverHttp(client), make_embeddings(settings.embedding), None, None
        finally:
            client.close()
        return
    recorded: dict[str, object] = {
        group: getattr(settings, group).model_dump(mode="json")
        for group in ("embedding", "ingest", "retrieval", "answer")
    }
    with tempfile.TemporaryDirectory(prefix="claimbot-eval-") as tmp:
        if corpus:
            settings = settings.model_copy(
                update={
                    "store": settings.store.model_copy(update={"data_dir": Path(tmp), "chroma_url": None})
                }
            )
        paths, described = list(corpus or []), None
        if distractors.path is not None:
            drawn = Path(tmp) / "distractors.jsonl"
            n = sample_articles(distractors.path, distractors.count, distractors.seed, drawn)
            paths.append(drawn)
            described = f"{n} drawn at random from {distractors.path} (seed {distractors.seed})"
        services = build_services(settings)
        if paths:
            report = ingest_with_progress(services, paths)
            for failure in report.failed:
                err.print(f"[yellow]not ingested[/yellow] {failure.origin}: {failure.reason}")
        if not services.store.records():
            raise BadInputError("the index is empty: run `claimbot ingest PATH` first, or pass --corpus PATH")
        yield InProcess(services), services.embeddings, recorded, described
