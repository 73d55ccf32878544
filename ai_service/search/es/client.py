"""The one place that builds the Elasticsearch client from settings.

One ``AsyncElasticsearch`` per process, over the httpx async transport (the
HTTP stack the service already ships; no aiohttp), with a connection pool of
CONNECTION_POOL_SIZE per node. Its defaults are the search-call defaults:
ES_TIMEOUT_MS and no retries, because a slow cluster must fall back to the
embedded index at once rather than cost a payment seconds. Bulk loading gets
a derived client (``bulk_client``) over the same transport with a long timeout
and retries.
"""

from __future__ import annotations

from typing import Any

from typing import ClassVar

from elasticsearch import AsyncElasticsearch
from elasticsearch.serializer import OrjsonSerializer

from ai_service.config import ConfigError, Settings

BULK_RETRIES = 3


class _OrjsonCompatSerializer(OrjsonSerializer):
    """orjson for the versioned media type ES 8/9 answer with (hits carry entity JSON)."""

    mimetype: ClassVar[str] = "application/vnd.elasticsearch+json"


def client_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``AsyncElasticsearch`` (separate for tests and tools)."""
    if not settings.es_url:
        raise ConfigError("ES_URL is not set")
    kwargs: dict[str, Any] = {
        "hosts": [u.strip() for u in settings.es_url.split(",") if u.strip()],
        "node_class": "httpxasync",
        "connections_per_node": settings.connection_pool_size,
        "request_timeout": settings.es_timeout_ms / 1000.0,
        "max_retries": 0,
        "retry_on_timeout": False,
        "verify_certs": settings.es_verify_ssl,
        # The stdlib decoder costs ~5x orjson on a hit list carrying entity JSON.
        "serializers": {OrjsonSerializer.mimetype: OrjsonSerializer(),
                        _OrjsonCompatSerializer.mimetype: _OrjsonCompatSerializer()},
    }
    if not settings.es_verify_ssl:
        kwargs["ssl_show_warn"] = False  # the operator chose it; logged once at start-up instead
    if settings.es_api_key:
        kwargs["api_key"] = settings.es_api_key
    elif settings.es_username:
        kwargs["basic_auth"] = (settings.es_username, settings.es_password or "")
    return kwargs


def build_client(settings: Settings) -> AsyncElasticsearch:
    return AsyncElasticsearch(**client_kwargs(settings))


def bulk_client(client: AsyncElasticsearch, settings: Settings) -> AsyncElasticsearch:
    """The same transport and pool, with bulk-sized timeouts and retries."""
    return client.options(request_timeout=float(settings.es_bulk_timeout_seconds),
                          max_retries=BULK_RETRIES, retry_on_timeout=True)
