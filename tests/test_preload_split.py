"""ai_service/preload_split.py: the preload's parsing and entity keys shared with a forked helper
give exactly what the serial load gives, whatever the helper does."""

from __future__ import annotations

import asyncio
import os
from dataclasses import fields
from pathlib import Path

import pytest

from ai_service import preload, preload_split
from ai_service.config import Settings
from ai_service.lists.config import sources_from_setting
from ai_service.lists.errors import ListLoadError
from ai_service.lists.loader import SourceBytes, build_snapshot, list_checksums, read_sources
from ai_service.lists.model import Entity, Identifier
from ai_service.search.index import EmbeddedIndex, entity_keys
from tests.lists.delta_fixtures import BASE, ftm_lines, lists_spec, person, write_index
from tests.search.index_compare import assert_same_index
from tests.search.search_data import SHARED_LISTS, all_list_sources

DEMO = Path(__file__).resolve().parents[1] / "demo" / "demo_list.ftm.json"


@pytest.fixture(autouse=True)
def _clean():
    preload.forget()
    yield
    preload.forget()


def _blobs(lists: str) -> list[SourceBytes]:
    return asyncio.run(read_sources(sources_from_setting(lists)))


def _serial(blobs: list[SourceBytes]) -> tuple[list[Entity], EmbeddedIndex]:
    snapshot, _ = build_snapshot(blobs)
    entities = list(snapshot.entities())
    return entities, EmbeddedIndex.build(entities)


def _split(blobs: list[SourceBytes], **kwargs) -> tuple[list[Entity], EmbeddedIndex]:
    parsed = preload_split.Split(blobs, **kwargs).finish()
    snapshot, _ = build_snapshot(blobs, parse=parsed.parse)
    entities = list(snapshot.entities())
    return entities, EmbeddedIndex.build(entities, parsed.keys(entities), fork_vectors=True)


def _several_sources(tmp_path: Path) -> str:
    (tmp_path / "b.ftm.json").write_bytes(BASE)
    (tmp_path / "c.ftm.json").write_bytes(ftm_lines(person("c1", "Вигаданий Третій Тестенко"),
                                                    person("c2", "Olena Vyhadana", birthDate=["1971"])))
    base = tmp_path / "os.ftm.json"
    base.write_bytes(BASE)
    index = write_index(tmp_path / "deltas", ["20240101000000-aaa", "20240102000000-bbb"])
    return ",".join([f"demo=ftm:{DEMO}", f"b=ftm:{tmp_path / 'b.ftm.json'}", f"b=ftm:{tmp_path / 'c.ftm.json'}",
                     lists_spec(base, index)])


def test_the_split_load_equals_the_serial_one(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blobs = _blobs(_several_sources(tmp_path))
    with caplog.at_level("WARNING", logger="ai_service.forked"):
        entities, index = _split(blobs)
    assert not caplog.records  # both helpers delivered
    serial_entities, serial_index = _serial(blobs)
    assert entities == serial_entities  # entities parsed by the helper come back whole
    assert_same_index(index, serial_index)


def test_entities_of_either_process_come_with_their_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blobs = _blobs(_several_sources(tmp_path))
    parsed = preload_split.Split(blobs).finish()
    snapshot, _ = build_snapshot(blobs, parse=parsed.parse)
    entities = list(snapshot.entities())
    computed: list[str] = []
    real = preload_split.entity_keys
    monkeypatch.setattr(preload_split, "entity_keys", lambda e: computed.append(e.entity_id) or real(e))
    assert parsed.keys(entities) == [real(e) for e in entities]
    # Only the entities a delta changed or added need their keys computed afterwards.
    assert sorted(computed) == ["p2", "p4"]


@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_failing_helper_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    blobs = _blobs(_several_sources(tmp_path))
    parent, real = os.getpid(), preload_split._helper

    def broken(blobs: list[SourceBytes], queue_fd: int):
        if os.getpid() != parent:
            os.read(queue_fd, preload_split._UNIT)  # takes a unit and never delivers it
            if how == "dies":
                os._exit(1)
            raise RuntimeError("helper broke")
        return real(blobs, queue_fd)  # the fallback run here: the pipe is empty by then

    monkeypatch.setattr(preload_split, "_helper", broken)
    entities, index = _split(blobs)
    serial_entities, serial_index = _serial(blobs)
    assert entities == serial_entities
    assert_same_index(index, serial_index)


def test_without_fork_everything_is_done_here(tmp_path: Path) -> None:
    blobs = _blobs(_several_sources(tmp_path))
    entities, index = _split(blobs, fork=False)
    assert entities == _serial(blobs)[0]


def test_a_bad_source_fails_as_in_the_serial_load(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ftm.json"
    bad.write_bytes(b"{not json\n")
    blobs = _blobs(f"demo=ftm:{DEMO},bad=ftm:{bad}")
    with pytest.raises(ListLoadError) as serial:
        build_snapshot(blobs)
    with pytest.raises(ListLoadError) as split:
        parsed = preload_split.Split(blobs).finish()
        build_snapshot(blobs, parse=parsed.parse)
    assert str(split.value) == str(serial.value)


def test_rows_carry_every_entity_field() -> None:
    entity = Entity("l", "e1", "person", ["Name One", "Ім'я Два"],
                    ids=[Identifier("inn", "123"), Identifier("iban", "UA1")], birth_dates=["1970-01-02"],
                    countries=["ua"], programs=["p"], remarks="r", weak_names=["One"])
    assert len(preload_split._row(entity)) == len(fields(Entity))  # rows follow the dataclass fields
    assert preload_split._entity(preload_split._row(entity)) == entity


def test_the_preload_of_every_shared_list_equals_the_serial_build() -> None:
    if not SHARED_LISTS.joinpath("ofac_sdn", "sdn.csv").exists():
        pytest.skip(f"{SHARED_LISTS} not present (shared data lives beside the repo, ../shared/data)")
    lists = all_list_sources()
    pre = preload.preload(Settings(lists=lists))
    assert pre is not None
    blobs = _blobs(lists)
    entities, index = _serial(blobs)
    assert pre.checksums == list_checksums(blobs)
    assert list(pre.snapshot.entities()) == entities
    assert_same_index(pre.index, index)
