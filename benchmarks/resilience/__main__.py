"""Resilience benchmark (issue 8): the service under Gunicorn with faults, slow clients and time.

    .venv/bin/python -m benchmarks.resilience [soak] [worker_kill] [reload_faults] [slowloris]
        [--soak-seconds 600] [--lists shared|demo] [--out DIR] [--keep]

Every scenario starts its own ``python -m ai_service`` with ``SERVICE_WORKERS=2``
(Gunicorn, two Uvicorn workers) on 127.0.0.1 and the shared lists (as
``benchmarks/load``; ``--lists demo`` uses the bundled demo list instead) and
drives it from a separate process with payment texts (``benchmarks/load/texts.py``).
No scenario argument runs all four, one after another; each is bounded in time.

* ``soak`` — 80 % of the zero-error maximum for ``--soak-seconds`` (``soak.py``).
* ``worker_kill`` — SIGKILL one worker under load (``worker_kill.py``).
* ``reload_faults`` — corrupt / truncated / empty list files and an unreachable URL,
  reloaded under load (``reload_faults.py``).
* ``slowloris`` — slow headers, slow bodies and silent connections beside normal
  traffic (``slowloris.py``).

Writes ``resilience.json`` and ``resilience.md`` to ``--out`` (default
benchmarks/results): the scenarios run now replace their earlier results, the others
are kept (each says when it ran). Exit 0 when every target of the scenarios run is
met, 1 when one is missed, 2 when the benchmark cannot run here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.load import sysmon
from benchmarks.processes import Children, work_directory
from benchmarks.quality.common import machine, now_iso
from benchmarks.resilience import reload_faults, report, slowloris, soak, worker_kill
from benchmarks.resilience.common import CannotRun, Config, Context, say, source_state

SCENARIOS: dict[str, Callable[[Context], dict]] = {
    "soak": soak.run, "worker_kill": worker_kill.run, "reload_faults": reload_faults.run, "slowloris": slowloris.run,
}


def run(cfg: Config, names: list[str], workdir: Path) -> dict:
    """Run ``names`` in order; each in its own children scope (its service stopped after it)."""
    results: dict[str, dict] = {}
    for name in names:
        say(f"{name} …")
        started_at, started, load_before = now_iso(), time.monotonic(), sysmon.load_average()
        source = source_state()  # as the service starts: what it imports
        with Children() as children:
            ctx = Context(cfg, workdir / name, children)
            ctx.workdir.mkdir(parents=True, exist_ok=True)
            try:
                res = SCENARIOS[name](ctx)
            except CannotRun:
                raise
            except Exception as exc:  # one broken scenario must not hide the others' results
                res = {"error": f"{type(exc).__name__}: {exc}",
                       "targets": [{"key": f"{name}_ran", "what": "the scenario ran to its end", "value": False,
                                    "op": "==", "target": True, "unit": "", "met": False}]}
        res.update(scenario=name, started_at=started_at, wall_seconds=round(time.monotonic() - started, 1),
                   load_average_before=load_before, load_average_after=sysmon.load_average(),
                   texts=ctx.text_stats, lists_mode=cfg.lists, command=cfg.command, source=source)
        for row in res["targets"]:
            say(f"  {'ok  ' if row['met'] else 'MISS'} {row['what']}: {row['value']} (target {row['op']} "
                f"{row['target']})")
        results[name] = res
    return {"benchmark": "resilience", "machine": machine(), "scenarios": results}


def merge(previous: Path, new: dict) -> dict:
    """Earlier results of the scenarios not run now are kept."""
    try:
        old = json.loads(previous.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    scenarios = {k: v for k, v in old.get("scenarios", {}).items() if k in SCENARIOS}
    scenarios.update(new["scenarios"])
    ordered = {k: scenarios[k] for k in SCENARIOS if k in scenarios}
    return {**new, "scenarios": ordered, "updated_at": now_iso()}


def write_results(rep: dict, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    merged = merge(out / "resilience.json", rep)
    (out / "resilience.json").write_text(json.dumps(merged, indent=1, ensure_ascii=False, default=str) + "\n",
                                         encoding="utf-8")
    (out / "resilience.md").write_text(report.markdown(merged), encoding="utf-8")
    return merged


def all_met(rep: dict) -> bool:
    return all(row["met"] for res in rep["scenarios"].values() for row in res["targets"])


def parse_args(argv: list[str]) -> tuple[Config, list[str]]:
    d = Config()
    p = argparse.ArgumentParser(prog="python -m benchmarks.resilience", description=__doc__.split("\n\n")[0])
    p.add_argument("scenarios", nargs="*", choices=[*SCENARIOS, []], metavar="scenario",
                   help=f"any of {', '.join(SCENARIOS)} (default: all)")
    p.add_argument("--lists", choices=("shared", "demo"), default=d.lists)
    p.add_argument("--soak-seconds", type=float, default=d.soak_seconds)
    p.add_argument("--window-seconds", type=float, default=d.window_seconds)
    p.add_argument("--warmup-seconds", type=float, default=d.warmup_seconds)
    p.add_argument("--soak-fraction", type=float, default=d.soak_fraction)
    p.add_argument("--max-probe-seconds", type=float, default=d.max_probe_seconds)
    p.add_argument("--kill-rate", type=float, default=d.kill_rate)
    p.add_argument("--kill-seconds", type=float, default=d.kill_seconds)
    p.add_argument("--kill-at", type=float, default=d.kill_at)
    p.add_argument("--fault-rate", type=float, default=d.fault_rate)
    p.add_argument("--slow-connections", type=int, default=d.slow_connections)
    p.add_argument("--slow-rate", type=float, default=d.slow_rate)
    p.add_argument("--slow-seconds", type=float, default=d.slow_seconds)
    p.add_argument("--body-timeout", type=float, default=d.body_timeout)
    p.add_argument("--header-timeout", type=float, default=d.header_timeout)
    p.add_argument("--out", type=Path, default=d.out)
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, records)")
    a = p.parse_args(argv)
    cfg = Config(lists=a.lists, soak_seconds=a.soak_seconds, window_seconds=a.window_seconds,
                 warmup_seconds=a.warmup_seconds, soak_fraction=a.soak_fraction,
                 max_probe_seconds=a.max_probe_seconds, kill_rate=a.kill_rate, kill_seconds=a.kill_seconds,
                 kill_at=a.kill_at, fault_rate=a.fault_rate, slow_connections=a.slow_connections,
                 slow_rate=a.slow_rate, slow_seconds=a.slow_seconds, body_timeout=a.body_timeout,
                 header_timeout=a.header_timeout, out=a.out, keep=a.keep,
                 command=" ".join(["python -m benchmarks.resilience", *argv]))
    return cfg, list(dict.fromkeys(a.scenarios)) or list(SCENARIOS)


def main(argv: list[str]) -> int:
    cfg, names = parse_args(argv)
    try:
        with work_directory("resilience-", cfg.keep) as workdir:
            rep = run(cfg, names, workdir)
    except CannotRun as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    if cfg.write:
        write_results(rep, cfg.out)
        print(f"results: {cfg.out / 'resilience.md'}")
    return 0 if all_met(rep) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
