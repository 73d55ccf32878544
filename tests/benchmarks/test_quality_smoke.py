"""CI-sized run of the quality benchmark (benchmarks/quality) on the shared data.

Asserts on the benchmark's own functions, so a broken evaluation fails here
and not silently in a published figure.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from benchmarks.quality import lists_eval as ev
from benchmarks.quality.__main__ import main
from benchmarks.quality.common import EVAL_DIR, LISTS_DIR, HttpClient, InProcessClient, build_service, lists_setting

UN_AND_OFAC = {"un", "ofac_sdn"}


def _require_shared() -> None:
    for path in (LISTS_DIR / "un" / "consolidated.xml", LISTS_DIR / "ofac_sdn" / "sdn.csv",
                 EVAL_DIR / "un_positives_treated.csv", EVAL_DIR / "negatives_us.csv"):
        if not path.exists():
            pytest.skip(f"shared data file {path} is not present (the benchmark reads ../shared/data beside the repo)")


@pytest.fixture(scope="module")
def client() -> InProcessClient:
    _require_shared()
    return InProcessClient(asyncio.run(build_service(lists_setting(UN_AND_OFAC))))


def test_un_positives_recall(client: InProcessClient) -> None:
    entities = client.service.generation.snapshot.lists["un"].entities
    positives, unmatched = ev.un_positives(entities, limit=150, seed=7)
    assert len(positives) == 150
    assert all(p.expected for p in positives)
    assert len(unmatched) < 20  # a few listed people were delisted since the set was made
    result = asyncio.run(ev.evaluate_un_positives(client, positives, lists=frozenset({"un"})))
    s = result.summary
    assert s["n"] == 150 and len(result.scores) == 150
    assert s["recall_at_1"] >= 0.95, s["first_misses"]
    assert s["recall_at_1"] <= s["recall_at_10"] and s["recall_at_1"] <= s["mrr"] <= s["recall_at_10"]


def test_negatives_false_alerts(client: InProcessClient) -> None:
    rows = ev.negatives(n=1000, seed=7)
    assert len(rows) == 1000 and rows == ev.negatives(n=1000, seed=7)  # fixed seed, same sample
    result = asyncio.run(ev.evaluate_negatives(client, rows, use_dob=False))
    s = result.summary
    assert s["share_at_or_above_medium"] <= 0.02, s["top_offenders"]
    assert s["share_at_or_above_high"] <= s["share_at_or_above_medium"] <= s["share_at_or_above_low"]
    assert s["count_at_or_above_medium"] == sum(x >= 0.70 for x in result.scores)
    assert all(o["score"] >= 0.5 for o in s["top_offenders"])


def test_ofac_portal_correlation(client: InProcessClient) -> None:
    rows = ev.ofac_portal_rows()
    result = asyncio.run(ev.evaluate_ofac_portal(client, rows))
    assert result["n"] == len(rows) > 100
    assert result["spearman"] > 0.3
    assert -1.0 <= result["kendall_tau_b"] <= 1.0 and result["kendall_tau_b"] > 0


def test_rank_statistics() -> None:
    assert ev.average_ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]
    assert ev.spearman([1, 2, 3, 4], [10, 40, 90, 160]) == pytest.approx(1.0)
    assert ev.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # with ties: ranks x = 1, 2.5, 2.5, 4 and y = 1, 3, 2, 4 -> 4.5 / sqrt(4.5 * 5)
    assert ev.spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / (4.5 * 5) ** 0.5)
    # scipy.stats.kendalltau documentation example (tau-b with ties)
    assert ev.kendall_tau_b([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) == pytest.approx(-0.47140452079103173)


def test_calibration_operating_points() -> None:
    negative = [0.75, 0.65] + [0.1] * 98  # false alerts: 2% up to 0.65, 1% up to 0.75, then none
    curve = ev.calibration_curve([0.9, 0.8, 0.6], negative)
    assert [p["threshold"] for p in curve][:2] == [0.5, 0.51] and curve[-1]["threshold"] == 0.99
    points = ev.operating_points(curve)
    assert (points["high"]["threshold"], points["medium"]["threshold"], points["low"]["threshold"]) == (0.76, 0.66, 0.5)
    assert points["high"]["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert points["medium"]["default_at_or_above_point"] and points["medium"]["default_false_alert_rate"] == 0.01
    assert ev.recommend(points) == {"high": 0.76, "medium": 0.66, "low": 0.5}


def test_http_client_is_loopback_only() -> None:
    with pytest.raises(ValueError, match="this machine"):
        HttpClient("http://example.com:8000")


def test_command_writes_results(tmp_path: Path) -> None:
    _require_shared()
    code = main(["--limit", "20", "--negatives", "50", "--out", str(tmp_path)])
    result = json.loads((tmp_path / "quality.json").read_text(encoding="utf-8"))
    assert code == (0 if all(t["met"] for t in result["targets"].values()) else 1)
    assert result["un_positives"]["restricted_to_un"]["n"] == 20
    assert result["negatives"]["without_dob"]["n"] == result["negatives"]["with_dob"]["n"] == 50
    assert result["machine"]["cpu_count"] and "--limit 20" in result["command"]
    curve = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))["curve"]
    assert len(curve) == 50
    assert "Operating points" in (tmp_path / "quality.md").read_text(encoding="utf-8")
