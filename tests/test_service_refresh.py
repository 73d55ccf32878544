"""ScreeningService list lifecycle: scheduled refresh (no-op when unchanged), failures, deltas, forced reload."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from ai_service import metrics
from ai_service.config import Settings
from ai_service.lists import loader
from ai_service.service import ScreeningService
from tests.lists.delta_fixtures import BASE, DELTAS, ftm_lines, lists_spec, person, write_index

V1, V2, V3 = DELTAS


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """Counts search-index builds (one per swapped-in snapshot)."""
    calls: list[int] = []
    real = ScreeningService._backend_for

    async def counting(self, snapshot, index=None):
        calls.append(snapshot.total_entities)
        return await real(self, snapshot, index)

    monkeypatch.setattr(ScreeningService, "_backend_for", counting)
    return calls


def _service(spec: str, **settings) -> ScreeningService:
    return ScreeningService(Settings(lists=spec, **settings))


def _run(test: Callable[[], object]) -> None:
    asyncio.run(test())  # type: ignore[arg-type]


def _refreshes(result: str) -> float:
    if not metrics.ENABLED:
        return 0.0
    return REGISTRY.get_sample_value("ai_service_list_refreshes_total", {"result": result}) or 0.0


def test_unchanged_sources_are_a_no_op(tmp_path: Path, builds: list[int]) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)

    async def scenario() -> None:
        service = _service(f"a=ftm:{source}")
        await service.reload(trigger="startup")
        gen = service.generation
        before = _refreshes("unchanged")
        result = await service.refresh()
        assert result["status"] == "unchanged" and result["at"] >= gen.built_at
        assert service.generation is gen and builds == [3]  # no index rebuild, no swap
        assert service.last_reload["trigger"] == "startup"  # an unchanged refresh is not a reload
        (row,) = service.lists_status()
        assert row["last_refresh"]["status"] == "unchanged" and row["loaded_at"]
        assert metrics.ENABLED is False or _refreshes("unchanged") == before + 1

    _run(scenario)


def test_a_changed_file_is_picked_up(tmp_path: Path, builds: list[int]) -> None:
    changing, steady = tmp_path / "a.ftm.json", tmp_path / "b.ftm.json"
    changing.write_bytes(BASE)
    steady.write_bytes(ftm_lines(person("b1", "Steady Person")))

    async def scenario() -> None:
        service = _service(f"a=ftm:{changing},b=ftm:{steady}")
        await service.reload(trigger="startup")
        old = service.generation.snapshot
        changing.write_bytes(BASE + ftm_lines(person("p9", "Nova Osoba")))
        result = await service.refresh()
        assert result["status"] == "ok" and result["lists"] == ["a"]
        snapshot = service.generation.snapshot
        assert snapshot.get("a", "p9").primary_name == "Nova Osoba"
        assert snapshot.lists["b"] is old.lists["b"]  # unchanged list reused, its loaded_at kept
        assert snapshot.lists["a"].loaded_at >= old.lists["a"].loaded_at
        assert service.last_reload["lists"] == {"a": "full", "b": "unchanged"}
        outcomes = {row["name"]: row["last_refresh"] for row in service.lists_status()}
        assert outcomes["a"]["status"] == "ok" and outcomes["a"]["applied"] == "full"
        assert outcomes["b"]["status"] == "unchanged"
        assert len(builds) == 2

    _run(scenario)


def test_a_failed_refresh_keeps_the_data_and_says_why(tmp_path: Path, builds: list[int]) -> None:
    source, other = tmp_path / "a.ftm.json", tmp_path / "b.ftm.json"
    source.write_bytes(BASE)
    other.write_bytes(ftm_lines(person("b1", "Steady Person")))

    async def scenario() -> None:
        service = _service(f"a=ftm:{source},b=ftm:{other}")
        await service.reload(trigger="startup")
        gen = service.generation
        source.write_bytes(BASE[:40])  # a half-written file
        result = await service.refresh()
        assert result["status"] == "failed" and "list 'a'" in result["reason"]
        assert "truncated" in result["reason"] and "Testenko" not in result["reason"]
        assert service.generation is gen and service.ready  # the old data still serves
        assert service.last_reload["status"] == "failed" and service.last_reload["kept_previous"] is True
        outcomes = {row["name"]: row["last_refresh"] for row in service.lists_status()}
        assert outcomes["a"]["status"] == "failed" and "truncated" in outcomes["a"]["reason"]
        assert outcomes["b"] == {**outcomes["b"], "status": "failed", "reason": "not applied: list 'a' failed"}
        assert service.lists_stale
        source.write_bytes(BASE)  # repaired: the sources equal what is served again
        assert (await service.refresh())["status"] == "unchanged"
        assert not service.lists_stale and service.generation is gen and len(builds) == 1

    _run(scenario)


def test_new_delta_files_are_applied_incrementally_on_refresh(tmp_path: Path, builds: list[int], monkeypatch) -> None:
    base = tmp_path / "base.ftm.json"
    base.write_bytes(BASE)
    folder = tmp_path / "deltas"
    index = write_index(folder, [V1])

    async def scenario() -> None:
        service = _service(lists_spec(base, index))
        await service.reload(trigger="startup")
        assert service.generation.snapshot.lists["os"].version.endswith(f"+{V1}")
        write_index(folder, [V1, V2, V3])
        parsed: list[str] = []
        real_parse = loader._parse
        monkeypatch.setattr(loader, "_parse", lambda blob: parsed.append(blob.source.name) or real_parse(blob))
        result = await service.refresh()
        assert result["status"] == "ok" and parsed == []  # only the two new delta files were read into entities
        snapshot = service.generation.snapshot
        assert {e.entity_id for e in snapshot.lists["os"].entities} == {"p1", "p2", "p4", "p5"}
        assert snapshot.lists["os"].version.endswith(f"+{V3}")
        (row,) = service.lists_status()
        assert row["last_refresh"]["applied"] == "delta" and row["last_refresh"]["deltas"] == [V2, V3]
        assert row["deltas"]["applied"] == [V1, V2, V3]
        # The admin reload still forces a full build.
        forced = await service.reload()
        assert forced["lists"] == {"os": "full"} and forced["trigger"] == "admin"
        assert parsed == ["os"] and len(builds) == 3

    _run(scenario)


def test_the_scheduled_task_refreshes_and_stops_with_the_service(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)

    async def scenario() -> None:
        # Below the 1 s minimum LISTS_REFRESH_SECONDS accepts: Settings built directly for speed.
        service = _service(f"a=ftm:{source}", lists_refresh_seconds=0.1)
        await service.start()
        try:
            await asyncio.wait_for(service.startup_complete.wait(), 30)
            source.write_bytes(BASE + ftm_lines(person("p9", "Nova Osoba")))
            deadline = time.monotonic() + 5
            while service.generation.snapshot.get("a", "p9") is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert service.generation.snapshot.get("a", "p9") is not None
            assert service.last_refresh is not None and service.last_refresh["status"] in ("ok", "unchanged")
            task = service._refresh_task
            assert task is not None and not task.done()
        finally:
            await service.stop()
        assert task.cancelled() and service._refresh_task is None

    _run(scenario)


def test_no_task_when_refresh_is_off(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)

    async def scenario() -> None:
        service = _service(f"a=ftm:{source}")
        await service.start()
        try:
            assert service._refresh_task is None and service.last_refresh is None
        finally:
            await service.stop()

    _run(scenario)


def test_a_loaded_snapshot_is_out_of_the_collectors_way(tmp_path: Path) -> None:
    import gc

    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)

    async def scenario() -> None:
        gc.unfreeze()
        service = _service(f"a=ftm:{source}")
        await service.reload(trigger="startup")
        # The snapshot's entities are frozen: a full collection no longer walks the lists.
        entity = next(iter(service.generation.snapshot.entities()))
        assert gc.get_freeze_count() > 0
        assert not any(o is entity for o in gc.get_objects())

    try:
        _run(scenario)
    finally:
        gc.unfreeze()


def test_a_load_takes_the_lists_out_of_the_collectors_way(tmp_path: Path) -> None:
    import gc

    from ai_service.service import GC_THRESHOLDS

    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)
    before = gc.get_threshold()
    try:
        _run(lambda: _service(f"a=ftm:{source}").reload(trigger="startup"))
        # Frozen: full collections no longer walk the snapshot and index; rarer collections.
        assert gc.get_freeze_count() > 0 and gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_the_served_aliases_are_parsed_in_the_background_after_each_load(tmp_path: Path) -> None:
    from ai_service.search import parts

    source = tmp_path / "a.ftm.json"
    source.write_bytes(BASE)

    async def scenario() -> None:
        service = _service(f"a=ftm:{source}")
        await service.start()
        try:
            await asyncio.wait_for(service.startup_complete.wait(), 30)
            await asyncio.wait_for(service._pin_task, 30)
            assert "Ivan Testenko" in parts._pinned[False]  # a person's alias, weak tokens kept
            assert service.generation.backend.stats()["pinned_alias_parses"] == 3
            source.write_bytes(BASE + ftm_lines(person("p9", "Nova Osoba")))
            assert (await service.refresh())["status"] == "ok"
            await asyncio.wait_for(service._pin_task, 30)
            assert "Nova Osoba" in parts._pinned[False] and parts.pinned_parses() == 4
        finally:
            await service.stop()

    saved = parts._pinned
    try:
        _run(scenario)
    finally:
        parts._set_pinned(saved)
