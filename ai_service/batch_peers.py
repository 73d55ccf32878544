"""Sharing a batch with the other Gunicorn workers (BATCH_SHARING).

A batch runs in the worker that received it, on one core, while the other workers'
cores may be idle: a batch of 100 short texts took ~100 ms there instead of ~55. Each
worker listens on a private Unix socket in a directory the Gunicorn master creates
(``PEER_DIR_ENV``); a worker with a batch of at least ``MIN_SHARED`` texts hands an
equal share of it to each reachable peer, screens its own share, and merges the answers
in order. A peer screens its share the way the batch endpoint would (the same item
function, its own audit records and metrics) and declines when it is not ready, holds
other list versions, already screens a shared part, or picks the job up too late.
Whatever a peer declines, fails or does not answer in time is screened locally, so
sharing can make a batch faster, never wrong or lost.

Nothing leaves the host: the directory is 0700 and the sockets 0600, owned by the
service's user. Without the directory (one Uvicorn process, tests) nothing is shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import struct
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson

PEER_DIR_ENV = "AI_SERVICE_PEER_DIR"
MIN_SHARED = 16  # texts: below this, a share is not worth a round trip
MIN_PART = 8  # texts per part, so a few cheap texts are not spread over many workers
TEXT_OVERHEAD = 300  # characters: a short text's fixed cost (layers, caches, response) in text length
START_WITHIN_SECONDS = 1.0  # a peer that cannot start by then declines (the sender moves on)
# After the sender's own part, it waits this long, or as long again as its own part took (a peer's
# part costs about the same), then screens the peer's part itself.
REPLY_TIMEOUT_SECONDS = 2.0
_HEADER = struct.Struct("!I")
_SOCKET_PREFIX, _SOCKET_SUFFIX = "worker-", ".sock"

log = logging.getLogger("ai_service.batch_peers")

Item = tuple[int, Any]  # (index in the batch, the value sent as texts[index])
Job = dict[str, Any]
JobHandler = Callable[[Job], Awaitable[dict[int, Any]]]


class Declined(Exception):
    """A peer will not take a job; the reason is for logs and metrics."""


def socket_path(directory: str, pid: int) -> str:
    return os.path.join(directory, f"{_SOCKET_PREFIX}{pid}{_SOCKET_SUFFIX}")


def prepare_directory(path: str) -> str:
    """Create the peer directory (0700) and drop sockets of an earlier run; the master calls this."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    for name in os.listdir(path):
        if name.startswith(_SOCKET_PREFIX) and name.endswith(_SOCKET_SUFFIX):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(path, name))
    return path


def forget_worker(directory: str | None, pid: int) -> None:
    """The master, when a worker exits: its socket must not be tried again."""
    if directory:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(socket_path(directory, pid))


async def _send(writer: asyncio.StreamWriter, message: Any) -> None:
    payload = orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS)
    writer.write(_HEADER.pack(len(payload)) + payload)
    await writer.drain()


async def _receive(reader: asyncio.StreamReader, limit: int) -> Any:
    (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
    if size > limit:
        raise ValueError(f"message of {size} bytes over the limit of {limit}")
    return orjson.loads(await reader.readexactly(size))


def split(items: Sequence[Item], parts: int) -> list[list[Item]]:
    """Contiguous parts of about equal cost (text length plus a fixed cost per text)."""
    cost = [(len(v) if isinstance(v, str) else 0) + TEXT_OVERHEAD for _, v in items]
    total = sum(cost)
    out: list[list[Item]] = [[] for _ in range(parts)]
    acc = 0
    for item, c in zip(items, cost):
        # The part whose cost range holds this text's midpoint.
        k = min(parts - 1, int((acc + c / 2) * parts / total))
        out[k].append(item)
        acc += c
    return [p for p in out if p]


class PeerShare:
    """One part of a batch sent to one peer; ``results`` is None when it was not screened there."""

    def __init__(self, items: list[Item], reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 limit: int, timeout: float) -> None:
        self.items = items
        self._reader, self._writer = reader, writer
        self._limit, self._timeout = limit, timeout

    async def results(self, own_part_seconds: float = 0.0) -> dict[int, Any] | None:
        """The peer's answers by batch index; ``own_part_seconds`` (how long the sender's own part
        took) stretches the wait for big parts."""
        try:
            reply = await asyncio.wait_for(_receive(self._reader, self._limit), max(self._timeout, own_part_seconds))
            if "declined" in reply:
                raise Declined(str(reply["declined"]))
            results = {int(i): r for i, r in reply["results"]}
            if set(results) != {i for i, _ in self.items}:
                raise ValueError("the reply does not cover the part")
            return results
        except Declined as exc:
            log.debug("batch part declined by a peer", extra={"reason": str(exc)})
            return None
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, KeyError, TypeError) as exc:
            log.warning("batch part not returned by a peer; screening it here",
                        extra={"error": type(exc).__name__, "texts": len(self.items)})
            return None
        finally:
            self.close()

    def close(self) -> None:
        self._writer.close()


class BatchPeers:
    """The sending side: which peers exist, and handing them parts of a batch."""

    def __init__(self, directory: str, own_pid: int | None = None, max_message: int = 64 << 20,
                 reply_timeout: float = REPLY_TIMEOUT_SECONDS) -> None:
        self.directory = directory
        self.own = socket_path(directory, os.getpid() if own_pid is None else own_pid)
        self.max_message = max_message
        self.reply_timeout = reply_timeout

    def peers(self) -> list[str]:
        try:
            names = os.listdir(self.directory)
        except OSError:
            return []
        paths = (os.path.join(self.directory, n) for n in sorted(names)
                 if n.startswith(_SOCKET_PREFIX) and n.endswith(_SOCKET_SUFFIX))
        return [p for p in paths if p != self.own]

    async def share(self, items: Sequence[Item], job: Job) -> tuple[list[Item], list[PeerShare]]:
        """Send parts of ``items`` to peers; returns the part to screen here and the shares sent.

        ``job`` carries what a peer needs besides the items (request id, options, list versions).
        """
        peers = self.peers()
        parts = min(len(peers) + 1, len(items) // MIN_PART)
        if len(items) < MIN_SHARED or parts < 2:
            return list(items), []
        local, *rest = split(items, parts)
        shares: list[PeerShare] = []
        deadline = time.time() + START_WITHIN_SECONDS
        for path, part in zip(peers, rest):
            try:
                reader, writer = await asyncio.open_unix_connection(path, limit=1 << 20)
            except OSError:
                local.extend(part)  # a worker that just exited; the master removes its socket
                continue
            try:
                writer.transport.set_write_buffer_limits(high=0)  # drain = all sent, before our CPU work
                await _send(writer, {**job, "items": part, "deadline": deadline})
            except OSError:
                writer.close()
                local.extend(part)
                continue
            shares.append(PeerShare(part, reader, writer, self.max_message, self.reply_timeout))
        return local, shares


class PeerListener:
    """The receiving side: a Unix socket in the peer directory, one shared job at a time."""

    def __init__(self, directory: str, handler: JobHandler, max_message: int = 64 << 20,
                 pid: int | None = None) -> None:
        self.path = socket_path(directory, os.getpid() if pid is None else pid)
        self._handler = handler
        self._max_message = max_message
        self._server: asyncio.AbstractServer | None = None
        self._busy = False

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # a pid reused after a crash
        self._server = await asyncio.start_unix_server(self._serve, self.path, limit=1 << 20)
        os.chmod(self.path, 0o600)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            job = await _receive(reader, self._max_message)
            try:
                if self._busy:
                    raise Declined("busy with another shared part")
                if time.time() > job["deadline"]:
                    raise Declined("picked up too late")
                self._busy = True
                try:
                    results = await self._handler(job)
                finally:
                    self._busy = False
                reply: dict[str, Any] = {"results": list(results.items())}
            except Declined as exc:
                reply = {"declined": str(exc)}
            except Exception as exc:  # noqa: BLE001 - a bug here must cost the sender a retry, not the part
                # The type only: a message may quote the texts.
                log.error("shared batch part failed", extra={"error": type(exc).__name__})
                reply = {"declined": f"failed: {type(exc).__name__}"}
            await _send(writer, reply)
        except (OSError, asyncio.IncompleteReadError, ValueError, KeyError, TypeError) as exc:
            # The sender went away or sent garbage: it screens the part itself.
            log.warning("shared batch part dropped", extra={"error": type(exc).__name__})
        finally:
            writer.close()
