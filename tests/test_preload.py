"""Lists preloaded in the Gunicorn master: adopted by a worker only for the same LISTS and the
same bytes; anything else and the worker builds from its sources as without a preload."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ai_service import preload
from ai_service.config import Settings
from ai_service.service import ScreeningService
from tests.lists.delta_fixtures import BASE, ftm_lines, person


@pytest.fixture(autouse=True)
def _clean():
    preload.forget()
    yield
    preload.forget()


def _start(settings: Settings) -> ScreeningService:
    service = ScreeningService(settings)
    asyncio.run(service.reload(trigger="startup"))
    return service


def test_a_worker_adopts_the_preloaded_index_of_the_same_sources(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)
    settings = Settings(lists=f"a=ftm:{source}")
    pre = preload.preload(settings)
    assert pre is not None and pre.snapshot.total_entities > 0
    service = _start(settings)
    assert service.generation.snapshot is pre.snapshot
    assert service.current_backend().index is pre.index  # shared, not rebuilt
    assert service.last_reload["lists"] == {"a": "preloaded"}
    assert service.list_outcomes["a"]["status"] == "ok"


def test_sources_changed_after_the_preload_are_loaded_from_the_files(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)
    settings = Settings(lists=f"a=ftm:{source}")
    pre = preload.preload(settings)
    source.write_bytes(BASE + ftm_lines(person("late-addition", "Вигаданий Пізній Доданко")))
    service = _start(settings)  # e.g. a replacement worker forked long after the master loaded
    assert service.generation.snapshot is not pre.snapshot
    assert service.generation.snapshot.total_entities == pre.snapshot.total_entities + 1
    assert service.last_reload["lists"] == {"a": "full"}


def test_another_lists_setting_is_not_adopted(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)
    preload.preload(Settings(lists=f"a=ftm:{source}"))
    service = _start(Settings(lists=f"b=ftm:{source}"))
    assert set(service.generation.snapshot.lists) == {"b"}
    assert service.last_reload["lists"] == {"b": "full"}


def test_only_the_first_load_of_a_worker_adopts(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)
    settings = Settings(lists=f"a=ftm:{source}")
    pre = preload.preload(settings)
    service = _start(settings)
    asyncio.run(service.reload(trigger="admin"))  # an explicit reload re-reads and rebuilds
    assert service.current_backend().index is not pre.index
    assert service.last_reload["lists"] == {"a": "full"}


def test_urls_and_unreadable_sources_are_left_to_the_workers(tmp_path: Path) -> None:
    assert preload.preload(Settings(lists="a=ftm:http://127.0.0.1:9/list.json")) is None
    assert preload.preload(Settings(lists=f"a=ftm:{tmp_path / 'missing.json'}")) is None
    assert preload.adoptable("a=ftm:http://127.0.0.1:9/list.json", []) is None
