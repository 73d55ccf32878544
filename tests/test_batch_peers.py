"""Batch sharing between workers: splitting, the socket protocol, and every way a peer can fail."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from pathlib import Path
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ai_service import batch_peers
from ai_service.batch_peers import BatchPeers, Declined, PeerListener, forget_worker, prepare_directory, socket_path, split

OWN = 1000  # the sending "worker"; listeners get other made-up pids


@contextlib.asynccontextmanager
async def listening(directory: Path, handler: Any, pid: int = 1001, **kwargs: Any) -> AsyncIterator[PeerListener]:
    """A peer worker's listener for the length of the block."""
    listener = PeerListener(str(directory), handler, pid=pid, **kwargs)
    await listener.start()
    try:
        yield listener
    finally:
        await listener.stop()


def texts(n: int, prefix: str = "Оплата Петренку") -> list[tuple[int, Any]]:
    return [(i, f"{prefix} {i}") for i in range(n)]


async def echo(job: dict) -> dict[int, Any]:
    return {i: {"text": v, "request_id": job["request_id"]} for i, v in job["items"]}


async def collect(peers: BatchPeers, items: list[tuple[int, Any]], job: dict | None = None
                  ) -> tuple[list[tuple[int, Any]], list[dict[int, Any] | None]]:
    local, shares = await peers.share(items, job or {"request_id": "r1"})
    return local, [await s.results() for s in shares]


def test_split_keeps_order_and_balances_cost() -> None:
    items = [(i, "x" * (2000 if i < 10 else 50)) for i in range(60)]
    parts = split(items, 2)
    assert [i for part in parts for i, _ in part] == list(range(60))  # contiguous, in order, all there
    cost = [sum(len(v) + batch_peers.TEXT_OVERHEAD for _, v in p) for p in parts]
    assert abs(cost[0] - cost[1]) < 2000 + batch_peers.TEXT_OVERHEAD  # within one text of equal
    assert len(parts[0]) < len(parts[1])  # the long texts went to the first part
    assert split([(0, 7), (1, None)], 3) == [[(0, 7)], [(1, None)]]  # non-text values cost the fixed part


def test_parts_go_to_peers_and_come_back_complete(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with listening(tmp_path, echo, 1001) as first, listening(tmp_path, echo, 1002):
            assert oct(os.stat(first.path).st_mode & 0o777) == "0o600"
            peers = BatchPeers(str(tmp_path), own_pid=OWN)
            items = texts(60)
            local, replies = await collect(peers, items)
            assert len(replies) == 2 and all(r is not None for r in replies)
            got = {i for r in replies for i in r} | {i for i, _ in local}
            assert got == set(range(60)) and len(local) + sum(len(r) for r in replies) == 60
            assert all(r[i]["text"] == dict(items)[i] and r[i]["request_id"] == "r1" for r in replies for i in r)
        assert not list(tmp_path.iterdir())  # sockets removed on stop

    asyncio.run(scenario())


def test_small_batches_and_lonely_workers_stay_local(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with listening(tmp_path, echo):
            peers = BatchPeers(str(tmp_path), own_pid=OWN)
            local, shares = await peers.share(texts(batch_peers.MIN_SHARED - 1), {"request_id": "r"})
            assert len(local) == batch_peers.MIN_SHARED - 1 and shares == []
            alone = BatchPeers(str(tmp_path), own_pid=1001)  # its own socket is no peer
            local, shares = await alone.share(texts(50), {"request_id": "r"})
            assert len(local) == 50 and shares == []

    asyncio.run(scenario())


def test_a_dead_peer_socket_leaves_the_part_local(tmp_path: Path) -> None:
    path = socket_path(str(tmp_path), 1001)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(path)
    sock.close()  # the file stays, nobody listens: a worker killed before the master removed it

    async def scenario() -> None:
        local, replies = await collect(BatchPeers(str(tmp_path), own_pid=OWN), texts(40))
        assert len(local) == 40 and replies == []

    asyncio.run(scenario())
    forget_worker(str(tmp_path), 1001)  # what the master's child_exit does
    assert not os.path.exists(path)


def test_declines_come_back_as_none(tmp_path: Path) -> None:
    async def slow(job: dict) -> dict[int, Any]:
        await asyncio.sleep(0.3)
        return await echo(job)

    async def refuse(job: dict) -> dict[int, Any]:
        raise Declined("other list versions")

    async def scenario() -> None:
        peers = BatchPeers(str(tmp_path), own_pid=OWN)
        async with listening(tmp_path, slow):
            _, first = await peers.share(texts(40), {"request_id": "a"})
            await asyncio.sleep(0.05)  # the peer starts on the first part
            _, second = await peers.share(texts(40), {"request_id": "b"})
            assert [await s.results() for s in second] == [None]  # one shared part at a time
            assert [await s.results() for s in first] != [None]
        async with listening(tmp_path, refuse, 1002):
            local, replies = await collect(peers, texts(40))
            assert replies == [None] and len(local) == 20

    asyncio.run(scenario())


def test_a_job_picked_up_after_its_deadline_is_declined(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with listening(tmp_path, echo):
            peers = BatchPeers(str(tmp_path), own_pid=OWN)
            local, shares = await peers.share(texts(40), {"request_id": "r"})
            time.sleep(batch_peers.START_WITHIN_SECONDS + 0.1)  # this loop (the peer's too) was busy
            assert [await s.results() for s in shares] == [None]

    asyncio.run(scenario())


def test_a_peer_that_does_not_answer_in_time_costs_the_timeout_only(tmp_path: Path) -> None:
    async def stuck(job: dict) -> dict[int, Any]:
        await asyncio.sleep(5)
        return await echo(job)

    async def scenario() -> None:
        async with listening(tmp_path, stuck):
            peers = BatchPeers(str(tmp_path), own_pid=OWN, reply_timeout=0.2)
            started = time.monotonic()
            local, replies = await collect(peers, texts(40))
            assert replies == [None] and time.monotonic() - started < 1.0

    async def slow(job: dict) -> dict[int, Any]:
        await asyncio.sleep(0.4)
        return await echo(job)

    async def big_parts() -> None:
        async with listening(tmp_path, slow, 1002):
            peers = BatchPeers(str(tmp_path), own_pid=OWN, reply_timeout=0.2)
            _, shares = await peers.share(texts(40), {"request_id": "r"})
            # The sender's own part took 1 s: a peer's part of the same size gets as long.
            assert [await s.results(own_part_seconds=1.0) is not None for s in shares] == [True]

    asyncio.run(scenario())
    asyncio.run(big_parts())


def test_garbage_and_failures_are_not_results(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async def wrong_items(job: dict) -> dict[int, Any]:
        return {999: {}}

    async def broken(job: dict) -> dict[int, Any]:
        raise RuntimeError(f"boom on {job['items'][0][1]}")

    async def scenario() -> None:
        for handler, pid in ((wrong_items, 1001), (broken, 1002)):
            async with listening(tmp_path, handler, pid):
                local, replies = await collect(BatchPeers(str(tmp_path), own_pid=OWN), texts(40, "Петренку Олегу"))
                assert replies == [None] and len(local) == 20

    with caplog.at_level(logging.DEBUG, logger="ai_service.batch_peers"):
        asyncio.run(scenario())
    assert any("failed" in r.getMessage() for r in caplog.records)
    assert not any("Петренку" in r.getMessage() or "Петренку" in str(r.__dict__) for r in caplog.records)


def test_a_listener_drops_a_malformed_job(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with listening(tmp_path, echo, max_message=1000) as listener:
            reader, writer = await asyncio.open_unix_connection(listener.path)
            writer.write(batch_peers._HEADER.pack(5000) + b"x" * 10)  # over the limit
            await writer.drain()
            assert await reader.read() == b""  # closed without an answer
            writer.close()
            local, replies = await collect(BatchPeers(str(tmp_path), own_pid=OWN), texts(40))
            assert replies[0] is not None  # and still serves the next job

    asyncio.run(scenario())


def test_prepare_directory_is_private_and_clears_old_sockets(tmp_path: Path) -> None:
    directory = tmp_path / "peers"
    directory.mkdir(mode=0o755)
    (directory / "worker-42.sock").write_text("")
    (directory / "notes.txt").write_text("kept")
    prepare_directory(str(directory))
    assert oct(directory.stat().st_mode & 0o777) == "0o700"
    assert sorted(p.name for p in directory.iterdir()) == ["notes.txt"]


def test_a_peer_dying_mid_part_leaves_it_to_the_sender(tmp_path: Path) -> None:
    async def crash(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(batch_peers._HEADER.size)  # takes the job, then the process is gone
        writer.transport.abort()

    async def scenario() -> None:
        server = await asyncio.start_unix_server(crash, socket_path(str(tmp_path), 1001))
        try:
            local, replies = await collect(BatchPeers(str(tmp_path), own_pid=OWN), texts(40))
            assert replies == [None] and len(local) == 20  # the sender screens those 20 itself
        finally:
            server.close()

    asyncio.run(scenario())
