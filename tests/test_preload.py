"""Lists preloaded in the Gunicorn master: adopted by a worker only for the same LISTS and the
same bytes; anything else and the worker builds from its sources as without a preload."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ai_service import preload
from ai_service.config import Settings
from ai_service.lists.loader import list_checksums
from ai_service.service import ScreeningService
from tests.lists.delta_fixtures import BASE, ftm_lines, person
from tests.search.index_compare import assert_same_index


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


# -- begun before the app import (gunicorn.conf.py), continued in when_ready -------------------------


def _two_sources(tmp_path: Path) -> str:
    (tmp_path / "a.ftm.json").write_bytes(BASE)
    (tmp_path / "b.ftm.json").write_bytes(ftm_lines(person("b1", "Вигаданий Другий Тестенко")))
    return f"a=ftm:{tmp_path / 'a.ftm.json'},b=ftm:{tmp_path / 'b.ftm.json'}"


def test_a_begun_preload_is_continued_and_equals_a_fresh_one(tmp_path: Path) -> None:
    settings = Settings(lists=_two_sources(tmp_path))
    fresh = preload.preload(settings)
    assert fresh is not None
    preload.forget()
    preload.begin(settings)
    preload.begin(settings)  # a second call (Gunicorn re-reading its config) starts nothing more
    begun = preload._begun
    assert begun is not None
    pre = preload.preload(settings)
    assert pre is not None and preload._begun is None
    assert pre.checksums == fresh.checksums == list_checksums(begun.blobs)
    assert list(pre.snapshot.entities()) == list(fresh.snapshot.entities())
    assert_same_index(pre.index, fresh.index)
    preload.begin(settings)  # after the preload: nothing to begin
    assert preload._begun is None
    assert _start(settings).last_reload["lists"] == {"a": "preloaded", "b": "preloaded"}


def test_a_begun_preload_of_other_lists_is_dropped(tmp_path: Path) -> None:
    lists = _two_sources(tmp_path)
    preload.begin(Settings(lists=lists))
    pre = preload.preload(Settings(lists=lists.split(",")[0]))
    assert pre is not None and set(pre.snapshot.lists) == {"a"}


def test_nothing_begins_when_the_preload_does_not_apply(tmp_path: Path) -> None:
    lists = _two_sources(tmp_path)
    preload.begin(Settings(lists=lists, lists_preload=False))
    preload.begin(Settings(lists=lists, search_backend="elasticsearch", search_fallback="none"))
    preload.begin(Settings(lists="a=ftm:http://127.0.0.1:9/list.json"))
    preload.begin(Settings(lists=f"a=ftm:{tmp_path / 'missing.json'}"))  # preload() reports it later
    assert preload._begun is None
