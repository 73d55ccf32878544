"""Slowloris: slow and silent connections beside normal traffic.

The service runs with ``REQUEST_BODY_TIMEOUT_SECONDS`` / ``REQUEST_HEADER_TIMEOUT_SECONDS``
= ``--body-timeout`` / ``--header-timeout`` (defaults 10 s, the service's defaults).
First a baseline: ``--slow-rate`` requests/s of ``/process`` for ``--baseline-seconds``,
nothing else. Then ``slowclient.py`` holds ``--slow-connections`` connections (half
dribbling a body one byte a second, a quarter dribbling headers, a quarter silent;
each reopened when the server closes it) while the same load runs for
``--slow-seconds``.

Targets: normal requests all answered (zero failures) with p99 ≤ max(1.5 × baseline
p99, baseline p99 + 5 ms); every slow connection closed by the server within its
timeout + 2 s (none left open longer), slow bodies and unfinished headers answered
408 first.
"""

from __future__ import annotations

import json
import sys
import time

from benchmarks.resilience.common import Context, child_output, outcome, say, target

SLACK_SECONDS = 2.0
P99_FACTOR, P99_ALLOWANCE_MS = 1.5, 5.0


def run(ctx: Context) -> dict:
    cfg = ctx.cfg
    svc = ctx.service("slowloris", env={"REQUEST_BODY_TIMEOUT_SECONDS": f"{cfg.body_timeout:g}",
                                        "REQUEST_HEADER_TIMEOUT_SECONDS": f"{cfg.header_timeout:g}"})
    ctx.bodies()
    ctx.drive(svc, cfg.slow_rate, min(5.0, cfg.baseline_seconds))  # warm both workers; not measured
    base = outcome(ctx.drive(svc, cfg.slow_rate, cfg.baseline_seconds)["records"])
    say(f"  baseline p99 {base['latency'].get('p99_ms')} ms, {base['failed']} failed")
    slow_seconds = cfg.slow_seconds + 3.0
    conf = ctx.workdir / "slowclient.json"
    result_path = ctx.workdir / "slowclient-out.json"
    conf.write_text(json.dumps({"host": "127.0.0.1", "port": svc.port, "connections": cfg.slow_connections,
                                "seconds": slow_seconds, "interval": 1.0, "out": str(result_path)}),
                    encoding="utf-8")
    slow = ctx.child([sys.executable, "-m", "benchmarks.resilience.slowclient", str(conf)])
    time.sleep(2.0)  # the slow connections are open before the measured load starts
    drove = ctx.drive(svc, cfg.slow_rate, cfg.slow_seconds)
    during = outcome(drove["records"])
    slow_out = child_output(slow, result_path, slow_seconds + 30, "the slow client")
    conns = slow_out["connections"]
    kinds = _by_kind(conns, cfg.body_timeout, cfg.header_timeout)
    bursts = _bursts(drove, slow_out)
    say(f"  under {cfg.slow_connections} slow connections: p99 {during['latency'].get('p99_ms')} ms, "
        f"{during['failed']} failed; " + ", ".join(f"{k}: {v['closed_by_server']} closed, max "
                                                     f"{v['max_lifetime_s']} s" for k, v in kinds.items()))
    p_base, p_during = base["latency"].get("p99_ms"), during["latency"].get("p99_ms")
    bound = round(max(P99_FACTOR * p_base, p_base + P99_ALLOWANCE_MS), 3) if p_base is not None else None
    overdue = sum(v["overdue"] for v in kinds.values())
    answered_408 = all(v["answers"].get("408", 0) == v["closed_by_server"] for k, v in kinds.items()
                       if k in ("body", "headers"))
    rows = [
        target("slowloris_zero_failed", f"normal requests failed beside the slow connections ({during['requests']} "
               "sent)", during["failed"], "==", 0),
        target("slowloris_p99", f"normal p99 beside the slow connections (baseline {p_base} ms; bound max(1.5 × "
               "baseline, baseline + 5 ms))", p_during, "<=", bound, "ms"),
        target("slowloris_closed_in_time", f"slow connections the server kept longer than its timeout + "
               f"{SLACK_SECONDS:g} s (of {len(conns)} opened)", overdue, "==", 0),
        target("slowloris_408", "slow bodies and unfinished headers answered 408 before the close", answered_408,
               "==", True),
    ]
    return {"connections": cfg.slow_connections, "rate": cfg.slow_rate, "body_timeout_s": cfg.body_timeout,
            "header_timeout_s": cfg.header_timeout, "baseline": base, "during": during, "slow": kinds,
            "slow_connections_opened": len(conns), "close_bursts": bursts, "targets": rows}


def _bursts(drove: dict, slow_out: dict) -> dict:
    """Normal requests sent while the server was cutting off a wave of slow connections (which all
    opened together, so time out together) against the rest: where the p99 goes."""
    shift = slow_out["t0"] - drove["t0"]
    closes = sorted(c["closed"] + shift for c in slow_out["connections"] if c.get("closed") is not None)
    waves: list[float] = []
    for t in closes:
        if not waves or t - waves[-1] > 1.0:
            waves.append(t)
    near = [r for r in drove["records"] if any(-0.2 <= r[0] - w <= 0.5 for w in waves)]
    far = [r for r in drove["records"] if r not in near]
    return {"waves_at_s": [round(w, 2) for w in waves], "near": outcome(near), "rest": outcome(far)}


def _by_kind(conns: list[dict], body_timeout: float, header_timeout: float) -> dict:
    limit = {"body": body_timeout, "headers": header_timeout, "idle": header_timeout}
    out: dict = {}
    for kind in ("body", "headers", "idle"):
        mine = [c for c in conns if c["kind"] == kind]
        closed = [c for c in mine if c.get("closed") is not None]
        lifetimes = sorted(c["lifetime"] for c in closed)
        answers: dict[str, int] = {}
        for c in closed:
            code = (c.get("answer") or "").split(" ")[1] if c.get("answer") else "none"
            answers[code] = answers.get(code, 0) + 1
        bound = limit[kind] + SLACK_SECONDS
        overdue = sum(1 for c in closed if c["lifetime"] > bound) + sum(
            1 for c in mine if c.get("open_at_end_for", 0) > bound)
        out[kind] = {"opened": len(mine), "closed_by_server": len(closed),
                     "open_at_end": sum(1 for c in mine if "open_at_end_for" in c),
                     "connect_errors": sum(1 for c in mine if "connect_error" in c),
                     "min_lifetime_s": lifetimes[0] if lifetimes else None,
                     "median_lifetime_s": lifetimes[len(lifetimes) // 2] if lifetimes else None,
                     "max_lifetime_s": lifetimes[-1] if lifetimes else None, "answers": answers,
                     "overdue": overdue, "timeout_s": limit[kind]}
    return out
