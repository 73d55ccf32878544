"""The load benchmark (benchmarks/load) in a tiny configuration, so it cannot rot:
one small shared list (SFMS, 871 entities), one-second runs, a few hundred texts.
Starts the real service and the bare endpoint under Gunicorn with 2 workers and
drives them with wrk (or driver.py's closed loop when wrk is not installed) and
driver.py; asserts what must hold on any machine (every phase ran, no failed
request, every budget row present, the files written), not the figures, which
need the full run (``python -m benchmarks.load``). Plus the load texts and the
report arithmetic on made-up data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.load import report
from benchmarks.load.__main__ import CannotRun, Config, run, write_results
from benchmarks.load.texts import LONG_CHARS, SHORT_MAX, build_load
from benchmarks.quality.common import LISTS_DIR, lists_setting

needs_shared_data = pytest.mark.skipif(not LISTS_DIR.is_dir(), reason=f"shared lists absent ({LISTS_DIR})")


def _snapshot():
    from ai_service.lists.config import parse_lists_spec
    from ai_service.lists.loader import load_sources_sync

    return load_sources_sync(parse_lists_spec(lists_setting({"ua_sfms"})))


@needs_shared_data
def test_tiny_run(tmp_path: Path) -> None:
    cfg = Config(lists=["ua_sfms"], connections=[4], rounds=1, duration=1, warmup=1, mixed_seconds=1,
                 latency_seconds=1.5, bare_latency_seconds=1, rate=100, long_rate=4, long_seconds=1, batches=2,
                 batch_size=10, profile_short=10, profile_long=1, cases=120, short_texts=300, long_texts=2,
                 mixed_texts=60, max_seconds=60, out=tmp_path / "out")
    try:
        rep = run(cfg, tmp_path / "work")
    except CannotRun as exc:
        pytest.skip(str(exc))
    assert rep["errors_by_phase"] and sum(rep["errors_by_phase"].values()) == 0, rep["errors_by_phase"]
    assert [r["key"] for r in rep["budgets"]] == [b[0] for b in report.BUDGETS]
    tp = rep["throughput"]
    assert tp["service_rps"] > 0 and tp["bare_rps"] > 0 and tp["ratio"] > 0
    assert {r["target"] for r in rep["throughput_runs"]} == {"service", "bare"}
    assert rep["latency_at_rate"]["service"]["latency"]["n"] > 50
    assert rep["latency_at_rate"]["bare"]["latency"]["n"] > 50
    assert rep["long_text"]["latency"]["n"] >= 1 and rep["batch"]["latency"]["n"] == 2
    ready = rep["startup"]["service"]
    assert 0 < ready["first_worker_ready_s"] <= ready["all_workers_ready_s"] and len(ready["workers"]) == 2
    assert all(w["rss_mb"] > 0 for w in rep["workers_after"]["service"])
    short = rep["profile"]["short texts"]
    assert short["n"] == 10 and {"search", "morphology", "total"} <= set(short["layers"])
    assert rep["values"]["rss_mb_per_worker"] > 0
    write_results(rep, cfg.out)
    saved = json.loads((cfg.out / "load.json").read_text(encoding="utf-8"))
    assert saved["met"] == rep["met"]
    md = (cfg.out / "load.md").read_text(encoding="utf-8")
    assert "| Budget | Value | Target | Met |" in md and "## Where the time goes" in md


@needs_shared_data
def test_load_texts() -> None:
    load = build_load(_snapshot(), cases=120, short=400, long=3, batches=2, batch_size=5, mixed=200)
    assert all(len(t) <= SHORT_MAX for t in load.short)
    assert len(set(load.short)) >= 0.95 * len(load.short)  # unique texts …
    assert load.stats["distinct_cases_drawn"] < load.stats["draws"] / 2  # … with names repeating
    assert all(LONG_CHARS - 150 <= len(t) <= LONG_CHARS for t in load.long)
    assert 0.03 <= load.stats["mixed"]["long"] / len(load.mixed) <= 0.2
    assert [len(b) for b in load.batches] == [5, 5]
    assert load.stats["long"]["payment_lines_mean"] > 3


def test_report_arithmetic() -> None:
    assert report.percentile([float(i) for i in range(1, 101)], 95) == 95.0
    assert report.latency_ms([0.001 * i for i in range(1, 101)])["p99_ms"] == 99.0
    runs = [{"target": "bare", "round": 1, "connections": 8, "throughput_rps": 4000.0, "errors": 0},
            {"target": "service", "round": 1, "connections": 8, "throughput_rps": 1000.0, "errors": 0},
            {"target": "service", "round": 1, "connections": 64, "throughput_rps": 3000.0, "errors": 3},
            {"target": "bare", "round": 1, "connections": 64, "throughput_rps": 5000.0, "errors": 0}]
    tp = report.throughput(runs)
    assert tp["service_rps"] == 1000.0 and tp["bare_rps"] == 5000.0 and tp["ratio"] == 0.2  # errors excluded
    assert [p["ratio"] for p in tp["paired_ratios"]] == [0.25, 0.6]
    rows = {r["key"]: r for r in report.budgets({"process_short_p95_ms_at_rate": 5.0, "throughput_ratio": 0.49,
                                                 "errors": 0, "ready_seconds": None})}
    assert rows["process_short_p95_ms_at_rate"]["met"] and rows["errors"]["met"]
    assert not rows["throughput_ratio"]["met"] and not rows["ready_seconds"]["met"]
    raw = {"requests": 1000, "duration_us": 2_000_000, "bytes": 1, "errors": {"connect": 0, "read": 0, "write": 0,
           "status": 2, "timeout": 1}, "latency_us": {"mean": 1500.0, "stdev": 1.0, "max": 9000, "p50": 1000,
                                                      "p75": 1, "p90": 2000, "p95": 1, "p99": 5000, "p99.9": 1}}
    w = report.wrk_summary(raw, 16, 1)
    assert w["throughput_rps"] == 500.0 and w["errors"] == 3 and w["latency"]["p99_ms"] == 5.0
    driver = {"tool": "t", "mode": "open", "rate": 10.0, "seconds": 1.0, "errors": [],
              "records": [[0.0, 0.0, None, -1, True]] + [[i / 10, i / 10 + 0.001, i / 10 + 0.003, 200, False]
                                                         for i in range(9)] + [[0.9, 0.9, 0.95, 500, False]]}
    s = report.driver_summary(driver)
    assert s["requests"] == 10 and s["errors"] == 1 and s["latency"]["n"] == 9 and s["achieved_rate"] == 10.0
    assert s["latency"]["p50_ms"] == pytest.approx(2.0)
