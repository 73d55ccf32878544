"""POST /health/test/{component}: real self-tests behind the admin token, pass and fail."""

from __future__ import annotations

import dataclasses
import os

import pytest

from ai_service import metrics
from ai_service.lists.model import Entity
from ai_service.pipeline.document import MorphInfo
from ai_service.selftest import COMPONENTS, pick_entity
from tests.api.conftest import ADMIN, make_client

AUTH = {"Authorization": f"Bearer {ADMIN}"}


def _test(client, component: str, **params: str):
    return client.post(f"/health/test/{component}", headers=AUTH, params=params)


def test_search_screens_a_known_demo_entity_through_the_live_pipeline(demo_client) -> None:
    resp = _test(demo_client, "search")
    body = resp.json()
    assert resp.status_code == 200 and body["status"] == "pass" and body["component"] == "search", body
    assert 0 <= body["seconds"] < 5 and "reason" not in body
    d = body["details"]
    assert d["entity"]["list"] == "demo" and d["entity"]["entity_id"].startswith("demo-")
    assert d["top_match"]["entity_id"] == d["entity"]["entity_id"] and d["rank"] == 1
    assert d["score"] >= 0.85 and d["risk"] == "high" and d["search_backend"] == "embedded"


def test_search_can_be_pointed_at_a_given_entry(demo_client) -> None:
    body = _test(demo_client, "search", list="demo", entity_id="demo-ua-person-02").json()
    assert body["status"] == "pass" and body["details"]["entity"]["entity_id"] == "demo-ua-person-02"
    bad = _test(demo_client, "search", list="demo", entity_id="nope")
    assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "entity_id"
    assert _test(demo_client, "search", list="demo").status_code == 422


@pytest.mark.parametrize("component", ["lists", "morphology", "metrics"])
def test_other_components_pass(demo_client, component: str) -> None:
    resp = _test(demo_client, component)
    assert resp.status_code == 200 and resp.json()["status"] == "pass", resp.json()


def test_lists_and_morphology_report_what_they_checked(demo_client) -> None:
    lists = _test(demo_client, "lists").json()["details"]
    assert lists["lists"]["demo"]["entity_count"] > 10 and lists["total_entities"] > 10
    morph = _test(demo_client, "morphology").json()["details"]
    assert "given:олександр" in morph["readings"]["uk:олександру"]
    assert morph["persons"] == ["Петренко Олександр Васильович"]


def test_elasticsearch_is_skipped_when_not_configured(demo_client) -> None:
    resp = _test(demo_client, "elasticsearch")
    assert resp.status_code == 200 and resp.json()["status"] == "skipped"
    assert "not configured" in resp.json()["reason"]


def test_unknown_component_is_404_listing_the_valid_ones(demo_client) -> None:
    resp = _test(demo_client, "database")
    assert resp.status_code == 404
    err = resp.json()["error"]
    assert err["code"] == "not_found" and err["details"]["components"] == list(COMPONENTS)


def test_admin_token_is_required(demo_client) -> None:
    assert demo_client.post("/health/test/search").status_code == 401
    assert demo_client.post("/health/test/search", headers={"X-API-Key": "wrong"}).status_code == 401
    assert demo_client.post("/health/test/nope").status_code == 401  # auth before the 404
    assert demo_client.get("/health/test/search", headers=AUTH).status_code == 405
    with make_client({}) as no_admin:  # ADMIN_TOKEN unset: disabled
        resp = no_admin.post("/health/test/search", headers=AUTH)
        assert resp.status_code == 403 and resp.json()["error"]["code"] == "forbidden"


def test_self_tests_are_counted_under_their_route_template(demo_client) -> None:
    _test(demo_client, "lists")
    requests = demo_client.get("/stats").json()["requests"]
    assert requests.get("/health/test/{component}", 0) >= 1
    assert not any(k.startswith("/health/test/") and "{" not in k for k in requests)


class _BrokenBackend:
    name = "embedded"

    async def search_name(self, query, limit=10):
        raise RuntimeError("index segment unreadable")

    async def lookup_id(self, value, lists=None):
        raise RuntimeError("index segment unreadable")

    def stats(self) -> dict:
        return {}


def test_a_broken_search_backend_fails_with_the_reason(demo_client) -> None:
    service = demo_client.app.state.service
    gen = service.generation
    service.generation = dataclasses.replace(gen, backend=_BrokenBackend())
    try:
        resp = _test(demo_client, "search")
    finally:
        service.generation = gen
    body = resp.json()
    assert resp.status_code == 503 and body["status"] == "fail"
    assert body["reason"] == "RuntimeError: index segment unreadable"
    assert _test(demo_client, "search").json()["status"] == "pass"  # restored


class _EmptyBackend(_BrokenBackend):
    async def search_name(self, query, limit=10):
        return []

    async def lookup_id(self, value, lists=None):
        return []


def test_a_backend_that_finds_nothing_fails(demo_client) -> None:
    service = demo_client.app.state.service
    gen = service.generation
    service.generation = dataclasses.replace(gen, backend=_EmptyBackend())
    try:
        body = _test(demo_client, "search").json()
    finally:
        service.generation = gen
    assert body["status"] == "fail" and "was not found by its own primary name" in body["reason"]
    assert body["details"]["candidates"] == 0


def test_broken_morphology_fails(demo_client, monkeypatch: pytest.MonkeyPatch) -> None:
    layer = demo_client.app.state.service.pipeline.layer("morphology")
    monkeypatch.setattr(layer, "analyze", lambda word, lang: MorphInfo((), False, word))
    body = _test(demo_client, "morphology").json()
    assert body["status"] == "fail" and "no given reading" in body["reason"]


def test_no_lists_fails_lists_and_search(demo_client) -> None:
    service = demo_client.app.state.service
    gen, service.generation = service.generation, None
    try:
        lists, search = _test(demo_client, "lists"), _test(demo_client, "search")
    finally:
        service.generation = gen
    assert lists.status_code == search.status_code == 503
    assert lists.json()["reason"].startswith("no lists loaded")


def test_metrics_fails_when_the_multiprocess_dir_is_unusable(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    metrics.metric("REQUESTS")  # built in memory first: the env change below must not switch modes
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path / "missing"))
    result = asyncio.run(_run_metrics())
    assert result["status"] == "fail" and "is not a directory" in result["reason"]
    (tmp_path / "prom").mkdir()
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path / "prom"))
    result = asyncio.run(_run_metrics())
    assert result["status"] == "pass" and result["details"]["mode"] == "multiprocess"
    assert os.listdir(tmp_path / "prom") == []  # the probe file is removed again


async def _run_metrics() -> dict:
    from ai_service.selftest import run_self_test

    class _Service:  # check_metrics needs no service state
        pass

    return await run_self_test(_Service(), "metrics")  # type: ignore[arg-type]


def test_pick_entity_prefers_a_plain_person() -> None:
    from ai_service.lists.snapshot import ListsSnapshot, LoadedList

    ents = [Entity("l", "1", "organization", ["ТОВ Ромашка"]), Entity("l", "2", "person", ["DOE, John"]),
            Entity("l", "3", "person", ["ABU SAYYAF"]), Entity("l", "4", "person", ["Іваненко Іван"])]
    snap = ListsSnapshot({"l": LoadedList("l", ["ftm"], ["x"], ents, "c" * 64, "v", 0.0)})
    assert pick_entity(snap).entity_id == "4"
    only_org = ListsSnapshot({"l": LoadedList("l", ["ftm"], ["x"], ents[:1], "c" * 64, "v", 0.0)})
    assert pick_entity(only_org).entity_id == "1"
