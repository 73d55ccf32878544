"""False-positive memory: a reviewer clears a (name, entity) pair; it stops raising risk, survives restarts."""

from __future__ import annotations

import json

from tests.api.conftest import ADMIN, make_client, wait_ready
from tests.helpers import REPO

AUTH = {"x-api-key": ADMIN}
TEXT = "Переказ коштів Вигаданку Олександру Васильовичу"


def _demo_person_id() -> str:
    for line in (REPO / "demo" / "demo_list.ftm.json").read_text(encoding="utf-8").splitlines():
        entity = json.loads(line)
        if entity["properties"]["name"][0] == "Вигаданко Олександр Васильович":
            return entity["id"]
    raise AssertionError("demo entity missing")


def test_cleared_pair_is_reported_but_does_not_raise_risk_and_survives_restart(tmp_path):
    store = tmp_path / "review" / "cleared.jsonl"
    env = {"ADMIN_TOKEN": ADMIN, "CLEARED_PAIRS_PATH": str(store)}
    entity_id = _demo_person_id()
    with make_client(env) as client:
        wait_ready(client)
        before = client.post("/process", json={"text": TEXT}).json()
        assert before["decision"]["risk"] == "high" and before["matches"][0]["cleared"] is False
        resp = client.post("/admin/cleared", headers=AUTH, json={
            "query": "Вигаданко Олександр Васильович", "list": "demo", "entity_id": entity_id,
            "reason": "different person, checked passport", "cleared_by": "analyst-7"})
        assert resp.status_code == 201 and resp.json()["persisted"] is True
        after = client.post("/process", json={"text": TEXT}).json()
        assert after["matches"][0]["entity_id"] == entity_id and after["matches"][0]["cleared"] is True
        assert after["decision"]["risk"] == "clear" and after["decision"]["reasons"] == ["cleared_by_review"]
        # word order and script do not matter to the key
        latin = client.post("/process", json={"text": "Payment to Oleksandr Vasylovych Vyhadanko"}).json()
        hits = [m for m in latin["matches"] if m["entity_id"] == entity_id]
        assert hits and all(m["cleared"] for m in hits)
    assert store.exists() and "analyst-7" in store.read_text(encoding="utf-8")
    with make_client(env) as client:  # a restart reads the file back
        wait_ready(client)
        listed = client.get("/admin/cleared", headers=AUTH).json()
        assert listed["count"] == 1 and listed["pairs"][0]["entity_id"] == entity_id
        assert client.post("/process", json={"text": TEXT}).json()["decision"]["risk"] == "clear"
        gone = client.request("DELETE", "/admin/cleared", headers=AUTH, json={
            "query": "Вигаданко Олександр Васильович", "list": "demo", "entity_id": entity_id})
        assert gone.status_code == 200
        assert client.post("/process", json={"text": TEXT}).json()["decision"]["risk"] == "high"
        missing = client.request("DELETE", "/admin/cleared", headers=AUTH, json={
            "query": "x", "list": "demo", "entity_id": entity_id})
        assert missing.status_code == 404


def test_identifier_matches_are_never_cleared(tmp_path):
    env = {"ADMIN_TOKEN": ADMIN, "CLEARED_PAIRS_PATH": str(tmp_path / "c.jsonl")}
    entity_id = _demo_person_id()
    with make_client(env) as client:
        wait_ready(client)
        client.post("/admin/cleared", headers=AUTH, json={
            "query": "3112030334", "list": "demo", "entity_id": entity_id})
        body = client.post("/process", json={"text": "РНОКПП 3112030334"}).json()
        assert body["decision"]["risk"] == "high"


def test_clearing_needs_the_admin_token_and_valid_fields(demo_client):
    assert demo_client.post("/admin/cleared", json={"query": "x", "list": "demo", "entity_id": "1"}).status_code == 401
    resp = demo_client.post("/admin/cleared", headers=AUTH, json={"query": "x", "list": "demo"})
    assert resp.status_code == 422 and resp.json()["error"]["details"]["field"] == "entity_id"


def test_store_survives_a_torn_write(tmp_path):
    from ai_service.cleared import ClearedStore

    path = tmp_path / "c.jsonl"
    store = ClearedStore(str(path))
    store.add("Петренко Олександр", "l", "1")
    store.add("Іваненко Марія", "l", "2")
    with path.open("a", encoding="utf-8") as f:
        f.write('{"query_key": "broken')  # a crash of some other writer mid-line
    again = ClearedStore(str(path))
    assert {p.entity_id for p in again.pairs()} == {"1", "2"}
    assert not list(tmp_path.glob(".cleared-*"))  # no temporary files left behind
