"""AUDIT_LOG_PATH through the app: one record per screened text and per look-up, none otherwise."""

from __future__ import annotations

import hashlib
import hmac

from ai_service.audit import read_records
from tests.api.conftest import ADMIN, make_client, wait_ready

KEY = "audit-test-key-0123456789"
TEXT = "Переказ коштів Вигаданку Олександру Васильовичу, РНОКПП 3112030334"


def _hmac(text: str) -> str:
    return hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def test_screenings_and_lookups_are_audited(tmp_path) -> None:
    path = tmp_path / "audit" / "audit.jsonl"
    with make_client({"AUDIT_LOG_PATH": str(path), "AUDIT_HASH_KEY": KEY, "ADMIN_TOKEN": ADMIN}) as client:
        wait_ready(client)
        one = client.post("/process", json={"text": TEXT}, headers={"X-Request-ID": "audit-req-1"})
        batch = client.post("/process/batch", json={"texts": ["Оплата Прикладенко Наталії", 7, "ремонт даху"]})
        by_name = client.post("/search", json={"query": "Вигаданко Олександр", "lists": ["demo"]})
        by_id = client.post("/search", json={"query": "3112030334"})
        # Not screenings: profiling, comparisons, self-tests, failed validation.
        client.post("/analyze-complexity", json={"text": TEXT})
        client.post("/compare", json={"a": "Вигаданко", "b": "Выгаданко"})
        client.post("/health/test/search", headers={"Authorization": f"Bearer {ADMIN}"})
        client.post("/process", json={"text": ""})
        status = client.get("/health/detailed").json()["components"]["audit_log"]
        version = client.get("/lists").json()["lists"][0]["version"]
    assert status["enabled"] is True and status["hash_alg"] == "hmac-sha256" and status["path"] == str(path)
    records, skipped = read_records(path)
    assert skipped == 0
    assert [(r["kind"], r["endpoint"]) for r in records] == [
        ("screening", "/process"), ("screening", "/process/batch"), ("screening", "/process/batch"),
        ("search", "/search"), ("search", "/search")]

    first = records[0]
    assert first["request_id"] == "audit-req-1" == one.headers["x-request-id"]
    assert first["text"] == {"hash": _hmac(TEXT), "hash_alg": "hmac-sha256", "length": len(TEXT)}
    assert first["list_versions"] == {"demo": version} and first["search_backend"] == "embedded"
    assert first["decision"]["risk"] == one.json()["decision"]["risk"] == "high"
    assert [(m["list"], m["entity_id"], m["score"]) for m in first["matches"]] == [
        (m["list"], m["entity_id"], m["score"]) for m in one.json()["matches"]]
    assert first["entities"]["ids"][0]["type"] == "rnokpp"
    assert first["entities"]["ids"][0]["value"].startswith("<masked hmac:")

    results = batch.json()["results"]
    slots = sorted((r["batch"]["index"], r["request_id"]) for r in records[1:3])
    assert slots == [(0, results[0]["request_id"]), (2, results[2]["request_id"])]  # slot 1 was invalid
    assert all(r["batch"]["request_id"] == batch.json()["request_id"] for r in records[1:3])

    name, ident = records[3], records[4]
    assert name["query"]["type"] == "name" and name["options"]["lists"] == ["demo"]
    assert name["matches"][0]["entity_id"] == by_name.json()["results"][0]["entity_id"]
    assert ident["query"] == {"hash": _hmac("3112030334"), "hash_alg": "hmac-sha256", "length": 10, "type": "id"}
    assert ident["matches"] == [{"list": "demo", "entity_id": by_id.json()["results"][0]["entity_id"],
                                 "entity_type": "person", "score": 1.0, "matched_by": ["id"]}]
    raw = path.read_text(encoding="utf-8")
    for secret in ("Вигаданк", "Олександр", "3112030334", "Прикладенко", "Наталі", "ремонт"):
        assert secret not in raw, secret


def test_audit_is_off_by_default(demo_client) -> None:
    assert demo_client.app.state.service.audit is None
    assert demo_client.get("/health/detailed").json()["components"]["audit_log"] == {"enabled": False}
