"""The httpx load driver of the load benchmark, run as its own process.

    python -m benchmarks.load.driver CONFIG.json

Reads JSON request bodies (one per line) and POSTs them to ``url + path`` in turn:

* ``open``: at a fixed rate, open loop — each request leaves at its scheduled
  time whether or not the previous ones were answered (what wrk2's constant-rate
  mode does; Debian's wrk has no such mode). Latency is measured from the moment
  the request is handed to the client to the full response; the driver's own
  lateness (actual − scheduled start) is recorded too, so a starved driver shows.
* ``closed``: ``connections`` requests in flight back to back (the fallback
  throughput driver when wrk is not installed, and sequential batches with
  ``connections = 1``), for ``seconds`` or until ``count`` requests.

Two clients: ``raw`` (default), a minimal HTTP/1.1 keep-alive client on asyncio
streams that opens ``pool`` connections up front and uses them in turn, and
``httpx``. Measured here against the bare endpoint at 200 requests/s, httpx adds
about 1.8 ms per request (p50 2.4 ms vs 0.6 ms) and its pool sends nearly every
request over the most recently used connection, i.e. to one Gunicorn worker
while the other idles; the raw client spreads requests over both workers the way
many clients would, for a tenth of the driver's CPU.

The first ``warmup`` seconds are sent but flagged, and left out by the analysis.
Writes ``{"tool", "records": [[sched, start, end, status, warm], …], "errors": […]}``
(times in seconds from the run's start) to ``out``. Loopback targets only;
every request is bounded by ``timeout``; the run by ``seconds`` (+ timeout).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
HEADERS = {"content-type": "application/json"}
SLOT_ERROR = 299  # recorded status of a batch answer (200) with an error object in a slot


@dataclass(frozen=True)
class DriverConfig:
    url: str
    path: str
    bodies: str  # file of JSON bodies, one per line
    out: str
    mode: str = "open"  # open | closed
    rate: float = 200.0  # open: requests per second
    seconds: float = 10.0
    warmup: float = 0.0
    connections: int = 64  # closed: in flight; open: at most this many in flight (beyond: recorded as not sent)
    count: int = 0  # closed: stop after this many requests (0: by time only)
    timeout: float = 10.0
    start_index: int = 0
    check_slots: bool = False  # /process/batch: a 200 whose results hold an error object counts as failed
    client: str = "raw"  # raw (RawClient below) | httpx
    pool: int = 16  # raw client: keep-alive connections opened up front and used in turn

    @classmethod
    def load(cls, path: str | Path) -> DriverConfig:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def read_bodies(path: str | Path) -> list[bytes]:
    return [line.encode("utf-8") for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: POST only, Content-Length or chunked answers.

    Idle connections are reused first in, first out, so consecutive requests go over
    different connections — and so to different Gunicorn workers, as traffic from many
    clients would (a last-in-first-out pool such as httpx's sends nearly everything
    over one connection, to one worker, when the rate is low). A request finding no
    idle connection opens a new one rather than wait (open loop)."""

    def __init__(self, url: str, pool: int, timeout: float) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.pool, self.timeout = pool, timeout
        self.idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()
        self.opened = 0

    async def open(self) -> None:
        for _ in range(self.pool):
            self.idle.append(await self._connect())

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        conn = self.idle.popleft() if self.idle else await self._connect()
        try:
            status, data, keep = await asyncio.wait_for(self._exchange(conn, path, body), self.timeout)
        except BaseException:
            conn[1].close()
            raise
        if keep:
            self.idle.append(conn)
        else:
            conn[1].close()
        return status, data

    async def _exchange(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str,
                        body: bytes) -> tuple[int, bytes, bool]:
        reader, writer = conn
        writer.write(b"POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (path.encode(), self.host.encode(), self.port, len(body), body))
        line = await reader.readline()
        if not line:
            raise ConnectionError("connection closed by the server")
        status = int(line.split(b" ", 2)[1])
        length, chunked, keep = 0, False, True
        while True:
            header = await reader.readline()
            if header in (b"\r\n", b""):
                break
            name, _, value = header.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                keep = False
        if not chunked:
            return status, await reader.readexactly(length), keep
        data = bytearray()
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            data += await reader.readexactly(size + 2)
            if size == 0:
                return status, bytes(data[:-2]), keep
            del data[-2:]

    async def aclose(self) -> None:
        while self.idle:
            self.idle.popleft()[1].close()


class HttpxClient:
    """The same interface on httpx.AsyncClient (its own pool)."""

    def __init__(self, url: str, connections: int, timeout: float) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.client = httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits)

    async def open(self) -> None:
        pass

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        r = await self.client.post(path, content=body, headers=HEADERS)
        return r.status_code, await r.aread()

    async def aclose(self) -> None:
        await self.client.aclose()


async def _send(client: RawClient | HttpxClient, cfg: DriverConfig, body: bytes, sched: float, t0: float,
                warm: bool, records: list, errors: list) -> None:
    start = time.perf_counter()
    try:
        status, data = await client.post(cfg.path, body)
        if status != 200 and len(errors) < 20:
            errors.append(f"HTTP {status}: {data[:200].decode(errors='replace')}")
        if status == 200 and cfg.check_slots:
            bad = [slot for slot in json.loads(data).get("results", []) if "error" in slot]
            if bad:
                status = SLOT_ERROR
                if len(errors) < 20:
                    errors.append(f"{len(bad)} batch slot(s) failed, e.g. {json.dumps(bad[0])[:200]}")
    except Exception as exc:  # a failed request is a result, not a crash
        status = 0
        if len(errors) < 20:
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
    end = time.perf_counter()
    records.append((round(sched - t0, 6), round(start - t0, 6), round(end - t0, 6), status, warm))


async def _open(client: RawClient | HttpxClient, cfg: DriverConfig, bodies: list[bytes], t0: float,
                records: list, errors: list) -> None:
    in_flight: set[asyncio.Task] = set()
    total = cfg.warmup + cfg.seconds
    k = 0
    while True:
        offset = k / cfg.rate
        if offset >= total:
            break
        sched = t0 + offset
        delay = sched - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        warm = offset < cfg.warmup
        body = bodies[(cfg.start_index + k) % len(bodies)]
        if len(in_flight) >= cfg.connections:
            records.append((round(offset, 6), round(time.perf_counter() - t0, 6), None, -1, warm))
            if len(errors) < 20:
                errors.append("not sent: too many requests in flight")
        else:
            task = asyncio.create_task(_send(client, cfg, body, sched, t0, warm, records, errors))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        k += 1
    if in_flight:
        await asyncio.wait(in_flight, timeout=cfg.timeout + 1)


async def _closed(client: RawClient | HttpxClient, cfg: DriverConfig, bodies: list[bytes], t0: float,
                  records: list, errors: list) -> None:
    end = t0 + cfg.warmup + cfg.seconds
    counter = iter(range(10**12))

    async def worker() -> None:
        while True:
            now = time.perf_counter()
            k = next(counter)
            if now >= end or (cfg.count and k >= cfg.count):
                return
            body = bodies[(cfg.start_index + k) % len(bodies)]
            await _send(client, cfg, body, now, t0, now - t0 < cfg.warmup, records, errors)

    await asyncio.gather(*(worker() for _ in range(max(1, cfg.connections))))


async def run(cfg: DriverConfig) -> dict:
    host = urlsplit(cfg.url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"target {cfg.url!r} is not on this machine (loopback only)")
    bodies = read_bodies(cfg.bodies)
    if not bodies:
        raise SystemExit(f"no request bodies in {cfg.bodies}")
    records: list = []
    errors: list[str] = []
    if cfg.mode not in ("open", "closed"):
        raise SystemExit(f"unknown mode {cfg.mode!r} (open | closed)")
    if cfg.client == "raw":
        pool = cfg.pool if cfg.mode == "open" else max(1, cfg.connections)
        client: RawClient | HttpxClient = RawClient(cfg.url, pool, cfg.timeout)
        tool = f"asyncio HTTP/1.1 client ({pool} keep-alive connections, used in turn)"
    elif cfg.client == "httpx":
        client, tool = HttpxClient(cfg.url, cfg.connections, cfg.timeout), f"httpx {httpx.__version__}"
    else:
        raise SystemExit(f"unknown client {cfg.client!r} (raw | httpx)")
    try:
        await client.open()  # connections exist before the clock starts
        await client.post(cfg.path, bodies[cfg.start_index % len(bodies)])
        # The clock starts after the pause, read from the clock the records use: asyncio.sleep keeps
        # the loop's clock and may end a hair before a perf_counter deadline, and a request sent
        # "before t0" counted as warm-up even with warmup=0 (a batch run then reported n-1 batches).
        await asyncio.sleep(0.05)
        t0 = time.perf_counter()
        if cfg.mode == "open":
            await _open(client, cfg, bodies, t0, records, errors)
        else:
            await _closed(client, cfg, bodies, t0, records, errors)
        elapsed = time.perf_counter() - t0
    finally:
        await client.aclose()
    loop = "uvloop" if type(asyncio.get_running_loop()).__module__.startswith("uvloop") else "asyncio"
    result = {"tool": f"{tool}, {cfg.mode} loop, {loop}", "mode": cfg.mode, "rate": cfg.rate,
              "connections": cfg.connections, "warmup": cfg.warmup, "seconds": cfg.seconds,
              "elapsed": round(elapsed, 3), "records": sorted(records, key=lambda r: r[0]), "errors": errors}
    Path(cfg.out).write_text(json.dumps(result), encoding="utf-8")
    return result


def driver_main(doc: str | None, argv: list[str], start: Callable[[str], Coroutine[Any, Any, object]]) -> int:
    """``python -m <driver> <config.json>``: run ``start(path)`` on uvloop (the event loop the
    service's workers use too) or asyncio's; exit 2 with the usage when called otherwise."""
    if len(argv) != 1:
        print(doc, file=sys.stderr)
        return 2
    try:
        from uvloop import run as runner
    except ImportError:
        runner = asyncio.run
    runner(start(argv[0]))
    return 0


def main(argv: list[str]) -> int:
    return driver_main(__doc__, argv, lambda path: run(DriverConfig.load(path)))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
