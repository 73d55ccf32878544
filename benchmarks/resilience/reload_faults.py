"""Reload faults: broken list sources, reloaded under load, must never replace good data.

The service reads some lists from copies in a temporary directory (never /work/shared)
and one list over HTTP from a small local server (``python -m http.server`` on
127.0.0.1). Under ``--fault-rate`` requests/s of ``/process``, each fault in turn is
applied to one source, ``POST /admin/lists/reload`` is sent to *each* worker (a reload
is per worker; ``probe.on_worker`` picks the worker), and from each worker:

* the reload answers 409 with the reason, naming the list;
* ``/lists``: every list's entity count as before the fault, the broken list's
  ``last_refresh`` "failed" with the reason; ``/health/detailed``: lists "stale";
* a name known to be listed in the broken list still matches it (``/process``);

then the source is restored. At the end everything is reloaded (200 on each worker,
``stale`` cleared). Targets: zero failed requests in the background load; every check
above on both workers for every fault.

Faults (shared lists; ``--lists demo`` applies the same to the demo list): a corrupt
file (bytes overwritten in the middle), files truncated mid-record (JSON, UN XML, OFAC
CSV), an empty file, an unreachable URL (the HTTP server stopped: its port closed).
and a file cut exactly at a record boundary (OFAC CSV lines / FtM JSON lines): it parses,
so only the service's plausibility rule refuses it (LISTS_MAX_DROP: a list may not lose
more than 20 % of its entities, and at least 5, in one reload).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.es_failover.procs import free_port
from benchmarks.processes import kill_group
from benchmarks.resilience import probe
from benchmarks.resilience.common import (ADMIN_TOKEN, DEMO_LIST, LISTS_DIR, Context, lists_value, list_sources,
                                          outcome, say, target)

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


class HttpSource:
    """A directory served over HTTP on 127.0.0.1 (stop → the port is closed → unreachable)."""

    def __init__(self, ctx: Context, directory: Path) -> None:
        self.ctx, self.directory, self.port = ctx, directory, free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1",
                                      "--directory", str(self.directory)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        proc = self.proc
        self.ctx.children.add(lambda: kill_group(proc, signal.SIGKILL, 5.0))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                probe.Probe(self.port, 1.0).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the local HTTP list server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            kill_group(self.proc, signal.SIGTERM, 5.0)
            self.proc = None


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # the service never reads a half-written fault


def _corrupt(data: bytes) -> bytes:
    mid = len(data) // 2
    return data[:mid] + b"\xff\xfe<<corrupt>>\x00" * 256 + data[mid + 4096:]


def _cut_mid_record(data: bytes, share: float = 0.6) -> bytes:
    cut = int(len(data) * share)
    while cut < len(data) and data[cut - 1:cut] in (b"\n", b"\r", b"\n\r"):
        cut += 7  # not at a line end: a record torn in two
    return data[:cut]


def _cut_at_line(data: bytes, share: float = 0.6) -> bytes:
    return data[: data.rindex(b"\n", 0, int(len(data) * share)) + 1]


def _setup(ctx: Context, tmp: Path) -> tuple[list[tuple[str, str, str]], dict, HttpSource]:
    """Copies, the HTTP source and the faults: name → (list, file, how)."""
    (tmp / "http").mkdir(parents=True, exist_ok=True)
    if ctx.cfg.lists == "demo":
        demo = tmp / "demo.ftm.json"
        shutil.copyfile(DEMO_LIST, demo)
        shutil.copyfile(DEMO_LIST, tmp / "http" / "demo_http.ftm.json")
        http = HttpSource(ctx, tmp / "http")
        sources = [("demo", "ftm", str(demo)),
                   ("demo_http", "ftm", f"http://127.0.0.1:{http.port}/demo_http.ftm.json")]
        faults = {"corrupt": ("demo", demo, _corrupt), "truncated_ftm": ("demo", demo, _cut_mid_record),
                  "empty": ("demo", demo, lambda d: b""), "unreachable_url": ("demo_http", None, None),
                  "cut_at_record_boundary": ("demo", demo, _cut_at_line)}
        return sources, {"faults": faults, "http": http, "same_as": {"demo_http": "demo"}}, http
    copies = {rel: tmp / rel for rel in ("ua_nsdc/persons.json", "un/consolidated.xml", "ofac_sdn/sdn.csv",
                                         "ofac_sdn/alt.csv", "ofac_sdn/add.csv")}
    for rel, path in copies.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(LISTS_DIR / rel, path)
    shutil.copyfile(LISTS_DIR / "ua_sfms/terrorism_black_list.json", tmp / "http" / "sfms.json")
    http = HttpSource(ctx, tmp / "http")
    replace = {rel: str(p) for rel, p in copies.items()}
    replace["ua_sfms/terrorism_black_list.json"] = f"http://127.0.0.1:{http.port}/sfms.json"
    sources = list_sources("shared", replace)
    persons, un, sdn = copies["ua_nsdc/persons.json"], copies["un/consolidated.xml"], copies["ofac_sdn/sdn.csv"]
    faults = {"corrupt": ("ua_nsdc_persons", persons, _corrupt),
              "truncated_json": ("ua_nsdc_persons", persons, _cut_mid_record),
              "truncated_xml": ("un", un, _cut_mid_record),
              "truncated_csv": ("ofac_sdn", sdn, _cut_mid_record),
              "empty": ("ua_nsdc_persons", persons, lambda d: b""),
              "unreachable_url": ("ua_sfms", None, None),
              "cut_at_record_boundary": ("ofac_sdn", sdn, _cut_at_line)}
    return sources, {"faults": faults, "http": http}, http


def _known_names(ctx: Context, svc, names: set[str], pids: list[int], same_as: dict[str, str]) -> dict[str, dict]:
    """Per list, a listed person whose name, screened in a payment text, matches that entry now."""
    snap = ctx.snapshot()
    found: dict[str, dict] = {}
    for name in names:
        loaded = snap.lists.get(same_as.get(name, name))  # a list served from a copy of another
        candidates = [e for e in (loaded.entities if loaded else []) if e.entity_type == "person"
                      and 2 <= len(e.primary_name.split()) <= 4][:: 37][:12]
        for e in candidates:
            text = f"Оплата за договором, отримувач {e.primary_name}"
            if _matches(svc, pids[0], pids, text, name, e.entity_id):
                found[name] = {"entity_id": e.entity_id, "text": text}
                break
    return found


def _matches(svc, pid: int, pids: list[int], text: str, list_name: str, entity_id: str) -> bool:
    answer = probe.on_worker(svc.port, pid, pids, "POST", "/process", {"text": text})
    body = answer.json() or {}
    return answer.status == 200 and any(m.get("list") == list_name and m.get("entity_id") == entity_id
                                        for m in body.get("matches", []))


def _counts(svc, pid: int, pids: list[int]) -> tuple[dict, dict]:
    body = probe.on_worker(svc.port, pid, pids, "GET", "/lists").json() or {}
    lists = {x["name"]: x for x in body.get("lists", [])}
    return {n: x["entity_count"] for n, x in lists.items()}, lists


def _reload_all(svc, pids: list[int]) -> dict[int, dict]:
    out = {}
    for pid in pids:
        a = probe.on_worker(svc.port, pid, pids, "POST", "/admin/lists/reload", headers=AUTH, timeout=60.0)
        body = a.json() or {}
        out[pid] = {"status": a.status, "answered_by": a.pid,
                    "reason": ((body.get("error") or {}).get("details") or {}).get("reason")}
    return out


def _check(svc, pids: list[int], list_name: str, baseline: dict[int, dict], known: dict[str, dict]) -> dict:
    """After a failed reload, from each worker: counts kept, reason shown, stale, known name matches."""
    per: dict[int, dict] = {}
    for pid in pids:
        counts, lists = _counts(svc, pid, pids)
        last = (lists.get(list_name) or {}).get("last_refresh") or {}
        detail = probe.on_worker(svc.port, pid, pids, "GET", "/health/detailed").json() or {}
        comp = (detail.get("components") or {}).get("lists") or {}
        k = known.get(list_name)
        per[pid] = {"counts_kept": counts == baseline[pid], "list_status": last.get("status"),
                    "reason_in_lists": last.get("reason"), "detailed_status": comp.get("status"),
                    "detailed_error": (comp.get("last_reload") or {}).get("error"),
                    "known_name_matches": _matches(svc, pid, pids, k["text"], list_name, k["entity_id"])
                    if k else None}
    return per


def _fault_ok(reloads: dict[int, dict], checks: dict[int, dict], list_name: str) -> bool:
    return all(r["status"] == 409 and list_name in (r["reason"] or "") for r in reloads.values()) and all(
        c["counts_kept"] and c["list_status"] == "failed" and c["reason_in_lists"]
        and c["detailed_status"] == "stale" and c["detailed_error"] and c["known_name_matches"]
        for c in checks.values())


def run(ctx: Context) -> dict:
    tmp = ctx.workdir / "lists"
    sources, plan, http = _setup(ctx, tmp)
    http.start()
    svc = ctx.service("reload", lists=lists_value(sources))
    ctx.bodies()
    pids = svc.workers()
    baseline = {pid: _counts(svc, pid, pids)[0] for pid in pids}
    faults: dict[str, tuple[str, Path | None, Callable[[bytes], bytes] | None]] = plan["faults"]
    known = _known_names(ctx, svc, {f[0] for f in faults.values()}, pids, plan.get("same_as", {}))
    say(f"  baseline {sum(baseline[pids[0]].values()):,} entities per worker; known names for {sorted(known)}")
    drive = ctx.start_drive(svc, ctx.cfg.fault_rate, 1800.0)
    started = time.monotonic()
    results: dict[str, dict] = {}
    try:
        time.sleep(2.0)
        for name, (list_name, path, how) in faults.items():
            original = path.read_bytes() if path is not None else b""
            if path is None:
                http.stop()
            else:
                _write(path, how(original))  # type: ignore[misc]
            t = time.monotonic()
            reloads = _reload_all(svc, pids)
            checks = _check(svc, pids, list_name, baseline, known)
            if path is None:
                http.start()
            else:
                _write(path, original)
            results[name] = {"list": list_name, "reloads": reloads, "checks": checks,
                             "seconds": round(time.monotonic() - t, 2),
                             "ok": _fault_ok(reloads, checks, list_name)}
            say(f"  {name}: {'ok' if results[name]['ok'] else 'NOT OK'} "
                f"({next(iter(reloads.values()))['reason']})")
        final = _reload_all(svc, pids)
        after = {pid: {"counts": _counts(svc, pid, pids)[0] == baseline[pid],
                       "detailed_status": ((probe.on_worker(svc.port, pid, pids, "GET", "/health/detailed").json()
                                            or {}).get("components") or {}).get("lists", {}).get("status")}
                 for pid in pids}
        time.sleep(1.0)
    finally:
        out = drive.stop()
    load = outcome(out["records"])
    recovered = all(r["status"] == 200 for r in final.values()) and all(
        a["counts"] and a["detailed_status"] == "up" for a in after.values())
    rows = [target("reload_zero_failed", f"failed requests during the faults ({load['requests']} sent)",
                   load["failed"], "==", 0),
            target("reload_known_names", "a listed name matching before the faults found for every broken list "
                   f"({', '.join(sorted(known))})", sorted(known) == sorted({f[0] for f in faults.values()}), "==",
                   True)]
    for name, res in results.items():
        rows.append(target(f"reload_{name}", f"{name} ({res['list']}): 409 with the reason, counts kept, reason in "
                           "/lists and /health/detailed, known name matches — both workers", res["ok"], "==", True))
    rows.append(target("reload_recovered", "sources restored: reload 200 on both workers, counts as before, lists "
                       "\"up\"", recovered, "==", True))
    return {"rate": ctx.cfg.fault_rate, "seconds": round(time.monotonic() - started, 1), "workers": pids,
            "baseline": baseline[pids[0]], "known_names": {k: v["entity_id"] for k, v in known.items()},
            "faults": results, "final_reload": final, "after": after,
            "load": load, "error_examples": out["errors"][:8], "sources": [s[:2] for s in sources],
            "targets": rows}
