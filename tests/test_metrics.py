"""ai_service.metrics: recording, flushing, exposition, disabled mode, multiprocess merge."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from prometheus_client import REGISTRY, CollectorRegistry, Histogram
from prometheus_client.parser import text_string_to_metric_families

from ai_service import metrics
from ai_service.metrics import recorder

REPO = Path(__file__).resolve().parents[1]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(autouse=True)
def _single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # These tests read the in-process registry; build it before any test exports a directory.
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)
    metrics.metric("REQUESTS")


def test_requests_counted_and_timed_per_endpoint() -> None:
    before = sample("ai_service_requests_total", endpoint="/t-req", method="POST", status="200")
    before_fast = sample("ai_service_request_duration_seconds_bucket", endpoint="/t-req", le="0.005")
    for seconds in (0.0004, 0.004, 0.2):
        metrics.observe_request("/t-req", "POST", 200, seconds)
    metrics.observe_request("/t-req", "POST", 422, 0.001)
    metrics.flush()
    assert sample("ai_service_requests_total", endpoint="/t-req", method="POST", status="200") - before == 3
    assert sample("ai_service_requests_total", endpoint="/t-req", method="POST", status="422") == 1
    assert sample("ai_service_request_duration_seconds_count", endpoint="/t-req") == 4
    assert sample("ai_service_request_duration_seconds_sum", endpoint="/t-req") == pytest.approx(0.2054)
    assert sample("ai_service_request_duration_seconds_bucket", endpoint="/t-req", le="0.005") - before_fast == 3


def test_buffered_histogram_equals_prometheus_observe() -> None:
    # The flush adds bucket counts in bulk; it must give what observe() gives, bounds included.
    values = [0.00001, 0.0000100001, 0.00003, 0.0001, 0.0009, 0.004, 0.05, 0.999, 1.0, 7.5]
    reference = Histogram("reference_layer_seconds", "", buckets=metrics.definitions.LAYER_BUCKETS,
                          registry=CollectorRegistry())
    for value in values:
        reference.observe(value)
    for value in values:
        metrics.observe_layers({"t-bounds": value})
    metrics.flush()
    expected = {s.labels["le"]: s.value for s in reference.collect()[0].samples if s.name.endswith("_bucket")}
    got = {le: sample("ai_service_layer_duration_seconds_bucket", layer="t-bounds", le=le) for le in expected}
    assert got == expected
    assert sample("ai_service_layer_duration_seconds_sum", layer="t-bounds") == pytest.approx(sum(values))


def test_layers_skip_total_and_cover_every_layer() -> None:
    before = {layer: sample("ai_service_layer_duration_seconds_count", layer=layer) for layer in metrics.LAYERS}
    metrics.observe_layers({**{layer: 0.00002 for layer in metrics.LAYERS}, "total": 0.5})
    metrics.flush()
    for layer in metrics.LAYERS:
        assert sample("ai_service_layer_duration_seconds_count", layer=layer) - before[layer] == 1
    assert REGISTRY.get_sample_value("ai_service_layer_duration_seconds_count", {"layer": "total"}) is None


def test_counters_for_decisions_matches_caches_errors() -> None:
    metrics.count_decision("t-high")
    metrics.count_decision("t-high")
    metrics.count_matches(name for name in ["t-ofac", "t-un", "t-ofac"])
    metrics.count_cache("t-morph", 3, 1)
    metrics.count_caches({"t-morph": (2, 0), "t-lang": (0, 5)})
    metrics.count_error("t-validation_error")
    metrics.flush()
    assert sample("ai_service_decisions_total", risk="t-high") == 2
    assert sample("ai_service_matches_total", list="t-ofac") == 2
    assert sample("ai_service_matches_total", list="t-un") == 1
    assert sample("ai_service_cache_requests_total", layer="t-morph", result="hit") == 5
    assert sample("ai_service_cache_requests_total", layer="t-morph", result="miss") == 1
    assert sample("ai_service_cache_requests_total", layer="t-lang", result="miss") == 5
    assert sample("ai_service_errors_total", code="t-validation_error") == 1


def test_in_flight_gauge_follows_requests() -> None:
    metrics.flush()
    base = sample("ai_service_in_flight_requests")
    with metrics.track_in_flight():
        metrics.in_flight(1)
        metrics.flush()
        assert sample("ai_service_in_flight_requests") == base + 2
        metrics.in_flight(-1)
    metrics.flush()
    assert sample("ai_service_in_flight_requests") == base


def test_gauges_reloads_and_batches() -> None:
    metrics.set_list_gauges([("t-list", 26_000, 1_700_000_000.5)])
    metrics.set_backend_up("t-es", False)
    metrics.set_circuit_state("half-open")
    metrics.count_reload("failure")
    metrics.observe_batch(100)
    assert sample("ai_service_list_entities", list="t-list") == 26_000
    assert sample("ai_service_list_loaded_timestamp_seconds", list="t-list") == 1_700_000_000.5
    assert sample("ai_service_search_backend_up", backend="t-es") == 0
    assert sample("ai_service_es_circuit_state") == 1
    assert sample("ai_service_list_reloads_total", result="failure") >= 1
    assert sample("ai_service_batch_size_bucket", le="100.0") >= 1
    metrics.set_circuit_state("open")
    assert sample("ai_service_es_circuit_state") == 2
    metrics.set_circuit_state("closed")
    assert sample("ai_service_es_circuit_state") == 0
    with pytest.raises(ValueError, match="unknown circuit state"):
        metrics.set_circuit_state("ajar")


def test_render_exposes_every_family_with_prometheus_content_type() -> None:
    metrics.observe_request("/t-render", "GET", 200, 0.001)
    body, content_type = metrics.render()
    text = body.decode()
    assert content_type.startswith("text/plain; version=0.0.4")
    for name in metrics.metric_names():
        assert f"# HELP {name} " in text, name
    # render() flushes its own process: the request above is already visible.
    assert 'ai_service_requests_total{endpoint="/t-render",method="GET",status="200"} 1.0' in text
    families = {f.name for f in text_string_to_metric_families(text)}
    assert "ai_service_requests" in families and "ai_service_layer_duration_seconds" in families


def test_metric_names_match_the_registered_families() -> None:
    registered = set()
    for attr in metrics.definitions.SPECS:
        for family in metrics.metric(attr).describe():
            registered.add(family.name + "_total" if family.type == "counter" else family.name)
    assert registered == set(metrics.metric_names())
    assert metrics.REQUESTS is metrics.metric("REQUESTS")  # module attributes are the objects


def test_background_thread_flushes_without_render() -> None:
    metrics.observe_request("/t-bg", "GET", 204, 0.001)
    deadline = time.monotonic() + 5 * recorder.FLUSH_INTERVAL_SECONDS
    while time.monotonic() < deadline:
        if sample("ai_service_requests_total", endpoint="/t-bg", method="GET", status="204") == 1:
            return
        time.sleep(0.05)
    pytest.fail("buffered request was not flushed by the background thread")


def test_raw_paths_cannot_explode_the_endpoint_label(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorder, "MAX_ENDPOINTS", len(recorder._endpoint_accs) + 1)
    metrics.observe_request("/t-cap/1", "GET", 200, 0.001)
    metrics.observe_request("/t-cap/2", "GET", 200, 0.001)
    metrics.observe_request("/t-cap/3", "GET", 200, 0.001)
    metrics.flush()
    assert sample("ai_service_requests_total", endpoint="/t-cap/1", method="GET", status="200") == 1
    assert sample("ai_service_requests_total", endpoint="/t-cap/2", method="GET", status="200") == 0
    assert sample("ai_service_requests_total", endpoint="other", method="GET", status="200") >= 2


def test_disabled_metrics_are_noops_with_a_valid_empty_exposition() -> None:
    code = textwrap.dedent("""
        from ai_service import metrics
        from ai_service.metrics import definitions
        metrics.observe_request("/process", "POST", 200, 0.001)
        metrics.observe_layers({"search": 0.001})
        metrics.count_decision("high"); metrics.count_matches(["a"]); metrics.count_cache("x", 1, 1)
        metrics.set_list_gauges([("a", 1, 1.0)]); metrics.set_circuit_state("open"); metrics.in_flight(1)
        metrics.count_reload("success"); metrics.observe_batch(3); metrics.flush()
        body, content_type = metrics.render()
        assert body == b"" and content_type.startswith("text/plain"), (body, content_type)
        assert not definitions.is_built()
        import sys
        assert "prometheus_client.values" not in sys.modules
        print("ok")
    """)
    env = {**os.environ, "PROMETHEUS_ENABLED": "false", "PYTHONPATH": str(REPO)}
    env.pop(metrics.MULTIPROC_ENV, None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def _parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_two_processes_are_merged_in_multiprocess_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ops.metrics_support import record_in_child

    monkeypatch.setenv(metrics.MULTIPROC_ENV, "")  # restored after the test
    # This process built in-memory metrics earlier, which prepare_multiprocess_dir() points out.
    with pytest.warns(RuntimeWarning, match="before the multiprocess directory"):
        directory = metrics.prepare_multiprocess_dir(str(tmp_path / "prom"))  # exports the variable
    assert os.environ[metrics.MULTIPROC_ENV] == directory
    ctx = multiprocessing.get_context("spawn")
    children = [ctx.Process(target=record_in_child, args=(3, 100, "closed")),
                ctx.Process(target=record_in_child, args=(5, 120, "open"))]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    merged = _parse(metrics.render()[0].decode())

    def value(name: str, **labels: str) -> float:
        return merged[(name, tuple(sorted(labels.items())))]

    assert value("ai_service_requests_total", endpoint="/process", method="POST", status="200") == 8
    assert value("ai_service_request_duration_seconds_count", endpoint="/process") == 8
    assert value("ai_service_request_duration_seconds_bucket", endpoint="/process", le="0.005") == 8
    assert value("ai_service_layer_duration_seconds_count", layer="search") == 2
    assert value("ai_service_decisions_total", risk="high") == 2
    assert value("ai_service_in_flight_requests") == 2  # livesum
    assert value("ai_service_es_circuit_state") == 2  # livemax: the worst breaker
    assert value("ai_service_list_entities", list="ofac_sdn") == 100  # livemin: the worst worker

    metrics.mark_process_dead(children[0].pid)  # Gunicorn's child_exit hook
    merged = _parse(metrics.render()[0].decode())
    assert value("ai_service_in_flight_requests") == 1
    assert value("ai_service_list_entities", list="ofac_sdn") == 120
    assert value("ai_service_requests_total", endpoint="/process", method="POST", status="200") == 8

    (Path(directory) / "stale.db").write_bytes(b"")
    with pytest.warns(RuntimeWarning):
        assert metrics.prepare_multiprocess_dir(directory) == directory
    assert not list(Path(directory).glob("*.db"))  # a new run starts from zero
