"""What every resilience scenario shares: configuration, the lists and texts, the
service under Gunicorn, the load processes, and the arithmetic of targets.

The service is started as production starts it (``python -m ai_service``,
``SERVICE_WORKERS=2``: Gunicorn with two Uvicorn workers) by the load benchmark's
``Server`` class; the load comes from ``driver.py`` in its own process, on loopback.
"""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ai_service.lists.config import parse_lists_spec
from ai_service.lists.loader import ListsSnapshot, load_sources_sync
from benchmarks.load import sysmon
from benchmarks.load.__main__ import Server
from benchmarks.load.report import driver_summary, latency_ms, percentile
from benchmarks.load.texts import build_load
from benchmarks.processes import Children, kill_group
from benchmarks.quality.common import ALL_LISTS, LISTS_DIR, REPO, RESULTS_DIR

DEMO_LIST = REPO / "demo" / "demo_list.ftm.json"
ADMIN_TOKEN = "resilience-benchmark-admin-token"
READY_MARKER = "lists loaded"  # the service's INFO line, with the worker's pid, once a snapshot is served

__all__ = ["ADMIN_TOKEN", "Config", "Context", "LISTS_DIR", "RESULTS_DIR", "Server", "latency_ms", "percentile",
           "target"]


class CannotRun(RuntimeError):
    """A scenario cannot run here (the message says why)."""


@dataclass
class Config:
    lists: str = "shared"  # shared: every shared list (as benchmarks/load) | demo: the bundled demo list
    workers: int = 2
    # soak
    soak_seconds: float = 600.0
    window_seconds: float = 30.0
    warmup_seconds: float = 30.0  # the first window(s) covering this long are warm-up, outside the targets
    max_probe_seconds: float = 10.0  # closed loop measuring the zero-error maximum
    max_probe_connections: list[int] = field(default_factory=lambda: [8, 32])
    soak_fraction: float = 0.8
    # worker_kill
    kill_rate: float = 100.0
    kill_seconds: float = 40.0
    kill_at: float = 15.0
    # reload_faults
    fault_rate: float = 50.0
    # slowloris
    slow_connections: int = 200
    slow_rate: float = 100.0
    slow_seconds: float = 30.0
    baseline_seconds: float = 15.0
    body_timeout: float = 10.0  # REQUEST_BODY_TIMEOUT_SECONDS of the slowloris service
    header_timeout: float = 10.0  # REQUEST_HEADER_TIMEOUT_SECONDS of the slowloris service
    # texts
    cases: int = 1500
    short_texts: int = 8000
    request_timeout: float = 10.0
    ready_timeout: float = 120.0
    out: Path = RESULTS_DIR
    write: bool = True
    keep: bool = False
    command: str = "python -m benchmarks.resilience"


def _say(text: str) -> None:
    print(text, flush=True)


say = _say


def list_sources(mode: str, replace: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(name, format, location) of every list; ``replace`` maps a shared-list relative path (or
    "demo") to another location — a temporary copy the reload scenario may break."""
    replace = replace or {}
    if mode == "demo":
        return [("demo", "ftm", replace.get("demo", str(DEMO_LIST)))]
    if not LISTS_DIR.is_dir():
        raise CannotRun(f"shared data absent ({LISTS_DIR}); run with --lists demo for the bundled demo list")
    return [(n, fmt, replace.get(rel, str(LISTS_DIR / rel))) for n, fmt, rel in ALL_LISTS]


def lists_value(sources: list[tuple[str, str, str]]) -> str:
    return ",".join(f"{n}={fmt}:{loc}" for n, fmt, loc in sources)


class Context:
    """One run: configuration, work directory, the children to stop, the texts."""

    def __init__(self, cfg: Config, workdir: Path, children: Children) -> None:
        self.cfg, self.workdir, self.children = cfg, workdir, children
        self.sources = list_sources(cfg.lists)
        self.lists = lists_value(self.sources)
        self._snapshot: ListsSnapshot | None = None
        self._bodies: Path | None = None
        self._runs = 0
        self.text_stats: dict = {}

    def snapshot(self) -> ListsSnapshot:
        if self._snapshot is None:
            self._snapshot = load_sources_sync(parse_lists_spec(self.lists))
        return self._snapshot

    def bodies(self) -> Path:
        """Short payment texts (benchmarks/load/texts.py) as /process bodies, one per line."""
        if self._bodies is None:
            t = time.monotonic()
            load = build_load(self.snapshot(), cases=self.cfg.cases, short=self.cfg.short_texts, long=0,
                              batches=0, mixed=0)
            self.text_stats = {k: load.stats[k] for k in ("cases", "positive_cases", "short", "seed")}
            self._bodies = self.workdir / "short.jsonl"
            self._bodies.write_text("".join(json.dumps({"text": s}, ensure_ascii=False) + "\n"
                                            for s in load.short), encoding="utf-8")
            _say(f"  {len(load.short):,} texts from {self.snapshot().total_entities:,} entities "
                 f"({time.monotonic() - t:.1f} s)")
        return self._bodies

    def service(self, name: str, env: dict[str, str] | None = None, lists: str | None = None) -> Server:
        """``python -m ai_service`` under Gunicorn, started and ready (every worker)."""
        wd = self.workdir / name
        wd.mkdir(parents=True, exist_ok=True)
        server = Server(name, [sys.executable, "-m", "ai_service"],
                        {"LISTS": lists or self.lists, "LOG_LEVEL": "INFO", "ADMIN_TOKEN": ADMIN_TOKEN,
                         "PROMETHEUS_MULTIPROC_DIR": str(wd / "prometheus"), **(env or {})},
                        wd, self.cfg.workers, READY_MARKER)
        server.start()
        self.children.add(server.stop)
        server.ready = server.wait_ready(self.cfg.ready_timeout)  # type: ignore[attr-defined]
        return server

    # -- load ------------------------------------------------------------------------------------
    def child(self, argv: list[str]) -> subprocess.Popen:
        proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        self.children.add(lambda: kill_group(proc, signal.SIGKILL, 5.0))
        return proc

    def start_drive(self, server: Server, rate: float, seconds: float, *, retry_reset: bool = False) -> Drive:
        """Open-loop load (``driver.py``, its own process) for at most ``seconds``, in the background."""
        self._runs += 1
        conf = self.workdir / f"drive-{self._runs}.json"
        out = self.workdir / f"drive-{self._runs}-records.json"
        conf.write_text(json.dumps({"url": server.url, "path": "/process", "bodies": str(self.bodies()),
                                    "out": str(out), "rate": rate, "seconds": seconds,
                                    "timeout": self.cfg.request_timeout, "retry_reset": retry_reset,
                                    "start_index": 97 * self._runs}), encoding="utf-8")
        proc = self.child([sys.executable, "-m", "benchmarks.resilience.driver", str(conf)])
        return Drive(proc, out, time.monotonic() + seconds + 2 * self.cfg.request_timeout + 30)

    def drive(self, server: Server, rate: float, seconds: float, *, retry_reset: bool = False,
              during: Callable[[float], None] | None = None, tick: float = 0.25) -> dict:
        """``start_drive`` and wait for it; ``during(now)`` is called every ``tick`` seconds meanwhile
        (monotonic clock, which is the driver's too). Returns the driver's output."""
        run = self.start_drive(server, rate, seconds, retry_reset=retry_reset)
        while run.running():
            if during is not None:
                during(time.monotonic())
            time.sleep(tick)
        return run.result()

    def closed_loop(self, server: Server, connections: int, seconds: float) -> dict:
        """Zero-error throughput, closed loop (benchmarks/load/driver.py), and its summary."""
        self._runs += 1
        conf = self.workdir / f"closed-{self._runs}.json"
        out = self.workdir / f"closed-{self._runs}-records.json"
        conf.write_text(json.dumps({"url": server.url, "path": "/process", "bodies": str(self.bodies()),
                                    "out": str(out), "mode": "closed", "connections": connections,
                                    "seconds": seconds, "warmup": min(2.0, seconds / 4),
                                    "timeout": self.cfg.request_timeout, "start_index": 31 * self._runs}),
                        encoding="utf-8")
        proc = self.child([sys.executable, "-m", "benchmarks.load.driver", str(conf)])
        return driver_summary(child_output(proc, out, seconds + self.cfg.request_timeout + 30,
                                           "the closed-loop driver"))


class Drive:
    """A running driver.py; ``stop`` ends its schedule early (SIGTERM), ``result`` waits for its output."""

    def __init__(self, proc: subprocess.Popen, out: Path, deadline: float) -> None:
        self.proc, self.out, self.deadline = proc, out, deadline

    def running(self) -> bool:
        if self.proc.poll() is None and time.monotonic() > self.deadline:
            kill_group(self.proc, signal.SIGKILL, 5.0)
            raise RuntimeError("the driver did not finish within its time bound")
        return self.proc.poll() is None

    def stop(self) -> dict:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.result()

    def result(self) -> dict:
        while self.running():
            time.sleep(0.05)
        return child_output(self.proc, self.out, 0.0, "the driver")


def child_output(proc: subprocess.Popen, out: Path, timeout: float, what: str) -> dict:
    """Wait (at most ``timeout`` s) for a child that writes its result as JSON to ``out``; a child
    that overstays is killed, one that failed raises with the end of its stderr."""
    try:
        proc.wait(timeout=timeout or None)
    except subprocess.TimeoutExpired:
        kill_group(proc, signal.SIGKILL, 5.0)
        raise RuntimeError(f"{what} did not finish in time") from None
    if proc.returncode != 0 or not out.exists():
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{what} failed (exit {proc.returncode}): {err[-1500:]}")
    return json.loads(out.read_text(encoding="utf-8"))


# -- records ------------------------------------------------------------------------------------

def outcome(records: list[list], t_from: float = -math.inf, t_to: float = math.inf) -> dict:
    """Requests scheduled in [t_from, t_to): sent, failed before and after the retry, latency."""
    recs = [r for r in records if t_from <= r[0] < t_to]
    ok = [r for r in recs if r[3] == 200]
    raw_fail = [r for r in recs if r[5]]  # the first attempt failed (or was not sent)
    kinds: dict[str, int] = {}
    for r in raw_fail:
        kinds[r[5]] = kinds.get(r[5], 0) + 1
    return {"requests": len(recs), "ok": len(ok), "failed": len(recs) - len(ok),
            "failed_first_attempt": len(raw_fail), "retried": sum(1 for r in recs if r[4] == 2),
            "first_failure_kinds": kinds, "latency": latency_ms([r[2] - r[1] for r in ok])}


def rate_of(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def target(key: str, what: str, value: object, op: str, goal: object, unit: str = "") -> dict:
    """One target row; ``value`` None (not measured) is missed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        met = False
    elif op == "<=":
        met = value <= goal  # type: ignore[operator]
    elif op == "<":
        met = value < goal  # type: ignore[operator]
    elif op == ">=":
        met = value >= goal  # type: ignore[operator]
    else:
        met = value == goal
    return {"key": key, "what": what, "value": value, "op": op, "target": goal, "unit": unit, "met": bool(met)}


def source_state() -> dict:
    """The commit measured and the service files that differed from it (a shared work tree)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""
    changed = [ln[3:] for ln in git("status", "--porcelain", "--", "ai_service", "gunicorn.conf.py").splitlines()]
    return {"commit": git("rev-parse", "HEAD").strip(), "uncommitted_service_files": changed}


def worker_memory(server: Server) -> list[dict]:
    return [{"pid": p, **sysmon.memory_mb(p)} for p in server.workers()]


def log_lines(server: Server) -> list[dict]:
    """The service's JSON log lines (Gunicorn's and the app's)."""
    out = []
    try:
        text = server.log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out
