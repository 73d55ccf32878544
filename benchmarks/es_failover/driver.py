"""The load generator of the failover benchmark, run as its own process.

    python -m benchmarks.es_failover.driver CONFIG.json

Sends POST /process at a fixed rate to every target (open loop: a slow answer
does not delay the next request; the streams are offset so requests to two
targets never leave at the same instant; every target gets the same text
sequence) and polls each target's /health/detailed. Times are
``time.monotonic()`` (CLOCK_MONOTONIC, the same clock in every process of the
machine), so the orchestrator can lay its own events (server killed, back,
reload) on the same time line.

Prints ``started <t0>`` once the load runs; stops on a ``stop`` line or EOF on
stdin, or after ``max_seconds``; waits for the requests in flight (bounded by
the client timeout) and writes every record to ``out`` (JSON), then prints
``done``. Loopback targets only.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class DriverConfig:
    targets: dict[str, str]  # stream name -> base URL
    texts: list[str]
    rate: float  # requests per second per target
    max_seconds: float
    out: str
    probe_text: str = ""
    probe_list: str = "probe"
    health_every: float = 0.1  # seconds between /health/detailed polls per target
    timeout: float = 15.0  # per request; beyond it the request counts as failed
    max_in_flight: int = 200  # per target; beyond it a tick is recorded as not sent (overload)

    @classmethod
    def load(cls, path: str | Path) -> DriverConfig:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"target {url!r} is not on this machine (loopback only)")


async def _one(client: httpx.AsyncClient, name: str, k: int, text: str, probe: bool, sched: float,
               cfg: DriverConfig, out: list[dict]) -> None:
    rec: dict[str, Any] = {"target": name, "k": k, "sched": sched, "start": time.monotonic(), "probe": probe}
    try:
        r = await client.post("/process", json={"text": text})
        rec["end"] = time.monotonic()
        rec["status"] = r.status_code
        if r.status_code == 200:
            body = r.json()
            rec["backend"] = body.get("search_backend")
            if probe:
                rec["probe_ids"] = sorted(m["entity_id"] for m in body.get("matches", [])
                                          if m.get("list") == cfg.probe_list)
        else:
            rec["error"] = r.text[:300]
    except Exception as exc:  # a failed request is a result, not a crash
        rec["end"] = time.monotonic()
        rec["status"] = None
        rec["error"] = f"{type(exc).__name__}: {exc}"[:300]
    out.append(rec)


async def _stream(name: str, url: str, offset: float, t0: float, cfg: DriverConfig, stop: asyncio.Event,
                  records: list[dict], tasks: set[asyncio.Task]) -> None:
    limits = httpx.Limits(max_connections=cfg.max_in_flight, max_keepalive_connections=32)
    async with httpx.AsyncClient(base_url=url, timeout=cfg.timeout, limits=limits) as client:
        k = 0
        mine: set[asyncio.Task] = set()
        while not stop.is_set():
            sched = t0 + offset + k / cfg.rate
            delay = sched - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                    break
                except asyncio.TimeoutError:
                    pass
            text = cfg.texts[k % len(cfg.texts)]
            if len(mine) >= cfg.max_in_flight:
                records.append({"target": name, "k": k, "sched": sched, "start": time.monotonic(),
                                "end": time.monotonic(), "status": None, "error": "not sent: too many in flight",
                                "probe": text == cfg.probe_text})
            else:
                task = asyncio.create_task(_one(client, name, k, text, text == cfg.probe_text, sched, cfg, records))
                mine.add(task)
                tasks.add(task)
                task.add_done_callback(mine.discard)
            k += 1
        if mine:
            await asyncio.wait(mine, timeout=cfg.timeout + 5)


async def _health(name: str, url: str, cfg: DriverConfig, stop: asyncio.Event, polls: list[dict]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=2.0) as client:
        while not stop.is_set():
            t = time.monotonic()
            poll: dict[str, Any] = {"target": name, "start": t}
            try:
                r = await client.get("/health/detailed")
                poll["end"] = time.monotonic()
                es = r.json()["components"]["elasticsearch"]
                if es.get("configured"):
                    breaker = es.get("breaker") or {}
                    index = es.get("index") or {}
                    poll.update(circuit=es.get("circuit"), serving=es.get("serving"),
                                opened_count=breaker.get("opened_count"),
                                next_probe_in=breaker.get("next_probe_in_seconds"),
                                reset_seconds=breaker.get("reset_seconds"),
                                index_status=index.get("status"), index=index.get("index"))
            except Exception as exc:
                poll["end"] = time.monotonic()
                poll["error"] = f"{type(exc).__name__}: {exc}"[:200]
            polls.append(poll)
            try:
                await asyncio.wait_for(stop.wait(), max(0.0, cfg.health_every - (time.monotonic() - t)))
            except asyncio.TimeoutError:
                pass


def _watch_stdin(stop: asyncio.Event) -> None:
    """Stop on a ``stop`` line or EOF (a non-blocking reader: no thread left waiting)."""
    loop = asyncio.get_running_loop()
    fd = sys.stdin.fileno()

    def readable() -> None:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            return
        if not chunk or b"stop" in chunk:
            loop.remove_reader(fd)
            stop.set()

    loop.add_reader(fd, readable)


async def run(cfg: DriverConfig, announce: bool = True) -> dict:
    for url in cfg.targets.values():
        _check_loopback(url)
    stop = asyncio.Event()
    records: list[dict] = []
    polls: list[dict] = []
    tasks: set[asyncio.Task] = set()
    t0 = time.monotonic() + 0.2
    step = 1.0 / cfg.rate / max(1, len(cfg.targets))
    workers = [asyncio.create_task(_stream(name, url, i * step, t0, cfg, stop, records, tasks))
               for i, (name, url) in enumerate(cfg.targets.items())]
    workers += [asyncio.create_task(_health(name, url, cfg, stop, polls)) for name, url in cfg.targets.items()]
    if announce:
        print(f"started {t0}", flush=True)
        _watch_stdin(stop)
    try:
        await asyncio.wait_for(stop.wait(), cfg.max_seconds)
    except asyncio.TimeoutError:
        pass
    stop.set()
    t_stop = time.monotonic()
    await asyncio.wait(workers, timeout=cfg.timeout + 10)
    result = {"t0": t0, "t_stop": t_stop, "rate": cfg.rate, "targets": cfg.targets,
              "records": sorted(records, key=lambda r: (r["target"], r["k"])), "polls": polls}
    Path(cfg.out).write_text(json.dumps(result), encoding="utf-8")
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    asyncio.run(run(DriverConfig.load(argv[0])))
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
