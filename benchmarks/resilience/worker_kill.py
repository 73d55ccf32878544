"""Worker kill: SIGKILL one Gunicorn worker while ``--kill-rate`` requests/s arrive.

``driver.py`` sends ``/process`` at a fixed rate for ``--kill-seconds``; at ``--kill-at``
seconds the harness SIGKILLs the first worker. The driver retries a request once when
its connection is reset or closed before a whole answer (what the requests in flight on
the killed worker, and the next request on each idle keep-alive connection to it, see),
as HTTP clients do for idempotent requests. Reported: failures on the first attempt
(raw, by kind) and after the retry; **the target is on the failures after the retry**
(< 0.1 % of the requests), the raw figure is reported beside it.

Meanwhile the harness watches the master's children for the replacement pid and asks
that pid directly (``probe.on_worker``: the kernel tells which worker holds a
connection) for ``/health/ready`` until it answers. Afterwards: ``/health/ready``,
``/lists`` and ``/stats`` from the new pid (entity counts equal to the surviving
worker's), and from the service's log the times kill → "Booting worker" → lists
loaded → the replacement accepting connections (``ai_service/respawn.py``).
"""

from __future__ import annotations

import os
import signal
import time
from datetime import datetime

from benchmarks.resilience import probe
from benchmarks.resilience.common import Context, log_lines, outcome, rate_of, say, target

MAX_FAILED_SHARE = 0.001


def _wall(line: dict) -> float | None:
    try:
        return datetime.fromisoformat(line["timestamp"]).timestamp()
    except (KeyError, ValueError, TypeError):
        return None


def _counts(answer: probe.Answer) -> dict | None:
    body = answer.json() if answer.status == 200 else None
    if not body:
        return None
    return {"total_entities": body.get("total_entities"),
            "lists": {x["name"]: x["entity_count"] for x in body.get("lists", [])}}


def run(ctx: Context) -> dict:
    cfg = ctx.cfg
    svc = ctx.service("kill")
    ctx.bodies()
    before = svc.workers()
    state: dict = {"killed_mono": None, "killed_wall": None, "new_pid": None, "new_pid_seen": None,
                   "new_ready": None, "ready_polls": 0, "victim": None, "connections_at_kill": None}

    def during(now: float) -> None:
        if state["killed_mono"] is None:
            if now >= started + cfg.kill_at:
                # The worker holding most of the driver's keep-alive connections: the kernel may have
                # given all of them to one worker, and killing the other would test nothing.
                held = probe.connections_by_worker(svc.port, before)
                victim = max(before, key=lambda p: held.get(p, 0))
                os.kill(victim, signal.SIGKILL)
                state["killed_mono"], state["killed_wall"] = time.monotonic(), time.time()
                state["victim"], state["connections_at_kill"] = victim, held
                say(f"  SIGKILL worker {victim} at {cfg.kill_at:g} s (connections held: {held})")
            return
        if state["new_pid"] is None:
            fresh = [p for p in svc.workers() if p not in before]
            if fresh:
                state["new_pid"], state["new_pid_seen"] = fresh[0], time.monotonic()
        elif state["new_ready"] is None:
            state["ready_polls"] += 1
            answer = probe.on_worker(svc.port, state["new_pid"], svc.workers(), "GET", "/health/ready",
                                     attempts=8, timeout=2.0)
            if answer.pid == state["new_pid"] and answer.status == 200:
                state["new_ready"] = time.monotonic()

    started = time.monotonic()
    out = ctx.drive(svc, cfg.kill_rate, cfg.kill_seconds, retry_reset=True, during=during, tick=0.05)
    t0 = out["t0"]
    if state["killed_mono"] is None:
        raise RuntimeError("the run ended before the kill")
    kill_rel = state["killed_mono"] - t0
    new, victim = state["new_pid"], state["victim"]
    survivor = next(p for p in before if p != victim)
    pids = svc.workers()
    checks: dict = {"workers_before": before, "victim": victim, "workers_after": pids, "new_pid": new,
                    "connections_held_at_kill": state["connections_at_kill"]}
    if new is not None:
        checks["new_ready"] = probe.on_worker(svc.port, new, pids, "GET", "/health/ready").json()
        checks["new_lists"] = _counts(probe.on_worker(svc.port, new, pids, "GET", "/lists"))
        stats = probe.on_worker(svc.port, new, pids, "GET", "/stats").json() or {}
        checks["new_uptime_seconds"] = stats.get("uptime_seconds")
        checks["new_requests_served"] = sum((stats.get("requests") or {}).values())
    checks["survivor_lists"] = _counts(probe.on_worker(svc.port, survivor, pids, "GET", "/lists"))
    timeline = _timeline(ctx, svc, state, new, t0)
    total = outcome(out["records"])
    around = outcome(out["records"], kill_rel - 1.0, kill_rel + 10.0)
    before_kill = outcome(out["records"], 2.0, kill_rel - 0.5)
    after_kill = outcome(out["records"], kill_rel + 10.0)
    same_counts = (checks.get("new_lists") is not None and checks["new_lists"] == checks["survivor_lists"])
    share = rate_of(total["failed"], total["requests"])
    rows = [
        target("kill_failed_after_retry", f"failed requests after one retry on a reset connection "
               f"({total['failed']} of {total['requests']})", round(share * 100, 4), "<", MAX_FAILED_SHARE * 100,
               "%"),
        target("kill_respawned", "the master started a replacement worker (new pid)", new is not None, "==", True),
        target("kill_new_worker_ready", "the new worker answers /health/ready 200 and /lists with the surviving "
               "worker's entity counts", bool(same_counts and checks.get("new_ready", {}).get("status") == "ready"),
               "==", True),
    ]
    return {"rate": cfg.kill_rate, "seconds": cfg.kill_seconds, "kill_at_s": round(kill_rel, 3),
            "total": total, "raw_failed_share_percent": round(rate_of(total["failed_first_attempt"],
                                                                      total["requests"]) * 100, 4),
            "around_kill": around, "before_kill": before_kill, "after_recovery": after_kill, "checks": checks,
            "timeline_s": timeline, "connections_opened": out["connections_opened"],
            "error_examples": out["errors"][:8], "ready": svc.ready, "targets": rows}  # type: ignore[attr-defined]


def _timeline(ctx: Context, svc: object, state: dict, new: int | None, t0: float) -> dict:
    """Seconds after the SIGKILL: new pid seen, its boot, lists loaded, accepting, answering ready."""
    km, kw = state["killed_mono"], state["killed_wall"]
    out: dict = {"new_pid_seen": round(state["new_pid_seen"] - km, 3) if state["new_pid_seen"] else None,
                 "ready_answer_from_new_pid": round(state["new_ready"] - km, 3) if state["new_ready"] else None}
    for line in log_lines(svc):  # type: ignore[arg-type]
        msg, when = str(line.get("message", "")), _wall(line)
        if when is None or when < kw:
            continue
        if new is not None and msg == f"Booting worker with pid: {new}":
            out.setdefault("booting_logged", round(when - kw, 3))
        elif line.get("pid") == new and msg.startswith("lists loaded"):
            out.setdefault("lists_loaded_logged", round(when - kw, 3))
        elif line.get("pid") == new and msg.startswith("replacement worker"):
            out.setdefault("accepting_logged", round(when - kw, 3))
            out["replacement_log"] = msg
    return out
