"""POST /health/test/elasticsearch against a real ES-protocol server (noida-db): pass, then an outage."""

from __future__ import annotations

from ai_service.search.es.answers import ELASTICSEARCH
from tests.search.es.conftest import es_env
from tests.search.es.noida import NoidaServer
from tests.search.es.test_es_app import client_for, es_component, wait_for

AUTH = {"Authorization": "Bearer t"}


def test_elasticsearch_self_test_passes_then_fails_with_the_reason(noida: NoidaServer) -> None:
    with client_for(es_env(noida, "t-selftest", ADMIN_TOKEN="t")) as client:
        wait_for(client, lambda b: es_component(b)["index"]["status"] == "ready")
        ok = client.post("/health/test/elasticsearch", headers=AUTH)
        body = ok.json()
        assert ok.status_code == 200 and body["status"] == "pass", body
        d = body["details"]
        assert d["entity"]["list"] == "demo" and d["top_match"]["entity_id"] == d["entity"]["entity_id"]
        assert d["index"].startswith("t-selftest-") and d["circuit"] == "closed"
        search = client.post("/health/test/search", headers=AUTH).json()
        assert search["status"] == "pass" and search["details"]["search_backend"] == ELASTICSEARCH

        noida.stop()
        try:
            down = client.post("/health/test/elasticsearch", headers=AUTH)
            assert down.status_code == 503 and down.json()["status"] == "fail"
            assert down.json()["reason"].startswith("ping failed") or "elasticsearch error" in down.json()["reason"]
            # The pipeline still answers from the embedded fallback: its self-test passes.
            assert client.post("/health/test/search", headers=AUTH).json()["status"] == "pass"
        finally:
            noida.start()
