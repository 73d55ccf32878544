"""Fixtures for the Elasticsearch backend: a real ES-protocol server (noida-db)
for the session, the fixed list sample, and its embedded twin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ai_service.lists.snapshot import ListsSnapshot
from ai_service.search.embedded import EmbeddedBackend
from ai_service.search.index import EmbeddedIndex
from tests.search.es.noida import NoidaServer, noida_binary
from tests.search.search_data import NSDC_PERSONS

# noida-db answers a search in tens to hundreds of milliseconds (it scans): the
# production default of 50 ms would time every call out, so tests allow more.
TEST_TIMEOUT_MS = "10000"


@pytest.fixture(scope="session")
def noida(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NoidaServer]:
    binary = noida_binary()
    if binary is None:
        pytest.skip("noida-db is not installed (pip install noida-db==0.2.3, see current_requirements.txt)")
    server = NoidaServer(binary, tmp_path_factory.mktemp("noida") / "data")
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        pytest.skip(f"noida-db could not start an Elasticsearch-protocol server: {exc}")
    try:
        yield server
    finally:
        server.stop()


def es_env(server: NoidaServer, alias: str, **extra: str) -> dict[str, str]:
    return {"SEARCH_BACKEND": "elasticsearch", "ES_URL": server.url, "ES_INDEX": alias,
            "ES_TIMEOUT_MS": TEST_TIMEOUT_MS, **extra}


@pytest.fixture(scope="session")
def sample() -> ListsSnapshot:
    if not NSDC_PERSONS.exists():
        pytest.skip(f"{NSDC_PERSONS} not present (shared data lives beside the repo, ../shared/data)")
    from tests.search.es.es_data import sample_snapshot

    return sample_snapshot()


@pytest.fixture(scope="session")
def sample_embedded(sample: ListsSnapshot) -> EmbeddedBackend:
    return EmbeddedBackend(EmbeddedIndex.build(list(sample.entities())))


@pytest.fixture()
def demo_path() -> Path:
    from ai_service.lists.config import DEMO_LIST_PATH

    return DEMO_LIST_PATH
