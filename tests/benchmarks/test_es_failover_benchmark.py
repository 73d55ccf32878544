"""The failover benchmark (benchmarks/es_failover) in a tiny configuration, so it
cannot rot: the demo and probe lists only, a few seconds per phase, breaker
reset 1 s. Runs against a real noida-db server (skipped when it is not
installed); asserts what must hold on any machine (zero failed requests, the
breaker opens and closes, no mixed answers across alias switches), not the
latency figures, which need the full run. Plus the analysis on made-up records.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.es_failover import analysis, data
from benchmarks.es_failover.__main__ import CannotRun, Config, render_markdown, run, write_results
from benchmarks.es_failover.procs import noida_binary


def test_tiny_run(tmp_path: Path) -> None:
    if noida_binary() is None:
        pytest.skip("noida-db is not installed (pip install noida-db==0.2.3, see current_requirements.txt)")
    cfg = Config(persons=0, companies=0, rate=10, healthy=2, outage=3, recovery_timeout=20, after_recovery=1,
                 switches=[2, 1], switch_timeout=20, after_switch=1, breaker_reset_seconds=1.0, texts=40,
                 probe_every=3, out=tmp_path / "out")
    try:
        rep = run(cfg, tmp_path / "work")
    except CannotRun as exc:
        pytest.skip(str(exc))
    fo, sw = rep["failover"], rep["alias_switch"]
    assert rep["failures"]["es_service"]["failed"] == 0, rep["failures"]
    assert rep["failures"]["embedded_service"]["failed"] == 0, rep["failures"]
    assert fo["seconds_to_breaker_open"] is not None and fo["seconds_to_breaker_open"] < 3
    # Answered by the fallback (a text naming nobody reports the backend that would have
    # answered, which is Elasticsearch for the few milliseconds of a half-open probe).
    window = fo["breaker_open"]
    assert window["es_service_by_backend"].get(analysis.FALLBACK, 0) >= 0.9 * window["es_service_fallback"]["n"]
    assert fo["breaker_open"]["embedded_only_service"]["n"] > 10
    assert fo["seconds_back_to_first_es_answer"] is not None and fo["seconds_back_to_first_es_answer"] < 15
    assert rep["met"]["switches_served_by_es"], rep["checks"]
    assert sw["probe_answers"] > 0 and sw["mixed"] == 0 and sw["incomplete"] == 0, sw
    assert sw["older_version_after_newer_seen"] == 0
    assert [s["index_action"] for s in sw["per_switch"]] == ["built", "switched"]
    assert rep["checks"]["after"]["es_service"]["probe_ids"] == sorted(data.probe_expected(1))
    write_results(rep, cfg.out)
    assert json.loads((cfg.out / "es_failover.json").read_text())["met"] == rep["met"]
    assert "| p95 growth with the breaker open |" in render_markdown(rep)


def _rec(k: int, start: float, end: float, backend: str | None = analysis.FALLBACK, status: int | None = 200,
         **extra) -> dict:
    return {"k": k, "start": start, "end": end, "backend": backend, "status": status, **extra}


def test_analysis_on_made_up_records() -> None:
    assert analysis.latency_stats([0.001 * i for i in range(1, 101)])["p95_ms"] == 95.0
    assert analysis.classify_probe({"probe_ids": sorted(data.probe_expected(2))}) == "v2"
    assert analysis.classify_probe({"probe_ids": ["probe-v1-a", "probe-v2-b", "probe-v2-new"]}) == "mixed"
    assert analysis.classify_probe({"probe_ids": ["probe-v1-a", "probe-v1-b"]}) == "incomplete"
    polls = [{"start": 9.9, "end": 9.95, "opened_count": 0, "circuit": "closed"},
             {"start": 10.5, "end": 10.5, "opened_count": 1, "circuit": "open", "next_probe_in": 4.6,
              "reset_seconds": 5.0},
             {"start": 21.0, "end": 21.0, "opened_count": 2, "circuit": "closed"}]
    assert analysis.breaker_opened_at(polls, 10.0) == pytest.approx(10.1)
    es = [_rec(0, 9.0, 9.3, analysis.ELASTICSEARCH), _rec(1, 10.05, 10.08), _rec(2, 11.0, 11.004),
          _rec(3, 12.0, 12.006), _rec(4, 20.5, 20.6, analysis.ELASTICSEARCH), _rec(5, 21.0, 21.2, None, None)]
    emb = [_rec(i, 11.0 + i, 11.003 + i, "embedded") for i in range(2)]
    fo = analysis.failover(es, emb, polls, {"kill": 10.0, "restart": 20.0, "back": 20.3, "switches": []})
    assert fo["seconds_to_breaker_open"] == pytest.approx(0.1)
    assert fo["breaker_open"]["es_service_fallback"]["n"] == 2
    assert fo["p95_growth_ms"] == pytest.approx(3.0)
    assert fo["seconds_back_to_first_es_answer"] == pytest.approx(0.3)
    assert analysis.failures(es)["failed"] == 1
