"""A scheduled refresh that applies OpenSanctions deltas with SEARCH_BACKEND=elasticsearch.

Deltas are applied to the snapshot incrementally (no re-parse of the base); Elasticsearch
then gets a new versioned index for the new snapshot and the alias switches to it, exactly
as for any other change (no in-place edits of the live version: see docs/elasticsearch.md).
"""

from __future__ import annotations

from tests.lists.delta_fixtures import BASE, DELTAS, lists_spec, write_index
from tests.search.es.conftest import es_env
from tests.search.es.noida import NoidaServer
from tests.search.es.test_es_app import client_for, es_component, wait_for

V1, V2, V3 = DELTAS


def _top(client, query: str) -> tuple[str | None, str]:
    body = client.post("/search", json={"query": query}).json()
    results = body["results"]
    return (results[0]["entity_id"] if results else None), body["search_backend"]


def test_delta_refresh_reaches_elasticsearch(noida: NoidaServer, tmp_path) -> None:
    base = tmp_path / "base.ftm.json"
    base.write_bytes(BASE)
    folder = tmp_path / "deltas"
    index = write_index(folder, [V1])
    env = es_env(noida, "t-delta", LISTS=lists_spec(base, index))
    with client_for(env) as client:
        body = wait_for(client, lambda b: es_component(b)["index"]["status"] == "ready")
        first = es_component(body)["index"]["index"]
        assert _top(client, "Maria Novenka") == ("p4", "elasticsearch")

        write_index(folder, [V1, V2, V3])
        service = client.app.state.service
        assert client.portal.call(service.refresh)["status"] == "ok"
        assert service.last_reload["lists"] == {"os": "delta"}
        body = wait_for(client, lambda b: es_component(b)["index"].get("index") not in (None, first)
                        and es_component(b)["index"]["status"] == "ready")
        assert es_component(body)["index"]["action"] == "built"
        assert _top(client, "Taras Ostanniy") == ("p5", "elasticsearch")  # ADD
        assert _top(client, "Olha Zminena") == ("p2", "elasticsearch")  # MOD
        assert _top(client, "Petro Vyhadanyi")[0] != "p3"  # DEL
        assert client.portal.call(service.refresh)["status"] == "unchanged"
        current = es_component(body)["index"]["index"]
        assert es_component(client.get("/health/detailed").json())["index"]["index"] == current
