"""The httpx-based fetcher the app can hand to the loader."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from ai_service.lists.config import parse_lists_spec
from ai_service.lists.errors import ListLoadError, SourceNotFoundError
from ai_service.lists.fetch import SourceTooLargeError, http_fetcher
from ai_service.lists.loader import load_sources
from tests.helpers import run

SDN = b'5,"TEST VESSEL","vessel","CUBA",-0- ,"CALL5",-0- ,-0- ,-0- ,"Cuba",-0- ,-0- \r\n'


def _client(routes: dict[str, tuple[int, bytes]]) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        status, body = routes.get(request.url.path, (404, b"missing"))
        return httpx.Response(status, content=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def test_fetch_statuses_and_size_limit():
    async def scenario() -> None:
        async with _client({"/ok": (200, b"hello"), "/boom": (500, b"err"), "/big": (200, b"x" * 100)}) as client:
            fetch = http_fetcher(client, max_bytes=50, retry_delay=0)
            assert await fetch("http://h.example/ok") == b"hello"
            with pytest.raises(SourceNotFoundError):
                await fetch("http://h.example/missing")
            with pytest.raises(httpx.HTTPStatusError):
                await fetch("http://h.example/boom")
            with pytest.raises(SourceTooLargeError):
                await fetch("http://h.example/big")

    run(scenario())


def test_loader_with_http_fetcher_tolerates_missing_companions():
    async def scenario():
        async with _client({"/ofac/sdn.csv": (200, SDN)}) as client:
            sources = parse_lists_spec("ofac=ofac_sdn:http://h.example/ofac/sdn.csv")
            return await load_sources(sources, fetch=http_fetcher(client, retry_delay=0))

    snapshot = run(scenario())
    vessel = snapshot.get("ofac", "5")
    assert vessel.entity_type == "vessel" and vessel.countries == ["Cuba"]


def test_loader_reports_http_errors():
    async def scenario():
        async with _client({"/e.json": (503, b"")}) as client:
            return await load_sources(parse_lists_spec("os=ftm:http://h.example/e.json"), fetch=http_fetcher(client, retry_delay=0))

    with pytest.raises(ListLoadError, match=r"download failed: HTTPStatusError \(HTTP 503\)"):
        run(scenario())


def test_fetch_retries_transient_errors_then_succeeds():
    from ai_service.lists.fetch import http_fetcher

    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, content=b"data")

    async def go() -> bytes:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await http_fetcher(client, retry_delay=0)("http://h.example/x")

    assert asyncio.run(go()) == b"data" and calls["n"] == 3


def test_fetch_refuses_a_truncated_body():
    from ai_service.lists.fetch import DownloadError, http_fetcher

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "100"}, content=b"short")

    async def go() -> bytes:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await http_fetcher(client, retry_delay=0)("http://h.example/x")

    with pytest.raises((DownloadError, httpx.RemoteProtocolError)):
        asyncio.run(go())
