"""FEATURE_VECTOR_RETRIEVAL and FEATURE_TRACE through the app: they switch behaviour and show."""

from __future__ import annotations

from tests.api.conftest import make_client, wait_ready

JOINED = "Vyhadankoolexandr"  # surname and given name run together: only the vector retriever finds it


def test_defaults_are_on_and_visible(demo_client) -> None:
    assert demo_client.get("/health/detailed").json()["features"] == {"vector_retrieval": True, "trace": True}
    found = demo_client.post("/search", json={"query": JOINED}).json()["results"]
    assert found and found[0]["entity_id"] == "demo-ua-person-01" and "name_vector" in found[0]["matched_by"]
    assert "trace" in demo_client.post("/process", json={"text": "Петренку", "options": {"explain": True}}).json()


def test_flags_off_switch_the_layers_off() -> None:
    with make_client({"FEATURE_VECTOR_RETRIEVAL": "false", "FEATURE_TRACE": "false"}) as client:
        wait_ready(client)
        assert client.get("/health/detailed").json()["features"] == {"vector_retrieval": False, "trace": False}
        assert client.app.state.service.generation.backend.vector_retrieval is False
        assert client.post("/search", json={"query": JOINED}).json()["results"] == []
        # explain is still accepted (clients need not change), but no trace is built or returned.
        one = client.post("/process", json={"text": "Петренку", "options": {"explain": True}})
        assert one.status_code == 200 and "trace" not in one.json()
        batch = client.post("/process/batch", json={"texts": ["Петренку"], "options": {"explain": True}}).json()
        assert "trace" not in batch["results"][0]
        # Exact and fuzzy retrieval still answer.
        exact = client.post("/search", json={"query": "Вигаданко Олександр Васильович"}).json()["results"]
        assert exact[0]["entity_id"] == "demo-ua-person-01"
