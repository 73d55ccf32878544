"""Apps under test: one on the bundled demo list, one on the real shared lists."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from ai_service.app import create_app
from ai_service.config import load_settings
from benchmarks.quality.common import lists_setting
from tests.helpers import LISTS_DIR

ADMIN = "test-admin-token"


def wait_ready(client: TestClient, timeout: float = 30.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if client.get("/health/ready").status_code == 200:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"not ready after {timeout} s: {client.get('/health/ready').json()}")


def make_client(env: dict[str, str]) -> TestClient:
    return TestClient(create_app(load_settings(env)), raise_server_exceptions=False)


@pytest.fixture(scope="session")
def demo_client():
    with make_client({"ADMIN_TOKEN": ADMIN}) as client:
        wait_ready(client)
        yield client


SHARED_LISTS = lists_setting({"ua_nsdc_persons", "ua_nsdc_companies", "ua_sfms", "ofac_sdn"})


@pytest.fixture(scope="session")
def shared_client():
    if not (LISTS_DIR / "ua_nsdc" / "persons.json").exists():
        pytest.skip(f"shared lists not present under {LISTS_DIR}")
    with make_client({"LISTS": SHARED_LISTS, "ADMIN_TOKEN": ADMIN}) as client:
        client.ready_seconds = wait_ready(client, 60.0)
        yield client
