"""The audit log file: JSON lines appended by a background thread.

Why a thread: a write + fsync costs a millisecond or more, far beyond a request's budget on
the event loop. ``AuditWriter.write`` only serializes the record and queues the line
(microseconds); the thread drains the queue, appends everything it found in one ``write``
and then fsyncs. Under load the lines that queue up during one fsync go out together in
the next (group commit), so the cost per record falls as traffic rises.

Durability and atomicity (issue 8):

* The file is opened with ``O_APPEND`` and every write carries whole lines only, so lines
  from several Gunicorn workers sharing one file never interleave (an appending write of a
  regular file is placed and copied as one unit on Linux filesystems).
* A record is on disk once the fsync after its batch returned; the response does not wait
  for that, so a power cut can lose the last few milliseconds of records, never earlier ones.
* A crash mid-write (SIGKILL during a large ``write``: Linux stops copying between pages) can
  leave one torn (unterminated) line. Every batch starts with a newline, so whatever is
  appended next — by the restarted worker or by another worker sharing the file — begins on a
  line of its own (measured without it: the other worker's next record was lost in the torn
  line, ``tests/test_crash_safety.py``); the price is a blank line between batches, which
  ``read_records`` and JSON-lines tools skip. ``open`` still ends a torn last line, and
  ``read_records`` skips a line that is not valid JSON, so every complete record stays readable.
* Rotation is external (logrotate ``create``, or move the file away): before each batch the
  writer checks whether the path still names its open file and reopens it when not, so every
  worker moves to the new file on its next write. Do not use ``copytruncate`` (it loses lines
  written between the copy and the truncation).
* A full queue (the disk stalled) drops records rather than blocking payments; drops and
  write errors are counted, logged and shown in ``/health/detailed``.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ai_service.logging_setup import safe

log = logging.getLogger("ai_service.audit")

MAX_PENDING = 100_000  # queued lines before records are dropped (~50 MB at worst)
MAX_BATCH_BYTES = 1 << 20  # one write() carries at most about this much
_STOP = b""  # sentinel: a real line is never empty


class AuditWriter:
    def __init__(self, path: str | os.PathLike[str], max_pending: int = MAX_PENDING) -> None:
        self.path = Path(path)
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=max_pending)
        self._thread: threading.Thread | None = None
        self._fd: int | None = None
        self._ident: tuple[int, int] | None = None  # (st_dev, st_ino) of the open file
        self.written = 0
        self.dropped = 0
        self.errors = 0
        self.last_error: str | None = None
        self.last_write_at: float | None = None

    # -- lifecycle (start in the worker: a thread does not survive a fork) ---------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._open()
        self._thread = threading.Thread(target=self._run, name="audit-log", daemon=True)
        self._thread.start()
        log.info("audit log: appending to %s", safe(self.path))

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued, fsync and close (waits at most ``timeout`` seconds)."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(_STOP)  # blocking put: the sentinel must get in even when the queue is full
        thread.join(timeout)
        if self._fd is not None and not thread.is_alive():
            os.close(self._fd)
            self._fd = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the request side ----------------------------------------------------------
    def write(self, record: dict[str, Any]) -> None:
        """Queue one record (never blocks, never raises for I/O)."""
        line = orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS) + b"\n"
        try:
            self._queue.put_nowait(line)
        except queue.Full:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.error("audit log queue full (%d pending): %d records dropped so far",
                          self._queue.qsize(), self.dropped)

    def pending(self) -> int:
        return self._queue.qsize()

    def status(self) -> dict[str, Any]:
        return {"enabled": True, "status": "up" if self.running and not self.last_error else "degraded",
                "path": str(self.path), "written": self.written, "pending": self.pending(),
                "dropped": self.dropped, "errors": self.errors, "last_error": self.last_error,
                "last_write_at": self.last_write_at}

    # -- the thread ------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            lines = [self._queue.get()]
            size = len(lines[0])
            while size < MAX_BATCH_BYTES:
                try:
                    line = self._queue.get_nowait()
                except queue.Empty:
                    break
                lines.append(line)
                size += len(line)
            stop = _STOP in lines
            batch = [line for line in lines if line]
            if batch:
                # Led by a newline: should another worker sharing the file have been killed halfway
                # through its own write, its torn line ends here instead of swallowing our first record.
                self._append(b"".join([b"\n", *batch]), len(batch))
            if stop:
                return

    def _append(self, data: bytes, count: int) -> None:
        try:
            self._reopen_if_rotated()
            assert self._fd is not None
            view = memoryview(data)
            while view:  # a regular file takes it in one call; loop for a short write anyway
                done = os.write(self._fd, view)
                view = view[done:]
            os.fsync(self._fd)
        except OSError as exc:
            self.errors += 1
            self.last_error = f"{exc.__class__.__name__}: {exc.strerror or exc}"
            log.error("audit log write failed, %d records lost: %s", count, safe(self.last_error))
            self._close_fd()  # reopen on the next batch
            return
        self.written += count
        self.last_error = None
        self.last_write_at = time.time()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        if created:
            _fsync_dir(self.path.parent)  # the new name itself must survive a power cut
        st = os.fstat(fd)
        if st.st_size and _last_byte(self.path) != b"\n":
            os.write(fd, b"\n")  # end a line torn by a crash, so the next record starts clean
        self._fd, self._ident = fd, (st.st_dev, st.st_ino)

    def _reopen_if_rotated(self) -> None:
        if self._fd is not None:
            try:
                st = os.stat(self.path)
                if (st.st_dev, st.st_ino) == self._ident:
                    return
            except FileNotFoundError:
                pass
            self._close_fd()
        self._open()

    def _close_fd(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1)


def iter_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any] | None]:
    """Each line's record, or None for a line that is not a whole JSON object (torn by a crash)."""
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.strip():
                continue
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError:
                yield None
                continue
            yield record if isinstance(record, dict) else None


def read_records(path: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], int]:
    """All readable records and the number of unreadable (torn) lines skipped."""
    records: list[dict[str, Any]] = []
    skipped = 0
    for record in iter_records(path):
        if record is None:
            skipped += 1
        else:
            records.append(record)
    return records, skipped
