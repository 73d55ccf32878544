"""The error contract (SPEC §3): precise 4xx JSON, never a 500 or a stack trace."""

from __future__ import annotations

import pytest

from tests.api.conftest import ADMIN


def _error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"]["code"] == code
    assert "Traceback" not in resp.text
    assert resp.headers["x-request-id"]
    return body["error"]


def test_malformed_json_is_400(demo_client):
    resp = demo_client.post("/process", content=b'{"text": "abc"', headers={"content-type": "application/json"})
    _error(resp, 400, "malformed_json")


def test_empty_body_is_400(demo_client):
    resp = demo_client.post("/process", content=b"", headers={"content-type": "application/json"})
    _error(resp, 400, "malformed_json")


def test_missing_text_is_422_naming_the_field(demo_client):
    err = _error(demo_client.post("/process", json={"language": "uk"}), 422, "validation_error")
    assert err["details"] == {"field": "text", "reason": "field required"}


@pytest.mark.parametrize("body,field", [
    ({"text": 5}, "text"),
    ({"text": ""}, "text"),
    ({"text": "x", "language": "de"}, "language"),
    ({"text": "x", "options": []}, "options"),
    ({"text": "x", "options": {"threshold": 2}}, "options.threshold"),
    ({"text": "x", "options": {"lists": "ofac"}}, "options.lists"),
    ({"text": "x", "options": {"explain": "yes"}}, "options.explain"),
    ([1, 2], "body"),
])
def test_schema_violations_are_422(demo_client, body, field):
    err = _error(demo_client.post("/process", json=body), 422, "validation_error")
    assert err["details"]["field"] == field


def test_text_over_max_length_is_422(demo_client):
    err = _error(demo_client.post("/process", json={"text": "а" * 20_000}), 422, "validation_error")
    assert "20000" in err["details"]["reason"]


def test_body_over_limit_is_413(demo_client):
    big = b'{"text": "' + b"a" * 7_000_000 + b'"}'
    _error(demo_client.post("/process", content=big, headers={"content-type": "application/json"}),
           413, "payload_too_large")


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(demo_client, ctype):
    headers = {"content-type": ctype} if ctype else {}
    resp = demo_client.post("/process", content=b'{"text": "abc"}', headers=headers)
    _error(resp, 415, "unsupported_media_type")


def test_unknown_route_and_method_are_json(demo_client):
    _error(demo_client.get("/nope"), 404, "not_found")
    _error(demo_client.get("/process"), 405, "method_not_allowed")


def test_batch_limits(demo_client):
    err = _error(demo_client.post("/process/batch", json={"texts": ["a"] * 101}), 422, "validation_error")
    assert err["details"]["field"] == "texts"
    _error(demo_client.post("/process/batch", json={"texts": []}), 422, "validation_error")
    _error(demo_client.post("/process/batch", json={"texts": "abc"}), 422, "validation_error")


def test_bad_text_in_batch_is_an_error_in_its_slot(demo_client):
    resp = demo_client.post("/process/batch", json={"texts": ["Оплата Петренку", 7, "", "ok"]})
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert len(results) == 4
    assert "decision" in results[0] and "decision" in results[3]
    assert results[1]["error"]["details"]["field"] == "texts[1]"
    assert results[2]["status"] == 422


def test_search_and_compare_validation(demo_client):
    _error(demo_client.post("/search", json={}), 422, "validation_error")
    _error(demo_client.post("/search", json={"query": "x", "limit": 0}), 422, "validation_error")
    _error(demo_client.post("/search", json={"query": "x", "entity_type": "ship"}), 422, "validation_error")
    _error(demo_client.post("/compare", json={"a": "x"}), 422, "validation_error")


def test_admin_routes_need_the_admin_token(demo_client):
    _error(demo_client.post("/admin/cache/clear"), 401, "unauthorized")
    _error(demo_client.post("/admin/cache/clear", headers={"x-api-key": "wrong"}), 401, "unauthorized")
    ok = demo_client.post("/admin/cache/clear", headers={"authorization": f"Bearer {ADMIN}"})
    assert ok.status_code == 200 and ok.json()["status"] == "cleared"


def test_admin_disabled_without_token():
    from tests.api.conftest import make_client

    with make_client({}) as client:
        _error(client.post("/admin/lists/reload", headers={"x-api-key": "anything"}), 403, "forbidden")


def test_api_keys_protect_screening_but_not_probes():
    from tests.api.conftest import make_client, wait_ready

    with make_client({"API_KEYS": "k1,k2"}) as client:
        wait_ready(client)
        _error(client.post("/process", json={"text": "Петренко"}), 401, "unauthorized")
        _error(client.post("/process", json={"text": "x"}, headers={"x-api-key": "k3"}), 401, "unauthorized")
        assert client.post("/process", json={"text": "x"}, headers={"x-api-key": "k2"}).status_code == 200
        assert client.post("/process", json={"text": "x"},
                           headers={"authorization": "Bearer k1"}).status_code == 200
        for path in ("/health", "/health/live", "/health/ready", "/health/startup", "/metrics", "/openapi.json"):
            assert client.get(path).status_code == 200, path


def test_rate_limit_answers_429_with_retry_after():
    from tests.api.conftest import make_client, wait_ready

    with make_client({"RATE_LIMIT_PER_MINUTE": "3"}) as client:
        wait_ready(client)
        codes = [client.post("/compare", json={"a": "x", "b": "y"}).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        resp = client.post("/compare", json={"a": "x", "b": "y"})
        assert resp.status_code == 429 and int(resp.headers["retry-after"]) >= 1
        assert client.get("/health/ready").status_code == 200  # probes are never limited


def test_unknown_list_name_is_422_not_a_silent_clear(demo_client):
    err = _error(demo_client.post("/process", json={"text": "Петренко", "options": {"lists": ["ofac"]}}),
                 422, "validation_error")
    assert err["details"]["field"] == "options.lists" and "ofac" in err["details"]["reason"]
    err = _error(demo_client.post("/search", json={"query": "Петренко", "lists": ["nope"]}), 422, "validation_error")
    assert err["details"]["field"] == "lists"
    assert demo_client.post("/process", json={"text": "Петренко", "options": {"lists": ["demo"]}}).status_code == 200
