"""Soak: a long steady load at 80 % of the zero-error maximum; latency and memory must not drift.

1. The maximum: ``benchmarks/load/driver.py`` in closed loop at each of
   ``--max-connections`` for ``--max-probe-seconds``; the best run without a failed request.
2. ``driver.py`` (open loop) at ``--soak-fraction`` of it for ``--soak-seconds``, RSS of
   every worker sampled each second meanwhile.
3. Per ``--window-seconds`` window (by scheduled send time): requests, failures, p50 /
   p95 / p99, RSS per worker at the window's end.

Targets, after warm-up (the windows starting before ``--warmup-seconds``; the first
window at least): zero failed requests over the whole run; p99 stable, i.e. the p99 of
the last third of the post-warm-up time ≤ 1.5 × the p99 of its first third (pooled
requests, not a mean of window p99s); RSS of each worker grows < 10 % from the end of
the first post-warm-up window to the end of the run. A worker replaced during the run
fails the RSS target (its growth is not comparable).
"""

from __future__ import annotations

import math
import os
import time

from benchmarks.load import sysmon
from benchmarks.resilience.common import Context, latency_ms, outcome, say, target

P99_RATIO = 1.5
RSS_GROWTH = 0.10


def run(ctx: Context) -> dict:
    cfg = ctx.cfg
    svc = ctx.service("soak")
    ctx.bodies()
    say(f"  soak service ready in {svc.ready['all_workers_ready_s']} s")  # type: ignore[attr-defined]
    probes = []
    for conns in cfg.max_probe_connections:
        res = ctx.closed_loop(svc, conns, cfg.max_probe_seconds)
        probes.append({"connections": conns, "throughput_rps": res.get("throughput_rps"), "errors": res["errors"],
                       "requests": res["requests"], "latency": res["latency"]})
        say(f"  closed loop c={conns}: {res.get('throughput_rps')} req/s, {res['errors']} errors")
    clean = [p for p in probes if p["errors"] == 0 and p["throughput_rps"]]
    if not clean:
        return {"error": "no closed-loop run without errors: no maximum to take 80 % of", "max_probe": probes,
                "targets": [target("soak_max", "a zero-error maximum was found", False, "==", True)]}
    best = max(p["throughput_rps"] for p in clean)
    rate = round(cfg.soak_fraction * best, 1)
    say(f"  soak at {rate} req/s ({cfg.soak_fraction:.0%} of {best}) for {cfg.soak_seconds:g} s")
    pids = svc.workers()
    drive = ctx.start_drive(svc, rate, cfg.soak_seconds)
    samples = [_sample(svc, drive.proc.pid)]
    while drive.running():
        time.sleep(0.2)
        if time.monotonic() - samples[-1]["t"] >= 1.0:
            samples.append(_sample(svc, drive.proc.pid))
    samples.append(_sample(svc, None))
    out = drive.result()
    return analyse(out, samples, pids, cfg.window_seconds, cfg.warmup_seconds, cfg.soak_seconds) | {
        "max_probe": probes, "max_zero_error_rps": best, "rate": rate, "fraction": cfg.soak_fraction,
        "ready": svc.ready}  # type: ignore[attr-defined]


def _sample(svc, driver_pid: int | None) -> dict:
    """RSS and CPU seconds of every worker, the driver's CPU seconds, the machine's CPU ticks."""
    workers = svc.workers()
    return {"t": time.monotonic(), "rss": {p: sysmon.memory_mb(p)["rss_mb"] for p in workers},
            "cpu": {p: sysmon.cpu_seconds(p) for p in workers},
            "driver": sysmon.cpu_seconds(driver_pid) if driver_pid else None, "machine": sysmon.machine_ticks()}


def _cores(a: dict, b: dict) -> dict:
    """CPU cores used between two samples: the service's workers, the driver, the machine, the rest."""
    dt = b["t"] - a["t"]
    if dt <= 0:
        return {}
    workers = sum(max(0.0, (b["cpu"].get(p) or 0.0) - (a["cpu"].get(p) or 0.0)) for p in b["cpu"]) / dt
    driver = (b["driver"] - a["driver"]) / dt if a["driver"] is not None and b["driver"] is not None else 0.0
    busy, total = b["machine"][0] - a["machine"][0], b["machine"][1] - a["machine"][1]
    machine = busy / total * (os.cpu_count() or 1) if total > 0 else 0.0
    return {"workers": round(workers, 2), "driver": round(driver, 2), "machine": round(machine, 2),
            "others": round(max(0.0, machine - workers - driver), 2)}


def _at(samples: list[dict], t: float) -> dict:
    """The last sample taken at or before ``t`` (monotonic)."""
    before = [s for s in samples if s["t"] <= t]
    return before[-1] if before else samples[0]


def analyse(out: dict, samples: list[dict], pids: list[int], window: float, warmup: float,
            seconds: float) -> dict:
    records, t0 = out["records"], out["t0"]
    running = [s for s in samples if s["driver"] is not None] or samples  # the driver's CPU is known
    n_windows = max(1, math.ceil(min(seconds, out["elapsed"]) / window - 1e-9))
    windows = []
    for k in range(n_windows):
        lo, hi = k * window, min((k + 1) * window, seconds)
        o = outcome(records, lo, hi)
        windows.append({"window": k, "from_s": round(lo, 1), "to_s": round(hi, 1), "requests": o["requests"],
                        "errors": o["failed"], "rate": round(o["requests"] / (hi - lo), 1) if hi > lo else None,
                        "p50_ms": o["latency"].get("p50_ms"), "p95_ms": o["latency"].get("p95_ms"),
                        "p99_ms": o["latency"].get("p99_ms"), "max_ms": o["latency"].get("max_ms"),
                        "warmup": k == 0 or lo < warmup, "rss_mb": _at(samples, t0 + hi)["rss"],
                        "cores": _cores(_at(running, t0 + lo), _at(running, t0 + hi))})
    steady = [w for w in windows if not w["warmup"]]
    total = outcome(records)
    result: dict = {"windows": windows, "total": total, "window_seconds": window, "warmup_seconds": warmup,
                    "seconds": seconds, "errors_examples": out["errors"][:5], "workers": pids}
    rows = [target("soak_errors", "failed requests, whole run", total["failed"], "==", 0)]
    if not steady:
        result["note"] = "too short: no window after the warm-up"
        rows += [target("soak_p99_stable", "p99 stable", None, "<=", P99_RATIO),
                 target("soak_rss_growth", "RSS growth", None, "<", RSS_GROWTH * 100, "%")]
        return result | {"targets": rows}
    start, end = steady[0]["from_s"], steady[-1]["to_s"]
    third = (end - start) / 3
    firsts = [r[2] - r[1] for r in records if start <= r[0] < start + third and r[3] == 200]
    lasts = [r[2] - r[1] for r in records if end - third <= r[0] < end and r[3] == 200]
    p_first, p_last = latency_ms(firsts).get("p99_ms"), latency_ms(lasts).get("p99_ms")
    ratio = round(p_last / p_first, 3) if p_first and p_last is not None else None
    result["p99_thirds"] = {"first_third": [round(start, 1), round(start + third, 1), p_first],
                            "last_third": [round(end - third, 1), round(end, 1), p_last], "ratio": ratio}
    rss_from, rss_to = steady[0]["rss_mb"], samples[-1]["rss"]
    growth = {}
    for pid in pids:
        a, b = rss_from.get(pid), rss_to.get(pid)
        growth[pid] = round((b - a) / a * 100, 2) if a and b is not None else None
    replaced = sorted(set(rss_to) - set(pids))
    result["rss_growth_percent"] = {"from": rss_from, "to": rss_to, "growth": growth, "replaced_workers": replaced}
    worst = None if replaced or any(v is None for v in growth.values()) else max(growth.values(), default=None)
    rows += [
        target("soak_p99_stable", f"p99 of the last third ÷ p99 of the first third after warm-up "
               f"({p_last} ms ÷ {p_first} ms)", ratio, "<=", P99_RATIO, "×"),
        target("soak_rss_growth", "RSS growth per worker, end of the first window after warm-up → end, the "
               "largest", worst, "<", RSS_GROWTH * 100, "%"),
    ]
    return result | {"targets": rows}
