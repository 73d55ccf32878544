"""Child processes of the benchmarks, each in its own process group so that stopping one
stops everything it started: ``kill_group``, a ``LoggedProcess`` base (log file, stop,
tail) and ``Children``, which stops whatever is still running on exit, also on errors
and on SIGTERM/SIGHUP; ``work_directory`` for their files.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Children", "LoggedProcess", "kill_group", "work_directory"]


@contextmanager
def work_directory(prefix: str, keep: bool) -> Iterator[Path]:
    """A fresh temporary directory for a benchmark's logs and files, removed afterwards
    unless ``keep`` (``--keep``): then its path is printed."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if keep:
            print(f"work directory kept: {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 10.0) -> None:
    """Signal ``proc``'s whole process group; escalate to SIGKILL if it outlives ``wait``."""
    if proc.poll() is not None:
        return
    for s in (sig, signal.SIGKILL):
        try:
            os.killpg(proc.pid, s)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class LoggedProcess:
    """A process group writing to ``log``; ``stop`` signals the group, ``tail`` reads the log's end."""

    stop_grace = 15.0  # seconds between SIGTERM and SIGKILL
    log: Path
    proc: subprocess.Popen | None = None

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            kill_group(proc, signal.SIGTERM, self.stop_grace)

    def tail(self, chars: int = 1500) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


class Children:
    """Everything the benchmark started, stopped in reverse order on exit."""

    def __init__(self) -> None:
        self._stops: list[Callable[[], None]] = []
        self._old: dict[int, object] = {}

    def add(self, stop: Callable[[], None]) -> None:
        self._stops.append(stop)

    def __enter__(self) -> Children:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            self._old[sig] = signal.signal(sig, _raise_exit)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            while self._stops:
                try:
                    self._stops.pop()()
                except Exception as err:  # keep stopping the others
                    print(f"cleanup: {type(err).__name__}: {err}", file=sys.stderr)
        finally:
            for sig, old in self._old.items():
                signal.signal(sig, old)  # type: ignore[arg-type]


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
