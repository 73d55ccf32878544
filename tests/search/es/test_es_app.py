"""The HTTP app with SEARCH_BACKEND=elasticsearch: answers, health, an outage
through the API, and the start-up cases without a reachable cluster."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from ai_service.app import create_app
from ai_service.config import load_settings
from ai_service.search.es.answers import ELASTICSEARCH, FALLBACK
from tests.search.es.conftest import es_env
from tests.search.es.noida import NoidaServer, free_port

TEXT = "Переказ коштів Вигаданку Олександру Васильовичу"
DEMO_ID = "demo-ua-person-01"


def client_for(env: dict[str, str]) -> TestClient:
    return TestClient(create_app(load_settings(env)), raise_server_exceptions=False)


def wait_for(client: TestClient, check, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get("/health/detailed").json()
        if check(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def es_component(body: dict) -> dict:
    return body["components"]["elasticsearch"]


def test_app_serves_from_elasticsearch_and_survives_an_outage(noida: NoidaServer) -> None:
    env = es_env(noida, "t-app", ES_BREAKER_RESET_SECONDS="1", ADMIN_TOKEN="t")
    with client_for(env) as client:
        body = wait_for(client, lambda b: es_component(b)["index"]["status"] == "ready")
        assert body["status"] == "healthy", body
        es = es_component(body)
        assert es["circuit"] == "closed" and es["serving"] == ELASTICSEARCH and es["hosts"] == [noida.url]
        assert body["components"]["search_backend"]["name"] == ELASTICSEARCH
        ready = client.get("/health/ready").json()
        assert ready["search_backend"] == ELASTICSEARCH

        r = client.post("/process", json={"text": TEXT}).json()
        assert r["search_backend"] == ELASTICSEARCH
        assert r["matches"][0]["entity_id"] == DEMO_ID and r["matches"][0]["score"] >= 0.85
        s = client.post("/search", json={"query": "Вигаданко Олександр Васильович"}).json()
        assert s["search_backend"] == ELASTICSEARCH and s["results"][0]["entity_id"] == DEMO_ID
        # A reload with unchanged lists keeps Elasticsearch serving: no fallback window.
        reload = client.post("/admin/lists/reload", headers={"Authorization": "Bearer t"})
        assert reload.status_code == 200
        assert client.post("/process", json={"text": TEXT}).json()["search_backend"] == ELASTICSEARCH
        body = wait_for(client, lambda b: es_component(b)["index"].get("action") == "unchanged")
        assert es_component(body)["index"]["index"] == es["index"]["index"]
        metrics = client.get("/metrics").text
        assert "ai_service_es_circuit_state 0.0" in metrics
        assert 'ai_service_search_backend_up{backend="elasticsearch"} 1.0' in metrics

        noida.stop()
        try:
            answers = [client.post("/process", json={"text": TEXT}) for _ in range(6)]
            assert all(a.status_code == 200 for a in answers)  # zero failed requests
            assert {a.json()["search_backend"] for a in answers[-3:]} == {FALLBACK}
            assert all(a.json()["matches"][0]["entity_id"] == DEMO_ID for a in answers)
            body = client.get("/health/detailed").json()
            assert body["status"] == "degraded" and es_component(body)["circuit"] == "open"
            assert body["components"]["search_backend"]["serving"] == FALLBACK
            assert client.get("/health/ready").status_code == 200  # the fallback serves
            assert 'ai_service_search_backend_up{backend="elasticsearch"} 0.0' in client.get("/metrics").text
        finally:
            noida.start()
        deadline = time.monotonic() + 15
        backend = None
        while backend != ELASTICSEARCH and time.monotonic() < deadline:
            time.sleep(0.2)
            backend = client.post("/process", json={"text": TEXT}).json()["search_backend"]
        assert backend == ELASTICSEARCH
        assert es_component(client.get("/health/detailed").json())["circuit"] == "closed"


def test_unreachable_cluster_with_fallback_is_ready_and_degraded() -> None:
    env = {"SEARCH_BACKEND": "elasticsearch", "ES_URL": f"http://127.0.0.1:{free_port()}", "ES_INDEX": "t-none"}
    with client_for(env) as client:
        body = wait_for(client, lambda b: es_component(b)["index"]["status"] == "failed")
        assert client.get("/health/ready").status_code == 200
        r = client.post("/process", json={"text": TEXT})
        assert r.status_code == 200 and r.json()["search_backend"] == FALLBACK
        assert r.json()["matches"][0]["entity_id"] == DEMO_ID
        assert body["status"] == "degraded"
        es = es_component(body)
        assert es["index"]["error"].startswith("ConnectionError") and "retry_in_seconds" in es["index"]
        assert es["serving"] == FALLBACK


def test_unreachable_cluster_without_fallback_is_not_ready() -> None:
    env = {"SEARCH_BACKEND": "elasticsearch", "SEARCH_FALLBACK": "none",
           "ES_URL": f"http://127.0.0.1:{free_port()}", "ES_INDEX": "t-none"}
    with client_for(env) as client:
        deadline = time.monotonic() + 30
        while client.get("/health/startup").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        ready = client.get("/health/ready")
        reasons = " ".join(ready.json()["reasons"])
        assert ready.status_code == 503 and "elasticsearch index not ready: ConnectionError" in reasons
        assert "127.0.0.1" not in reasons  # no URLs (they may carry credentials)
        r = client.post("/process", json={"text": TEXT})
        assert r.status_code == 503 and r.json()["error"]["code"] == "not_ready"
