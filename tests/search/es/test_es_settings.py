"""ES settings validation and the client built from them (no server)."""

from __future__ import annotations

import asyncio

import pytest

from ai_service.config import ConfigError, load_settings
from ai_service.search.es.client import build_client, bulk_client, client_kwargs

BASE = {"SEARCH_BACKEND": "elasticsearch", "ES_URL": "https://es-1:9200,https://es-2:9200"}


def test_elasticsearch_backend_is_accepted_with_defaults() -> None:
    s = load_settings(BASE)
    assert s.search_backend == "elasticsearch" and s.search_fallback == "embedded"
    assert (s.es_index, s.es_timeout_ms, s.es_keep_indices) == ("ai-service-entities", 50, 2)
    assert (s.es_breaker_failures, s.es_breaker_reset_seconds) == (3, 5.0)


@pytest.mark.parametrize("env, message", [
    ({"ES_URL": ""}, "ES_URL is required"),
    ({"ES_URL": "es:9200"}, "http(s)"),
    ({"ES_API_KEY": "k", "ES_USERNAME": "u", "ES_PASSWORD": "p"}, "exclusive"),
    ({"ES_USERNAME": "u"}, "go together"),
    ({"ES_INDEX": "Screening"}, "ES_INDEX"),
    ({"ES_INDEX": "_hidden"}, "ES_INDEX"),
    ({"ES_TIMEOUT_MS": "0"}, "ES_TIMEOUT_MS"),
    ({"ES_KEEP_INDICES": "0"}, "ES_KEEP_INDICES"),
    ({"ES_BREAKER_FAILURES": "x"}, "ES_BREAKER_FAILURES"),
    ({"ES_BREAKER_RESET_SECONDS": "-1"}, "ES_BREAKER_RESET_SECONDS"),
    ({"SEARCH_FALLBACK": "opensearch"}, "SEARCH_FALLBACK"),
])
def test_bad_values_stop_start_up_naming_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings({**BASE, **env})


def test_embedded_backend_ignores_es_settings() -> None:
    assert load_settings({"ES_INDEX": "Whatever"}).search_backend == "embedded"


def test_client_uses_the_pool_timeouts_and_credentials() -> None:
    s = load_settings({**BASE, "ES_USERNAME": "svc", "ES_PASSWORD": "pw", "ES_TIMEOUT_MS": "40",
                       "CONNECTION_POOL_SIZE": "7", "ES_VERIFY_SSL": "false"})
    kw = client_kwargs(s)
    assert kw["hosts"] == ["https://es-1:9200", "https://es-2:9200"]
    assert kw["request_timeout"] == pytest.approx(0.04) and kw["max_retries"] == 0
    assert kw["connections_per_node"] == 7 and kw["basic_auth"] == ("svc", "pw") and kw["verify_certs"] is False
    assert client_kwargs(load_settings({**BASE, "ES_API_KEY": "abc"}))["api_key"] == "abc"

    async def build() -> tuple[object, object]:
        client = build_client(s)
        loader = bulk_client(client, s)
        try:
            return client.transport, loader.transport
        finally:
            await client.close()

    search_transport, bulk_transport = asyncio.run(build())
    assert search_transport is bulk_transport  # one pool for searches and loads
