"""Operational log lines of the Elasticsearch backend stay readable through the
masking filter (circuit states, index names and sanitized reasons are declared
safe; they never carry payment data)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from ai_service.config import load_settings
from ai_service.logging_setup import MaskingFilter
from ai_service.search.es.runtime import ElasticsearchRuntime


def test_breaker_transitions_are_logged_unmasked(caplog: pytest.LogCaptureFixture) -> None:
    runtime = ElasticsearchRuntime(load_settings({"SEARCH_BACKEND": "elasticsearch",
                                                   "ES_URL": "http://127.0.0.1:9"}))
    try:
        with caplog.at_level(logging.WARNING, logger="ai_service.search.es"):
            for _ in range(runtime.breaker.threshold):
                runtime.breaker.failure("ConnectionError")
        records = [r for r in caplog.records if r.name == "ai_service.search.es"]
        assert records
        MaskingFilter().filter(records[-1])
        assert records[-1].getMessage() == "elasticsearch circuit closed -> open"
    finally:
        asyncio.run(runtime.client.close())
