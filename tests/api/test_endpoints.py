"""Every endpoint answers with the documented shape (SPEC §3), on the demo list."""

from __future__ import annotations

import json
import shutil

from tests.api.conftest import ADMIN, make_client, wait_ready
from tests.helpers import REPO

PROCESS_FIELDS = {"request_id", "language", "normalized_text", "tokens", "triggers", "signals",
                  "matches", "decision", "timings_ms"}
LAYERS = ("validation", "unicode", "language", "tokenization", "context", "morphology", "signals",
          "search", "decision")


def _demo_person() -> dict:
    for line in (REPO / "demo" / "demo_list.ftm.json").read_text(encoding="utf-8").splitlines():
        entity = json.loads(line)
        if entity["schema"] == "Person" and entity["properties"].get("birthDate"):
            return entity
    raise AssertionError("the demo list has no person with a birth date")


def test_process_shape_and_timings(demo_client):
    resp = demo_client.post("/process", json={"text": "Оплата за послуги згідно рах. №45, Петренку Олександру"})
    assert resp.status_code == 200
    body = resp.json()
    assert PROCESS_FIELDS <= body.keys()
    assert body["request_id"] == resp.headers["x-request-id"]
    assert set(LAYERS) | {"total"} == set(body["timings_ms"])
    assert body["decision"]["risk"] in ("high", "medium", "low", "clear")
    assert {t["type"] for t in body["triggers"]} >= {"payment"}
    assert "trace" not in body


def test_request_id_is_echoed(demo_client):
    resp = demo_client.post("/process", json={"text": "x"}, headers={"x-request-id": "abc-123"})
    assert resp.json()["request_id"] == "abc-123" == resp.headers["x-request-id"]


def test_explain_adds_a_per_token_trace(demo_client):
    body = demo_client.post("/process", json={"text": "Петренку Олександру", "options": {"explain": True}}).json()
    assert [t["token"] for t in body["trace"]] == ["Петренку", "Олександру"]
    assert any(r["role"] == "surname" for r in body["trace"][0]["readings"])


def test_demo_entity_is_found_by_name(demo_client):
    person = _demo_person()
    name = person["properties"]["name"][0]
    body = demo_client.post("/process", json={"text": f"Оплата {name}"}).json()
    assert any(m["entity_id"] == person["id"] for m in body["matches"]), body["matches"]


def test_search_skips_nothing_without_search(demo_client):
    body = demo_client.post("/process", json={"text": "Петренко", "options": {"search": False}}).json()
    assert body["matches"] == [] and body["signals"]["persons"]


def test_batch_keeps_order(demo_client):
    texts = ["Петренку Олександру", "Оплата за газ", "ИНН 2839403975"]
    body = demo_client.post("/process/batch", json={"texts": texts}).json()
    assert [r["tokens"][0] for r in body["results"]] == ["Петренку", "Оплата", "ИНН"]


def test_search_and_compare(demo_client):
    person = _demo_person()
    name = person["properties"]["name"][0]
    results = demo_client.post("/search", json={"query": name, "limit": 3}).json()["results"]
    assert results and results[0]["entity_id"] == person["id"] and results[0]["score"] >= 0.95
    body = demo_client.post("/compare", json={"a": "Петренко Олександр", "b": "Petrenko Oleksandr"}).json()
    assert body["match"] is True and body["score"] >= 0.9 and "aligned" in json.dumps(body["explanation"])
    body = demo_client.post("/compare", json={"a": "Петренко Олександр", "b": "Smith John"}).json()
    assert body["match"] is False


def test_analyze_complexity(demo_client):
    long_text = "Оплата за послуги Петренку Олександру Васильовичу. " * 40
    body = demo_client.post("/analyze-complexity", json={"text": long_text}).json()
    assert body["chunked"] is True and body["chunks"] >= 2
    assert body["complexity"] in ("moderate", "complex") and body["reasons"]
    assert set(LAYERS) <= set(body["timings_ms"])
    short = demo_client.post("/analyze-complexity", json={"text": "Петренко"}).json()
    assert short["complexity"] == "simple" and short["chunked"] is False


def test_health_endpoints(demo_client):
    h = demo_client.get("/health").json()
    assert h["status"] == "healthy" and h["service"] == "ai-service" and h["version"] and h["timestamp"]
    assert demo_client.get("/health/live").status_code == 200
    ready = demo_client.get("/health/ready").json()
    assert ready["status"] == "ready" and ready["lists"] == ["demo"]
    assert demo_client.get("/health/startup").json()["status"] == "started"
    detailed = demo_client.get("/health/detailed").json()
    comps = detailed["components"]
    assert comps["lists"]["demo"] is True
    assert comps["lists"]["lists"]["demo"]["entity_count"] > 10
    assert comps["search_backend"]["name"] == "embedded"
    assert "morphology" in comps["caches"]
    morph = comps["morphology"]  # the dictionaries in use and the compiled DAWG (pymorphy3[fast])
    assert morph["status"] == "up" and set(morph["dictionaries"]) == {"uk", "ru"}
    assert morph["dawg_backend"] == "dawg (C)" and morph["given_names"] > 1000


def test_metrics_stats_lists_openapi(demo_client):
    demo_client.post("/process", json={"text": "Петренку Олександру"})
    metrics = demo_client.get("/metrics")
    assert metrics.status_code == 200 and "text/plain" in metrics.headers["content-type"]
    assert "ai_service_requests_total" in metrics.text
    assert 'ai_service_layer_duration_seconds_bucket{layer="morphology"' in metrics.text
    stats = demo_client.get("/stats").json()
    assert stats["requests"]["/process"] >= 1 and "p95" in stats["latency_ms"]["/process"]
    assert stats["caches"]["morphology"]["hits"] + stats["caches"]["morphology"]["misses"] > 0
    lists = demo_client.get("/lists").json()
    assert lists["demo"] is True and lists["lists"][0]["name"] == "demo" and lists["lists"][0]["version"]
    spec = demo_client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/process" in spec["paths"]


def test_reload_swaps_and_a_broken_source_keeps_old_data(tmp_path):
    source = tmp_path / "list.ftm.json"
    shutil.copy(REPO / "demo" / "demo_list.ftm.json", source)
    with make_client({"LISTS": f"mine=ftm:{source}", "ADMIN_TOKEN": ADMIN}) as client:
        wait_ready(client)
        auth = {"x-api-key": ADMIN}
        before = client.get("/lists").json()["lists"][0]
        ok = client.post("/admin/lists/reload", headers=auth)
        assert ok.status_code == 200 and ok.json()["status"] == "reloaded"
        source.write_bytes(source.read_bytes()[:100])  # truncated mid-record
        failed = client.post("/admin/lists/reload", headers=auth)
        assert failed.status_code == 409
        assert failed.json()["error"]["details"]["kept_previous"] is True
        after = client.get("/lists").json()
        assert after["lists"][0]["entity_count"] == before["entity_count"]
        assert after["last_reload"]["status"] == "failed" and after["last_reload"]["error"]
        assert client.get("/health/ready").status_code == 200
        person = _demo_person()
        hit = client.post("/search", json={"query": person["properties"]["name"][0]}).json()["results"][0]
        assert hit["entity_id"] == person["id"]


def test_not_ready_when_lists_fail_at_start(tmp_path):
    missing = tmp_path / "absent.json"
    with make_client({"LISTS": f"x=ftm:{missing}"}) as client:
        for _ in range(100):
            if client.get("/health/startup").status_code == 200:
                break
            import time
            time.sleep(0.05)
        ready = client.get("/health/ready")
        assert ready.status_code == 503 and "failed" in ready.json()["reasons"][0]
        resp = client.post("/process", json={"text": "Петренко"})
        assert resp.status_code == 503 and resp.json()["error"]["code"] == "not_ready"
