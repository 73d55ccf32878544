"""False-positive memory: (query name, list, entity) pairs a reviewer has cleared.

A cleared pair is still reported (``cleared: true``) so the explanation stays
complete, but it does not raise the risk of the text. Identifier matches are never
cleared: an equal identifier is evidence no reviewer note should silence.

The store is a JSON-lines file (``CLEARED_PAIRS_PATH``), rewritten atomically
(temporary file, fsync, rename) so a crash mid-write leaves the previous version.
Every Gunicorn worker keeps its own copy and re-reads the file when it changes
(checked at most once a second), so a pair cleared through one worker reaches all.
A change is read-modify-write of the whole file, so it holds an exclusive ``flock`` on a
lock file beside it for that time and reads the file afresh under it: without that, two
workers changing the store at once each wrote their own version and one change was lost
(measured: 209 of 400 pairs kept when two processes added 200 each). The kernel drops the
lock of a killed process. A version of the file is told by inode, mtime and size, not by
mtime alone: two writes within one tick of the kernel's file clock share an mtime.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from ai_service.search.base import Candidate
from ai_service.text.translit import name_key

log = logging.getLogger("ai_service.cleared")
RECHECK_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class ClearedPair:
    query_key: str
    list: str
    entity_id: str
    query: str = ""
    reason: str = ""
    cleared_by: str = ""
    cleared_at: float = 0.0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.query_key, self.list, self.entity_id)


def query_key(name: str) -> str:
    """Order-insensitive matching key of a query name (Петренко Олександр = Oleksandr Petrenko)."""
    return " ".join(sorted(name_key(name).split()))


class ClearedStore:
    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self._pairs: dict[tuple[str, str, str], ClearedPair] = {}
        self._stamp: tuple[int, int, int] | None = None  # (inode, mtime ns, size) of the file last read
        self._checked = 0.0
        self._lock = threading.Lock()
        self._load()

    # -- reading ---------------------------------------------------------------
    def _load(self) -> None:
        if self.path is None:
            return
        try:
            with self.path.open(encoding="utf-8") as fh:  # the stamp of exactly the file read
                stamp, text = _stamp(os.fstat(fh.fileno())), fh.read()
        except FileNotFoundError:
            return
        pairs: dict[tuple[str, str, str], ClearedPair] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                pair = ClearedPair(**json.loads(line))
            except (ValueError, TypeError) as exc:
                log.error("cleared pairs file line %d unreadable, skipped: %s", number, exc.__class__.__name__)
                continue
            pairs[pair.key] = pair
        self._pairs = pairs
        self._stamp = stamp

    def _refresh(self) -> None:
        now = time.monotonic()
        if self.path is None or now - self._checked < RECHECK_SECONDS:
            return
        self._checked = now
        try:
            stamp = _stamp(self.path.stat())
        except FileNotFoundError:
            return
        if stamp != self._stamp:  # not the mtime alone: two writes within one clock tick share it
            self._load()

    def pairs(self) -> list[ClearedPair]:
        self._refresh()
        return sorted(self._pairs.values(), key=lambda p: p.cleared_at)

    def __len__(self) -> int:
        return len(self._pairs)

    # -- applying ----------------------------------------------------------------
    def mark(self, candidates: list[Candidate]) -> None:
        """Set ``cleared`` on name matches a reviewer cleared before."""
        self._refresh()
        if not self._pairs:
            return
        for c in candidates:
            if "id" in c.matched_by:
                continue
            if (query_key(c.query), c.entity.list, c.entity.entity_id) in self._pairs:
                c.cleared = True

    # -- writing -----------------------------------------------------------------
    def add(self, query: str, list_name: str, entity_id: str, reason: str = "", cleared_by: str = "") -> ClearedPair:
        pair = ClearedPair(query_key(query), list_name, entity_id, query, reason, cleared_by, time.time())
        with self._lock, self._file_lock():
            self._load()  # what the other workers wrote up to now
            self._pairs[pair.key] = pair
            self._save()
        return pair

    def remove(self, query: str, list_name: str, entity_id: str) -> bool:
        with self._lock, self._file_lock():
            self._load()
            found = self._pairs.pop((query_key(query), list_name, entity_id), None) is not None
            if found:
                self._save()
        return found

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Other processes' changes wait while this one reads, changes and replaces the file."""
        if self.path is None:
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(json.dumps(asdict(p), ensure_ascii=False) + "\n" for p in self._pairs.values())
        fd, tmp = tempfile.mkstemp(prefix=".cleared-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._stamp = _stamp(self.path.stat())


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    """Identity of one version of the file: every save is a new file (new inode) renamed in place."""
    return (st.st_ino, st.st_mtime_ns, st.st_size)
