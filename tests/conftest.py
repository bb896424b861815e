"""Shared fixtures: real components (the bundled e5 model, embedded Chroma on tmp_path)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Nothing may be fetched from a model hub; Chroma must not phone home.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole session, in a fresh temporary folder: many tests index the same
    seeds, in this process or in CLI and server processes, and each text is embedded once per session
    instead of once per test. It starts empty every run, so a clean run still embeds everything for real."""
    return tmp_path_factory.mktemp("embedding-cache")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, embedding_cache: Path) -> None:
    """A developer's CLAIMBOT_* variables must not leak into tests; the session's embedding cache is
    set instead (CLI runs and child processes inherit it). A test about cold embedding unsets it."""
    for key in list(os.environ):
        if key.startswith("CLAIMBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("CLAIMBOT_EMBEDDING_CACHE_DIR", str(embedding_cache))


@pytest.fixture(scope="session")
def e5(embedding_cache: Path):  # type: ignore[no-untyped-def]
    """The real default embedding model, loaded once, with the session's embedding cache (a test about
    the encoder itself sets `e5.cache` to None with monkeypatch)."""
    from vectorstore.embeddings import E5Embeddings

    e5 = E5Embeddings()
    e5.use_cache(embedding_cache)
    return e5


def make_settings(data_dir: Path, **groups: dict[str, object]):  # type: ignore[no-untyped-def]
    """Settings pointing at `data_dir`, with per-group overrides."""
    from bot.settings import Settings

    store = {"data_dir": data_dir, **groups.pop("store", {})}
    return Settings(store=store, **groups)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path / "data")


@pytest.fixture
def services(settings, e5):  # type: ignore[no-untyped-def]
    """Services on an empty index in tmp_path, sharing the session's model."""
    from bot.services import Services
    from vectorstore.store import ChromaStore

    store = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    return Services(settings=settings, embeddings=e5, store=store)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, e5) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """Services over an index of the five seeds, built once per session (read-only for tests)."""
    from bot.services import Services
    from vectorstore.store import ChromaStore

    settings = make_settings(tmp_path_factory.mktemp("seeded") / "data")
    store = ChromaStore.open(settings.store, model_id=e5.model_id, dim=e5.dim)
    services = Services(settings=settings, embeddings=e5, store=store)
    report = services.ingestor.ingest([SEEDS])
    assert report.ok and len(report.added) == 5, report
    yield services


# A test that uses one of these loads the embedding model or builds an index (the seeds' index takes
# about 20 s on 2 cores when its texts are not in the session's embedding cache yet): it is `slow`,
# and `make test-fast` (pytest -m "not slow") leaves it out. Tests that start servers or processes
# carry the marker themselves.
_SLOW_FIXTURES = frozenset({"e5", "services", "seeded"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
