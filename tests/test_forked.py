"""ai_service/forked.py: a computation in a forked child, with the serial path as the fallback."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from ai_service.forked import Forked


def _pid_and(value: object) -> tuple[int, object]:
    return os.getpid(), value


@pytest.mark.parametrize("plain", [True, False])
def test_the_result_comes_from_the_child(plain: bool) -> None:
    job = Forked(_pid_and, ["a", ("b", 1), None, {"k": [1.5]}, True], plain=plain)
    pid, value = job.result()
    assert pid != os.getpid()  # computed there, not here
    assert value == ["a", ("b", 1), None, {"k": [1.5]}, True]
    assert job.failure is None


def test_objects_are_pickled_by_default() -> None:
    arr = np.arange(10, dtype=np.int32)
    pid, got = Forked(_pid_and, arr).result()
    assert pid != os.getpid() and got.dtype == np.int32 and np.array_equal(got, arr)


def test_plain_data_that_is_not_marshallable_falls_back() -> None:
    job = Forked(_pid_and, object(), plain=True)
    pid, _ = job.result()
    assert pid == os.getpid() and "ValueError" in (job.failure or "")


def _raise_in_child(parent: int) -> int:
    if os.getpid() != parent:
        raise RuntimeError("broken in the child")
    return 42


def test_an_error_in_the_child_is_computed_here_instead() -> None:
    job = Forked(_raise_in_child, os.getpid())
    assert job.result() == 42
    assert job.failure is not None and "broken in the child" in job.failure


def _die_in_child(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(3)  # as if killed: no result written
    return 7


def test_a_child_that_dies_is_replaced_by_the_serial_path() -> None:
    job = Forked(_die_in_child, os.getpid())
    assert job.result() == 7
    assert job.failure is not None


def _hang_in_child(parent: int) -> str:
    if os.getpid() != parent:
        time.sleep(60)
    return "here"


def test_a_silent_child_is_killed_at_the_deadline() -> None:
    job = Forked(_hang_in_child, os.getpid(), timeout=0.5)
    pid = job._pid
    assert job.result() == "here"
    assert "TimeoutError" in (job.failure or "")
    with pytest.raises(ChildProcessError):  # killed and reaped: no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_cancel_stops_and_reaps_the_child() -> None:
    job = Forked(_hang_in_child, os.getpid())
    pid = job._pid
    job.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _sigterm_handler() -> bool:
    return signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_the_child_does_not_keep_inherited_signal_handlers() -> None:
    # Gunicorn's master queues SIGTERM for its own loop; a helper must die on it instead.
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        assert Forked(_sigterm_handler).result() is True
        assert not _sigterm_handler()  # the parent's handler is untouched
    finally:
        signal.signal(signal.SIGTERM, previous)
