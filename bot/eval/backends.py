"""Where an evaluation gets claimbot's answers from: this process's services, or a running HTTP API.

Both give the same typed models (`Answer`, `SearchResults`, `CheckResult`) and the articles' original
texts, so the scoring code cannot tell them apart and `--against URL` yields the same figures as an
in-process run of the same index (only the latencies differ).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from bot.models import Answer, AskRequest, CheckRequest, CheckResult, SearchResults
from vectorstore.errors import BadInputError, UpstreamError

if TYPE_CHECKING:
    from bot.services import Services

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
