"""gunicorn.conf.py: settings from the environment, hooks, and a real 2-worker run."""

from __future__ import annotations

import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "gunicorn.conf.py"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PEER_DIR_ENV = "AI_SERVICE_PEER_DIR"


def load_conf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, Any]:
    for name in ("SERVICE_HOST", "SERVICE_PORT", "SERVICE_WORKERS", "GUNICORN_PRELOAD", "GUNICORN_ACCESS_LOG",
                 "GUNICORN_CONTROL_SOCKET", "LOG_LEVEL", "LOG_CONFIG", "PROMETHEUS_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path / "prom"))  # so loading never exports a default
    monkeypatch.setenv(PEER_DIR_ENV, str(tmp_path / "peers"))  # (the config sets it when unset)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def gunicorn_config(namespace: dict[str, Any]) -> Config:
    """Feed the module through Gunicorn's own validators, as `gunicorn -c` does."""
    cfg = Config()
    for key, value in namespace.items():
        if key in cfg.settings and value is not None:
            cfg.set(key.lower(), value)
    return cfg


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = gunicorn_config(load_conf(monkeypatch, tmp_path))
    assert cfg.bind == ["0.0.0.0:8000"]
    assert cfg.workers == 2
    assert cfg.worker_class_str == "ai_service.worker.UvicornWorker"
    assert (cfg.timeout, cfg.graceful_timeout, cfg.keepalive) == (30, 20, 5)
    assert cfg.preload_app is True  # the app and the lists are loaded once, in the master
    assert cfg.limit_request_line > 0 and cfg.limit_request_fields > 0
    assert cfg.control_socket_disable is True
    logconfig = cfg.logconfig_dict
    assert logconfig["formatters"]["json"]["()"] == "ai_service.logging_setup.JsonFormatter"
    assert logconfig["loggers"]["uvicorn.access"]["level"] == "WARNING"  # the app logs each request
    for hook in ("on_starting", "when_ready", "child_exit", "worker_exit", "on_exit"):
        assert callable(getattr(cfg, hook))


def test_the_lists_preload_begins_only_when_gunicorn_executes_the_config(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    from ai_service import preload

    begun: list[object] = []
    monkeypatch.setattr(preload, "begin", begun.append)
    load_conf(monkeypatch, tmp_path)  # imported by a test or a tool: nothing starts
    assert begun == []
    runpy.run_path(str(CONF), run_name="__config__")  # the module name Gunicorn gives its config
    assert len(begun) == 1 and begun[0].lists_preload
    monkeypatch.setenv("LISTS_PRELOAD", "false")
    runpy.run_path(str(CONF), run_name="__config__")
    assert len(begun) == 1


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = gunicorn_config(load_conf(monkeypatch, tmp_path, SERVICE_HOST="::1", SERVICE_PORT="9100",
                                    SERVICE_WORKERS="4", GUNICORN_PRELOAD="false", GUNICORN_ACCESS_LOG="1",
                                    LOG_LEVEL="warning"))
    assert cfg.bind == ["[::1]:9100"] and cfg.workers == 4 and cfg.preload_app is False
    assert cfg.logconfig_dict["root"]["level"] == "WARNING"
    assert cfg.logconfig_dict["loggers"]["uvicorn.access"]["level"] == "WARNING"
    cfg = gunicorn_config(load_conf(monkeypatch, tmp_path, GUNICORN_ACCESS_LOG="true"))
    assert cfg.logconfig_dict["loggers"]["uvicorn.access"]["level"] == "INFO"


def test_missing_log_config_falls_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    conf = load_conf(monkeypatch, tmp_path, LOG_CONFIG=str(tmp_path / "nope.yaml"))
    assert "nope.yaml not found" in conf["_log_config_problem"]
    assert conf["logconfig_dict"]["root"]["handlers"] == ["console"]


def test_hooks_manage_the_metrics_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    conf = load_conf(monkeypatch, tmp_path)
    directory = tmp_path / "prom"
    directory.mkdir()
    (directory / "counter_111.db").write_bytes(b"old run")
    messages: list[str] = []
    server = SimpleNamespace(log=SimpleNamespace(info=lambda msg, *a, **k: messages.append(msg),
                                                 warning=lambda msg, *a, **k: messages.append(msg)))
    with warnings.catch_warnings():  # this test process may have built in-memory metrics already
        warnings.simplefilter("ignore", RuntimeWarning)
        conf["on_starting"](server)
    assert not list(directory.iterdir()) and os.environ[MULTIPROC_ENV] == str(directory)
    for name in ("gauge_livesum_222.db", "gauge_livemax_222.db", "counter_222.db", "gauge_livesum_333.db"):
        (directory / name).write_bytes(b"")
    conf["child_exit"](server, SimpleNamespace(pid=222))
    assert sorted(p.name for p in directory.iterdir()) == ["counter_222.db", "gauge_livesum_333.db"]
    conf["on_exit"](server)
    assert directory.exists()  # an operator-given directory is only cleaned at start


def test_hooks_manage_the_batch_sharing_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    conf = load_conf(monkeypatch, tmp_path)
    peers = tmp_path / "peers"
    server = SimpleNamespace(log=SimpleNamespace(info=lambda *a, **k: None, warning=lambda *a, **k: None))
    peers.mkdir()
    (peers / "worker-7.sock").write_text("")  # a socket of an earlier run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        conf["on_starting"](server)
    assert peers.stat().st_mode & 0o777 == 0o700 and not list(peers.iterdir())
    for pid in (222, 333):
        (peers / f"worker-{pid}.sock").write_text("")
    conf["child_exit"](server, SimpleNamespace(pid=222))
    assert [p.name for p in peers.iterdir()] == ["worker-333.sock"]
    conf["on_exit"](server)
    assert peers.exists()  # only the master's own default directory is removed


def test_the_default_batch_sharing_directory_is_per_master(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PEER_DIR_ENV, "unset below")
    monkeypatch.delenv(PEER_DIR_ENV)  # restored to "absent" after the test, whatever the config exports
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path / "prom"))
    conf = runpy.run_path(str(CONF))
    default = Path(os.environ[PEER_DIR_ENV])
    assert default == Path(conf["_peer_dir_default"]) and default.name == f"ai-service-peers-{os.getpid()}"
    server = SimpleNamespace(log=SimpleNamespace(info=lambda *a, **k: None, warning=lambda *a, **k: None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        conf["on_starting"](server)
    assert default.is_dir()
    conf["on_exit"](server)
    assert not default.exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
        return response.read()


def test_two_workers_serve_merged_metrics_and_json_logs(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "SERVICE_HOST": "127.0.0.1", "SERVICE_PORT": str(port), "SERVICE_WORKERS": "2",
           "GUNICORN_ACCESS_LOG": "true", MULTIPROC_ENV: str(tmp_path / "prom"), "LOG_LEVEL": "INFO"}
    env.pop("LOG_CONFIG", None)
    env.pop("PROMETHEUS_ENABLED", None)
    out = (tmp_path / "stdout").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONF), "tests.ops.metrics_support:app"],
                            cwd=REPO, env=env, stdout=out, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(f"{base}/metrics")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.1)
        pids = {json.loads(get(f"{base}/work?text=3124509879", {"x-request-id": f"req-{i}"}))["pid"]
                for i in range(40)}
        total = 0.0
        deadline = time.monotonic() + 10  # other workers flush within FLUSH_INTERVAL_SECONDS
        while time.monotonic() < deadline and total != 40:
            text = get(f"{base}/metrics").decode()
            total = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                        if line.startswith('ai_service_requests_total{endpoint="/work"'))
            time.sleep(0.2)
        assert total == 40, text
        assert 'ai_service_list_entities{list="demo"} 3.0' in text
        assert len(list((tmp_path / "prom").glob("counter_*.db"))) == len(pids)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    out.seek(0)
    records = [json.loads(line) for line in out if line.startswith("{")]
    app_lines = [r for r in records if r["logger"] == "ai_service.testapp"]
    assert {r["request_id"] for r in app_lines} == {f"req-{i}" for i in range(40)}
    assert all("3124509879" not in r["message"] and "<masked sha256:" in r["message"] for r in app_lines)
    access = [r for r in records if r["logger"] == "uvicorn.access"]
    assert access and all(r["path"] in ("/work", "/metrics") for r in access)  # query strings dropped
    assert any(r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)
