"""ai_service.audit.writer: whole-line appends off the event loop, torn tails, rotation, drops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from ai_service.audit import writer as writer_module
from ai_service.audit.writer import AuditWriter, read_records
from tests.helpers import REPO


def _records(n: int, start: int = 0, pad: int = 0) -> list[dict]:
    return [{"n": i, "pad": "ж" * pad} for i in range(start, start + n)]


def test_records_are_appended_as_json_lines_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "audit.jsonl"  # the directory is created
    w = AuditWriter(path)
    w.start()
    for r in _records(50):
        w.write(r)
    w.close()
    w2 = AuditWriter(path)  # a restarted worker appends, never truncates
    w2.start()
    for r in _records(5, start=50):
        w2.write(r)
    w2.close()
    records, skipped = read_records(path)
    assert [r["n"] for r in records] == list(range(55)) and skipped == 0
    assert w.written == 50 and w2.written == 5 and w.status()["dropped"] == 0


def test_write_does_not_wait_for_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(0.2)
        real_fsync(fd)

    monkeypatch.setattr(writer_module.os, "fsync", slow_fsync)
    w = AuditWriter(tmp_path / "a.jsonl")
    w.start()
    started = time.perf_counter()
    for r in _records(2000):
        w.write(r)
    queued_in = time.perf_counter() - started
    w.close()
    assert queued_in < 0.2  # 2,000 records queued faster than one fsync takes
    records, _ = read_records(tmp_path / "a.jsonl")
    assert len(records) == 2000  # group commit: a few fsyncs carried them all


def test_threads_never_interleave_lines(tmp_path: Path) -> None:
    w = AuditWriter(tmp_path / "a.jsonl")
    w.start()

    def burst(k: int) -> None:
        for r in _records(300, start=k * 1000, pad=300):
            w.write(r)

    threads = [threading.Thread(target=burst, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w.close()
    records, skipped = read_records(tmp_path / "a.jsonl")
    assert skipped == 0 and sorted(r["n"] for r in records) == sorted(k * 1000 + i for k in range(4)
                                                                       for i in range(300))


_CHILD = textwrap.dedent("""
    import sys, time
    from ai_service.audit.writer import AuditWriter
    w = AuditWriter(sys.argv[1])
    w.start()
    tag, count = sys.argv[2], int(sys.argv[3])
    for i in range(count):
        w.write({"w": tag, "n": i, "pad": "x" * 2000})
        if i % 10 == 0:
            time.sleep(0.001)  # bounded pace: at most ~2 MB/s if nobody kills us
    w.close()
""")


def _child(path: Path, tag: str, count: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _CHILD, str(path), tag, str(count)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def test_processes_sharing_one_file_write_whole_lines(tmp_path: Path) -> None:
    """Two workers appending to one file (as Gunicorn workers do): every line whole."""
    path = tmp_path / "shared.jsonl"
    children = [_child(path, tag, 400) for tag in ("a", "b")]
    for c in children:
        assert c.wait(timeout=60) == 0
    records, skipped = read_records(path)
    assert skipped == 0
    for tag in ("a", "b"):
        assert sorted(r["n"] for r in records if r["w"] == tag) == list(range(400))


def test_a_torn_last_line_is_skipped_and_the_next_record_starts_clean(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"n": 0}\n{"n": 1, "half": "writ')  # a crash mid-write
    w = AuditWriter(path)
    w.start()
    w.write({"n": 2})
    w.close()
    records, skipped = read_records(path)
    assert [r["n"] for r in records] == [0, 2] and skipped == 1


def test_sigkill_mid_stream_leaves_every_complete_record_readable(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    child = _child(path, "k", 20_000)
    try:
        deadline = time.monotonic() + 30
        while (not path.exists() or path.stat().st_size < 200_000) and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    before, skipped = read_records(path)
    assert len(before) > 50 and skipped <= 1
    assert [r["n"] for r in before] == list(range(len(before)))  # in order, none missing in between
    w = AuditWriter(path)  # the restarted worker
    w.start()
    w.write({"w": "after", "n": -1})
    w.close()
    after, skipped_after = read_records(path)
    assert after[-1] == {"w": "after", "n": -1} and len(after) == len(before) + 1 and skipped_after == skipped


def test_rotation_by_moving_the_file_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    w = AuditWriter(path)
    w.start()
    w.write({"n": 0})
    deadline = time.monotonic() + 5
    while w.written < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    path.rename(tmp_path / "a.jsonl.1")  # logrotate without copytruncate
    w.write({"n": 1})
    w.close()
    assert [r["n"] for r in read_records(tmp_path / "a.jsonl.1")[0]] == [0]
    assert [r["n"] for r in read_records(path)[0]] == [1]


def test_a_full_queue_drops_and_counts_instead_of_blocking(tmp_path: Path) -> None:
    w = AuditWriter(tmp_path / "a.jsonl", max_pending=3)  # not started: nothing drains the queue
    for r in _records(5):
        w.write(r)
    assert w.dropped == 2 and w.pending() == 3


def test_write_errors_are_counted_and_the_writer_recovers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.jsonl"
    real_write = os.write
    fail = {"on": True}

    def flaky_write(fd: int, data) -> int:
        if fail["on"]:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(writer_module.os, "write", flaky_write)
    w = AuditWriter(path)
    w.start()
    w.write({"n": 0})
    deadline = time.monotonic() + 5
    while w.errors < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert w.errors == 1 and "No space left" in (w.last_error or "") and w.status()["status"] == "degraded"
    fail["on"] = False
    w.write({"n": 1})
    w.close()
    assert [r["n"] for r in read_records(path)[0]] == [1] and w.last_error is None
