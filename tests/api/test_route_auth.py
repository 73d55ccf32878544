"""Every route of the app and the auth it needs (issue 8): a new route cannot ship open.

The table below must name every (method, path) the app serves; a route missing from it
fails the first test. Each entry is then called without credentials, with a wrong one and
with the right one, on an app with API_KEYS and ADMIN_TOKEN set, and the admin routes on
an app without ADMIN_TOKEN (403).
"""

from __future__ import annotations

import pytest
from starlette.routing import Route

from ai_service.api.openapi import build_openapi
from ai_service.app import create_app
from ai_service.config import load_settings
from tests.api.conftest import make_client

API_KEY, ADMIN = "route-table-key", "route-table-admin"
PUBLIC, API, ADMIN_ONLY = "public", "api", "admin"

ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/process"): API,
    ("POST", "/process/batch"): API,
    ("POST", "/search"): API,
    ("POST", "/compare"): API,
    ("POST", "/analyze-complexity"): API,
    ("GET", "/health"): PUBLIC,
    ("GET", "/health/live"): PUBLIC,
    ("GET", "/health/ready"): PUBLIC,
    ("GET", "/health/startup"): PUBLIC,
    ("GET", "/health/detailed"): PUBLIC,
    ("POST", "/health/test/{component}"): ADMIN_ONLY,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/stats"): API,
    ("GET", "/lists"): API,
    ("POST", "/admin/lists/reload"): ADMIN_ONLY,
    ("POST", "/admin/cache/clear"): ADMIN_ONLY,
    ("POST", "/admin/cleared"): ADMIN_ONLY,
    ("GET", "/admin/cleared"): ADMIN_ONLY,
    ("DELETE", "/admin/cleared"): ADMIN_ONLY,
    ("GET", "/openapi.json"): PUBLIC,
}
# Bodies that pass the schema, so "authorized" is seen as something other than 401/403.
BODIES = {"/process": {"text": "x"}, "/process/batch": {"texts": ["x"]}, "/search": {"query": "x"},
          "/compare": {"a": "x", "b": "y"}, "/analyze-complexity": {"text": "x"},
          "/admin/cleared": {"query": "x", "list": "demo", "entity_id": "nope"}}


def _served() -> set[tuple[str, str]]:
    app = create_app(load_settings({}))
    out = set()
    for route in app.routes:
        assert isinstance(route, Route)
        out |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    return out


def test_the_table_names_every_route_the_app_serves() -> None:
    served = _served()
    assert served - ROUTES.keys() == set(), "a new route needs its auth class in ROUTES"
    assert ROUTES.keys() - served == set(), "ROUTES names a route the app no longer serves"


def _call(client, method: str, path: str, headers: dict[str, str] | None = None):
    url = path.replace("{component}", "lists")
    body = BODIES.get(path) if method in ("POST", "DELETE") else None
    return client.request(method, url, json=body, headers=headers)


@pytest.fixture(scope="module")
def locked_client():
    with make_client({"API_KEYS": f"other,{API_KEY}", "ADMIN_TOKEN": ADMIN}) as client:
        yield client


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_each_route_needs_exactly_its_credentials(locked_client, method: str, path: str) -> None:
    kind = ROUTES[(method, path)]
    anonymous = _call(locked_client, method, path)
    wrong = _call(locked_client, method, path, {"X-API-Key": "wrong"})
    as_client = _call(locked_client, method, path, {"X-API-Key": API_KEY})
    as_admin = _call(locked_client, method, path, {"Authorization": f"Bearer {ADMIN}"})
    if kind == PUBLIC:
        assert all(r.status_code not in (401, 403) for r in (anonymous, wrong, as_client, as_admin))
    elif kind == API:
        assert anonymous.status_code == wrong.status_code == 401
        assert as_client.status_code not in (401, 403), as_client.text
    else:
        # An API key is not an admin token: screening clients cannot reload lists or run self-tests.
        assert anonymous.status_code == wrong.status_code == as_client.status_code == 401
        assert as_admin.status_code not in (401, 403), as_admin.text


@pytest.mark.parametrize(("method", "path"), sorted(k for k, v in ROUTES.items() if v == ADMIN_ONLY))
def test_admin_routes_are_disabled_without_an_admin_token(method: str, path: str) -> None:
    with make_client({"API_KEYS": API_KEY}) as client:
        for headers in (None, {"X-API-Key": API_KEY}, {"Authorization": "Bearer anything"}):
            assert _call(client, method, path, headers).status_code == 403


def test_openapi_documents_every_route_and_the_admin_security() -> None:
    paths = build_openapi(10_000, 100)["paths"]
    for (method, path), kind in ROUTES.items():
        op = paths[path][method.lower()]
        if kind == ADMIN_ONLY:
            assert op.get("security"), (method, path)
