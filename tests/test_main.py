"""`python -m ai_service` as an operator runs it: Uvicorn alone, or Gunicorn with Uvicorn workers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ai_service.audit import read_records
from tests.helpers import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(tmp_path: Path, **env: str) -> tuple[subprocess.Popen, str, Path]:
    port = _free_port()
    log = tmp_path / "service.log"
    full_env = {**os.environ, "SERVICE_HOST": "127.0.0.1", "SERVICE_PORT": str(port),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"), **env}
    full_env.pop("LISTS", None) if "LISTS" not in env else None
    proc = subprocess.Popen([sys.executable, "-m", "ai_service"], cwd=REPO, env=full_env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}", log


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_ready(base: str, proc: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"not ready in {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_service_starts_with_no_configuration(tmp_path, workers):
    proc, base, log = _start(tmp_path, SERVICE_WORKERS=workers)
    try:
        _wait_ready(base, proc, log)
        n = 12
        with httpx.Client(base_url=base, timeout=5) as client:
            for _ in range(n):
                resp = client.post("/process", json={"text": "Переказ коштів Вигаданку Олександру Васильовичу"})
                assert resp.status_code == 200
            body = resp.json()
            assert body["matches"] and body["matches"][0]["list"] == "demo"
            time.sleep(1.3)  # workers publish their metric values at most a second late
            metrics = client.get("/metrics").text
        line = next(ln for ln in metrics.splitlines()
                    if ln.startswith('ai_service_requests_total{endpoint="/process",method="POST",status="200"}'))
        assert float(line.split()[-1]) == n  # summed over every worker
    finally:
        _stop(proc)
    lines = [json.loads(ln) for ln in log.read_text().splitlines() if ln.startswith("{")]
    assert any("demo list" in ln["message"] for ln in lines)
    assert not any("Вигаданк" in ln.get("message", "") for ln in lines)  # payment text never logged


def _shared_texts(client: httpx.Client) -> float:
    time.sleep(1.3)  # workers publish their metric values at most a second late
    return sum(float(ln.split()[-1]) for ln in client.get("/metrics").text.splitlines()
               if ln.startswith('ai_service_batch_shared_texts_total{outcome="peer"}'))


def test_self_tests_and_one_audit_file_under_two_gunicorn_workers(tmp_path):
    audit = tmp_path / "audit" / "audit.jsonl"
    peers = tmp_path / "peers"
    proc, base, log = _start(tmp_path, SERVICE_WORKERS="2", ADMIN_TOKEN="t", AUDIT_LOG_PATH=str(audit),
                             AI_SERVICE_PEER_DIR=str(peers))
    n, batch = 40, 40
    batches = 0
    try:
        _wait_ready(base, proc, log)
        with httpx.Client(base_url=base, timeout=10, headers={"Authorization": "Bearer t"}) as client:
            for component in ("search", "lists", "morphology", "metrics"):
                body = client.post(f"/health/test/{component}").json()
                assert body["status"] == "pass", body
                if component == "metrics":
                    assert body["details"]["mode"] == "multiprocess"
            for i in range(n):
                text = f"Переказ коштів Вигаданку Олександру Васильовичу, рахунок {i}"
                assert client.post("/process", json={"text": text}).status_code == 200
            assert len(list(peers.glob("worker-*.sock"))) == 2
            # A batch is split with the other worker (batch_peers); retried while that one may still start.
            texts = [f"Переказ коштів Вигаданку Олександру Васильовичу, платіж {i}" for i in range(batch)]
            while True:
                body = client.post("/process/batch", json={"texts": texts}, headers={"x-request-id": f"b{batches}"})
                batches += 1
                assert body.status_code == 200 and len(body.json()["results"]) == batch
                if _shared_texts(client) > 0 or batches == 5:
                    break
            assert _shared_texts(client) >= batch // 2 - 4
    finally:
        _stop(proc)  # SIGTERM: each worker drains its queue, fsyncs and closes
    assert not list(peers.glob("worker-*.sock"))  # each worker removed its socket
    records, skipped = read_records(audit)
    assert skipped == 0 and len(records) == n + batches * batch
    assert len({r["request_id"] for r in records}) == n + batches * batch  # every item once, whoever screened it
    assert sorted({r["endpoint"] for r in records}) == ["/process", "/process/batch"]
    assert all(r["matches"][0]["entity_id"] == "demo-ua-person-01" for r in records)


def test_bad_configuration_stops_with_the_variable_named(tmp_path):
    proc, _, log = _start(tmp_path, SERVICE_PORT="eighty")
    assert proc.wait(timeout=30) == 2
    assert "SERVICE_PORT" in log.read_text()
