"""Shared plumbing of the quality benchmark: data paths, the two ways of asking
the service (in process or over HTTP), timing and the machine description.

Both clients answer the same two questions the HTTP API answers — ``search``
(POST /search) and ``compare`` (POST /compare) — so every evaluation runs
unchanged against either.
"""

from __future__ import annotations

import csv
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

import httpx

from ai_service.config import load_settings
from ai_service.pipeline.unicode_norm import normalize
from ai_service.search.base import NameQuery
from ai_service.search.name_match import compare_names
from ai_service.service import ScreeningService

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
LISTS_DIR = SHARED_DATA / "lists"
EVAL_DIR = SHARED_DATA / "eval"
RESULTS_DIR = REPO / "benchmarks" / "results"

# name=format:relative path under LISTS_DIR — the same lists as tests/api/conftest.py plus UN.
ALL_LISTS: tuple[tuple[str, str, str], ...] = (
    ("ua_nsdc_persons", "nsdc_persons", "ua_nsdc/persons.json"),
    ("ua_nsdc_persons", "nsdc_persons", "ua_nsdc/persons_supplement.json"),
    ("ua_nsdc_companies", "nsdc_companies", "ua_nsdc/companies.json"),
    ("ua_sfms", "sfms", "ua_sfms/terrorism_black_list.json"),
    ("ofac_sdn", "ofac_sdn", "ofac_sdn/sdn.csv"),
    ("un", "un_xml", "un/consolidated.xml"),
)
T = TypeVar("T")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def lists_setting(names: set[str] | None = None, lists_dir: Path = LISTS_DIR) -> str:
    """The ``LISTS`` value for the shared lists (all of them, or those named)."""
    return ",".join(f"{n}={fmt}:{lists_dir / rel}" for n, fmt, rel in ALL_LISTS if names is None or n in names)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True, slots=True)
class Hit:
    """One /search result, reduced to what the evaluations look at."""

    list: str
    entity_id: str
    name: str
    alias: str
    score: float

    def to_dict(self) -> dict:
        return {"list": self.list, "entity_id": self.entity_id, "name": self.name,
                "alias": self.alias, "score": round(self.score, 4)}


class Client(Protocol):
    """What the evaluations need from the service."""

    mode: str
    supports_dob: bool

    async def search(self, query: str, entity_type: str | None = "person", *, lists: frozenset[str] | None = None,
                     limit: int = 10, dob: str | None = None) -> list[Hit]: ...

    async def compare(self, a: str, b: str, entity_type: str | None = None) -> float: ...


class InProcessClient:
    """The code paths of /search and /compare, called directly on a loaded service."""

    mode = "in_process"
    supports_dob = True

    def __init__(self, service: ScreeningService) -> None:
        self.service = service

    async def search(self, query: str, entity_type: str | None = "person", *, lists: frozenset[str] | None = None,
                     limit: int = 10, dob: str | None = None) -> list[Hit]:
        # Mirrors ai_service/api/screening.py::search (the ``dob`` evidence is the
        # only addition: NameQuery carries it, the endpoint has no field for it).
        backend = self.service.current_backend()
        if backend is None:
            raise RuntimeError("the service has no lists loaded")
        name, _ = normalize(query.strip())
        compact = name.replace(" ", "").replace("-", "")
        if compact.isalnum() and sum(c.isdigit() for c in compact) >= 6:
            return [Hit(e.list, e.entity_id, e.primary_name, e.primary_name, 1.0)
                    for e in await backend.lookup_id(compact.upper(), lists)][:limit]
        found = await backend.search_name(NameQuery(name, entity_type, dob=dob, lists=lists), limit)
        return [Hit(c.entity.list, c.entity.entity_id, c.entity.primary_name, c.alias, c.score) for c in found[:limit]]

    async def compare(self, a: str, b: str, entity_type: str | None = None) -> float:
        return compare_names(normalize(a)[0], normalize(b)[0], entity_type).score


class HttpClient:
    """The same questions over HTTP to a running service (loopback only, bounded)."""

    mode = "http"
    supports_dob = False  # POST /search takes no date of birth

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 10.0) -> None:
        host = urlsplit(url).hostname or ""
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"--url must point at this machine (one of {', '.join(sorted(LOOPBACK_HOSTS))}), "
                             f"got host {host!r}")
        headers = {"X-API-Key": api_key} if api_key else {}
        self.client = httpx.AsyncClient(base_url=url.rstrip("/"), headers=headers, timeout=timeout,
                                        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4))

    async def close(self) -> None:
        await self.client.aclose()

    async def loaded_lists(self) -> list[str]:
        response = await self.client.get("/lists")
        response.raise_for_status()
        return sorted(item["name"] for item in response.json()["lists"])

    async def search(self, query: str, entity_type: str | None = "person", *, lists: frozenset[str] | None = None,
                     limit: int = 10, dob: str | None = None) -> list[Hit]:
        payload = {"query": query, "entity_type": entity_type, "limit": limit,
                   "lists": sorted(lists) if lists is not None else None}
        response = await self.client.post("/search", json=payload)
        response.raise_for_status()
        return [Hit(r["list"], r["entity_id"], r["name"], r.get("alias") or r["name"], float(r["score"]))
                for r in response.json()["results"]]

    async def compare(self, a: str, b: str, entity_type: str | None = None) -> float:
        response = await self.client.post("/compare", json={"a": a, "b": b, "entity_type": entity_type})
        response.raise_for_status()
        return float(response.json()["score"])


async def build_service(lists: str) -> ScreeningService:
    """A service with ``lists`` loaded and indexed, as the app would hold it."""
    service = ScreeningService(load_settings({"LISTS": lists}))
    await service.reload()
    return service


class Timer:
    """Wall time of a section plus per-call latencies."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.calls: list[float] = []

    async def timed(self, coro: Awaitable[T]) -> T:
        t = time.perf_counter()
        result = await coro
        self.calls.append(time.perf_counter() - t)
        return result

    def summary(self) -> dict:
        out: dict = {"wall_seconds": round(time.perf_counter() - self.started, 3), "calls": len(self.calls)}
        if self.calls:
            us = sorted(c * 1e6 for c in self.calls)
            out.update(mean_us=round(statistics.fmean(us), 1), p50_us=round(us[len(us) // 2], 1),
                       p95_us=round(us[int(len(us) * 0.95)], 1), max_us=round(us[-1], 1))
        return out


def machine() -> dict:
    """Enough about the machine to compare two runs."""
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {"python": sys.version.split()[0], "platform": platform.platform(), "cpu": cpu,
            "cpu_count": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else os.cpu_count()}


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
