"""Fixtures for search tests: the real NSDC persons list and a backend over it."""

from __future__ import annotations

import pytest

from ai_service.lists.model import Entity
from ai_service.search.embedded import EmbeddedBackend
from ai_service.search.index import EmbeddedIndex
from tests.search.search_data import NSDC_PERSONS, load_nsdc_persons


@pytest.fixture(scope="session")
def nsdc_entities() -> list[Entity]:
    if not NSDC_PERSONS.exists():
        pytest.skip(f"{NSDC_PERSONS} not present (shared data lives beside the repo, ../shared/data)")
    return load_nsdc_persons()


@pytest.fixture(scope="session")
def nsdc_backend(nsdc_entities: list[Entity]) -> EmbeddedBackend:
    return EmbeddedBackend(EmbeddedIndex.build(nsdc_entities))
