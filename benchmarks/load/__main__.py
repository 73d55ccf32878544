"""Load benchmark of issue 6 / SPEC §8: the service under Gunicorn with full lists vs a bare endpoint.

    .venv/bin/python -m benchmarks.load [--duration 10] [--rounds 2] [--out DIR] [--keep]

About 3–4 minutes with the defaults (``--max-seconds``, default 570, is a hard
bound: past it the run stops everything it started and fails). All on 127.0.0.1:

1. Builds the load from the shared lists (``texts.py``: payment texts from the
   quality benchmark's generator, names repeating Zipf-like, unique tails, 10 %
   long texts in the mixed stream) into a temporary directory.
2. Starts the service as production does — ``python -m ai_service`` with
   ``SERVICE_WORKERS=2`` (Gunicorn + 2 Uvicorn workers, ``gunicorn.conf.py``) and
   ``LISTS`` = every shared list — and times spawn → every worker ready; then
   the machine's ceiling: a bare Starlette + orjson endpoint (``bare_app.py``)
   under the same Gunicorn config and worker count.
3. Throughput: ``wrk`` (Debian's, closed loop; ``wrk.lua`` POSTs the texts in
   turn) against both, interleaved, at each ``--connections`` level, ``--rounds``
   times; the best zero-error figure of each and their ratio (SPEC §8: ≥ 0.5).
   Then the mixed stream (10 % long texts) against the service.
4. Latency at a fixed rate: ``driver.py`` (open loop, its own process; a small
   asyncio HTTP/1.1 client by default, ``--client httpx`` for httpx — see
   driver.py for why) at ``--rate`` (200/s) to the service, then to the bare
   endpoint (the floor of the stack and the driver); 10,000-character texts at
   ``--long-rate``; batches of 100 short texts to POST /process/batch one after
   another.
5. Per-layer profile: POST /analyze-complexity over a sample of short and long texts.
6. CPU per worker in every phase and of other jobs on the machine (from /proc),
   RSS/PSS per worker at ready and after the load, load average before/after.

Writes ``load.json`` and ``load.md`` to ``--out`` (default benchmarks/results).
Exit 0 when every budget is met, 1 when one is missed, 2 when the benchmark
cannot run (no ../shared/data, or ``--driver wrk`` without wrk: the message says
which; ``apt-get install -y wrk``). Without wrk, ``--driver auto`` measures
throughput with driver.py in closed loop, which saturates on the client side
long before the bare endpoint does — the results say so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from ai_service.lists.config import parse_lists_spec
from ai_service.lists.loader import load_sources_sync
from benchmarks.es_failover.procs import free_port
from benchmarks.processes import Children, LoggedProcess, kill_group, work_directory
from benchmarks.load import report, sysmon
from benchmarks.load.texts import Load, build_load
from benchmarks.quality.common import LISTS_DIR, REPO, RESULTS_DIR, lists_setting, machine, now_iso

HERE = Path(__file__).resolve().parent
WRK_LUA = HERE / "wrk.lua"
WRK_INSTALL = "apt-get install -y wrk (Debian package)"
_STRIP_ENV = ("ES_", "SEARCH_", "LISTS", "PROMETHEUS_", "SERVICE_", "API_KEYS", "ADMIN_TOKEN", "RATE_LIMIT",
              "GUNICORN_", "LOG_LEVEL", "LOG_CONFIG", "MAX_", "CACHE_SIZE", "RISK_", "LONG_TEXT", "CLEARED_")


class CannotRun(RuntimeError):
    """The benchmark cannot run here (the message says why); exit code 2."""


class TimeBound(RuntimeError):
    """The run took longer than --max-seconds."""


@dataclass
class Config:
    lists: list[str] | None = None  # list names (None: every shared list)
    workers: int = 2
    connections: list[int] = field(default_factory=lambda: [16, 64])
    rounds: int = 2
    duration: int = 10  # seconds per wrk throughput run
    warmup: int = 5  # seconds of wrk against the service before measuring
    threads: int = 1  # wrk threads (one keeps more of the 2 cores for the servers)
    mixed_seconds: int = 10
    rate: float = 200.0
    latency_seconds: float = 30.0
    bare_latency_seconds: float = 10.0
    long_rate: float = 4.0
    long_seconds: float = 20.0
    batches: int = 30
    batch_size: int = 100
    profile_short: int = 300
    profile_long: int = 20
    cases: int = 3000
    short_texts: int = 20_000
    long_texts: int = 40
    mixed_texts: int = 4000
    ready_timeout: float = 120.0
    request_timeout: float = 10.0
    driver: str = "auto"  # throughput tool: auto (wrk if installed, else the driver) | wrk | driver
    client: str = "raw"  # the driver's HTTP client: raw | httpx (see driver.py)
    log_level: str = "INFO"
    max_seconds: float = 570.0
    out: Path = RESULTS_DIR
    write: bool = True
    keep: bool = False
    command: str = "python -m benchmarks.load"


def _say(text: str) -> None:
    print(text, flush=True)


def wrk_binary() -> str | None:
    return shutil.which("wrk")


# -- processes -------------------------------------------------------------------------------


class Server(LoggedProcess):
    """A Gunicorn master (own process group) on 127.0.0.1 and how long it took to be ready."""

    stop_grace = 20.0

    def __init__(self, name: str, argv: list[str], env: dict[str, str], workdir: Path, workers: int,
                 ready_marker: str | None) -> None:
        self.name, self.argv, self.workers_wanted, self.ready_marker = name, argv, workers, ready_marker
        self.port = free_port()
        self.log = workdir / f"{name}.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(_STRIP_ENV)}
        self.env = {**base, "SERVICE_HOST": "127.0.0.1", "SERVICE_PORT": str(self.port),
                    "SERVICE_WORKERS": str(workers), **env}
        self.proc: subprocess.Popen | None = None
        self.spawned = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def workers(self) -> list[int]:
        return sysmon.children_of(self.pid) if self.proc else []

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.spawned = time.monotonic()
            self.proc = subprocess.Popen(self.argv, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def _ready_pids(self) -> set[int]:
        pids: set[int] = set()
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return pids
        for line in text.splitlines():
            if self.ready_marker and self.ready_marker in line:
                try:
                    pids.add(int(json.loads(line)["pid"]))
                except (ValueError, KeyError, TypeError):
                    continue
        return pids

    def wait_ready(self, timeout: float) -> dict:
        """Poll /health/ready (and the log, for every worker's ready line) every 50 ms."""
        first = None
        deadline = self.spawned + timeout
        last = "no answer"
        with httpx.Client(base_url=self.url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.proc is None or self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited during start-up: {self.tail()}")
                try:
                    r = client.get("/health/ready")
                    last = f"HTTP {r.status_code}"
                    if r.status_code == 200:
                        now = time.monotonic()
                        first = first if first is not None else now - self.spawned
                        workers = self.workers()
                        if self.ready_marker:
                            done = len(self._ready_pids() & set(workers)) >= self.workers_wanted
                        else:
                            done = len(workers) >= self.workers_wanted
                        if done:
                            return {"first_worker_ready_s": round(first, 3),
                                    "all_workers_ready_s": round(now - self.spawned, 3),
                                    "workers": [{"pid": p, **sysmon.memory_mb(p)} for p in workers]}
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready within {timeout:.0f} s ({last}): {self.tail()}")



def _run_child(children: Children, argv: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run a load tool in its own process group, bounded; its group is killed on timeout or exit."""
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    children.add(lambda: kill_group(proc, signal.SIGKILL, 5.0))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc, signal.SIGKILL, 5.0)
        raise RuntimeError(f"{argv[0]} did not finish within {timeout:.0f} s") from None
    return subprocess.CompletedProcess(argv, proc.returncode, out.decode(errors="replace"),
                                       err.decode(errors="replace"))


class Bench:
    """One run: the servers, the load files, the phases and their records."""

    def __init__(self, cfg: Config, workdir: Path, children: Children, files: dict[str, Path]) -> None:
        self.cfg, self.workdir, self.children, self.files = cfg, workdir, children, files
        self.service: Server | None = None
        self.bare: Server | None = None
        self.phases: list[dict] = []
        self.wrk = wrk_binary() if cfg.driver in ("auto", "wrk") else None
        self._driver_runs = 0

    def servers(self) -> dict[str, Server]:
        return {n: s for n, s in (("service", self.service), ("bare", self.bare)) if s is not None}

    def meter(self) -> sysmon.Meter:
        groups = {f"{n}_workers": s.workers() for n, s in self.servers().items()}
        groups["masters"] = [s.pid for s in self.servers().values()]
        return sysmon.Meter(groups)

    def phase(self, name: str, meter: sysmon.Meter) -> dict:
        entry = {"phase": name, **meter.stop()}
        self.phases.append(entry)
        return entry

    # -- load tools ----------------------------------------------------------------------------

    def wrk_run(self, server: Server, path: str, bodies: Path, connections: int, seconds: int) -> dict:
        assert self.wrk is not None
        threads = max(1, min(self.cfg.threads, connections))
        argv = [self.wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, int(seconds))}s",
                "--timeout", f"{max(1, int(self.cfg.request_timeout))}s", "-s", str(WRK_LUA), server.url + path,
                "--", str(bodies), path]
        done = _run_child(self.children, argv, seconds + self.cfg.request_timeout + 30)
        line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
        if done.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed (exit {done.returncode}): {done.stderr[-800:]} {done.stdout[-800:]}")
        return report.wrk_summary(json.loads(line[len("WRK_JSON "):]), connections, threads)

    def driver_run(self, server: Server, path: str, bodies: Path, **options: object) -> dict:
        self._driver_runs += 1
        conf = self.workdir / f"driver-{self._driver_runs}.json"
        out = self.workdir / f"driver-{self._driver_runs}-records.json"
        conf.write_text(json.dumps({"url": server.url, "path": path, "bodies": str(bodies), "out": str(out),
                                    "timeout": self.cfg.request_timeout, **options}), encoding="utf-8")
        bound = float(options.get("warmup", 0)) + float(options.get("seconds", 10)) + self.cfg.request_timeout + 30
        done = _run_child(self.children, [sys.executable, "-m", "benchmarks.load.driver", str(conf)], bound)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"driver failed (exit {done.returncode}): {done.stderr[-1500:]}")
        return report.driver_summary(json.loads(out.read_text(encoding="utf-8")))

    def driver(self, server: Server, path: str, bodies: Path, **options: object) -> dict:
        return self.driver_run(server, path, bodies, client=self.cfg.client, **options)

    def closed_loop(self, server: Server, bodies: Path, connections: int, seconds: float) -> dict:
        """Throughput: wrk when installed, else driver.py in closed loop."""
        if self.wrk:
            return self.wrk_run(server, "/process", bodies, connections, int(seconds))
        summary = self.driver(server, "/process", bodies, mode="closed", connections=connections,
                              seconds=seconds, warmup=1.0)
        return {"tool": summary["tool"], "connections": connections, "threads": 1, "seconds": seconds,
                "requests": summary["requests"], "throughput_rps": summary.get("throughput_rps") or 0.0,
                "errors": summary["errors"], "error_kinds": {}, "latency": summary["latency"]}


def _check_time(started: float, cfg: Config, what: str) -> None:
    if time.monotonic() - started > cfg.max_seconds:
        raise TimeBound(f"--max-seconds {cfg.max_seconds:g} passed before {what}")


def _on_alarm(signum: int, frame: object) -> None:
    raise TimeBound("the run passed --max-seconds; everything it started is being stopped")


def run(cfg: Config, workdir: Path) -> dict:
    """The whole benchmark; returns the report (``write_results`` writes it)."""
    if not LISTS_DIR.is_dir():
        raise CannotRun(f"shared data absent ({LISTS_DIR}): the benchmark loads the shared lists from "
                        "../shared/data beside the repository")
    if cfg.driver == "wrk" and wrk_binary() is None:
        raise CannotRun(f"wrk is not installed: {WRK_INSTALL}; or run with --driver driver")
    if cfg.driver not in ("auto", "wrk", "driver"):
        raise CannotRun(f"unknown --driver {cfg.driver!r} (auto | wrk | driver)")
    if cfg.client not in ("raw", "httpx"):
        raise CannotRun(f"unknown --client {cfg.client!r} (raw | httpx)")
    started_at, started = now_iso(), time.monotonic()
    old_alarm = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, cfg.max_seconds)
    try:
        return _run(cfg, workdir, started_at, started)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_alarm)


def _run(cfg: Config, workdir: Path, started_at: str, started: float) -> dict:
    load_before = sysmon.load_average()
    setting = lists_setting(set(cfg.lists) if cfg.lists else None)
    _say(f"building the load from {LISTS_DIR} …")
    t = time.monotonic()
    snapshot = load_sources_sync(parse_lists_spec(setting))
    entities = sum(1 for _ in snapshot.entities())
    load: Load = build_load(snapshot, cases=cfg.cases, short=cfg.short_texts, long=cfg.long_texts,
                            batches=cfg.batches, batch_size=cfg.batch_size, mixed=cfg.mixed_texts)
    lists_info = {"names": sorted(snapshot.lists), "entities": entities}
    del snapshot
    files = load.write(workdir / "load")
    _say(f"  {entities:,} entities; {len(load.short):,} short, {len(load.mixed):,} mixed, {len(load.long)} long "
         f"texts, {len(load.batches)} batches ({time.monotonic() - t:.1f} s)")
    notes: list[str] = []
    with Children() as children:
        try:
            m = _measure(cfg, workdir, started, children, files, load, setting, notes)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)  # no alarm while the children are being stopped
    # every child is stopped here
    return _compose(cfg, m, load, lists_info, notes, started_at, started, load_before)


def _measure(cfg: Config, workdir: Path, started: float, children: Children, files: dict[str, Path], load: Load,
             setting: str, notes: list[str]) -> dict:
    """Start both servers and run every phase; the raw figures."""
    bench = Bench(cfg, workdir, children, files)
    source = _source_state()  # as the service starts: what it imports
    if cfg.driver == "auto" and bench.wrk is None:
        notes.append(f"wrk is not installed ({WRK_INSTALL}): throughput measured with driver.py in "
                     "closed loop, which saturates on the client side long before the bare endpoint does, so "
                     "the ratio is not SPEC §8's figure — install wrk for that.")
        _say("wrk not found: throughput falls back to driver.py, closed loop (" + WRK_INSTALL + ")")
    # -- start-up -----------------------------------------------------------------------------
    svc = Server("service", [sys.executable, "-m", "ai_service"],
                 {"LISTS": setting, "LOG_LEVEL": cfg.log_level,
                  "PROMETHEUS_MULTIPROC_DIR": str(workdir / "prometheus-service")},
                 workdir, cfg.workers, "lists loaded" if cfg.log_level.upper() in ("DEBUG", "INFO") else None)
    bench.service = svc
    meter = sysmon.Meter({})
    svc.start()
    children.add(svc.stop)
    ready = svc.wait_ready(cfg.ready_timeout)
    startup = bench.phase("service start-up", meter)
    own = sum(sysmon.cpu_seconds(p) or 0.0 for p in [svc.pid, *svc.workers()])
    ready["cpu_seconds"] = round(own, 2)  # master + workers: all of it spent starting
    if startup["seconds"]:
        startup["others_cores"] = round(max(0.0, startup["machine_cores_busy"] - own / startup["seconds"]), 2)
    _say(f"service ready: first worker {ready['first_worker_ready_s']} s, all {ready['all_workers_ready_s']} s; "
         f"RSS {[w['rss_mb'] for w in ready['workers']]} MB")
    bare = Server("bare", [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
                           "benchmarks.load.bare_app:app"],
                  {"PROMETHEUS_ENABLED": "false", "LOG_LEVEL": cfg.log_level}, workdir, cfg.workers, None)
    bench.bare = bare
    bare.start()
    children.add(bare.stop)
    bare_ready = bare.wait_ready(30.0)

    # -- warm-up --------------------------------------------------------------------------------
    _check_time(started, cfg, "the warm-up")
    meter = bench.meter()
    warm = [bench.closed_loop(svc, files["short"], cfg.connections[0], max(1, cfg.warmup)),
            bench.closed_loop(bare, files["short"], cfg.connections[0], max(1, min(cfg.warmup, 2)))]
    bench.phase("warm-up", meter)
    errors = {"warm-up": sum(w["errors"] for w in warm)}

    # -- throughput -----------------------------------------------------------------------------
    runs: list[dict] = []
    for rnd in range(1, cfg.rounds + 1):
        for conns in cfg.connections:
            for name, server in (("bare", bare), ("service", svc)):
                _check_time(started, cfg, "a throughput run")
                meter = bench.meter()
                res = bench.closed_loop(server, files["short"], conns, cfg.duration)
                res.update(target=name, round=rnd, cpu=bench.phase(f"throughput {name} c={conns} #{rnd}", meter))
                res["worker_cpu_ms_per_request"] = report.cpu_ms_per_request(res, res["cpu"][f"{name}_workers"])
                runs.append(res)
                _say(f"  throughput {name:7s} c={conns:<3d} round {rnd}: {res['throughput_rps']:,.0f} req/s, "
                     f"{res['errors']} errors, p99 {res['latency'].get('p99_ms')} ms")
    errors["throughput"] = sum(r["errors"] for r in runs)
    tp = report.throughput(runs)
    _say(f"throughput ratio {tp['ratio']} (service {tp['service_rps']} / bare {tp['bare_rps']})")

    mixed = None
    if cfg.mixed_seconds > 0:
        _check_time(started, cfg, "the mixed run")
        meter = bench.meter()
        mixed = bench.closed_loop(svc, files["mixed"], cfg.connections[0], cfg.mixed_seconds)
        mixed["cpu"] = bench.phase("mixed traffic (10 % long) service", meter)
        errors["mixed"] = mixed["errors"]
        _say(f"  mixed: {mixed['throughput_rps']:,.0f} req/s, {mixed['errors']} errors")

    # -- latency at a fixed rate ----------------------------------------------------------------
    _check_time(started, cfg, "the latency runs")
    latency: dict = {}
    for name, server, seconds in (("service", svc, cfg.latency_seconds),
                                  ("bare", bare, cfg.bare_latency_seconds)):
        meter = bench.meter()
        latency[name] = bench.driver(server, "/process", files["short"], mode="open", rate=cfg.rate,
                                     seconds=seconds, warmup=min(3.0, seconds / 3), connections=256,
                                     start_index=5000)
        latency[name]["cpu"] = bench.phase(f"{cfg.rate:g} req/s {name}", meter)
        errors[f"latency {name}"] = latency[name]["errors"]
        la = latency[name]["latency"]
        _say(f"  {cfg.rate:g}/s {name}: p50 {la.get('p50_ms')} p95 {la.get('p95_ms')} p99 {la.get('p99_ms')} ms, "
             f"{latency[name]['errors']} errors")

    _check_time(started, cfg, "the long-text run")
    meter = bench.meter()
    long_text = bench.driver(svc, "/process", files["long"], mode="open", rate=cfg.long_rate,
                             seconds=cfg.long_seconds, warmup=1.0, connections=64)
    long_text["cpu"] = bench.phase(f"10,000 chars at {cfg.long_rate:g}/s", meter)
    errors["long text"] = long_text["errors"]
    _say(f"  10k chars: p50 {long_text['latency'].get('p50_ms')} p95 {long_text['latency'].get('p95_ms')} ms")

    _check_time(started, cfg, "the batch run")
    meter = bench.meter()
    batch = bench.driver(svc, "/process/batch", files["batch"], mode="closed", connections=1,
                         count=cfg.batches, seconds=cfg.batches * 10.0, warmup=0.0, check_slots=True)
    batch["cpu"] = bench.phase(f"batches of {cfg.batch_size}", meter)
    errors["batch"] = batch["errors"]
    _say(f"  batch of {cfg.batch_size}: p50 {batch['latency'].get('p50_ms')} p95 "
         f"{batch['latency'].get('p95_ms')} ms")

    # -- per-layer profile -----------------------------------------------------------------------
    _check_time(started, cfg, "the profile")
    meter = bench.meter()
    profile, profile_errors = _profile(svc, load, cfg)
    bench.phase("profile (/analyze-complexity)", meter)
    errors["profile"] = profile_errors

    stats = _get_json(svc, "/stats")
    after = {}
    for name, server in bench.servers().items():
        after[name] = [{"pid": p, **sysmon.memory_mb(p), "cpu_seconds": round(sysmon.cpu_seconds(p) or 0.0, 2)}
                       for p in server.workers()]
    return {"source": source, "bench": bench, "ready": ready, "bare_ready": bare_ready, "runs": runs, "tp": tp,
            "mixed": mixed, "latency": latency, "long_text": long_text, "batch": batch, "profile": profile,
            "errors": errors, "stats": stats, "after": after}


def _compose(cfg: Config, m: dict, load: Load, lists_info: dict, notes: list[str], started_at: str,
             started: float, load_before: list[float]) -> dict:
    bench, ready, bare_ready, runs, tp = m["bench"], m["ready"], m["bare_ready"], m["runs"], m["tp"]
    mixed, latency, long_text, batch = m["mixed"], m["latency"], m["long_text"], m["batch"]
    profile, errors, stats, after = m["profile"], m["errors"], m["stats"], m["after"]
    load_after = sysmon.load_average()
    measured = [p for p in bench.phases if p["phase"] not in ("service start-up",)]
    others = [p["others_cores"] for p in measured]
    lat_svc = latency["service"]["latency"]
    rss = [w["rss_mb"] for w in after["service"] if w.get("rss_mb") is not None]
    rss += [w["rss_mb"] for w in ready["workers"] if w.get("rss_mb") is not None]
    values = {
        "process_short_p95_ms_at_rate": lat_svc.get("p95_ms"),
        "process_short_p99_ms_at_rate": lat_svc.get("p99_ms"),
        "throughput_ratio": tp["ratio"],
        "errors": sum(errors.values()),
        "long_text_p95_ms": long_text["latency"].get("p95_ms"),
        "batch_p95_ms": batch["latency"].get("p95_ms"),
        "ready_seconds": ready["all_workers_ready_s"],
        "rss_mb_per_worker": max(rss) if rss else None,
    }
    rows = report.budgets(values)
    cpu = tp.get("worker_cpu_ms_per_request_median", {})
    pipe = profile.get("short texts", {}).get("layers", {}).get("total", {}).get("mean_ms")
    time_split = {"service_worker_cpu_ms_per_request": cpu.get("service"),
                  "bare_worker_cpu_ms_per_request": cpu.get("bare"), "pipeline_ms_per_short_text": pipe,
                  "service_http_layer_ms": round(cpu["service"] - cpu["bare"] - pipe, 3)
                  if None not in (cpu.get("service"), cpu.get("bare"), pipe) else None}
    if cfg.rate != 200.0:
        notes.append(f"latency measured at {cfg.rate:g} requests/s, not SPEC §8's 200")
    tools = {
        "throughput (both targets), mixed traffic": (
            f"wrk {_wrk_version(bench.wrk)} (closed loop, {cfg.threads} thread(s), `benchmarks/load/wrk.lua`), "
            f"{cfg.duration} s per run" if bench.wrk else "`benchmarks/load/driver.py`, closed loop ("
            + ("--driver driver)" if cfg.driver == "driver" else "wrk not installed)")),
        f"latency at {cfg.rate:g} requests/s (service, bare), 10,000-char texts, batches": (
            f"`benchmarks/load/driver.py` in its own process ({latency['service']['tool']}); fixed rate, open "
            "loop (a request leaves on schedule whatever the previous ones do), latency = handing the request to "
            "the client → full response; batches one after another (closed loop, 1 connection)"),
        "per-layer profile, RSS, ready time": "this harness (httpx, /proc)",
    }
    rep = {
        "benchmark": "load", "command": cfg.command, "started_at": started_at,
        "wall_seconds": round(time.monotonic() - started, 1),
        "machine": machine(), "source": m["source"], "load_average_before": load_before,
        "load_average_after": load_after,
        "others_cores_mean": round(sum(others) / len(others), 2) if others else None,
        "others_cores_max": max(others) if others else None,
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()
                   if k not in ("out", "write", "keep", "command")},
        "lists": lists_info, "texts": load.stats, "tools": tools,
        "startup": {"service": ready, "bare": bare_ready},
        "throughput_runs": runs, "throughput": tp, "mixed": mixed,
        "latency_at_rate": latency, "long_text": long_text, "batch": batch,
        "profile": profile, "time_split": time_split, "errors_by_phase": errors,
        "workers_after": after, "service_stats": _stats_digest(stats), "phases": bench.phases,
        "values": values, "budgets": rows, "reference_rows": _reference_rows(),
        "met": {r["key"]: r["met"] for r in rows}, "all_met": all(r["met"] for r in rows), "notes": notes,
    }
    return rep


def _wrk_version(binary: str | None) -> str:
    if not binary:
        return ""
    try:
        out = subprocess.run([binary, "-v"], capture_output=True, text=True, timeout=5)
        first = (out.stdout or out.stderr).splitlines()[0]
        return first.split()[1] if len(first.split()) > 1 else first
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def _source_state() -> dict:
    """The commit measured and whether the service's code differed from it (a shared work tree)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    changed = [ln[3:] for ln in git("status", "--porcelain", "--", "ai_service", "gunicorn.conf.py").splitlines()]
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_service_files": changed}


def _get_json(server: Server, path: str) -> dict:
    try:
        return httpx.get(server.url + path, timeout=5.0).json()
    except (httpx.HTTPError, ValueError):
        return {}


def _stats_digest(stats: dict) -> dict:
    """What /stats (one worker's) says about caches and latency, if it says it."""
    keep = {k: stats[k] for k in ("caches", "latency_ms", "requests", "errors", "decisions") if k in stats}
    return keep or {k: stats[k] for k in list(stats)[:6]}


def _profile(svc: Server, load: Load, cfg: Config) -> tuple[dict, int]:
    """POST /analyze-complexity over evenly spaced short texts and the first long ones, one at a time."""
    samples = {
        "short texts": load.short[:: max(1, len(load.short) // max(1, cfg.profile_short))][: cfg.profile_short],
        "10,000-character texts": load.long[: cfg.profile_long],
    }
    out, errors = {}, 0
    with httpx.Client(base_url=svc.url, timeout=cfg.request_timeout) as client:
        for name, texts in samples.items():
            reports = []
            for text in texts:
                try:
                    r = client.post("/analyze-complexity", json={"text": text})
                except httpx.HTTPError:
                    errors += 1
                    continue
                if r.status_code != 200:
                    errors += 1
                    continue
                reports.append(r.json())
            out[name] = report.layer_profile(reports)
    return out, errors


def _reference_rows() -> list[dict]:
    """SPEC §8's Elasticsearch row, measured by benchmarks.es_failover (not by this run)."""
    path = RESULTS_DIR / "es_failover.json"
    try:
        es = json.loads(path.read_text(encoding="utf-8"))
        growth = es["failover"]["p95_growth_ms"]
        failed = sum(f["failed"] for f in es["failures"].values())
        met = es["met"]["p95_growth_le_2ms"] and es["met"]["zero_failed_requests"]
        value = f"p95 growth {growth} ms, {failed} failed"
        when = es.get("started_at", "?")
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [{"key": "es_down", "what": "Elasticsearch down: p95 growth, failed requests (from "
             f"`benchmarks/results/es_failover.json`, {when}; not measured by this run)", "value": value,
             "target": "≤ 2 ms, 0", "met": ("yes" if met else "**no**") + " (not counted here)"}]


def write_results(rep: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(rep, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "load.md").write_text(report.markdown(rep), encoding="utf-8")


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args(argv: list[str]) -> tuple[Config, argparse.Namespace]:
    d = Config()
    p = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=int, default=d.duration, help="seconds per wrk throughput run")
    p.add_argument("--warmup", type=int, default=d.warmup)
    p.add_argument("--connections", type=_ints, default=d.connections, help="comma-separated, e.g. 16,64")
    p.add_argument("--rounds", type=int, default=d.rounds)
    p.add_argument("--threads", type=int, default=d.threads, help="wrk threads")
    p.add_argument("--mixed-seconds", type=int, default=d.mixed_seconds)
    p.add_argument("--rate", type=float, default=d.rate, help="requests/s of the latency run (SPEC: 200)")
    p.add_argument("--latency-seconds", type=float, default=d.latency_seconds)
    p.add_argument("--long-rate", type=float, default=d.long_rate)
    p.add_argument("--long-seconds", type=float, default=d.long_seconds)
    p.add_argument("--batches", type=int, default=d.batches)
    p.add_argument("--workers", type=int, default=d.workers)
    p.add_argument("--lists", type=lambda s: [x for x in s.split(",") if x], default=None,
                   help="comma-separated shared list names (default: all)")
    p.add_argument("--driver", choices=("auto", "wrk", "driver"), default=d.driver,
                   help="throughput tool: wrk, or driver.py in closed loop (auto: wrk when installed)")
    p.add_argument("--client", choices=("raw", "httpx"), default=d.client, help="driver.py's HTTP client")
    p.add_argument("--log-level", default=d.log_level)
    p.add_argument("--max-seconds", type=float, default=d.max_seconds)
    p.add_argument("--out", type=Path, default=d.out)
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, load files, records)")
    a = p.parse_args(argv)
    cfg = Config(duration=a.duration, warmup=a.warmup, connections=a.connections, rounds=a.rounds,
                 threads=a.threads, mixed_seconds=a.mixed_seconds, rate=a.rate, latency_seconds=a.latency_seconds,
                 long_rate=a.long_rate, long_seconds=a.long_seconds, batches=a.batches, workers=a.workers,
                 lists=a.lists, driver=a.driver, client=a.client, log_level=a.log_level, max_seconds=a.max_seconds,
                 out=a.out, keep=a.keep, command=" ".join(["python -m benchmarks.load", *argv]))
    return cfg, a


def main(argv: list[str]) -> int:
    cfg, _ = parse_args(argv)
    try:
        with work_directory("load-bench-", cfg.keep) as workdir:
            rep = run(cfg, workdir)
    except CannotRun as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    except TimeBound as exc:
        print(f"stopped: {exc}", file=sys.stderr)
        return 1
    if cfg.write:
        write_results(rep, cfg.out)
    for row in rep["budgets"]:
        print(f"{'ok  ' if row['met'] else 'MISS'} {row['what']}: {row['value']} {row['unit']} "
              f"(target {row['op']} {row['target']})")
    print(f"results: {cfg.out / 'load.md'}")
    return 0 if rep["all_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
