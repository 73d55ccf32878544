"""The resilience benchmark (benchmarks/resilience) in a small configuration, so it cannot rot:
the bundled demo list (no shared data needed, so it always runs), Gunicorn with 2 workers as in
production, a few seconds per scenario (about a minute in all). Asserts the scenarios'
targets — a SIGKILLed worker costs < 0.1 % of requests after one retry and its replacement
serves the same lists; broken list sources never replace good data; slow clients are cut
off in time and normal traffic goes on; a 20-second soak has no failed request and no
memory growth — plus the analysis on made-up records. The figures of record need the
full run (``python -m benchmarks.resilience``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.resilience import report, slowloris, soak
from benchmarks.resilience.__main__ import SCENARIOS, all_met, run, write_results
from benchmarks.resilience.common import Config, outcome, target


def _met(res: dict) -> dict[str, bool]:
    return {row["key"]: row["met"] for row in res["targets"]}


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    cfg = Config(lists="demo", soak_seconds=20, window_seconds=5, warmup_seconds=5, max_probe_seconds=2,
                 max_probe_connections=[8], soak_fraction=0.5, kill_rate=60, kill_seconds=8, kill_at=2.5,
                 fault_rate=30, slow_connections=24, slow_rate=40, slow_seconds=4, baseline_seconds=2.5,
                 body_timeout=1.5, header_timeout=1.5, cases=200, short_texts=600,
                 out=tmp_path_factory.mktemp("out"))
    rep = run(cfg, list(SCENARIOS), tmp_path_factory.mktemp("work"))
    rep["cfg"] = cfg
    return rep


def test_worker_kill(small_run: dict) -> None:
    res = small_run["scenarios"]["worker_kill"]
    assert all(_met(res).values()), res["targets"]
    assert res["checks"]["new_pid"] not in res["checks"]["workers_before"]
    assert res["timeline_s"]["ready_answer_from_new_pid"] is not None
    # A replacement holds off accepting until its lists are loaded: nothing answered 503.
    assert "HTTP 503" not in res["total"]["first_failure_kinds"], res["total"]


def test_reload_faults(small_run: dict) -> None:
    res = small_run["scenarios"]["reload_faults"]
    assert all(_met(res).values()), res["targets"]
    assert set(res["faults"]) == {"corrupt", "truncated_ftm", "empty", "unreachable_url", "cut_at_record_boundary"}
    for fault in res["faults"].values():
        assert all(r["status"] == 409 for r in fault["reloads"].values())
    assert res["load"]["requests"] > 50


def test_slowloris(small_run: dict) -> None:
    res = small_run["scenarios"]["slowloris"]
    assert all(_met(res).values()), res["targets"]
    for kind in ("body", "headers", "idle"):
        assert res["slow"][kind]["closed_by_server"] > 0, res["slow"]
        assert res["slow"][kind]["max_lifetime_s"] <= 1.5 + slowloris.SLACK_SECONDS


def test_soak(small_run: dict) -> None:
    res = small_run["scenarios"]["soak"]
    met = _met(res)
    assert met["soak_errors"] and met["soak_rss_growth"], res["targets"]
    # The p99 of the last third against the first is measured and reported; its bound (1.5×) is the
    # benchmark's to assert on a full run. Twenty seconds on a machine other jobs share bound nothing:
    # a neighbour's burst took this ratio to 4.4 while a second test suite ran beside this one.
    assert res["p99_thirds"]["ratio"] is not None and res["p99_thirds"]["ratio"] > 0, res["p99_thirds"]
    assert len(res["windows"]) == 4 and res["windows"][0]["warmup"] and not res["windows"][1]["warmup"]
    assert all(w["errors"] == 0 and w["rss_mb"] for w in res["windows"])


def test_results_files(small_run: dict) -> None:
    out = small_run["cfg"].out
    merged = write_results({k: v for k, v in small_run.items() if k != "cfg"}, out)
    saved = json.loads((out / "resilience.json").read_text(encoding="utf-8"))
    assert list(saved["scenarios"]) == list(SCENARIOS) and all_met(merged) == all_met(saved)
    md = (out / "resilience.md").read_text(encoding="utf-8")
    assert "| Scenario | Target | Value | Goal | Met |" in md
    for name in SCENARIOS:
        assert f"## {name}" in md


def test_analysis_on_made_up_records() -> None:
    # [sched, start, end, status, attempts, first_failure]
    recs = [[i / 10, i / 10, i / 10 + 0.002 + (0.01 if i >= 90 else 0.0), 200, 1, ""] for i in range(120)]
    recs[5] = [0.5, 0.5, 0.6, 200, 2, "ConnectionError"]  # cured by the retry
    recs[7] = [0.7, 0.7, 0.8, 0, 2, "ConnectionError"]  # failed twice
    o = outcome(recs)
    assert (o["requests"], o["failed"], o["failed_first_attempt"], o["retried"]) == (120, 1, 2, 2)
    assert outcome(recs, 1.0, 2.0)["requests"] == 10
    samples = [{"t": 100.0 + s, "rss": {1: 100.0 + s / 2}, "cpu": {1: s / 2}, "driver": s / 10,
                "machine": (int(s * 150), int(s * 200))} for s in range(13)]
    res = soak.analyse({"records": recs, "t0": 100.0, "elapsed": 12.0, "errors": []}, samples, [1], 3.0, 3.0, 12.0)
    assert [w["warmup"] for w in res["windows"]] == [True, False, False, False]
    assert res["windows"][0]["errors"] == 1 and res["windows"][0]["cores"]["workers"] == 0.5
    rows = {r["key"]: r for r in res["targets"]}
    assert not rows["soak_errors"]["met"]
    assert rows["soak_p99_stable"]["value"] > 1.5 and not rows["soak_p99_stable"]["met"]  # the last third slowed
    assert rows["soak_rss_growth"]["value"] == pytest.approx(round(3 / 103 * 100, 2))  # end of window 1 → end
    kinds = slowloris._by_kind([{"kind": "body", "closed": 3.0, "lifetime": 2.1, "answer": "HTTP/1.1 408 x"},
                                {"kind": "idle", "closed": None, "open_at_end_for": 9.0},
                                {"kind": "headers", "closed": 1.0, "lifetime": 1.0, "answer": None}], 2.0, 2.0)
    assert kinds["body"]["answers"] == {"408": 1} and kinds["body"]["overdue"] == 0
    assert kinds["idle"]["overdue"] == 1 and kinds["headers"]["answers"] == {"none": 1}
    assert target("x", "x", None, "<=", 1)["met"] is False and target("x", "x", 0.5, "<", 1)["met"] is True
    assert "▁" in report._spark([1.0, 2.0, 3.0])


def test_the_report_renders_a_failed_scenario(tmp_path: Path) -> None:
    rep = {"machine": {"python": "3", "platform": "p", "cpu": "c", "cpu_count": 2, "affinity": 2},
           "scenarios": {"soak": {"error": "RuntimeError: boom", "targets": [target("soak_ran", "ran", False, "==",
                                                                                      True)]}}}
    md = report.markdown(rep)
    assert "**The scenario failed:** RuntimeError: boom" in md and "All targets met: **no**" in md
