"""Figures from the driver's records and the orchestrator's events (pure functions).

All times are ``time.monotonic()`` seconds of one machine. ``events`` holds:
``kill`` (signal sent to the ES server), ``restart`` (start command issued),
``back`` (the server answered ``GET /`` again), and ``switches``: one dict per
list change with ``version``, ``reload_sent``, ``reload_done`` (the swap
happened before the reload answered) and ``attached`` (first health poll that
showed the new index serving; ``None`` if it never did).
"""

from __future__ import annotations

import math
from typing import Any

from benchmarks.es_failover.data import probe_expected, probe_versions

ELASTICSEARCH = "elasticsearch"
FALLBACK = "embedded (fallback)"


def latency_stats(values_s: list[float]) -> dict[str, Any]:
    """n, mean, p50/p95/p99 (nearest rank) and max, in milliseconds."""
    if not values_s:
        return {"n": 0}
    ms = sorted(v * 1000.0 for v in values_s)

    def rank(q: float) -> float:
        return round(ms[min(len(ms) - 1, max(0, math.ceil(q * len(ms)) - 1))], 3)

    return {"n": len(ms), "mean_ms": round(sum(ms) / len(ms), 3), "p50_ms": rank(0.50), "p95_ms": rank(0.95),
            "p99_ms": rank(0.99), "max_ms": round(ms[-1], 3)}


def failed(rec: dict) -> bool:
    return rec.get("status") != 200 or not rec.get("backend")


def _latency(rec: dict) -> float:
    return rec["end"] - rec["start"]


def _mid(poll: dict) -> float:
    return (poll["start"] + poll["end"]) / 2


def failures(records: list[dict]) -> dict[str, Any]:
    bad = [r for r in records if failed(r)]
    return {"requests": len(records), "failed": len(bad),
            "examples": [{k: r.get(k) for k in ("k", "status", "error")} for r in bad[:5]]}


def breaker_opened_at(polls: list[dict], after: float) -> float | None:
    """When the breaker opened after ``after``: from the first poll that shows it opened
    once more than before, back-dated by the probe countdown (``next_probe_in_seconds``)."""
    before = [p for p in polls if p["end"] <= after and p.get("opened_count") is not None]
    base = before[-1]["opened_count"] if before else 0
    for p in polls:
        if p["start"] < after or p.get("opened_count") is None or p["opened_count"] <= base:
            continue
        if p.get("circuit") == "open" and p.get("next_probe_in") is not None and p.get("reset_seconds"):
            return max(after, _mid(p) - (float(p["reset_seconds"]) - float(p["next_probe_in"])))
        return _mid(p)  # already half-open or closed again: the poll time bounds it
    return None


def failover(es: list[dict], emb: list[dict], polls: list[dict], events: dict) -> dict[str, Any]:
    """Kill → breaker open → server back → answered by Elasticsearch again."""
    kill, restart, back = events["kill"], events["restart"], events["back"]
    opened = breaker_opened_at(polls, kill)
    out: dict[str, Any] = {"seconds_to_breaker_open": None if opened is None else round(opened - kill, 3)}
    if opened is not None:
        # Requests in flight at the kill or started before the breaker opened: they paid
        # the failed calls (connection refused or reset) before the fallback answered.
        detecting = [r for r in es if r["end"] >= kill and r["start"] <= opened]
        out["answers_until_open"] = {
            "n": len(detecting), "failed": sum(failed(r) for r in detecting),
            "by_backend": _count(r.get("backend") for r in detecting),
            "max_ms": round(max((_latency(r) for r in detecting), default=0.0) * 1000, 3)}
        counts = [p["opened_count"] for p in polls if opened <= p["start"] and p["end"] <= restart
                  and p.get("opened_count") is not None]
        if counts:
            out["half_open_probes_failed_while_down"] = max(counts) - min(counts)
        # The acceptance window: breaker open, server still down.
        es_open = [r for r in es if r["start"] >= opened and r["end"] <= restart]
        emb_open = [r for r in emb if r["start"] >= opened and r["end"] <= restart]
        es_stats, emb_stats = latency_stats([_latency(r) for r in es_open]), \
            latency_stats([_latency(r) for r in emb_open])
        out["breaker_open_window_seconds"] = round(restart - opened, 3)
        out["breaker_open"] = {"es_service_fallback": es_stats, "embedded_only_service": emb_stats,
                               "es_service_by_backend": _count(r.get("backend") for r in es_open)}
        if es_stats["n"] and emb_stats["n"]:
            out["p95_growth_ms"] = round(es_stats["p95_ms"] - emb_stats["p95_ms"], 3)
            out["p50_growth_ms"] = round(es_stats["p50_ms"] - emb_stats["p50_ms"], 3)
    outage = [r for r in es if r["start"] >= kill and r["end"] <= back]
    out["whole_outage"] = {"es_service": latency_stats([_latency(r) for r in outage]),
                           "by_backend": _count(r.get("backend") for r in outage)}
    # Recovery: the first answer Elasticsearch gave after the server was back.
    after = sorted((r for r in es if r["start"] >= restart and not failed(r)), key=lambda r: r["end"])
    first_es = next((r for r in after if r["backend"] == ELASTICSEARCH), None)
    out["seconds_back_to_first_es_answer"] = None if first_es is None else round(first_es["end"] - back, 3)
    closed = next((p for p in polls if p["start"] >= back and p.get("circuit") == "closed"), None)
    out["seconds_back_to_breaker_closed"] = None if closed is None else round(_mid(closed) - back, 3)
    if closed is not None:  # did it stay closed under the same load (noida-db is slow)?
        counts = [p["opened_count"] for p in polls if p["start"] >= closed["start"]
                  and p.get("opened_count") is not None]
        out["breaker_reopened_after_recovery"] = max(counts) - closed["opened_count"]
    if first_es is not None:
        until = events["switches"][0]["reload_sent"] if events.get("switches") else math.inf
        later = [r for r in after if r["start"] > first_es["end"] and r["end"] <= until]
        out["after_recovery"] = {"by_backend": _count(r.get("backend") for r in later),
                                 "es_served_latency_not_compared": latency_stats(
                                     [_latency(r) for r in later if r.get("backend") == ELASTICSEARCH])}
    out["seconds_server_restart"] = round(back - restart, 3)
    return out


def classify_probe(rec: dict) -> str:
    """``v1``/``v2``: complete answer of one list version; ``mixed``: ids of both versions
    (or v1-only with v2-only data); ``incomplete``: one version, but not all of its ids."""
    ids = set(rec.get("probe_ids") or [])
    versions = probe_versions(ids)
    if len(versions) > 1:
        return "mixed"
    if len(versions) == 1:
        v = versions.pop()
        return f"v{v}" if ids == probe_expected(v) else "incomplete"
    return "incomplete"


def alias_switch(es: list[dict], polls: list[dict], events: dict) -> dict[str, Any]:
    """Every probe answer wholly from one list version; none older than one already seen."""
    switches = events.get("switches") or []
    if not switches:
        return {"switches": 0}
    start = switches[0]["reload_sent"]
    window = [r for r in es if r["start"] >= start - 1.0]
    probes = [r for r in window if r.get("probe") and not failed(r)]
    kinds = [classify_probe(r) for r in probes]
    # Out of order: an answer from a version other than the current one, started after an
    # answer from the current one had already arrived (a single worker must never go back).
    stale = 0
    for sw in switches:
        want = f"v{sw['version']}"
        seen = min((r["end"] for r, k in zip(probes, kinds) if k == want and r["start"] >= sw["reload_sent"]),
                   default=None)
        nxt = next((s["reload_sent"] for s in switches if s["reload_sent"] > sw["reload_sent"]), math.inf)
        if seen is not None:
            stale += sum(1 for r, k in zip(probes, kinds) if seen < r["start"] < nxt and k != want)
    instants = [t for sw in switches for t in (sw["reload_done"], sw.get("attached")) if t is not None]
    spanning = sum(1 for r in probes if any(r["start"] < t < r["end"] for t in instants))
    per_switch = []
    for i, sw in enumerate(switches):
        nxt = switches[i + 1]["reload_sent"] if i + 1 < len(switches) else math.inf
        mine = [r for r in window if sw["reload_sent"] <= r["start"] < nxt]
        per_switch.append({
            "to_version": sw["version"],
            "reload_seconds": round(sw["reload_done"] - sw["reload_sent"], 3),
            "seconds_reload_to_es_serving_new_index": (None if sw.get("attached") is None
                                                      else round(sw["attached"] - sw["reload_sent"], 3)),
            "index_action": sw.get("index_action"),
            "index": sw.get("index"),
            "requests": len(mine), "failed": sum(failed(r) for r in mine),
            "by_backend": _count(r.get("backend") for r in mine),
        })
    return {
        "switches": len(switches),
        "requests": len(window),
        "failed": sum(failed(r) for r in window),
        "probe_answers": len(probes),
        "probe_by_kind": _count(kinds),
        "probe_by_kind_and_backend": _count(f"{k} / {r.get('backend')}" for r, k in zip(probes, kinds)),
        "mixed": kinds.count("mixed"),
        "incomplete": kinds.count("incomplete"),
        "older_version_after_newer_seen": stale,
        "probe_answers_in_flight_across_a_swap_or_attach": spanning,
        "per_switch": per_switch,
    }


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        key = str(v)
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))
