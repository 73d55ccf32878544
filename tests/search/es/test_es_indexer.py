"""Index template, versioned builds, the atomic alias switch, no-op reloads and
pruning, against a real ES-protocol server (noida-db)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from elasticsearch import AsyncElasticsearch
from elasticsearch.helpers import BulkIndexError

from ai_service.config import load_settings
from ai_service.lists.config import sources_from_setting
from ai_service.lists.loader import load_sources
from ai_service.lists.snapshot import ListsSnapshot, LoadedList
from ai_service.search.es import indexer
from ai_service.search.es.client import build_client, bulk_client
from ai_service.search.es.documents import snapshot_checksum
from ai_service.search.es.indexer import alias_indices, ensure_index, index_meta
from ai_service.search.vectors import DIM
from tests.search.es.conftest import es_env
from tests.search.es.noida import NoidaServer

T = TypeVar("T")


@pytest.fixture(scope="module")
def demo() -> ListsSnapshot:
    return asyncio.run(load_sources(sources_from_setting(None)))


def variant(snapshot: ListsSnapshot, drop: int) -> ListsSnapshot:
    """The demo list without its last ``drop`` entities (another source checksum)."""
    (name, lst), = snapshot.lists.items()
    entities = lst.entities[: len(lst.entities) - drop]
    return ListsSnapshot({name: LoadedList(name, lst.formats, lst.locations, entities, f"{lst.checksum}-{drop}",
                                           lst.version, lst.loaded_at)})


def with_client(server: NoidaServer, alias: str, fn: Callable[[AsyncElasticsearch], Awaitable[T]]) -> T:
    settings = load_settings(es_env(server, alias))

    async def go() -> T:
        client = build_client(settings)
        try:
            return await fn(bulk_client(client, settings))
        finally:
            await client.close()

    return asyncio.run(go())


def test_versions_alias_noop_prune_rollback_force(noida: NoidaServer, demo: ListsSnapshot) -> None:
    alias = "t-versions"
    v1, v2, v3 = demo, variant(demo, 1), variant(demo, 2)

    async def scenario(es: AsyncElasticsearch) -> dict[str, Any]:
        out: dict[str, Any] = {}
        s1 = await ensure_index(es, v1, alias)
        out["s1"] = s1
        out["alias1"] = await alias_indices(es, alias)
        out["meta1"] = await index_meta(es, s1.index)
        out["count1"] = (await es.count(index=alias))["count"]
        out["template"] = await es.indices.get_index_template(name=f"{alias}-template")
        out["mapping"] = await es.indices.get_mapping(index=s1.index)
        out["again"] = await ensure_index(es, v1, alias)
        out["s2"] = s2 = await ensure_index(es, v2, alias)
        out["alias2"] = await alias_indices(es, alias)
        out["v1_kept"] = bool(await es.indices.exists(index=s1.index))
        await es.indices.create(index=f"{alias}-foreign")  # someone else's index under our pattern
        out["s3"] = await ensure_index(es, v3, alias, keep=2)
        out["v1_pruned"] = not await es.indices.exists(index=s1.index)
        out["v2_kept"] = bool(await es.indices.exists(index=s2.index))
        out["foreign_kept"] = bool(await es.indices.exists(index=f"{alias}-foreign"))
        out["rollback"] = await ensure_index(es, v2, alias)
        out["alias_rb"] = await alias_indices(es, alias)
        out["forced"] = await ensure_index(es, v2, alias, force=True)
        out["alias_forced"] = await alias_indices(es, alias)
        return out

    r = with_client(noida, alias, scenario)
    s1 = r["s1"]
    assert s1.action == "built" and s1.index == f"{alias}-{snapshot_checksum(v1)[:16]}"
    assert r["alias1"] == [s1.index]
    assert r["meta1"]["complete"] is True and r["meta1"]["checksum"] == snapshot_checksum(v1)
    assert r["meta1"]["entities"] == v1.total_entities == s1.entities
    assert r["count1"] == s1.rows == r["meta1"]["rows"] > v1.total_entities  # one document per name
    tpl = r["template"]["index_templates"][0]["index_template"]
    assert tpl["index_patterns"] == [f"{alias}-*"]
    props = r["mapping"][s1.index]["mappings"]["properties"]
    assert props["name_vector"]["dims"] == DIM and props["name_key"]["normalizer"] == "name_key"
    assert r["again"].action == "unchanged" and r["again"].index == s1.index  # a no-op
    assert r["s2"].action == "built" and r["alias2"] == [r["s2"].index] and r["v1_kept"]
    assert r["s3"].action == "built"
    assert r["v1_pruned"] and r["v2_kept"] and r["foreign_kept"]  # keep=2, never others' indices
    assert r["rollback"].action == "switched" and r["alias_rb"] == [r["s2"].index]  # reused, not rebuilt
    assert r["forced"].action == "built" and r["forced"].index.startswith(r["s2"].index + "-")
    assert r["alias_forced"] == [r["forced"].index]


def test_concurrent_loaders_build_one_version(noida: NoidaServer, demo: ListsSnapshot) -> None:
    alias = "t-race"
    snap = variant(demo, 3)

    async def race(es: AsyncElasticsearch) -> tuple[list[str], list[str], list[str]]:
        states = await asyncio.gather(ensure_index(es, snap, alias), ensure_index(es, snap, alias))
        found = await es.indices.get(index=f"{alias}-*")
        return [s.action for s in states], sorted(found), await alias_indices(es, alias)

    actions, indices, live = with_client(noida, alias, race)
    assert actions.count("built") == 1 and set(actions) <= {"built", "switched", "unchanged"}
    assert indices == live == [f"{alias}-{snapshot_checksum(snap)[:16]}"]


def test_a_failed_build_keeps_the_live_version(noida: NoidaServer, demo: ListsSnapshot,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    alias = "t-failure"
    good, bad = demo, variant(demo, 4)
    real = indexer.batch_actions

    def corrupt(index: str, batch: list) -> list[dict[str, Any]]:
        docs = real(index, batch)
        docs[-1]["_source"]["unexpected_field"] = 1  # the strict mapping rejects it
        return docs

    async def scenario(es: AsyncElasticsearch) -> tuple[str, list[str], bool]:
        live = (await ensure_index(es, good, alias)).index
        monkeypatch.setattr(indexer, "batch_actions", corrupt)
        with pytest.raises(BulkIndexError):
            await ensure_index(es, bad, alias)
        leftover = await es.indices.exists(index=f"{alias}-{snapshot_checksum(bad)[:16]}")
        return live, await alias_indices(es, alias), bool(leftover)

    live, now, leftover = with_client(noida, alias, scenario)
    assert now == [live] and not leftover


def test_cli_lists_load(noida: NoidaServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from ai_service.__main__ import main

    for name, value in es_env(noida, "t-cli").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LISTS", raising=False)
    assert main(["lists", "load"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["lists", "load"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert main(["lists", "load", "--force"]) == 0
    forced = json.loads(capsys.readouterr().out)
    assert (first["action"], second["action"], forced["action"]) == ("built", "unchanged", "built")
    assert first["index"] == second["index"] != forced["index"] and first["entities"] == 26


def test_cli_reports_configuration_and_cluster_errors(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture) -> None:
    from ai_service.__main__ import main
    from tests.search.es.noida import free_port

    monkeypatch.delenv("ES_URL", raising=False)
    monkeypatch.delenv("LISTS", raising=False)
    assert main(["lists", "load"]) == 2
    assert "ES_URL" in capsys.readouterr().err
    monkeypatch.setenv("ES_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    assert main(["lists", "load"]) == 1
    assert "lists load failed: ConnectionError" in capsys.readouterr().err
