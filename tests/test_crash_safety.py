"""Data safety under crashes (issue 8): a process SIGKILLed in the middle of writing, again and
again, must leave the cleared-pairs store (ai_service/cleared.py) and the audit log
(ai_service/audit/writer.py) readable — the previous version or the new one of the store,
whole records only in the log, nothing written by another process lost — and workers changing
the store at the same time must not lose each other's changes.

tests/audit/test_audit_writer.py already kills one writer once; here several writers share
one file (as Gunicorn workers do) and one of them is killed repeatedly at random moments,
restarted each time, while the other keeps writing.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from ai_service.audit.writer import AuditWriter, read_records
from ai_service.cleared import ClearedStore
from tests.helpers import REPO

_ENV = {**os.environ, "PYTHONPATH": str(REPO)}
GENERATIONS = 12  # kills of the audit writer per run (the unfixed writer lost a record in 3 of 8 runs)

_AUDIT_CHILD = textwrap.dedent("""
    import sys, time
    from ai_service.audit.writer import AuditWriter
    w = AuditWriter(sys.argv[1])
    w.start()
    tag, count, pad = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for i in range(count):
        w.write({"w": tag, "n": i, "pad": "ж" * pad})
        if i % 20 == 0:
            time.sleep(0.002)  # a bounded pace (a few MB/s), batches of many records
    w.close()
""")

_CLEARED_CHILD = textwrap.dedent("""
    import sys
    from ai_service.cleared import ClearedStore
    store = ClearedStore(sys.argv[1])
    start, reason = int(sys.argv[2]), "ж" * int(sys.argv[3])
    for i in range(start, start + 100000):
        store.add(f"Person {i}", "demo", str(i), reason=reason, cleared_by="crash-test")
        print(i, flush=True)  # the parent learns which adds returned
""")


def _spawn(code: str, *args: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=REPO, env=_ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def _wait_for(path: Path, needle: bytes, offset: int, timeout: float = 20.0) -> None:
    """Until ``needle`` appears in ``path`` after ``offset`` (the process being watched has written)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with path.open("rb") as fh:
            fh.seek(offset)
            if needle in fh.read():
                return
        time.sleep(0.005)
    raise AssertionError(f"{needle!r} not written to {path}")


def test_audit_log_survives_repeated_kills_of_one_of_two_writers(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    rnd = random.Random(8)
    steady = _spawn(_AUDIT_CHILD, path, "steady", 40_000, 1500)  # never killed until the end
    _wait_for(path.parent / path.name if path.exists() else _touch(path), b'"w":"steady"', 0)
    kills = 0
    try:
        for generation in range(GENERATIONS):
            offset = path.stat().st_size
            victim = _spawn(_AUDIT_CHILD, path, f"victim{generation}", 10**6, rnd.choice((500, 6000, 30000)))
            _wait_for(path, f'"w":"victim{generation}"'.encode(), offset)
            time.sleep(rnd.random() * 0.3)  # then somewhere in its stream of batches
            _kill(victim)
            kills += 1
        assert steady.poll() is None, "the steady writer ended before the kills were over"
    finally:
        _kill(steady)
    kills += 1
    records, skipped = read_records(path)
    assert skipped <= kills, (skipped, kills)  # at most one torn line per killed process
    by_writer: dict[str, list[int]] = {}
    for r in records:
        by_writer.setdefault(r["w"], []).append(r["n"])
    assert set(by_writer) == {"steady", *(f"victim{g}" for g in range(GENERATIONS))}
    for writer, numbers in by_writer.items():
        # Each writer's records in order with none missing in between: a killed writer's torn line
        # never swallowed a whole record of the other one. (Only a writer's own last record may be
        # the one torn.)
        assert numbers == list(range(len(numbers))), writer
    after = AuditWriter(path)  # a restarted worker appends to the same file
    after.start()
    after.write({"w": "after", "n": 0})
    after.close()
    again, skipped_again = read_records(path)
    assert again[-1] == {"w": "after", "n": 0} and skipped_again == skipped and len(again) == len(records) + 1


def _touch(path: Path) -> Path:
    path.touch()
    return path


def _cleared_ids(path: Path) -> list[int]:
    """Every line of the store must be a whole JSON object (the store is rewritten atomically)."""
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n")
    return sorted(int(json.loads(line)["entity_id"]) for line in text.splitlines() if line.strip())


def test_cleared_store_is_the_previous_or_the_new_version_after_each_kill(tmp_path: Path) -> None:
    path = tmp_path / "cleared" / "pairs.jsonl"
    rnd = random.Random(8)
    confirmed = -1  # the last add the child reported as returned
    for generation in range(6):
        start = confirmed + 1
        child = _spawn(_CLEARED_CHILD, path, start, rnd.choice((10, 2000)))
        assert child.stdout is not None
        target = start + rnd.randint(3, 30)
        for line in child.stdout:  # let it add a few pairs, then kill it in the middle of the next ones
            confirmed = int(line)
            if confirmed >= target:
                break
        time.sleep(rnd.random() * 0.01)
        _kill(child)
        for line in child.stdout.read().split():  # adds that returned before the kill, not yet read
            confirmed = int(line)
        ids = _cleared_ids(path)
        # Every confirmed add is there; beyond it at most the one add in flight when the kill came.
        assert ids[: confirmed + 1] == list(range(confirmed + 1)), generation
        assert len(ids) in (confirmed + 1, confirmed + 2), (len(ids), confirmed)
        confirmed = len(ids) - 1
        store = ClearedStore(str(path))  # a restarted worker reads it without a complaint
        assert len(store) == len(ids)
    leftovers = [p.name for p in path.parent.iterdir() if p.name not in (path.name, f".{path.name}.lock")]
    # A kill between creating the temporary file and renaming it leaves that file behind; it is
    # never read (names start with ".cleared-") and the next write does not depend on it. A kill
    # while holding the store's lock did not block the next process (the kernel dropped the lock).
    assert all(name.startswith(".cleared-") for name in leftovers), leftovers


_CLEARED_ADDER = textwrap.dedent("""
    import sys
    from ai_service.cleared import ClearedStore
    store = ClearedStore(sys.argv[1])
    for i in range(int(sys.argv[3])):
        store.add(f"Person {sys.argv[2]} {i}", "demo", f"{sys.argv[2]}-{i}")
""")


def test_workers_clearing_pairs_at_the_same_time_lose_none(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    adders = [_spawn(_CLEARED_ADDER, path, tag, 100) for tag in ("a", "b", "c")]
    for proc in adders:
        assert proc.wait(timeout=60) == 0
    store = ClearedStore(str(path))
    assert sorted(p.entity_id for p in store.pairs()) == sorted(f"{t}-{i}" for t in "abc" for i in range(100))
