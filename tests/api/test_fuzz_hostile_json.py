"""Hostile JSON at the HTTP level: each is a clear 4xx JSON error (or a 200 in contract), never a 5xx.

Invalid surrogates and invalid UTF-8 in the body, nesting past the JSON depth limit,
deep-but-parseable nesting in every field, huge arrays (batch texts, list names),
and hypothesis-generated JSON values in every field of /process, /process/batch,
/search and /compare. The texts of tests/pipeline/test_fuzz_pipeline.py also go through
/process and /analyze-complexity with search on the demo list.
"""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_service.api.requests import MAX_JSON_DEPTH
from tests.pipeline.test_fuzz_pipeline import check_response, hostile

JSON = {"content-type": "application/json"}
SETTINGS = settings(max_examples=100, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))


def _error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text[:500]
    body = resp.json()
    assert body["error"]["code"] == code and body["error"]["message"], body
    assert "Traceback" not in resp.text and body["request_id"]
    return body["error"]


@pytest.mark.parametrize("raw", [
    rb'{"text": "\ud800"}',                 # lone high surrogate
    rb'{"text": "abc\udc00"}',              # lone low surrogate
    rb'{"text": "\ud800\ud800"}',           # two highs
    rb'{"text": "\ud83d"}',                 # a pair cut short
    b'{"text": "\xed\xa0\x80"}',            # a surrogate encoded as UTF-8 bytes
    b'{"text": "\xff\xfe\xfd"}',            # not UTF-8 at all
    rb'{"text": "\u12"}',                   # a short \u escape
])
@pytest.mark.parametrize("path", ["/process", "/process/batch", "/search", "/compare", "/analyze-complexity"])
def test_invalid_surrogates_and_utf8_are_400(demo_client, path, raw):
    if path == "/process/batch":
        raw = raw.replace(b'"text": ', b'"texts": [') .replace(b"}", b"]}")
    elif path in ("/search", "/compare"):
        raw = raw.replace(b'"text"', b'"query"' if path == "/search" else b'"a"')
    _error(demo_client.post(path, content=raw, headers=JSON), 400, "malformed_json")


@pytest.mark.parametrize("raw", [b'{"query": "x", "limit": 1' + b"0" * 40 + b"}",
                                 b'{"query": "x", "limit": 1e400}', b'{"query": "x", "limit": NaN}'])
def test_out_of_range_numbers_are_4xx(demo_client, raw):
    resp = demo_client.post("/search", content=raw, headers=JSON)
    assert resp.status_code in (400, 422), resp.text


def test_a_valid_surrogate_pair_is_fine(demo_client):
    resp = demo_client.post("/process", content=rb'{"text": "Petrenko \ud83d\ude00"}', headers=JSON)
    assert resp.status_code == 200 and "\U0001f600" in resp.json()["normalized_text"] + "\U0001f600"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
@pytest.mark.parametrize("opener,closer", [(b"[", b"]"), (b'{"a":', b"}")])
def test_nesting_past_the_depth_limit_is_its_own_400(demo_client, depth, opener, closer):
    raw = b'{"text": "x", "options": ' + opener * depth + b"1" + closer * depth + b"}"
    err = _error(demo_client.post("/process", content=raw, headers=JSON), 400, "malformed_json")
    assert err["details"] == {"reason": "too deeply nested", "max_depth": MAX_JSON_DEPTH}
    assert str(MAX_JSON_DEPTH) in err["message"]


@pytest.mark.parametrize("field,path", [
    ("options", "/process"), ("language", "/process"), ("text", "/process"),
    ("query", "/search"), ("lists", "/search"), ("limit", "/search"),
    ("a", "/compare"), ("entity_type", "/compare")])
def test_deep_but_parseable_nesting_in_any_field_is_422(demo_client, field, path):
    n = MAX_JSON_DEPTH - 5  # parseable (orjson.dumps stops at 254 levels: build the bytes by hand)
    deep = b"[" * n + b'"x"' + b"]" * n
    body = {"/process": {"text": "Петренко"}, "/process/batch": {"texts": ["Петренко"]},
            "/search": {"query": "Петренко"}, "/compare": {"a": "x", "b": "y"}}[path]
    body = {**body, field: "@DEEP@"}
    raw = orjson.dumps(body).replace(b'"@DEEP@"', deep)
    err = _error(demo_client.post(path, content=raw, headers=JSON), 422, "validation_error")
    assert err["details"]["field"] == field


def test_deep_nesting_inside_a_batch_item_is_an_error_in_its_slot(demo_client):
    n = MAX_JSON_DEPTH - 5
    raw = '{"texts": ["Петренко", '.encode() + b'{"k":' * n + b"1" + b"}" * n + b"]}"
    resp = demo_client.post("/process/batch", content=raw, headers=JSON)
    assert resp.status_code == 200
    assert resp.json()["results"][1]["error"]["details"]["field"] == "texts[1]"


@pytest.mark.parametrize("n", [101, 10_000, 1_000_000])
def test_huge_batch_arrays_are_422_naming_the_limit(demo_client, n):
    raw = b'{"texts": [' + b",".join([b'"a"'] * n) + b"]}"
    resp = demo_client.post("/process/batch", content=raw, headers=JSON)
    if len(raw) > 6_065_536:  # past the body limit first
        _error(resp, 413, "payload_too_large")
        return
    err = _error(resp, 422, "validation_error")
    assert err["details"]["field"] == "texts" and str(n) in err["details"]["reason"]


def test_huge_arrays_of_numbers_and_list_names_are_422(demo_client):
    raw = b'{"texts": [' + b",".join([b"0"] * 500_000) + b"]}"
    _error(demo_client.post("/process/batch", content=raw, headers=JSON), 422, "validation_error")
    err = _error(demo_client.post("/process", json={"text": "x", "options": {"lists": ["demo"] * 100_000}}),
                 422, "validation_error")
    assert err["details"]["field"] == "options.lists"
    _error(demo_client.post("/search", json={"query": "x", "lists": ["demo"] * 100_000}), 422, "validation_error")


def test_null_means_the_default(demo_client):
    """Regression (schemathesis): the code reads null as "the default"; the OpenAPI document now says so."""
    resp = demo_client.post("/process", json={"text": "Петренко", "language": None, "options": None})
    assert resp.status_code == 200
    resp = demo_client.post("/process/batch", json={"texts": ["x"], "options": {"search": None, "explain": None}})
    assert resp.status_code == 200
    assert demo_client.post("/search", json={"query": "Петренко", "limit": None}).status_code == 200
    spec = demo_client.get("/openapi.json").json()["paths"]
    body = spec["/process"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert {"type": "null"} in body["options"]["anyOf"] and {"type": "null"} in body["language"]["anyOf"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30)


@SETTINGS
@given(body=st.fixed_dictionaries({}, optional={
    "text": json_values | hostile, "texts": json_values | st.lists(hostile, max_size=3),
    "language": json_values, "options": json_values | st.fixed_dictionaries({}, optional={
        "search": json_values, "explain": json_values, "lists": json_values, "threshold": json_values}),
    "query": json_values | hostile, "a": json_values, "b": json_values, "entity_type": json_values,
    "limit": json_values, "lists": json_values}) | json_values,
    path=st.sampled_from(["/process", "/process/batch", "/search", "/compare", "/analyze-complexity"]))
def test_arbitrary_json_gets_a_4xx_or_a_200_never_a_5xx(demo_client, body, path):
    # stdlib json: integers past 64 bits and lone surrogates (as \udxxx escapes) go out as generated
    resp = demo_client.post(path, content=json.dumps(body).encode(), headers=JSON)
    assert resp.status_code in (200, 400, 422), (resp.status_code, resp.text[:500])
    payload = resp.json()
    if resp.status_code != 200:
        assert payload["error"]["code"] in ("malformed_json", "validation_error") and payload["error"]["message"]


@settings(max_examples=60, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=hostile)
def test_hostile_text_through_the_api(demo_client, text):
    """The pipeline fuzz texts over HTTP, search on the demo list: 200 in contract, never a 5xx."""
    resp = demo_client.post("/process", json={"text": text, "options": {"explain": True}})
    assert resp.status_code == 200, resp.text[:500]
    check_response(resp.json(), text)
    resp = demo_client.post("/analyze-complexity", json={"text": text})
    assert resp.status_code == 200, resp.text[:500]
