"""Elasticsearch failover and alias switch under load (issue 5's acceptance figures).

    .venv/bin/python -m benchmarks.es_failover [--rate 5] [--outage 60] [--out DIR]

Starts, all on 127.0.0.1 and each in its own process group: a noida-db
ES-protocol server; the service with SEARCH_BACKEND=elasticsearch and
SEARCH_FALLBACK=embedded; and, as the reference, the same service with
SEARCH_BACKEND=embedded — both on the same lists (the demo list, a fixed sample
of the shared NSDC lists, and the benchmark's two-version ``probe`` list, see
``data.py``). A separate driver process (``driver.py``, httpx) sends short
payment texts to POST /process at a steady rate to both services, interleaved,
and polls their /health/detailed. Meanwhile this process:

1. after ``--healthy`` seconds SIGKILLs the ES server's process group, waits
   ``--outage`` seconds, starts it again on the same data directory and waits
   until Elasticsearch answers again (bounded by ``--recovery-timeout``);
2. then changes the probe list and calls POST /admin/lists/reload, once per
   ``--switches`` entry (default v2, v1, v2, v1, v2: a new versioned index built
   and the alias switched, then switches back and forth between the two kept
   versions),
   waiting each time until the service answers from the new index.

Figures: failed requests (must be 0); p95 of the ES service while its breaker is
open vs p95 of the embedded-only service over the same seconds (growth must be
≤ 2 ms); seconds from the kill to the breaker opening; seconds from the server
being back to the first answer from Elasticsearch (≤ 30 s); for the switches,
every probe answer wholly from one list version (no mixed answers). noida-db
scans linearly (tens to hundreds of ms per search), so latencies while
Elasticsearch serves are reported but not compared with anything.

Writes ``es_failover.json`` and ``es_failover.md`` to ``--out``
(default ``benchmarks/results``). Exit code 0 when every acceptance figure is
met, 1 when one is missed, 2 when the benchmark cannot run (noida-db not
installed, shared data absent: the message says which).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from benchmarks.es_failover import analysis, data
from benchmarks.es_failover.procs import Children, NoidaServer, Service, kill_group, noida_binary
from benchmarks.quality.common import REPO, RESULTS_DIR, machine, now_iso

ALIAS = "es-failover"
TARGETS = {"p95_growth_ms": 2.0, "failed_requests": 0, "seconds_back_to_first_es_answer": 30.0,
           "mixed_answers": 0}


class CannotRun(RuntimeError):
    """The benchmark cannot run here (the message says why); exit code 2."""


@dataclass
class Config:
    persons: int = 800  # NSDC persons sampled (0: demo + probe lists only, no shared data needed)
    companies: int = 200
    rate: float = 5.0  # requests per second to each service
    healthy: float = 20.0  # seconds of load before the kill
    outage: float = 60.0  # seconds the ES server stays down
    recovery_timeout: float = 60.0  # bound on waiting for Elasticsearch to answer again
    after_recovery: float = 10.0
    switches: list[int] = field(default_factory=lambda: [2, 1, 2, 1, 2])
    switch_timeout: float = 90.0  # bound on waiting for the new index to serve
    after_switch: float = 6.0
    es_timeout_ms: int = 5000  # noida-db needs far more than production's 50 ms
    breaker_failures: int = 3  # production defaults
    breaker_reset_seconds: float = 5.0
    texts: int = 400
    probe_every: int = 5
    out: Path = RESULTS_DIR
    write: bool = True
    command: str = "python -m benchmarks.es_failover"

    def max_seconds(self) -> float:
        return (self.healthy + self.outage + 60 + self.recovery_timeout + self.after_recovery
                + len(self.switches) * (self.switch_timeout + 60 + self.after_switch) + 30)


def _say(text: str) -> None:
    print(text, flush=True)


def _load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _es_status(service: Service) -> dict:
    r = httpx.get(service.url + "/health/detailed", timeout=5.0)
    return r.json()["components"]["elasticsearch"]


def _wait_es(service: Service, timeout: float, index_not: str | None = None) -> tuple[float | None, dict]:
    """Poll until the breaker is closed and the index (other than ``index_not``) serves."""
    deadline = time.monotonic() + timeout
    es: dict = {}
    while time.monotonic() < deadline:
        try:
            t = time.monotonic()
            es = _es_status(service)
            index = es.get("index") or {}
            if (es.get("circuit") == "closed" and es.get("serving") == analysis.ELASTICSEARCH
                    and index.get("status") == "ready" and index.get("index") != index_not):
                return (t + time.monotonic()) / 2, es
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.1)
    return None, es


def _probe_once(service: Service) -> dict:
    r = httpx.post(service.url + "/process", json={"text": data.PROBE_TEXT}, timeout=30.0)
    r.raise_for_status()
    body = r.json()
    ids = sorted(m["entity_id"] for m in body["matches"] if m["list"] == data.PROBE_LIST)
    return {"probe_ids": ids, "backend": body["search_backend"]}


def _alias_target(noida: NoidaServer) -> list[str]:
    r = httpx.get(f"{noida.url}/_alias/{ALIAS}", timeout=10.0)
    return sorted(r.json()) if r.status_code == 200 else []


def _wait_line(proc: subprocess.Popen, prefix: str, timeout: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = proc.stdout.readline().decode()
        if not line:
            break
        if line.startswith(prefix):
            return line.strip()
    raise RuntimeError(f"the load driver did not print {prefix!r} within {timeout:.0f} s")


def _sleep_until(t: float) -> None:
    time.sleep(max(0.0, t - time.monotonic()))


def run(cfg: Config, workdir: Path) -> dict:
    binary = noida_binary()
    if binary is None:
        raise CannotRun("noida-db is not installed (pip install noida-db==0.2.3, see current_requirements.txt)")
    if (cfg.persons or cfg.companies) and not data.shared_data_present():
        raise CannotRun(f"shared data absent ({data.NSDC_PERSONS}); the benchmark samples the NSDC lists from "
                        "../shared/data (or run with --persons 0 --companies 0 for the demo and probe lists only)")
    started_wall, started = now_iso(), time.monotonic()
    load_before = _load_average()
    lists = data.build_lists(workdir / "lists", cfg.persons, cfg.companies, cfg.texts, cfg.probe_every)
    admin = secrets.token_hex(16)
    events: dict = {"switches": []}
    checks: dict = {}
    with Children() as children:
        noida = NoidaServer(binary, workdir / "noida" / "data")
        noida.start()
        children.add(noida.stop)
        common = {"LISTS": lists.setting, "LOG_LEVEL": "WARNING"}
        es_svc = Service("elasticsearch", workdir, {
            **common, "SEARCH_BACKEND": "elasticsearch", "SEARCH_FALLBACK": "embedded", "ES_URL": noida.url,
            "ES_INDEX": ALIAS, "ES_TIMEOUT_MS": str(cfg.es_timeout_ms),
            "ES_BREAKER_FAILURES": str(cfg.breaker_failures),
            "ES_BREAKER_RESET_SECONDS": f"{cfg.breaker_reset_seconds:g}", "ADMIN_TOKEN": admin})
        emb_svc = Service("embedded", workdir, {**common, "SEARCH_BACKEND": "embedded"})
        for svc in (es_svc, emb_svc):
            svc.start()
            children.add(svc.stop)
        for svc in (es_svc, emb_svc):
            svc.wait(lambda r: r.status_code == 200, "/health/ready", 120, "readiness")
        attached, es = _wait_es(es_svc, 300)
        if attached is None:
            raise RuntimeError(f"the ES service never served from Elasticsearch: {es}")
        first_index = es["index"]["index"]
        checks["before"] = {"es_service": _probe_once(es_svc), "embedded_service": _probe_once(emb_svc),
                            "alias": _alias_target(noida), "index": es["index"]}
        _say(f"lists: {lists.entities} entities; index {first_index} ({es['index'].get('rows')} documents); "
             f"load {cfg.rate:g}/s per service")

        driver_cfg = workdir / "driver.json"
        driver_out = workdir / "driver-records.json"
        driver_cfg.write_text(json.dumps({
            "targets": {"es": es_svc.url, "embedded": emb_svc.url}, "texts": lists.texts, "rate": cfg.rate,
            "max_seconds": cfg.max_seconds(), "out": str(driver_out), "probe_text": data.PROBE_TEXT,
            "probe_list": data.PROBE_LIST}), encoding="utf-8")
        with (workdir / "driver.log").open("ab") as log:
            driver = subprocess.Popen([sys.executable, "-m", "benchmarks.es_failover.driver", str(driver_cfg)],
                                      cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                      start_new_session=True)
        children.add(lambda: kill_group(driver, signal.SIGTERM, 5.0))
        t0 = float(_wait_line(driver, "started", 30).split()[1])

        # 1. Kill the ES server under load, then bring it back.
        _sleep_until(t0 + cfg.healthy)
        _say(f"t+{time.monotonic() - t0:.1f}s: SIGKILL to the ES server's process group")
        events["kill"] = time.monotonic()
        assert noida.proc is not None
        kill_group(noida.proc, signal.SIGKILL)
        noida.proc = None
        _sleep_until(events["kill"] + cfg.outage)
        events["restart"] = time.monotonic()
        noida.start()
        events["back"] = time.monotonic()
        _say(f"t+{events['back'] - t0:.1f}s: ES server answering again "
             f"({events['back'] - events['restart']:.2f} s to start)")
        recovered, es = _wait_es(es_svc, cfg.recovery_timeout)
        events["recovered_poll"] = recovered
        _say(f"t+{time.monotonic() - t0:.1f}s: " + ("breaker closed, serving from Elasticsearch"
                                                    if recovered else "NOT recovered within the bound"))
        time.sleep(cfg.after_recovery)

        # 2. List changes: a new version built and the alias switched, under the same load.
        current = first_index
        for version in cfg.switches:
            data.write_probe_list(lists.probe_path, version)
            sw: dict = {"version": version, "reload_sent": time.monotonic()}
            r = httpx.post(es_svc.url + "/admin/lists/reload", headers={"X-API-Key": admin}, timeout=120.0)
            sw["reload_done"] = time.monotonic()
            sw["reload_status"] = r.status_code
            sw["attached"], es = _wait_es(es_svc, cfg.switch_timeout, index_not=current)
            index = es.get("index") or {}
            sw.update(index=index.get("index"), index_action=index.get("action"), alias=_alias_target(noida))
            events["switches"].append(sw)
            _say(f"t+{time.monotonic() - t0:.1f}s: probe list v{version}: reload HTTP {r.status_code} in "
                 f"{sw['reload_done'] - sw['reload_sent']:.2f} s; index {sw['index']} ({sw['index_action']}) "
                 + ("serving" if sw["attached"] else "NOT serving within the bound"))
            current = index.get("index") or current
            time.sleep(cfg.after_switch)

        assert driver.stdin is not None
        driver.stdin.write(b"stop\n")
        driver.stdin.close()
        _wait_line(driver, "done", 60)
        driver.wait(timeout=30)
        checks["after"] = {"es_service": _probe_once(es_svc), "alias": _alias_target(noida),
                           "lists": [{k: item[k] for k in ("name", "version", "entity_count")}
                                     for item in httpx.get(es_svc.url + "/lists", timeout=10.0).json()["lists"]]}
    result = json.loads(driver_out.read_text(encoding="utf-8"))
    report = build_report(cfg, result, events, checks, lists)
    report.update(started_at=started_wall, wall_seconds=round(time.monotonic() - started, 1),
                  machine=machine(), load_average_before=load_before, load_average_after=_load_average())
    return report


def build_report(cfg: Config, result: dict, events: dict, checks: dict, lists: data.Lists) -> dict:
    records = result["records"]
    es = [r for r in records if r["target"] == "es"]
    emb = [r for r in records if r["target"] == "embedded"]
    es_polls = [p for p in result["polls"] if p["target"] == "es"]
    fo = analysis.failover(es, emb, es_polls, events)
    sw = analysis.alias_switch(es, es_polls, events)
    fails = {"es_service": analysis.failures(es), "embedded_service": analysis.failures(emb)}
    lag = sorted(r["start"] - r["sched"] for r in records)
    total_failed = fails["es_service"]["failed"] + fails["embedded_service"]["failed"]
    met = {
        "zero_failed_requests": total_failed == 0,
        "p95_growth_le_2ms": fo.get("p95_growth_ms") is not None and fo["p95_growth_ms"] <= TARGETS["p95_growth_ms"],
        "recovery_le_30s": (fo.get("seconds_back_to_first_es_answer") is not None
                            and fo["seconds_back_to_first_es_answer"] <= TARGETS["seconds_back_to_first_es_answer"]),
        "no_mixed_answers": sw.get("probe_answers", 0) > 0 and sw["mixed"] == 0 and sw["incomplete"] == 0
        and sw["older_version_after_newer_seen"] == 0,
        "switches_served_by_es": all(s.get("attached") for s in events["switches"]),
    }
    return {
        "benchmark": "es_failover",
        "command": cfg.command,
        "config": {k: (_display_path(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()
                   if k != "write"},
        "lists": {"entities": lists.entities, "setting_names": [i.split("=")[0] for i in lists.setting.split(",")],
                  "load_texts": len(lists.texts), "probe_text_every": cfg.probe_every},
        "load": {"rate_per_service": cfg.rate, "seconds": round(result["t_stop"] - result["t0"], 1),
                 "requests": len(records), "send_lag_p95_ms": analysis.latency_stats(lag).get("p95_ms")},
        "failures": fails,
        "failover": fo,
        "alias_switch": sw,
        "checks": checks,
        "targets": TARGETS,
        "met": met,
        "all_met": all(met.values()),
    }


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def _counts(d: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "—"


def render_markdown(rep: dict) -> str:
    fo, sw, m = rep["failover"], rep["alias_switch"], rep["machine"]
    cfg = rep["config"]
    bo = fo.get("breaker_open", {})
    es_o, emb_o = bo.get("es_service_fallback", {}), bo.get("embedded_only_service", {})
    es_after = fo.get("after_recovery", {}).get("es_served_latency_not_compared", {})

    def yes(ok: bool) -> str:
        return "yes" if ok else "**no**"

    def num(v, unit: str = "") -> str:
        return "—" if v is None else f"{v}{unit}"

    lines = [
        "# Elasticsearch failover and alias switch under load",
        "",
        f"`{rep['command']}` — {rep['started_at']}, {rep['wall_seconds']} s; Python {m['python']}, "
        f"{m['platform']}, {m['cpu']}, {m['cpu_count']} CPUs (affinity {m['affinity']}). Load average "
        f"before / after: {' '.join(map(str, rep['load_average_before']))} / "
        f"{' '.join(map(str, rep['load_average_after']))} (the machine is shared; other jobs may have run).",
        "",
        f"Setup, all on 127.0.0.1: noida-db (ES protocol) server; the service with `SEARCH_BACKEND=elasticsearch`, "
        f"`SEARCH_FALLBACK=embedded`, `ES_TIMEOUT_MS={cfg['es_timeout_ms']}`, breaker "
        f"{cfg['breaker_failures']} failures / {cfg['breaker_reset_seconds']:g} s reset; the same service with "
        f"`SEARCH_BACKEND=embedded` as the reference; both one Uvicorn worker on the same "
        f"{rep['lists']['entities']} entities (demo list, NSDC sample of {cfg['persons']} persons and "
        f"{cfg['companies']} companies, probe list). Load: a separate httpx process, POST /process with short "
        f"payment texts, {cfg['rate']:g} requests/s to each service (open loop, interleaved, same texts), "
        f"{rep['load']['requests']} requests in {rep['load']['seconds']} s.",
        "",
        "| Figure | Value | Target | Met |",
        "|---|---|---|---|",
        f"| Failed requests (ES service / embedded service) | {rep['failures']['es_service']['failed']} of "
        f"{rep['failures']['es_service']['requests']} / {rep['failures']['embedded_service']['failed']} of "
        f"{rep['failures']['embedded_service']['requests']} | 0 | {yes(rep['met']['zero_failed_requests'])} |",
        f"| p95, breaker open (ES service, answered by the fallback) | {num(es_o.get('p95_ms'), ' ms')} "
        f"(n={es_o.get('n', 0)}) |  |  |",
        f"| p95, same seconds, embedded-only service | {num(emb_o.get('p95_ms'), ' ms')} (n={emb_o.get('n', 0)}) "
        "|  |  |",
        f"| p95 growth with the breaker open | {num(fo.get('p95_growth_ms'), ' ms')} | ≤ 2 ms | "
        f"{yes(rep['met']['p95_growth_le_2ms'])} |",
        f"| p50 / p99 breaker open vs embedded-only | {num(es_o.get('p50_ms'))} / {num(es_o.get('p99_ms'))} ms vs "
        f"{num(emb_o.get('p50_ms'))} / {num(emb_o.get('p99_ms'))} ms |  |  |",
        f"| ES server killed → breaker open | {num(fo.get('seconds_to_breaker_open'), ' s')} "
        f"(requests in flight or started meanwhile: {fo.get('answers_until_open', {}).get('n', '—')}, "
        f"answered by {_counts(fo.get('answers_until_open', {}).get('by_backend', {}))}, slowest "
        f"{num(fo.get('answers_until_open', {}).get('max_ms'), ' ms')}) |  |  |",
        f"| ES server back → first answer from Elasticsearch | {num(fo.get('seconds_back_to_first_es_answer'), ' s')}"
        f" | ≤ 30 s | {yes(rep['met']['recovery_le_30s'])} |",
        f"| ES server back → breaker closed (health poll); re-opened after | "
        f"{num(fo.get('seconds_back_to_breaker_closed'), ' s')}; {num(fo.get('breaker_reopened_after_recovery'))} "
        "times |  |  |",
        f"| Alias switches under load: failed requests | {sw.get('failed', '—')} of {sw.get('requests', '—')} | 0 "
        "|  |",
        f"| Alias switches: probe answers mixed / incomplete / older after newer | {sw.get('mixed', '—')} / "
        f"{sw.get('incomplete', '—')} / {sw.get('older_version_after_newer_seen', '—')} of "
        f"{sw.get('probe_answers', 0)} | 0 | {yes(rep['met']['no_mixed_answers'])} |",
        "",
        "## Failover",
        "",
        f"The ES server's process group got SIGKILL after {cfg['healthy']:g} s of load and was started again "
        f"{cfg['outage']:g} s later on the same data directory ({num(fo.get('seconds_server_restart'), ' s')} until "
        "it answered). The p95 comparison takes every request that started after the breaker opened and ended "
        f"before the restart ({num(fo.get('breaker_open_window_seconds'), ' s')}), on both services, so both "
        "saw the same seconds of machine load. ES service answers in that window by backend: "
        f"{_counts(bo.get('es_service_by_backend', {}))}; the requests that carried the "
        f"{num(fo.get('half_open_probes_failed_while_down'))} failed half-open probes to the dead server are "
        "included. Whole outage "
        f"(kill → back), ES service: p95 {num(fo.get('whole_outage', {}).get('es_service', {}).get('p95_ms'), ' ms')}"
        f", by backend {_counts(fo.get('whole_outage', {}).get('by_backend', {}))}.",
        "",
        "Latency while Elasticsearch answers is not compared with anything: noida-db scans every document per "
        "search (tens to hundreds of ms here), a real cluster does not. For the record, after recovery "
        f"(n={es_after.get('n', 0)}): p50 {num(es_after.get('p50_ms'), ' ms')}, p95 "
        f"{num(es_after.get('p95_ms'), ' ms')}; answers by backend "
        f"{_counts(fo.get('after_recovery', {}).get('by_backend', {}))}.",
        "",
        "## Alias switches",
        "",
        "Every switch rewrites the `probe` list file and calls `POST /admin/lists/reload`: the service swaps in "
        "the new snapshot at once (answered by the embedded fallback holding that snapshot while its index is "
        "not ready), the new versioned index is built — or found, for a version kept from before — the alias "
        "switched in one `_aliases` call, and Elasticsearch answers from it. One in "
        f"{cfg['probe_every']} load texts names the four probe people; each answer must be v1's complete set or "
        "v2's, never ids of both versions, and never an older version once the newer one was seen. "
        f"Probe answers in flight across a swap or an index attach: "
        f"{sw.get('probe_answers_in_flight_across_a_swap_or_attach', 0)}.",
        "",
        "| To | Reload | Reload → ES serves the new index | Index | Requests | Failed | Answered by |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sw.get("per_switch", []):
        lines.append(f"| v{s['to_version']} | {s['reload_seconds']} s | "
                     f"{num(s['seconds_reload_to_es_serving_new_index'], ' s')} | {s['index_action']} | "
                     f"{s['requests']} | {s['failed']} | {_counts(s['by_backend'])} |")
    lines += [
        "",
        f"Probe answers by version and backend: {_counts(sw.get('probe_by_kind_and_backend', {}))}.",
        "",
        "Raw figures: `es_failover.json`.",
        "",
    ]
    return "\n".join(lines)


def write_results(rep: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "es_failover.json").write_text(json.dumps(rep, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "es_failover.md").write_text(render_markdown(rep), encoding="utf-8")


def parse_args(argv: list[str] | None = None) -> tuple[Config, argparse.Namespace]:
    d = Config()
    p = argparse.ArgumentParser(prog="python -m benchmarks.es_failover", description=__doc__.split("\n\n")[0])
    p.add_argument("--persons", type=int, default=d.persons, help="NSDC persons sampled (0 with --companies 0: "
                   "demo and probe lists only)")
    p.add_argument("--companies", type=int, default=d.companies)
    p.add_argument("--rate", type=float, default=d.rate, help="requests/s to each service")
    p.add_argument("--healthy", type=float, default=d.healthy, help="seconds of load before the kill")
    p.add_argument("--outage", type=float, default=d.outage, help="seconds the ES server stays down")
    p.add_argument("--switches", default=",".join(map(str, d.switches)),
                   help="probe list versions to switch to, in order (1 or 2; empty: none)")
    p.add_argument("--breaker-reset", type=float, default=d.breaker_reset_seconds)
    p.add_argument("--out", type=Path, default=d.out, help="where to write es_failover.{json,md}")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs, raw records)")
    a = p.parse_args(argv)
    switches = [int(x) for x in a.switches.split(",") if x.strip()]
    if any(v not in (1, 2) for v in switches):
        p.error("--switches takes versions 1 and 2")
    if a.rate <= 0 or a.rate > 50:
        p.error("--rate must be in (0, 50]")
    given = sys.argv[1:] if argv is None else argv
    cfg = Config(persons=a.persons, companies=a.companies, rate=a.rate, healthy=a.healthy, outage=a.outage,
                 switches=switches, breaker_reset_seconds=a.breaker_reset, out=a.out,
                 command=" ".join(["python -m benchmarks.es_failover", *given]))
    return cfg, a


def main(argv: list[str] | None = None) -> int:
    cfg, args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="es-failover-") as tmp:
        workdir = Path(tmp)
        try:
            report = run(cfg, workdir)
        except CannotRun as exc:
            _say(f"SKIPPED: {exc}")
            return 2
        finally:
            if args.keep:
                kept = Path(tempfile.mkdtemp(prefix="es-failover-kept-"))
                shutil.copytree(tmp, kept, dirs_exist_ok=True)
                _say(f"work directory kept in {kept}")
    if cfg.write:
        write_results(report, cfg.out)
    _say(render_markdown(report))
    _say(f"written to {cfg.out}/es_failover.json and es_failover.md" if cfg.write else "")
    return 0 if report["all_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
