"""Child processes of the failover benchmark: the service (``python -m ai_service``) and
the noida-db ES-protocol server, each in its own process group (``benchmarks.processes``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from benchmarks.processes import Children, LoggedProcess, kill_group
from benchmarks.quality.common import REPO
from tests.search.es.noida import NoidaServer, free_port, noida_binary

__all__ = ["Children", "NoidaServer", "Service", "free_port", "kill_group", "noida_binary"]


class Service(LoggedProcess):
    """One ``python -m ai_service`` (one Uvicorn worker) on 127.0.0.1."""

    def __init__(self, name: str, workdir: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.log = workdir / f"service-{name}.log"
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("ES_", "SEARCH_", "LISTS", "PROMETHEUS_MULTIPROC", "SERVICE_", "API_KEYS",
                                     "ADMIN_TOKEN", "RATE_LIMIT"))}
        self.env = {**base, "SERVICE_HOST": "127.0.0.1", "SERVICE_PORT": str(self.port), "SERVICE_WORKERS": "1",
                    **env}
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "ai_service"], cwd=REPO, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)

    def wait(self, check: Callable[[httpx.Response], bool], path: str, timeout: float, what: str) -> dict:
        """Poll ``path`` until ``check`` holds; return its JSON body."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"service {self.name} exited: {self.tail()}")
            try:
                r = httpx.get(self.url + path, timeout=2.0)
                if check(r):
                    return r.json()
                last = f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.1)
        raise RuntimeError(f"service {self.name}: {what} not within {timeout:.0f} s ({last}): {self.tail()}")
