"""Figures, budgets and the markdown table of the load benchmark."""

from __future__ import annotations

import math
from collections import defaultdict

# (key, what, unit, comparison, target): SPEC §8 / issue 6, in that order.
BUDGETS: tuple[tuple[str, str, str, str, float], ...] = (
    ("process_short_p95_ms_at_rate", "/process short text, p95 at 200 requests/s", "ms", "<=", 5.0),
    ("process_short_p99_ms_at_rate", "/process short text, p99 at 200 requests/s", "ms", "<=", 10.0),
    ("throughput_ratio", "sustained throughput ÷ bare Starlette endpoint (same tool, same run, zero errors)",
     "×", ">=", 0.5),
    ("errors", "failed requests (non-200, transport errors, failed batch slots), every phase", "", "==", 0),
    ("long_text_p95_ms", "/process 10,000-character text, p95", "ms", "<=", 50.0),
    ("batch_p95_ms", "/process/batch of 100 short texts, p95", "ms", "<=", 100.0),
    ("ready_seconds", "ready after start (every worker: lists loaded, indexes built)", "s", "<=", 5.0),
    ("rss_mb_per_worker", "RSS per worker, the largest, full lists, after the load", "MB", "<=", 400.0),
)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not ordered:
        return math.nan
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


def latency_ms(seconds: list[float]) -> dict:
    ordered = sorted(s * 1000 for s in seconds)
    if not ordered:
        return {"n": 0}
    return {"n": len(ordered), "mean_ms": round(sum(ordered) / len(ordered), 3),
            **{f"p{q:g}_ms": round(percentile(ordered, q), 3) for q in (50, 90, 95, 99)},
            "max_ms": round(ordered[-1], 3)}


def driver_summary(result: dict) -> dict:
    """Figures of one httpx driver run (warm-up records left out)."""
    recs = [r for r in result["records"] if not r[4]]
    ok = [r for r in recs if r[3] == 200]
    out: dict = {"tool": result["tool"], "requests": len(recs), "ok": len(ok), "errors": len(recs) - len(ok),
                 "error_examples": result.get("errors", [])[:5], "latency": latency_ms([r[2] - r[1] for r in ok])}
    sent = [r for r in recs if r[2] is not None]
    if result["mode"] == "open":
        out["target_rate"] = result["rate"]
        out["achieved_rate"] = round(len(recs) / result["seconds"], 1) if result["seconds"] else None
        late = sorted((r[1] - r[0]) * 1000 for r in sent)
        out["driver_lateness_ms"] = {"p50": round(percentile(late, 50), 3), "p99": round(percentile(late, 99), 3),
                                     "max": round(late[-1], 3)} if late else {}
    else:
        out["connections"] = result["connections"]
        if ok:
            span = max(r[2] for r in ok) - min(r[1] for r in ok)
            out["throughput_rps"] = round(len(ok) / span, 1) if span > 0 else None
    return out


def wrk_summary(raw: dict, connections: int, threads: int) -> dict:
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw["errors"].values())
    lat = raw["latency_us"]
    return {"tool": "wrk", "connections": connections, "threads": threads, "seconds": round(seconds, 2),
            "requests": int(raw["requests"]), "throughput_rps": round(raw["requests"] / seconds, 1) if seconds else 0,
            "bytes_per_response": round(raw["bytes"] / raw["requests"]) if raw["requests"] else None,
            "errors": int(errors), "error_kinds": {k: int(v) for k, v in raw["errors"].items() if v},
            "latency": {"mean_ms": round(lat["mean"] / 1000, 3), "p50_ms": round(lat["p50"] / 1000, 3),
                        "p90_ms": round(lat["p90"] / 1000, 3), "p99_ms": round(lat["p99"] / 1000, 3),
                        "max_ms": round(lat["max"] / 1000, 3)}}


def cpu_ms_per_request(run: dict, workers: list[dict]) -> float | None:
    """CPU milliseconds the workers spent per answered request in a throughput run."""
    if not run["requests"]:
        return None
    return round(sum(w["cores"] for w in workers) * run["seconds"] * 1000 / run["requests"], 3)


def throughput(runs: list[dict]) -> dict:
    """Best zero-error throughput per target and their ratio; also the ratio of each paired run."""
    best: dict[str, dict | None] = {}
    for target in ("service", "bare"):
        clean = [r for r in runs if r["target"] == target and r["errors"] == 0]
        best[target] = max(clean, key=lambda r: r["throughput_rps"], default=None)
    pairs = defaultdict(dict)
    for r in runs:
        pairs[(r["round"], r["connections"])][r["target"]] = r["throughput_rps"]
    paired = [{"round": k[0], "connections": k[1], "ratio": round(v["service"] / v["bare"], 3)}
              for k, v in sorted(pairs.items()) if v.get("bare") and "service" in v]
    svc, bare = best["service"], best["bare"]
    ratio = round(svc["throughput_rps"] / bare["throughput_rps"], 3) if svc and bare else None
    cpu = {t: sorted(r["worker_cpu_ms_per_request"] for r in runs
                     if r["target"] == t and r.get("worker_cpu_ms_per_request") is not None)
           for t in ("service", "bare")}
    return {"service_rps": svc["throughput_rps"] if svc else None,
            "worker_cpu_ms_per_request_median": {t: v[len(v) // 2] if v else None for t, v in cpu.items()},
            "service_connections": svc["connections"] if svc else None,
            "bare_rps": bare["throughput_rps"] if bare else None,
            "bare_connections": bare["connections"] if bare else None,
            "ratio": ratio, "paired_ratios": paired}


def layer_profile(reports: list[dict]) -> dict:
    """/analyze-complexity answers aggregated: per layer mean / p50 / p95 ms and share of the total."""
    if not reports:
        return {"n": 0}
    per: dict[str, list[float]] = defaultdict(list)
    for rep in reports:
        for layer, ms in rep["timings_ms"].items():
            per[layer].append(ms)
    total_mean = sum(per.get("total", [0.0])) / len(reports)
    layers = {}
    for layer, values in per.items():
        ordered = sorted(values)
        mean = sum(values) / len(reports)
        layers[layer] = {"mean_ms": round(mean, 3), "p50_ms": round(percentile(ordered, 50), 3),
                         "p95_ms": round(percentile(ordered, 95), 3),
                         "share": round(mean / total_mean, 3) if total_mean and layer != "total" else None}
    hits: dict[str, int] = defaultdict(int)
    misses: dict[str, int] = defaultdict(int)
    for rep in reports:
        for layer, n in rep.get("cache", {}).get("hits", {}).items():
            hits[layer] += n
        for layer, n in rep.get("cache", {}).get("misses", {}).items():
            misses[layer] += n
    n = len(reports)
    return {
        "n": n, "layers": layers,
        "mean_characters": round(sum(r["characters"] for r in reports) / n, 1),
        "mean_tokens": round(sum(r["tokens"] for r in reports) / n, 1),
        "mean_entities": round(sum(r["entities"]["persons"] + r["entities"]["organizations"] for r in reports) / n,
                               2),
        "mean_ids": round(sum(r["entities"]["ids"] for r in reports) / n, 2),
        "mean_candidates_considered": round(sum(r["candidates_considered"] for r in reports) / n, 1),
        "chunked": sum(bool(r.get("chunked")) for r in reports),
        "cache_hit_ratio": {layer: round(hits[layer] / (hits[layer] + misses[layer]), 3)
                            for layer in sorted(set(hits) | set(misses)) if hits[layer] + misses[layer]},
        "complexity": dict(sorted(_count(r["complexity"] for r in reports).items())),
    }


def _count(values) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return out


def budgets(values: dict[str, float | None]) -> list[dict]:
    rows = []
    for key, what, unit, op, target in BUDGETS:
        value = values.get(key)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            met = False
        elif op == "<=":
            met = value <= target
        elif op == ">=":
            met = value >= target
        else:
            met = value == target
        rows.append({"key": key, "what": what, "value": value, "unit": unit, "op": op, "target": target,
                     "met": met})
    return rows


def _fmt(value: object, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, float):
        text = f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".strip() if unit and unit != "×" else (f"{text}×" if unit == "×" else text)


_OP = {"<=": "≤", ">=": "≥", "==": "="}


def markdown(rep: dict) -> str:
    m, cfg = rep["machine"], rep["config"]
    tp, lat = rep["throughput"], rep["latency_at_rate"]
    lines = [
        "# Load benchmark (issue 6, SPEC §8)",
        "",
        f"`{rep['command']}` — {rep['started_at']}, {rep['wall_seconds']} s; Python {m['python']}, {m['platform']}, "
        f"{m['cpu']}, {m['cpu_count']} CPUs (affinity {m['affinity']}). Load average before / after: "
        f"{' '.join(map(str, rep['load_average_before']))} / {' '.join(map(str, rep['load_average_after']))}; "
        f"other jobs on this shared machine used {_fmt(rep['others_cores_mean'])} cores on average during the "
        f"measured phases (max {_fmt(rep['others_cores_max'])}; machine busy − this benchmark's processes, "
        "per phase below).",
        "",
        f"Code measured: commit `{rep['source']['commit'][:12]}`"
        + (f" plus uncommitted changes in {len(rep['source']['uncommitted_service_files'])} service file(s) "
           f"({', '.join(rep['source']['uncommitted_service_files'][:8])}"
           + (", …" if len(rep['source']['uncommitted_service_files']) > 8 else "") + ")"
           if rep["source"]["uncommitted_service_files"] else "") + ".",
        "",
        f"Service: `python -m ai_service` (Gunicorn, {cfg['workers']} Uvicorn workers, `gunicorn.conf.py`, "
        f"LOG_LEVEL={cfg['log_level']}) with {rep['lists']['entities']:,} entities in "
        f"{len(rep['lists']['names'])} lists ({', '.join(rep['lists']['names'])}), embedded backend; ceiling: a bare "
        "Starlette + orjson endpoint (`benchmarks/load/bare_app.py`) under the same Gunicorn config and worker "
        "count; both on 127.0.0.1, load from separate processes on loopback.",
        "",
        "| Budget | Value | Target | Met |",
        "|---|---|---|---|",
    ]
    for row in rep["budgets"]:
        lines.append(f"| {row['what']} | {_fmt(row['value'], row['unit'])} | {_OP[row['op']]} "
                     f"{_fmt(row['target'], row['unit'])} | {'yes' if row['met'] else '**no**'} |")
    for row in rep.get("reference_rows", []):
        lines.append(f"| {row['what']} | {row['value']} | {row['target']} | {row['met']} |")
    lines += ["", f"All budgets met: **{'yes' if rep['all_met'] else 'no'}**.", ""]

    lines += ["## Which tool measured what", ""]
    for what, tool in rep["tools"].items():
        lines.append(f"- {what}: {tool}")
    ts = rep["texts"]
    lines += [
        "",
        f"Texts (`benchmarks/load/texts.py`, seed {ts['seed']}): {ts['cases']:,} payment cases from the quality "
        f"benchmark's generator ({ts['positive_cases']:,} naming listed entities, the rest clean payments, invented "
        f"people and near misses), drawn Zipf-like (s = {ts['zipf_s']}; {ts['distinct_cases_drawn']:,} distinct "
        f"cases drawn, the top 10 are {ts['top10_share']:.0%} of the draws) with random amount / date tails: "
        f"{ts['short']['n']:,} short texts ({ts['short']['distinct']:,} distinct, mean {ts['short']['mean_chars']} "
        f"chars, max {ts['short']['max_chars']}); mixed stream {ts['mixed']['n']:,} texts of which "
        f"{ts['mixed']['long']} long (1,000–10,000 chars); {ts['long']['n']} long texts of "
        f"{ts['long']['min_chars']:,}–{ts['long']['max_chars']:,} chars (payment register / contract extract, "
        f"{ts['long']['payment_lines_mean']} payment lines each on average); {ts['batches']['n']} batches of "
        f"{ts['batches']['size']}.",
        "",
        "## Throughput (closed loop, as many requests as the server answers)",
        "",
        "| Round | Connections | Target | Requests/s | Errors | p50 ms | p99 ms | Worker cores | Worker CPU ms / "
        "request | Load tool + harness cores | Other jobs' cores |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rep["throughput_runs"]:
        cpu = r.get("cpu", {})
        workers = " + ".join(_fmt(w["cores"]) for w in cpu.get(f"{r['target']}_workers", []))
        lines.append(f"| {r['round']} | {r['connections']} | {r['target']} | {_fmt(r['throughput_rps'])} | "
                     f"{r['errors']} | {_fmt(r['latency'].get('p50_ms'))} | {_fmt(r['latency'].get('p99_ms'))} | "
                     f"{workers} | {_fmt(r.get('worker_cpu_ms_per_request'))} | "
                     f"{_fmt(cpu.get('harness_and_load_tool_cores'))} | "
                     f"{_fmt(cpu.get('others_cores'))} |")
    paired = ", ".join(f"{p['ratio']:.2f}" for p in tp["paired_ratios"])
    lines += [
        "",
        f"Best zero-error throughput: service {_fmt(tp['service_rps'])} requests/s ({tp['service_connections']} "
        f"connections), bare endpoint {_fmt(tp['bare_rps'])} requests/s ({tp['bare_connections']} connections): "
        f"ratio **{_fmt(tp['ratio'])}** (target ≥ 0.5). Ratio of each paired run (same round and connections): "
        f"{paired or '—'}.",
    ]
    mixed = rep.get("mixed")
    if mixed:
        lines += ["", f"Mixed traffic (90 % short, 10 % long texts), service, {mixed['connections']} connections: "
                  f"{_fmt(mixed['throughput_rps'])} requests/s, {mixed['errors']} errors, p50 "
                  f"{_fmt(mixed['latency']['p50_ms'])} ms, p99 {_fmt(mixed['latency']['p99_ms'])} ms."]
    lines += ["", "## Latency", "",
              "| Phase | Tool | Requests | Errors | Rate /s | p50 ms | p90 ms | p95 ms | p99 ms | max ms | "
              "Driver lateness p99 ms |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, ph in (("/process short, service", lat["service"]), ("/process short, bare endpoint", lat["bare"]),
                     ("/process 10,000 chars, service", rep["long_text"]),
                     (f"/process/batch of {rep['texts']['batches']['size']}, service (one after another)",
                      rep["batch"])):
        if not ph:
            continue
        la = ph["latency"]
        rate = ph.get("achieved_rate") or ph.get("throughput_rps")
        lines.append(f"| {name} | {ph['tool']} | {ph['requests']} | {ph['errors']} | {_fmt(rate)} | "
                     f"{_fmt(la.get('p50_ms'))} | {_fmt(la.get('p90_ms'))} | {_fmt(la.get('p95_ms'))} | "
                     f"{_fmt(la.get('p99_ms'))} | {_fmt(la.get('max_ms'))} | "
                     f"{_fmt(ph.get('driver_lateness_ms', {}).get('p99'))} |")
    server_side = rep.get("service_stats", {}).get("latency_ms", {})
    if server_side:
        lines += ["", "The service's own view (`GET /stats` of the one worker that answered it, whole run, its "
                  "window of recent requests): " + "; ".join(
                      f"{ep} p50 {_fmt(v.get('p50'))} / p95 {_fmt(v.get('p95'))} / p99 {_fmt(v.get('p99'))} / max "
                      f"{_fmt(v.get('max'))} ms (n = {v.get('count')})" for ep, v in server_side.items()) + "."]
    st = rep["startup"]
    lines += ["", "## Start-up and memory", "",
              f"Service: first worker ready after {_fmt(st['service']['first_worker_ready_s'])} s, every worker after "
              f"**{_fmt(st['service']['all_workers_ready_s'])} s** (spawn → `/health/ready` 200 and each worker's "
              f"\"lists loaded\" log line); bare endpoint ready after {_fmt(st['bare']['all_workers_ready_s'])} s.",
              "",
              "| Worker | RSS at ready MB | PSS at ready MB | RSS after load MB | PSS after load MB | "
              "CPU s (whole run) |",
              "|---|---|---|---|---|---|"]
    after = {w["pid"]: w for w in rep["workers_after"]["service"]}
    for w in st["service"]["workers"]:
        a = after.get(w["pid"], {})
        lines.append(f"| service {w['pid']} | {_fmt(w['rss_mb'])} | {_fmt(w['pss_mb'])} | {_fmt(a.get('rss_mb'))} | "
                     f"{_fmt(a.get('pss_mb'))} | {_fmt(a.get('cpu_seconds'))} |")
    for w in rep["workers_after"]["bare"]:
        lines.append(f"| bare {w['pid']} | — | — | {_fmt(w['rss_mb'])} | {_fmt(w['pss_mb'])} | "
                     f"{_fmt(w.get('cpu_seconds'))} |")
    growth = [after[w["pid"]]["rss_mb"] - w["rss_mb"] for w in st["service"]["workers"]
              if w.get("rss_mb") is not None and after.get(w["pid"], {}).get("rss_mb") is not None]
    if growth:
        lines += ["", f"RSS per service worker grew by {_fmt(round(min(growth), 1))}–{_fmt(round(max(growth), 1))} MB "
                  f"between ready and the end of this {rep['wall_seconds']:.0f}-second run (per phase in the last "
                  "table): what the budget row shows is a point on a rising curve, not a ceiling."]
    lines += ["", "## Where the time goes (per-layer profile)", "",
              "`POST /analyze-complexity` over a sample of the texts on the loaded service, one at a time "
              "(layer timings as the pipeline records them; the share is of the mean total).", ""]
    for name, prof in rep["profile"].items():
        if not prof.get("n"):
            continue
        lines += [f"**{name}** — {prof['n']} texts, mean {prof['mean_characters']:,} chars, {prof['mean_tokens']} "
                  f"tokens, {prof['mean_entities']} persons/organisations and {prof['mean_ids']} identifiers per "
                  f"text, {prof['mean_candidates_considered']} search candidates considered; cache hit ratio "
                  + (", ".join(f"{k} {v:.0%}" for k, v in prof["cache_hit_ratio"].items()) or "—") + ".",
                  "",
                  "| Layer | mean ms | p50 ms | p95 ms | share |", "|---|---|---|---|---|"]
        layers = prof["layers"]
        for layer, v in layers.items():
            share = f"{v['share']:.0%}" if v["share"] is not None else ""
            bold = "**" if layer == "total" else ""
            lines.append(f"| {bold}{layer}{bold} | {_fmt(v['mean_ms'])} | {_fmt(v['p50_ms'])} | "
                         f"{_fmt(v['p95_ms'])} | {share} |")
        lines.append("")
    split = rep.get("time_split") or {}
    if split.get("service_worker_cpu_ms_per_request") is not None:
        lines += [f"Per answered short-text request in the throughput runs (median), the service's workers spent "
                  f"{_fmt(split['service_worker_cpu_ms_per_request'])} ms of CPU, the bare endpoint's "
                  f"{_fmt(split['bare_worker_cpu_ms_per_request'])} ms (server stack, HTTP parsing, JSON). The "
                  f"pipeline's own layers take {_fmt(split['pipeline_ms_per_short_text'])} ms per short text "
                  f"(profile above, wall time), which leaves about "
                  f"**{_fmt(split['service_http_layer_ms'])} ms per request in the service outside the pipeline** "
                  "(its middleware, request logging, Prometheus metrics, /stats bookkeeping, response building) — "
                  "an estimate: the runs and the profile see different CPU contention.", ""]
    lines += ["## Phases", "", "| Phase | Seconds | Load average | Machine cores busy | Other jobs' cores | "
              "Service workers' cores | Service workers' RSS MB at the end |", "|---|---|---|---|---|---|---|"]
    for ph in rep["phases"]:
        workers = ph.get("service_workers", [])
        lines.append(f"| {ph['phase']} | {ph['seconds']} | {' '.join(map(str, ph['load_average']))} | "
                     f"{_fmt(ph['machine_cores_busy'])} | {_fmt(ph['others_cores'])} | "
                     f"{' + '.join(_fmt(w['cores']) for w in workers) or '—'} | "
                     f"{' / '.join(_fmt(w['rss_mb']) for w in workers) or '—'} |")
    if rep.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in rep["notes"]]
    return "\n".join(lines) + "\n"
