"""/lists and /health/detailed: per-list version, count, loaded_at, age and refresh outcome."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from ai_service.app import create_app
from ai_service.config import Settings
from tests.api.conftest import ADMIN, wait_ready
from tests.lists.delta_fixtures import BASE, DELTAS, lists_spec, write_index

V1, V2, V3 = DELTAS


def _rows(body: dict) -> dict[str, dict]:
    return {row["name"]: row for row in body["lists"]}


def test_lists_show_age_version_and_refresh_outcomes(tmp_path):
    base = tmp_path / "base.ftm.json"
    base.write_bytes(BASE)
    folder = tmp_path / "deltas"
    index = write_index(folder, [V1])
    settings = Settings(lists=lists_spec(base, index), admin_token=ADMIN, lists_refresh_seconds=3600)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        wait_ready(client)
        service = client.app.state.service
        body = client.get("/lists").json()
        row = _rows(body)["os"]
        assert body["refresh_seconds"] == 3600 and body["last_refresh"] is None
        assert row["entity_count"] == 4 and row["version"].endswith(f"+{V1}") and row["loaded_at"].endswith("Z")
        assert row["deltas"]["applied"] == [V1]
        assert row["last_refresh"]["status"] == "ok" and row["last_refresh"]["trigger"] == "startup"
        time.sleep(0.3)
        aged = _rows(client.get("/lists").json())["os"]["age_seconds"]
        assert aged >= 0.2 and aged >= row["age_seconds"] + 0.2  # age is now - loaded_at, not stored

        assert client.portal.call(service.refresh)["status"] == "unchanged"
        body = client.get("/lists").json()
        assert body["last_refresh"]["status"] == "unchanged"
        assert _rows(body)["os"]["last_refresh"]["status"] == "unchanged"
        assert _rows(body)["os"]["loaded_at"] == row["loaded_at"]  # nothing was loaded

        write_index(folder, [V1, V2])  # a new version is published
        assert client.portal.call(service.refresh)["status"] == "ok"
        row = _rows(client.get("/lists").json())["os"]
        assert row["version"].endswith(f"+{V2}") and row["entity_count"] == 3
        assert row["last_refresh"] == {**row["last_refresh"], "status": "ok", "applied": "delta", "deltas": [V2]}
        assert row["age_seconds"] < 0.3

        detailed = client.get("/health/detailed").json()
        lists = detailed["components"]["lists"]
        assert lists["status"] == "up" and lists["refresh_seconds"] == 3600
        assert lists["last_refresh"]["status"] == "ok"
        assert lists["lists"]["os"]["version"] == row["version"] and "age_seconds" in lists["lists"]["os"]
        assert lists["lists"]["os"]["last_refresh"]["applied"] == "delta"

        (folder / f"{V3}.delta.json").unlink(missing_ok=True)
        write_index(folder, [V1, V2, V3], files=[])  # V3 listed, its file never arrived
        failed = client.portal.call(service.refresh)
        assert failed["status"] == "failed" and f"delta {V3} listed in index.json but missing" in failed["reason"]
        body = client.get("/lists").json()
        assert _rows(body)["os"]["version"] == row["version"]  # still served
        assert _rows(body)["os"]["last_refresh"]["status"] == "failed"
        assert body["last_reload"]["status"] == "failed" and V3 in body["last_reload"]["error"]
        detailed = client.get("/health/detailed").json()
        assert detailed["components"]["lists"]["status"] == "stale" and detailed["status"] == "degraded"
        assert client.get("/health/ready").status_code == 200

        reloaded = client.post("/admin/lists/reload", headers={"x-api-key": ADMIN})
        assert reloaded.status_code == 409  # a forced reload needs V3 too
        (folder / f"{V3}.delta.json").write_bytes(DELTAS[V3])
        reloaded = client.post("/admin/lists/reload", headers={"x-api-key": ADMIN})
        assert reloaded.status_code == 200 and reloaded.json()["lists"] == {"os": "full"}
        assert client.get("/health/detailed").json()["components"]["lists"]["status"] == "up"


def test_list_metrics_carry_the_loaded_timestamp(demo_client):
    text = demo_client.get("/metrics").text
    # A timestamp, not an age: constant between loads, so no per-scrape update (any process mode).
    prefix = 'ai_service_list_loaded_timestamp_seconds{list="demo"} '
    (line,) = [line for line in text.splitlines() if line.startswith(prefix)]
    assert 0 <= time.time() - float(line[len(prefix):]) < 24 * 3600
