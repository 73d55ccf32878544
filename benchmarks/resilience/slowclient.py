"""Slow HTTP clients (slowloris) for the slowloris scenario, run as their own process.

    python -m benchmarks.resilience.slowclient CONFIG.json

``connections`` slots, each holding one connection at a time, of three kinds in turn:

* ``body``: complete headers of ``POST /process`` announcing a 10,000-byte body, then
  one body byte every ``interval`` seconds;
* ``headers``: a request line and one header, then one more header byte every
  ``interval`` seconds, never finishing the headers;
* ``idle``: connects and sends nothing.

A slot whose connection the server closes opens a new one (an attacker would) until
``seconds`` have passed. Per connection it records when it opened, when the server
closed it (EOF or reset; None if it was still open at the end) and the status line of
any answer. Writes ``{"connections": [...]}`` to ``out``. Loopback targets only.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")
KINDS = ("body", "body", "headers", "idle")  # half slow bodies, a quarter each of the others


async def _read_until_closed(reader: asyncio.StreamReader) -> tuple[float, bytes]:
    data = b""
    try:
        while chunk := await reader.read(4096):
            data += chunk[: max(0, 300 - len(data))]
    except (ConnectionError, OSError):
        pass
    return time.monotonic(), data


async def _one(host: str, port: int, kind: str, interval: float, end: float, t0: float) -> dict:
    opened = time.monotonic()
    record: dict = {"kind": kind, "opened": round(opened - t0, 3), "closed": None, "answer": None}
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        record["connect_error"] = type(exc).__name__
        return record
    if kind == "body":
        writer.write(b"POST /process HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 10000\r\n\r\n{" % host.encode())
    elif kind == "headers":
        writer.write(b"POST /process HTTP/1.1\r\nHost: %s\r\nX-Slow: " % host.encode())
    reading = asyncio.ensure_future(_read_until_closed(reader))
    while not reading.done() and time.monotonic() < end:
        done, _ = await asyncio.wait({reading}, timeout=interval)
        if done or kind == "idle":
            continue
        try:
            writer.write(b"a")
            await writer.drain()
        except (ConnectionError, OSError):
            await asyncio.wait({reading}, timeout=2)
            break
    if reading.done():
        closed, data = reading.result()
        record["closed"] = round(closed - t0, 3)
        record["lifetime"] = round(closed - opened, 3)
        record["answer"] = data.split(b"\r\n", 1)[0].decode("latin-1") if data else None
    else:
        reading.cancel()
        record["open_at_end_for"] = round(time.monotonic() - opened, 3)
    writer.close()
    return record


async def _slot(host: str, port: int, kind: str, interval: float, end: float, t0: float, out: list) -> None:
    while time.monotonic() < end:
        record = await _one(host, port, kind, interval, end, t0)
        out.append(record)
        if "connect_error" in record:
            await asyncio.sleep(0.2)


async def run(conf: dict) -> dict:
    host, port = conf["host"], int(conf["port"])
    if host not in LOOPBACK:
        raise SystemExit(f"target {host!r} is not on this machine (loopback only)")
    t0 = time.monotonic()
    end = t0 + float(conf["seconds"])
    records: list[dict] = []
    await asyncio.gather(*(_slot(host, port, KINDS[i % len(KINDS)], float(conf.get("interval", 1.0)), end, t0,
                                 records) for i in range(int(conf["connections"]))))
    result = {"t0": t0, "connections": records}
    Path(conf["out"]).write_text(json.dumps(result), encoding="utf-8")
    return result


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    asyncio.run(run(json.loads(Path(argv[0]).read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
