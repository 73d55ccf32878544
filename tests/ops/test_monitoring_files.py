"""monitoring/: every file parses, alert and dashboard queries use the service's real metrics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_service.metrics import definitions, metric_names

REPO = Path(__file__).resolve().parents[2]
MONITORING = REPO / "monitoring"
NAME = re.compile(r"\bai_service_[a-z_]+\b")
SELECTOR = re.compile(r"\b(ai_service_[a-z_]+)\{([^}]*)\}")
MATCHER = re.compile(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)")
SUFFIXES = {"_bucket": "histogram", "_count": "histogram", "_sum": "histogram", "_created": "counter"}
EXPECTED_PANELS = {
    "Request rate by endpoint", "Error rate (5xx and 4xx ratio)", "Errors by code", "In-flight requests",
    "Request latency p50 / p95 / p99 by endpoint", "Per-layer latency p95", "Per-layer mean latency",
    "Batch size", "Decisions by risk", "Matches by list", "Cache hit ratio by layer", "List entities",
    "List age", "List reloads", "Elasticsearch circuit breaker", "Search backends up",
}


def yaml_files() -> Iterator[Path]:
    yield REPO / "logging.yaml"
    for folder in (MONITORING, REPO / "deploy"):
        yield from sorted(folder.rglob("*.y*ml"))


@pytest.mark.parametrize("path", list(yaml_files()), ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_parses(path: Path) -> None:
    documents = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]
    assert documents and all(isinstance(doc, dict) for doc in documents)


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard() -> dict[str, Any]:
    return json.loads((MONITORING / "grafana_dashboard.json").read_text(encoding="utf-8"))


def dashboard_queries() -> list[str]:
    board = dashboard()
    queries = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    return queries + [v["definition"] for v in board["templating"]["list"] if v.get("definition")]


def family_of(name: str, families: dict[str, str]) -> str | None:
    """The exposed family a series name belongs to (histogram/counter sample suffixes stripped)."""
    if name in families:
        return name
    for suffix, kind in SUFFIXES.items():
        base = name[: -len(suffix)]
        if name.endswith(suffix) and families.get(base) == kind:
            return base
        if suffix == "_created" and name.endswith(suffix) and families.get(base + "_total") == kind:
            return base + "_total"
    return None


def families() -> dict[str, str]:
    return {spec[1]: spec[0] for spec in definitions.SPECS.values()}


@pytest.mark.parametrize("source", ["alerts.yml", "grafana_dashboard.json"])
def test_queries_use_only_defined_metric_names(source: str) -> None:
    queries = [r["expr"] for r in alert_rules()] if source == "alerts.yml" else dashboard_queries()
    known = families()
    assert set(known) == set(metric_names())
    used = {name for query in queries for name in NAME.findall(query)}
    assert used, "no ai_service metric referenced"
    unknown = sorted(name for name in used if family_of(name, known) is None)
    assert not unknown, f"{source} uses metrics the service does not expose: {unknown}"


@pytest.mark.parametrize("source", ["alerts.yml", "grafana_dashboard.json"])
def test_label_matchers_exist_on_their_metric(source: str) -> None:
    queries = [r["expr"] for r in alert_rules()] if source == "alerts.yml" else dashboard_queries()
    labels = {spec[1]: set(spec[3]) for spec in definitions.SPECS.values()}
    known = families()
    for query in queries:
        for name, matchers in SELECTOR.findall(query):
            family = family_of(name, known)
            allowed = labels[family] | {"job", "instance"} | ({"le"} if name.endswith("_bucket") else set())
            used = set(MATCHER.findall(matchers))
            assert used <= allowed, f"{name}{{{matchers}}}: unknown labels {used - allowed}"


def test_alert_rules_are_complete_and_routed() -> None:
    rules = alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    readme = (MONITORING / "README.md").read_text(encoding="utf-8")
    anchors = {"#" + h.strip().lower() for h in re.findall(r"^### (\S+)$", readme, flags=re.M)}
    for rule in rules:
        assert rule["labels"]["severity"] in {"critical", "warning"} and rule["labels"]["service"] == "ai-service"
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]
        assert "#" + rule["annotations"]["runbook"].split("#", 1)[1] in anchors, rule["alert"]
        assert re.fullmatch(r"\d+[smh]", str(rule["for"])), rule["alert"]
    wanted = {"AiServiceHighErrorRate", "AiServiceProcessLatencyP95High", "AiServiceListStale",
              "AiServiceListEmpty", "AiServiceEsCircuitOpen", "AiServiceNoRequests", "AiServiceListReloadFailures"}
    assert wanted <= set(names)
    manager = yaml.safe_load((MONITORING / "alertmanager.yml").read_text())
    receivers = {r["name"] for r in manager["receivers"]}
    routes = manager["route"]["routes"]
    assert manager["route"]["receiver"] in receivers and all(r["receiver"] in receivers for r in routes)
    for severity in {rule["labels"]["severity"] for rule in rules}:
        assert any(f'severity="{severity}"' in m or severity in m for r in routes for m in r["matchers"]), severity
    tested = {case["alertname"] for test in yaml.safe_load((MONITORING / "alerts_test.yml").read_text())["tests"]
              for case in test["alert_rule_test"]}
    assert set(names) <= tested, "every alert needs a promtool unit test"


def test_prometheus_scrapes_the_service_and_loads_the_rules() -> None:
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    [job] = [j for j in config["scrape_configs"] if j["job_name"] == "ai-service"]
    assert job["metrics_path"] == "/metrics"
    assert "localhost:8000" in job["static_configs"][0]["targets"]
    assert all((MONITORING / path).is_file() for path in config["rule_files"])
    assert 'up{job="ai-service"}' in " ".join(r["expr"] for r in alert_rules())  # same job name


def test_dashboard_has_the_expected_panels_laid_out_on_the_grid() -> None:
    board = dashboard()
    assert board["uid"] and board["title"]
    panels = [p for p in board["panels"] if p["type"] != "row"]
    assert EXPECTED_PANELS <= {p["title"] for p in panels}
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    assert any(v["type"] == "datasource" and v["query"] == "prometheus" for v in board["templating"]["list"])
    boxes = []
    for panel in panels:
        assert panel["targets"] and all(t["expr"].strip() and t["refId"] for t in panel["targets"]), panel["title"]
        assert panel["datasource"]["uid"] == "${datasource}"
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24 and grid["h"] > 0
        boxes.append((grid["x"], grid["y"], grid["x"] + grid["w"], grid["y"] + grid["h"], panel["title"]))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, f"panels overlap: {a[4]!r} and {b[4]!r}"
    latency = next(p for p in panels if p["title"].startswith("Request latency"))
    assert [t["expr"].split(",")[0] for t in latency["targets"]] == [
        "histogram_quantile(0.5", "histogram_quantile(0.95", "histogram_quantile(0.99"]


def run_tool(*args: str) -> None:
    done = subprocess.run(list(args), cwd=MONITORING, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_validates_config_and_alert_unit_tests() -> None:
    if shutil.which("promtool") is None:
        pytest.skip("promtool is not installed (Debian package 'prometheus'); structure is checked above")
    run_tool("promtool", "check", "config", "prometheus.yml")
    run_tool("promtool", "test", "rules", "alerts_test.yml")


def test_amtool_validates_alertmanager_config() -> None:
    if shutil.which("amtool") is None:
        pytest.skip("amtool is not installed (Debian package 'prometheus-alertmanager')")
    run_tool("amtool", "check-config", "alertmanager.yml")


def test_name_check_rejects_names_the_service_does_not_expose() -> None:
    # The old deployment guide's examples: these must be caught, not silently accepted.
    known = families()
    assert family_of("ai_service_requests_failed_total", known) is None
    assert family_of("ai_service_requests_total_bucket", known) is None
    assert family_of("ai_service_in_flight_requests_sum", known) is None
    assert family_of("ai_service_layer_duration_seconds_bucket", known) == "ai_service_layer_duration_seconds"
    assert family_of("ai_service_requests_created", known) == "ai_service_requests_total"
