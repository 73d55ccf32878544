"""Dockerfile and .dockerignore: slim base, non-root, health check that really probes /health/ready."""

from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def only(keyword: str) -> str:
    [value] = [rest for kw, rest in instructions() if kw == keyword]
    return value


def test_base_user_port_and_command() -> None:
    assert only("FROM") == "python:3.11-slim"
    user = only("USER").split(":")[0]
    assert user.isdigit() and int(user) != 0
    assert only("EXPOSE") == "8000"
    assert json.loads(only("CMD")) == ["python", "-m", "ai_service"]
    assert any("pip install --no-cache-dir -r current_requirements.txt" in rest
               for kw, rest in instructions() if kw == "RUN")
    env = " ".join(rest for kw, rest in instructions() if kw == "ENV")
    assert "SERVICE_WORKERS=2" in env and "PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus" in env


def test_copied_paths_exist_and_are_not_ignored() -> None:
    ignored = [line.strip().rstrip("/") for line in (REPO / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    sources = [src for kw, rest in instructions() if kw == "COPY" for src in rest.split()[:-1]]
    assert {"ai_service/", "dictionaries/", "demo/", "logging.yaml", "gunicorn.conf.py"} <= set(sources)
    for source in sources:
        assert (REPO / source).exists(), source
        assert source.rstrip("/") not in ignored, f"{source} is copied but excluded by .dockerignore"
    assert {".git", ".venv", "tests"} <= set(ignored)


def health_command() -> list[str]:
    match = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", " ".join(
        f"{kw} {rest}" if kw == "HEALTHCHECK" else "" for kw, rest in instructions()).strip())
    assert match, "HEALTHCHECK ... CMD [exec form] expected"
    command = json.loads(match.group(1))
    assert "curl" not in " ".join(command) and "/health/ready" in " ".join(command)
    return command


@pytest.fixture
def health_server() -> Iterator[tuple[int, list[int]]]:
    status = [200]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status[0] if self.path == "/health/ready" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], status
    server.shutdown()


def test_healthcheck_passes_on_ready_and_fails_on_503(health_server: tuple[int, list[int]]) -> None:
    port, status = health_server
    command = [sys.executable if part == "python" else part for part in health_command()]
    env = {**os.environ, "SERVICE_PORT": str(port)}
    assert subprocess.run(command, env=env, capture_output=True, timeout=30).returncode == 0
    status[0] = 503
    assert subprocess.run(command, env=env, capture_output=True, timeout=30).returncode != 0
