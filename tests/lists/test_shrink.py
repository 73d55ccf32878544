"""A list version that lost most of its entries (a source cut at a record boundary) is refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ai_service.config import ConfigError, Settings, load_settings
from ai_service.service import ScreeningService
from tests.lists.delta_fixtures import ftm_lines, person

PEOPLE = [person(f"p{i}", f"Вигаданий Особа{i} Тестович") for i in range(10)]


def _service(source: Path, **settings) -> ScreeningService:
    return ScreeningService(Settings(lists=f"a=ftm:{source}", **settings))


def test_a_source_cut_short_keeps_the_previous_version(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(ftm_lines(*PEOPLE))
    service = _service(source)
    asyncio.run(service.reload(trigger="startup"))
    source.write_bytes(ftm_lines(*PEOPLE[:5]))  # "truncated" at a line end: still parses
    with pytest.raises(Exception) as failed:
        asyncio.run(service.reload(trigger="admin"))
    assert "would drop 50% of its entities (10 → 5)" in str(failed.value)
    assert service.generation.snapshot.total_entities == 10  # still served
    outcome = service.lists_status()[0]["last_refresh"]  # what /lists shows
    assert outcome["status"] == "failed" and "LISTS_MAX_DROP=0.2" in outcome["reason"]
    refreshed = asyncio.run(service.refresh())
    assert refreshed["status"] == "failed" and "LISTS_MAX_DROP" in refreshed["reason"]


def test_small_lists_may_lose_a_few_entries(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(ftm_lines(*PEOPLE[:4]))
    service = _service(source)
    asyncio.run(service.reload(trigger="startup"))
    source.write_bytes(ftm_lines(*PEOPLE[:3]))  # 25 % of a four-entry list: one delisting
    asyncio.run(service.reload(trigger="admin"))
    assert service.generation.snapshot.total_entities == 3


def test_ordinary_delistings_and_a_deliberate_cut_are_applied(tmp_path: Path) -> None:
    source = tmp_path / "a.ftm.json"
    source.write_bytes(ftm_lines(*PEOPLE))
    service = _service(source)
    asyncio.run(service.reload(trigger="startup"))
    source.write_bytes(ftm_lines(*PEOPLE[:9]))  # one delisted: 10 %
    asyncio.run(service.reload(trigger="admin"))
    assert service.generation.snapshot.total_entities == 9
    allowing = _service(source, lists_max_drop=1.0)
    asyncio.run(allowing.reload(trigger="startup"))
    source.write_bytes(ftm_lines(*PEOPLE[:2]))
    asyncio.run(allowing.reload(trigger="admin"))
    assert allowing.generation.snapshot.total_entities == 2


def test_the_setting_is_a_share() -> None:
    assert load_settings({"LISTS_MAX_DROP": "0.5"}).lists_max_drop == 0.5
    with pytest.raises(ConfigError, match="LISTS_MAX_DROP"):
        load_settings({"LISTS_MAX_DROP": "30"})
