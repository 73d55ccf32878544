"""resilience.md: the targets of every scenario, then each scenario's figures."""

from __future__ import annotations

from typing import Any

_OP = {"<=": "≤", "<": "<", ">=": "≥", "==": "="}


def _f(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".strip() if unit and unit != "×" else (f"{text}×" if unit == "×" else text)


def _lat(o: dict) -> str:
    la = o.get("latency", {})
    return f"p50 {_f(la.get('p50_ms'))} / p95 {_f(la.get('p95_ms'))} / p99 {_f(la.get('p99_ms'))} ms"


def markdown(rep: dict) -> str:
    m = rep["machine"]
    lines = ["# Resilience benchmark (issue 8)", "",
             f"`python -m benchmarks.resilience` — results last updated {rep.get('updated_at', '?')}; Python "
             f"{m['python']}, {m['platform']}, {m['cpu']}, {m['cpu_count']} CPUs (affinity {m['affinity']}), a "
             "machine shared with other jobs. Every scenario: `python -m ai_service` under Gunicorn with 2 Uvicorn "
             "workers (`SERVICE_WORKERS=2`, `gunicorn.conf.py`) on 127.0.0.1, load from separate processes on "
             "loopback (`benchmarks/resilience/driver.py`, open loop, payment texts from "
             "`benchmarks/load/texts.py`).", "",
             "| Scenario | Target | Value | Goal | Met |", "|---|---|---|---|---|"]
    for name, res in rep["scenarios"].items():
        for row in res["targets"]:
            lines.append(f"| {name} | {row['what']} | {_f(row['value'], row.get('unit', ''))} | {_OP[row['op']]} "
                         f"{_f(row['target'], row.get('unit', ''))} | {'yes' if row['met'] else '**no**'} |")
    met = all(r["met"] for res in rep["scenarios"].values() for r in res["targets"])
    lines += ["", f"All targets met: **{'yes' if met else 'no'}**."]
    soak = rep["scenarios"].get("soak") or {}
    if soak.get("seconds") and soak["seconds"] < 600:
        lines += ["", f"The soak recorded here ran **{soak['seconds']:g} s, not the full 600 s** "
                  "(`--soak-seconds 600`, the default); its targets are those of a short run."]
    lines.append("")
    for name, res in rep["scenarios"].items():
        lines += _scenario(name, res)
    return "\n".join(lines) + "\n"


def _scenario(name: str, res: dict) -> list[str]:
    src = res.get("source") or {}
    changed = src.get("uncommitted_service_files") or []
    lines = [f"## {name}", "",
             f"`{res.get('command')}` — {res.get('started_at')}, {res.get('wall_seconds')} s; lists: "
             f"{res.get('lists_mode')}; load average before / after "
             f"{' '.join(map(str, res.get('load_average_before', [])))} / "
             f"{' '.join(map(str, res.get('load_average_after', [])))}; code: commit `{src.get('commit', '?')[:12]}`"
             + (f" plus uncommitted changes in {', '.join(changed[:10])}" if changed else "") + ".", ""]
    if res.get("error"):
        return lines + [f"**The scenario failed:** {res['error']}", ""]
    return lines + {"soak": _soak, "worker_kill": _kill, "reload_faults": _reload,
                    "slowloris": _slowloris}[name](res) + [""]


def _soak(r: dict) -> list[str]:
    probes = ", ".join(f"{p['connections']} connections {_f(p['throughput_rps'])} req/s ({p['errors']} errors)"
                       for p in r.get("max_probe", []))
    lines = [f"Zero-error maximum, closed loop (`benchmarks/load/driver.py`): {probes}; best "
             f"{_f(r.get('max_zero_error_rps'))} req/s. Soak: **{_f(r.get('rate'))} req/s** "
             f"({_f(r.get('fraction', 0) * 100)} %) open loop for {_f(r.get('seconds'))} s, windows of "
             f"{_f(r.get('window_seconds'))} s; warm-up = windows starting before {_f(r.get('warmup_seconds'))} s.",
             ""]
    if r.get("seconds", 0) < 600:
        lines += [f"**This run lasted {_f(r.get('seconds'))} s, not the 600 s of the full soak** (`--soak-seconds`); "
                  "what it shows is the shape of the first minutes only.", ""]
    pids = r.get("workers", [])
    lines += ["| Window | s | Requests | Rate /s | Errors | p50 ms | p95 ms | p99 ms | max ms | "
              + " | ".join(f"RSS {p} MB" for p in pids) + " | Cores: workers / driver / other jobs |",
              "|---|---|---|---|---|---|---|---|---|" + "---|" * len(pids) + "---|"]
    for w in r.get("windows", []):
        rss, cores = w["rss_mb"], w.get("cores") or {}
        lines.append(f"| {w['window']}{' (warm-up)' if w['warmup'] else ''} | {w['from_s']:g}–{w['to_s']:g} | "
                     f"{w['requests']} | {_f(w['rate'])} | {w['errors']} | {_f(w['p50_ms'])} | {_f(w['p95_ms'])} | "
                     f"{_f(w['p99_ms'])} | {_f(w['max_ms'])} | "
                     + " | ".join(_f(rss.get(p, rss.get(str(p)))) for p in pids)
                     + f" | {_f(cores.get('workers'))} / {_f(cores.get('driver'))} / {_f(cores.get('others'))} |")
    th = r.get("p99_thirds")
    if th:
        lines += ["", f"p99 stability: first third after warm-up ({th['first_third'][0]}–{th['first_third'][1]} s) "
                  f"{_f(th['first_third'][2])} ms, last third ({th['last_third'][0]}–{th['last_third'][1]} s) "
                  f"{_f(th['last_third'][2])} ms: ratio **{_f(th['ratio'])}** (target ≤ 1.5; p99 over the pooled "
                  "requests of each third)."]
    g = r.get("rss_growth_percent")
    if g:
        lines += ["", "RSS growth from the end of the first window after warm-up to the end: " + ", ".join(
            f"worker {pid}: {_f(v)} %" for pid, v in g["growth"].items()) + (
            f"; replaced workers: {g['replaced_workers']}" if g.get("replaced_workers") else "") + "."]
    curve = [w["p99_ms"] for w in r.get("windows", []) if w["p99_ms"] is not None]
    if curve:
        lines += ["", f"p99 per window: `{_spark(curve)}` ({_f(min(curve))}–{_f(max(curve))} ms)."]
    return lines


def _spark(values: list[float]) -> str:
    bars = "▁▂▃▄▅▆▇█"
    lo, hi = min(values), max(values)
    return "".join(bars[int((v - lo) / (hi - lo) * 7) if hi > lo else 0] for v in values)


def _kill(r: dict) -> list[str]:
    t, c, tl = r["total"], r["checks"], r["timeline_s"]
    kinds = ", ".join(f"{k}: {v}" for k, v in t["first_failure_kinds"].items()) or "none"
    return [
        f"{_f(r['rate'])} requests/s of `/process` for {_f(r['seconds'])} s; SIGKILL of worker {c['victim']} at "
        f"{_f(r['kill_at_s'])} s (the worker holding most of the driver's connections; established connections "
        f"per worker then: {c.get('connections_held_at_kill')}); the driver retries a request once, on a new "
        "connection, when its connection is reset or closed before a whole answer (the target is measured after "
        "that retry).", "",
        "| | Requests | Failed on the first attempt | Retried | Failed after the retry | Latency (answered) |",
        "|---|---|---|---|---|---|",
        *[f"| {label} | {o['requests']} | {o['failed_first_attempt']} | {o['retried']} | {o['failed']} | {_lat(o)} |"
          for label, o in (("whole run", t), ("before the kill", r["before_kill"]),
                           ("kill − 1 s … kill + 10 s", r["around_kill"]),
                           ("from kill + 10 s", r["after_recovery"]))],
        "", f"First-attempt failures by kind: {kinds} (raw share {_f(r['raw_failed_share_percent'])} %). Driver "
        f"connections opened: {r['connections_opened']}.", "",
        f"Replacement worker {c.get('new_pid')}: seen by the harness {_f(tl.get('new_pid_seen'))} s after the kill; "
        f"Gunicorn logged \"Booting worker\" at {_f(tl.get('booting_logged'))} s, its lists loaded at "
        f"{_f(tl.get('lists_loaded_logged'))} s, it began accepting connections at {_f(tl.get('accepting_logged'))} s "
        f"(`ai_service/respawn.py`), first `/health/ready` answer from it at "
        f"**{_f(tl.get('ready_answer_from_new_pid'))} s**. From the new pid: `/health/ready` "
        f"{(c.get('new_ready') or {}).get('status')} with {_f((c.get('new_ready') or {}).get('entities'))} entities; "
        f"`/lists` {_f((c.get('new_lists') or {}).get('total_entities'))} entities "
        f"({'the same per list as' if c.get('new_lists') == c.get('survivor_lists') else 'NOT the same as'} the "
        f"surviving worker); `/stats` uptime {_f(c.get('new_uptime_seconds'))} s, "
        f"{_f(c.get('new_requests_served'))} requests served by it.",
        "", "Which worker answered: the harness asks over a connection of its own and finds, in "
        "`/proc/net/tcp` and the workers' `/proc/<pid>/fd`, the worker holding that connection "
        "(`benchmarks/resilience/probe.py`); the service's answers carry no pid.",
    ]


def _reload(r: dict) -> list[str]:
    lines = [f"{_f(r['rate'])} requests/s of `/process` throughout ({r['load']['requests']} sent, "
             f"{r['load']['failed']} failed, {_lat(r['load'])}). Lists: "
             + ", ".join(f"{n} ({fmt})" for n, fmt in r["sources"]) + "; copies in a temporary directory, "
             "`ua_sfms`/`demo_http` over HTTP from a local server. Each fault: `POST /admin/lists/reload` to each "
             "worker, then `/lists`, `/health/detailed` and a known listed name screened on each worker.", "",
             "| Fault | List | Reload answers | Reason (as the service gives it) | Counts kept | /lists status | "
             "/health/detailed | Known name matches |", "|---|---|---|---|---|---|---|---|"]
    for name, f in r["faults"].items():
        reloads, checks = f["reloads"].values(), f["checks"].values()
        reason = next(iter(reloads))["reason"] or "—"
        lines.append(f"| {name} | {f['list']} | {' / '.join(str(x['status']) for x in reloads)} | "
                     f"{reason[:160]} | {' / '.join(_f(c['counts_kept']) for c in checks)} | "
                     f"{' / '.join(str(c['list_status']) for c in checks)} | "
                     f"{' / '.join(str(c['detailed_status']) for c in checks)} | "
                     f"{' / '.join(_f(c['known_name_matches']) for c in checks)} |")
    lines += ["", "After restoring every source: reload "
              + " / ".join(str(x["status"]) for x in r["final_reload"].values()) + "; lists "
              + " / ".join(str(a["detailed_status"]) for a in r["after"].values()) + "."]
    return lines


def _slowloris(r: dict) -> list[str]:
    lines = [f"Service with `REQUEST_BODY_TIMEOUT_SECONDS={_f(r['body_timeout_s'])}`, "
             f"`REQUEST_HEADER_TIMEOUT_SECONDS={_f(r['header_timeout_s'])}`. Normal load {_f(r['rate'])} requests/s "
             f"of `/process`: baseline {r['baseline']['requests']} requests, {r['baseline']['failed']} failed, "
             f"{_lat(r['baseline'])}; beside {r['connections']} slow connections {r['during']['requests']} requests, "
             f"{r['during']['failed']} failed, {_lat(r['during'])}.", "",
             "| Slow kind | Connections opened | Closed by the server | Answers before the close | Lifetime min / "
             "median / max s | Open at the end | Overdue |", "|---|---|---|---|---|---|---|"]
    for kind, v in r["slow"].items():
        answers = ", ".join(f"{k}: {n}" for k, n in v["answers"].items()) or "—"
        lines.append(f"| {kind} (timeout {_f(v['timeout_s'])} s) | {v['opened']} | {v['closed_by_server']} | "
                     f"{answers} | {_f(v['min_lifetime_s'])} / {_f(v['median_lifetime_s'])} / "
                     f"{_f(v['max_lifetime_s'])} | {v['open_at_end']} | {v['overdue']} |")
    b = r.get("close_bursts")
    if b and b["near"]["requests"]:
        lines += ["", f"The slow connections opened together, so they time out together: waves of closes at "
                  f"{', '.join(f'{w:g}' for w in b['waves_at_s'])} s. Normal requests sent from 0.2 s before to "
                  f"0.5 s after a wave: {b['near']['requests']}, {_lat(b['near'])}; the rest: "
                  f"{b['rest']['requests']}, {_lat(b['rest'])}."]
    lines += ["", "`body`: headers of a 10,000-byte `POST /process`, then one body byte a second (bounded by "
              "`ai_service/api/body_timeout.py`); `headers`: a request line and one header byte a second "
              "(`ai_service/api/http_timeouts.py`); `idle`: connects and sends nothing (the same header timer). "
              "Each slot reconnects when closed. \"Open at the end\" are connections the slow client still held "
              "when it stopped (opened less than a timeout earlier unless counted as overdue)."]
    return lines
