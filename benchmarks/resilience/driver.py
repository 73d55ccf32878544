"""The open-loop load of the resilience scenarios, run as its own process.

    python -m benchmarks.resilience.driver CONFIG.json

Like ``benchmarks/load/driver.py`` (whose keep-alive ``RawClient`` it builds on: connections
taken first in, first out, so requests spread over both Gunicorn workers): requests
leave on a fixed schedule whatever the previous ones do, each bounded by ``timeout``.
Unlike it, the pool is bounded (``max_connections``) as real clients' pools are: past
it a request waits for a connection, and the wait counts in its latency — an unbounded
pool answers a slow second by opening hundreds of connections, which on this 2-core
machine costs the server more than the requests themselves. What it adds, for faults:

* ``retry_reset``: a request that fails at the transport level (connection reset or
  closed before a whole answer — what the requests in flight on a SIGKILLed worker
  see, and every idle keep-alive connection to it) is sent once more on a new
  connection, as HTTP clients do for idempotent requests. Screening a text twice is
  harmless (the second answer is the same), but the audit log then holds two records
  for it. Each record keeps both outcomes, so the analysis reports failures before and
  after the retry.
* every time is on the machine's monotonic clock (``t0`` is written out), so the
  harness can put its own events (a kill, a reload) on the same time line.

Writes ``{"t0", "records": [[sched, start, end, status, attempts, first_failure], …],
"errors": […]}`` to ``out``: times in seconds from ``t0``; ``status`` is the final
HTTP status (0: transport failure, -1: not sent because ``max_in_flight`` requests
were outstanding); ``first_failure`` is "" or what went wrong on the first attempt.
SIGTERM ends the schedule early (the output is still written). Loopback targets only.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.load.driver import LOOPBACK, RawClient, driver_main, read_bodies

# Transport failures a retry may cure: the connection was reset, or closed before a whole answer.
RETRYABLE = (ConnectionError, asyncio.IncompleteReadError, BrokenPipeError)


@dataclass(frozen=True)
class Config:
    url: str
    path: str
    bodies: str  # file of JSON bodies, one per line
    out: str
    rate: float = 100.0
    seconds: float = 30.0
    timeout: float = 10.0
    retry_reset: bool = False
    pool: int = 16  # keep-alive connections opened up front
    max_connections: int = 64  # the pool's bound
    max_in_flight: int = 4096
    start_index: int = 0

    @classmethod
    def load(cls, path: str | Path) -> Config:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


class Client(RawClient):
    """The load benchmark's client with a bounded pool, as real clients have: at most ``limit``
    connections; a request finding none idle and the pool full waits for one (that wait is part
    of its latency). ``fresh=True`` sends over a new connection whatever the pool holds (a retry
    must not land on another connection to the worker that just died)."""

    def __init__(self, url: str, pool: int, timeout: float, limit: int) -> None:
        super().__init__(url, pool, timeout)
        self.limit, self.live = max(limit, pool), 0
        self.waiters: deque[asyncio.Future] = deque()

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        conn = await super()._connect()
        self.live += 1
        return conn

    async def _acquire(self, fresh: bool) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if fresh or (not self.idle and self.live < self.limit):
            return await self._connect()
        if self.idle:
            return self.idle.popleft()
        waiter = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        conn = await waiter  # a connection handed over, or None: one was closed, open another
        return conn if conn is not None else await self._connect()

    def _hand_over(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None) -> bool:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return True
        return False

    def _drop(self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        conn[1].close()
        self.live -= 1
        self._hand_over(None)

    async def post(self, path: str, body: bytes, fresh: bool = False) -> tuple[int, bytes]:
        conn = await asyncio.wait_for(self._acquire(fresh), self.timeout)
        try:
            status, data, keep = await asyncio.wait_for(self._exchange(conn, path, body), self.timeout)
        except BaseException:
            self._drop(conn)
            raise
        if not keep:
            self._drop(conn)
        elif not self._hand_over(conn):
            self.idle.append(conn)
        return status, data


def _kind(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "timeout"
    return type(exc).__name__


async def _send(client: Client, cfg: Config, body: bytes, sched: float, t0: float, records: list,
                errors: list[str]) -> None:
    start = time.monotonic()
    attempts, first, status = 0, "", 0
    for attempt in (1, 2):
        attempts = attempt
        try:
            status, data = await client.post(cfg.path, body, fresh=attempt == 2)
        except RETRYABLE as exc:
            status = 0
            first = first or _kind(exc)
            if cfg.retry_reset and attempt == 1:
                continue
            _note(errors, f"{_kind(exc)}: {exc}")
        except Exception as exc:  # a timeout or anything else: a failure, never retried
            status = 0
            first = first or _kind(exc)
            _note(errors, f"{_kind(exc)}: {exc}")
        else:
            if status != 200:
                first = first or f"HTTP {status}"
                _note(errors, f"HTTP {status}: {data[:160].decode(errors='replace')}")
        break
    end = time.monotonic()
    records.append((round(sched - t0, 6), round(start - t0, 6), round(end - t0, 6), status, attempts, first))


def _note(errors: list[str], text: str) -> None:
    if len(errors) < 30:
        errors.append(text[:240])


async def run(cfg: Config) -> dict:
    if (urlsplit(cfg.url).hostname or "") not in LOOPBACK:
        raise SystemExit(f"target {cfg.url!r} is not on this machine (loopback only)")
    bodies = read_bodies(cfg.bodies)
    if not bodies:
        raise SystemExit(f"no request bodies in {cfg.bodies}")
    client = Client(cfg.url, cfg.pool, cfg.timeout, cfg.max_connections)
    records: list = []
    errors: list[str] = []
    in_flight: set[asyncio.Task] = set()
    stop = asyncio.Event()  # SIGTERM: the harness is done early; finish what is in flight and write out
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await client.open()  # connections exist before the clock starts
        t0 = time.monotonic() + 0.05
        k = 0
        while (offset := k / cfg.rate) < cfg.seconds and not stop.is_set():
            delay = t0 + offset - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)  # one period at most: the loop sees a stop within milliseconds
            if len(in_flight) >= cfg.max_in_flight:
                records.append((round(offset, 6), round(time.monotonic() - t0, 6), None, -1, 0, "not sent"))
                _note(errors, "not sent: too many requests in flight")
            else:
                body = bodies[(cfg.start_index + k) % len(bodies)]
                task = asyncio.create_task(_send(client, cfg, body, t0 + offset, t0, records, errors))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
            k += 1
        if in_flight:
            await asyncio.wait(in_flight, timeout=2 * cfg.timeout + 1)
        elapsed = time.monotonic() - t0
    finally:
        await client.aclose()
    result = {"t0": t0, "rate": cfg.rate, "seconds": cfg.seconds, "elapsed": round(elapsed, 3),
              "stopped_early": stop.is_set(),
              "retry_reset": cfg.retry_reset, "connections_opened": client.opened,
              "records": sorted(records, key=lambda r: r[0]), "errors": errors}
    Path(cfg.out).write_text(json.dumps(result), encoding="utf-8")
    return result


def main(argv: list[str]) -> int:
    return driver_main(__doc__, argv, lambda path: run(Config.load(path)))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
