"""The same store against a real `chroma run` server started by the test on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS, make_settings
from vectorstore.errors import UpstreamError
from vectorstore.store import ChromaStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # up to 30 s
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not become healthy")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_ingest_and_search_through_a_chroma_server(chroma_url: str, tmp_path: Path, e5) -> None:  # type: ignore[no-untyped-def]
    from bot.services import Services

    settings = make_settings(tmp_path / "unused", store={"chroma_url": chroma_url})
    store = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    services = Services(settings=settings, embeddings=e5, store=store)
    report = services.ingestor.ingest([SEEDS])
    assert len(report.added) == 5 and report.failed == []
    assert not (tmp_path / "unused" / "chroma").exists()  # nothing embedded when a server is configured

    again = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    assert again.counts() == store.counts()
    assert len(services.ingestor.ingest([SEEDS]).unchanged) == 5
    hits = services.searcher.search("Vostochny Cosmodrome", top_k=3)
    assert hits and hits[0].article_id == "003_d0311550289dc6a3"


def test_an_unreachable_chroma_server_is_an_upstream_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, store={"chroma_url": f"http://127.0.0.1:{_free_port()}"})
    with pytest.raises(UpstreamError, match="Chroma server"):
        ChromaStore.open(settings.store, model_id="m", dim=3)
