"""Slow clients: the request-body deadline (api/body_timeout.py, REQUEST_BODY_TIMEOUT_SECONDS)
and the request-header deadline (api/http_timeouts.py, REQUEST_HEADER_TIMEOUT_SECONDS).

The middleware is tested on raw ASGI calls (a body that stalls, one that arrives in
time, no body, an answer before the body was read) and through the whole app; the
header timeout and both together on a real Uvicorn server on 127.0.0.1, with a
socket that sends part of a request and then nothing.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from ai_service.api.body_timeout import BodyTimeoutMiddleware
from ai_service.api.http_timeouts import header_timeout_protocol
from ai_service.app import create_app
from ai_service.config import ConfigError, load_settings


def _scope(headers: list[tuple[bytes, bytes]], path: str = "/process") -> dict:
    return {"type": "http", "method": "POST", "path": path, "headers": headers, "state": {"request_id": "rid-1"},
            "query_string": b"", "http_version": "1.1", "scheme": "http", "root_path": "",
            "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000)}


BODY_HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"20")]


def _stalling_receive(first: bytes = b'{"text": "a') -> object:
    sent = {"n": 0}

    async def receive() -> dict:
        sent["n"] += 1
        if sent["n"] == 1:
            return {"type": "http.request", "body": first, "more_body": True}
        await asyncio.sleep(3600)  # the client never sends the rest
        raise AssertionError("unreachable")

    return receive


async def _reading_app(scope: dict, receive, send) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


def _call(app, scope: dict, receive) -> list[dict]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    return sent


def test_a_stalled_body_is_answered_408_with_the_json_error_and_the_connection_closed() -> None:
    mw = BodyTimeoutMiddleware(_reading_app, seconds=0.2)
    started = time.monotonic()
    sent = _call(mw, _scope(BODY_HEADERS), _stalling_receive())
    assert 0.2 <= time.monotonic() - started < 2
    assert sent[0]["status"] == 408
    headers = dict(sent[0]["headers"])
    assert headers[b"content-type"] == b"application/json" and headers[b"connection"] == b"close"
    body = json.loads(sent[1]["body"])
    assert body == {"error": {"code": "request_timeout", "message": body["error"]["message"],
                              "details": {"timeout_seconds": 0.2}}, "request_id": "rid-1"}
    assert "0.2 seconds" in body["error"]["message"]


def test_a_body_arriving_in_time_passes_and_later_receives_are_not_timed() -> None:
    chunks = [{"type": "http.request", "body": b"ab", "more_body": True},
              {"type": "http.request", "body": b"cd", "more_body": False}]

    async def receive() -> dict:
        if chunks:
            await asyncio.sleep(0.05)
            return chunks.pop(0)
        await asyncio.sleep(0.4)  # e.g. waiting for a disconnect after the body: longer than the deadline
        return {"type": "http.disconnect"}

    async def app(scope: dict, rcv, send) -> None:
        await _reading_app(scope, rcv, send)
        assert (await rcv())["type"] == "http.disconnect"  # not cut by the body deadline

    sent = _call(BodyTimeoutMiddleware(app, seconds=0.3), _scope(BODY_HEADERS), receive)
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"abcd"
    assert b"connection" not in dict(sent[0]["headers"])  # the body was read: keep-alive stays


def test_without_a_body_the_app_gets_the_original_receive() -> None:
    seen = {}

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def app(scope: dict, rcv, send) -> None:
        seen["receive"] = rcv
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    for headers in ([], [(b"content-length", b"0")]):
        _call(BodyTimeoutMiddleware(app, seconds=0.1), _scope(headers), receive)
        assert seen["receive"] is receive


def test_an_answer_before_the_body_was_read_closes_the_connection() -> None:
    async def early(scope: dict, rcv, send) -> None:  # e.g. 413 on Content-Length, 415, 404
        await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"x")]})
        await send({"type": "http.response.body", "body": b"too large"})

    sent = _call(BodyTimeoutMiddleware(early, seconds=5), _scope(BODY_HEADERS), _stalling_receive())
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]


def test_through_the_whole_app_the_408_is_counted_and_carries_the_request_id() -> None:
    app = create_app(load_settings({"REQUEST_BODY_TIMEOUT_SECONDS": "0.2"}))
    scope = _scope([*BODY_HEADERS, (b"x-request-id", b"slow-client-1")])
    scope.pop("state")
    sent = _call(app, scope, _stalling_receive())
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 408 and (b"x-request-id", b"slow-client-1") in start["headers"]
    body = json.loads(next(m for m in sent if m["type"] == "http.response.body")["body"])
    assert body["error"]["code"] == "request_timeout" and body["request_id"] == "slow-client-1"
    assert app.state.service.stats.snapshot()["errors"] == {"/process 408": 1}


def test_settings_bound_both_timeouts() -> None:
    s = load_settings({})
    assert (s.request_body_timeout_seconds, s.request_header_timeout_seconds) == (10.0, 10.0)
    s = load_settings({"REQUEST_BODY_TIMEOUT_SECONDS": "2.5", "REQUEST_HEADER_TIMEOUT_SECONDS": "3"})
    assert (s.request_body_timeout_seconds, s.request_header_timeout_seconds) == (2.5, 3.0)
    for name in ("REQUEST_BODY_TIMEOUT_SECONDS", "REQUEST_HEADER_TIMEOUT_SECONDS"):
        for bad in ("0", "-1", "soon", "nan", "4000"):
            with pytest.raises(ConfigError, match=name):
                load_settings({name: bad})


# -- on a real Uvicorn server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    """Uvicorn on 127.0.0.1 with the service's app (no lifespan: the body is read before the
    readiness check, so no lists are needed) and both timeouts at 0.5 s."""
    app = create_app(load_settings({"REQUEST_BODY_TIMEOUT_SECONDS": "0.5"}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False,
                            http=header_timeout_protocol(0.5), timeout_keep_alive=5)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert srv.started
    yield port
    srv.should_exit = True
    thread.join(10)


def _read_until_closed(sock: socket.socket, limit: float = 5.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed it."""
    sock.settimeout(limit)
    started, data = time.monotonic(), b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - started


def test_unfinished_headers_get_408_and_the_connection_closed(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /process HTTP/1.1\r\nHost: x\r\nContent-Ty")
        data, seconds = _read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 408 ") and 0.3 < seconds < 2.5
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"connection: close" in head.lower()
    assert json.loads(body)["error"]["code"] == "request_timeout"


def test_a_silent_connection_is_closed_without_an_answer(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        data, seconds = _read_until_closed(sock)
    assert data == b"" and 0.3 < seconds < 2.5


def test_a_body_dribbled_past_the_deadline_gets_408_and_the_connection_closed(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(b"POST /process HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 40\r\n\r\n{")
        started = time.monotonic()
        for byte in b'"text": "':  # one byte every 0.1 s: too slow for 40 bytes in 0.5 s
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.1)
        data, _ = _read_until_closed(sock)
        seconds = time.monotonic() - started
    assert data.startswith(b"HTTP/1.1 408 ") and seconds < 3
    assert json.loads(data.partition(b"\r\n\r\n")[2])["error"]["code"] == "request_timeout"


def test_prompt_requests_on_a_keep_alive_connection_are_untouched(server: int) -> None:
    body = b'{"a": "Ivan Petrenko", "b": "Ivan Petrenko"}'
    request = b"POST /compare HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body), body)
    with socket.create_connection(("127.0.0.1", server), timeout=5) as sock:
        for _ in range(3):  # the header clock restarts with each request, idle gaps shorter than it
            sock.sendall(request)
            answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]
            time.sleep(0.3)


def test_header_timeouts_are_logged_at_most_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    from types import SimpleNamespace

    from ai_service.api import http_timeouts

    now = [1000.0]
    loop = SimpleNamespace(time=lambda: now[0])
    report = http_timeouts._Report()
    with caplog.at_level("INFO", logger="ai_service.http"):
        for t in (0.0, 1.0, 2.0, 30.0, 61.0):  # a slowloris burst: five timeouts, two lines
            now[0] = 1000.0 + t
            report.count(loop, 10.0)  # type: ignore[arg-type]
    lines = [r.getMessage() for r in caplog.records if "request headers not received" in r.getMessage()]
    assert len(lines) == 2 and "1 connection(s)" in lines[0] and "4 connection(s)" in lines[1]
