"""A computation run in a forked child: the second core for the Gunicorn master's preload.

``Forked(fn, *args)`` forks at once; the child computes ``fn(*args)``, sends the result
through a pipe (``pickle``, or ``marshal`` with ``plain=True``: several times faster for
lists of strings and tuples, but only for plain data — it would turn a numpy array into
bytes) and leaves with ``os._exit``. ``result()`` reads it back. Every failure falls back
to the serial path: if the fork fails, the child raises, dies or stays silent past the
deadline, or sends something unreadable, ``result()`` computes ``fn(*args)`` in this
process and logs why. So a caller only ever sees the value ``fn`` returns, or what ``fn``
raises when run here.

Only for a process with no other threads (the Gunicorn master before it forks its
workers): a lock held by another thread at fork time would never be released in the child.
The child inherits the parent's memory copy-on-write, so ``args`` cost nothing to pass;
only the result is serialized.
"""

from __future__ import annotations

import gc
import logging
import marshal
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger("ai_service.forked")

_MARSHAL, _PICKLE, _ERROR = b"M", b"P", b"E"
DEFAULT_TIMEOUT = 120.0  # seconds the parent waits for a child; then it kills it and computes here


class Forked(Generic[T]):
    def __init__(self, fn: Callable[..., T], *args: object, plain: bool = False,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self._fn, self._args = fn, args
        self._deadline = time.monotonic() + timeout
        self._pid = 0
        self._fd = -1
        self.failure: str | None = None  # why the child's result was not used (None: it was)
        try:
            read_fd, write_fd = os.pipe()
        except OSError as exc:
            self.failure = f"pipe: {exc.strerror}"
            return
        try:
            pid = os.fork()
        except OSError as exc:
            os.close(read_fd)
            os.close(write_fd)
            self.failure = f"fork: {exc.strerror}"
            return
        if pid == 0:  # the child: never returns into the caller's frames
            os.close(read_fd)
            _child(write_fd, fn, args, plain)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def result(self) -> T:
        """The child's result; ``fn(*args)`` computed here if the child did not deliver it."""
        if self._fd >= 0:
            try:
                return self._receive()
            except Exception as exc:  # anything at all: the serial path below is always correct
                self.failure = f"{type(exc).__name__}: {exc}"
            finally:
                self._close()
        log.warning("forked %s not used (%s): computing it in this process", _name(self._fn), self.failure)
        return self._fn(*self._args)

    def cancel(self) -> None:
        """Stop waiting for the child (the caller failed and will not ask for the result)."""
        if self._fd >= 0:
            self.failure = "cancelled"
            self._close()

    def _receive(self) -> T:
        chunks: list[bytes] = []
        poller = select.poll()
        poller.register(self._fd, select.POLLIN)
        while True:
            left = self._deadline - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                raise TimeoutError("no result before the deadline")
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        kind, body = data[:1], memoryview(data)[1:]
        if kind == _MARSHAL:
            return marshal.loads(body)
        if kind == _PICKLE:
            return pickle.loads(body)
        if kind == _ERROR:
            raise ChildError(bytes(body).decode("utf-8", "replace"))
        raise ChildError("the child exited without a result")

    def _close(self) -> None:
        os.close(self._fd)
        self._fd = -1
        if self.failure is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self._pid, 0)
        except ChildProcessError:  # already reaped (Gunicorn's SIGCHLD handler reaps any child)
            pass


class ChildError(RuntimeError):
    """The child failed or sent nothing usable."""


def _name(fn: Callable[..., object]) -> str:
    return getattr(fn, "__qualname__", repr(fn))


def _child(write_fd: int, fn: Callable[..., object], args: tuple, plain: bool) -> None:
    """Compute, send, exit 0 whatever happened (the parent reads success or failure from the
    pipe; Gunicorn reaps unknown children quietly but halts on some worker exit codes)."""
    try:
        # Inherited Python handlers (Gunicorn's queue signals for a master loop that never runs
        # here) would make this child ignore SIGTERM/SIGINT: restore the defaults.
        for sig in signal.valid_signals():
            try:
                if callable(signal.getsignal(sig)):
                    signal.signal(sig, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
        gc.disable()  # short-lived: everything it makes is freed by its exit
        try:
            value = fn(*args)
            if plain:
                data = _MARSHAL + marshal.dumps(value)
            else:
                data = _PICKLE + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:
            data = _ERROR + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)
