"""Self-tests behind ``POST /health/test/{component}``: each one exercises the live component.

``search`` screens a known list entry through the running pipeline and expects it back as
the top match; ``lists`` checks the served snapshot; ``morphology`` parses known Ukrainian
and Russian name forms (bypassing the cache) and normalizes a dative name; ``elasticsearch``
pings the cluster and searches its index directly (not through the fallback, which would
hide an outage); ``metrics`` checks the multiprocess directory takes files and the
exposition renders. A check passes, fails with a reason, or is skipped (not configured).

Self-tests are not screenings: they write no audit record and count no decision.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ai_service import metrics
from ai_service.lists.model import Entity
from ai_service.lists.snapshot import ListsSnapshot
from ai_service.pipeline.document import Options
from ai_service.search.base import Candidate, NameQuery
from ai_service.service import ScreeningService

TIMEOUT_SECONDS = 30.0
# Known forms: (word, language, role, nominative). Dative, as in payment texts.
MORPH_FORMS = (("олександру", "uk", "given", "олександр"), ("петренку", "uk", "surname", "петренко"),
               ("александру", "ru", "given", "александр"))
MORPH_TEXT = "Переказ коштів Петренку Олександру Васильовичу"
MORPH_EXPECTED = "Петренко Олександр Васильович"


class SelfTestFailed(Exception):
    def __init__(self, reason: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details or {}


class SelfTestSkipped(SelfTestFailed):
    """The component is not configured here: nothing to test."""


Check = Callable[[ScreeningService, Entity | None], Awaitable[dict[str, Any]]]


# -- choosing the known entity --------------------------------------------------------

def _plain_person(e: Entity) -> bool:
    """A name the pipeline reads as one person: 2–4 words, no list punctuation, not ALL CAPS."""
    name = e.primary_name
    return (e.entity_type == "person" and 2 <= len(name.split()) <= 4 and name != name.upper()
            and not any(c in name for c in ",()/;") and not any(c.isdigit() for c in name)
            and name not in e.weak_names)


def pick_entity(snapshot: ListsSnapshot) -> Entity | None:
    """The first plain person of the first list that has one (deterministic: same lists, same
    entity), else the first named person or organization."""
    for lst in snapshot.lists.values():
        for entity in lst.entities:
            if _plain_person(entity):
                return entity
    return next((e for e in snapshot.entities() if e.primary_name and e.entity_type in ("person", "organization")),
                None)


def _target(service: ScreeningService, entity: Entity | None) -> tuple[ListsSnapshot, Entity]:
    gen = service.generation
    if gen is None:
        raise SelfTestFailed(f"no lists loaded: {service.last_reload.get('error') or service.last_reload['status']}")
    entity = entity or pick_entity(gen.snapshot)
    if entity is None:
        raise SelfTestFailed("the loaded lists hold no named person or organization to screen")
    return gen.snapshot, entity


def _entity(e: Entity) -> dict[str, Any]:
    return {"list": e.list, "entity_id": e.entity_id, "entity_type": e.entity_type, "name": e.primary_name}


def _judge(entity: Entity, found: list[Candidate], high: float) -> dict[str, Any]:
    """Pass when ``entity`` is the top match (ties allowed: lists repeat names) at a high score."""
    details: dict[str, Any] = {"entity": _entity(entity), "candidates": len(found)}
    if found:
        top = found[0]
        details["top_match"] = {"list": top.entity.list, "entity_id": top.entity.entity_id,
                                "score": round(top.score, 4)}
    rank = next((i for i, c in enumerate(found) if c.entity.list == entity.list
                 and c.entity.entity_id == entity.entity_id), None)
    if rank is None:
        raise SelfTestFailed(f"{entity.list}/{entity.entity_id} was not found by its own primary name", details)
    mine = found[rank]
    details.update(rank=rank + 1, score=round(mine.score, 4))
    if mine.score < found[0].score - 1e-9:
        raise SelfTestFailed(f"{entity.list}/{entity.entity_id} ranked {rank + 1}, below a higher-scored match",
                             details)
    if mine.score < high:
        raise SelfTestFailed(f"{entity.list}/{entity.entity_id} scored {mine.score:.4f}, below the high band "
                             f"({high:g})", details)
    return details


# -- the checks -------------------------------------------------------------------------

async def check_search(service: ScreeningService, entity: Entity | None) -> dict[str, Any]:
    _, entity = _target(service, entity)
    doc = await service.pipeline.process(entity.primary_name, "auto", Options(lists=frozenset({entity.list})))
    details = _judge(entity, doc.matches, service.pipeline.bands.high)
    return {**details, "risk": doc.decision.get("risk"), "search_backend": doc.search_backend}


async def check_lists(service: ScreeningService, entity: Entity | None) -> dict[str, Any]:
    snapshot, _ = _target(service, None)
    lists = {item["name"]: {k: item.get(k) for k in ("entity_count", "version", "age_seconds")}
             for item in service.lists_status()}
    details = {"lists": lists, "total_entities": snapshot.total_entities, "stale": service.lists_stale}
    empty = sorted(name for name, item in lists.items() if not item["entity_count"])
    if empty or not snapshot.total_entities:
        raise SelfTestFailed(f"list(s) with no entities: {', '.join(empty) or 'all'}", details)
    return details


async def check_morphology(service: ScreeningService, entity: Entity | None) -> dict[str, Any]:
    layer = service.pipeline.layer("morphology")
    analyze = getattr(layer.analyze, "__wrapped__", layer.analyze)  # past the cache: the analyzer itself
    forms: dict[str, list[str]] = {}
    for word, lang, role, nominative in MORPH_FORMS:
        readings = [f"{f.role}:{f.nominative}" for f in analyze(word, lang).forms]
        forms[f"{lang}:{word}"] = readings
        if f"{role}:{nominative}" not in readings:
            raise SelfTestFailed(f"{lang} {word!r} has no {role} reading {nominative!r}", {"readings": forms})
    doc = await service.pipeline.process(MORPH_TEXT, "uk", Options(search=False))
    persons = [p.normalized for p in doc.persons]
    details = {"readings": forms, "text": MORPH_TEXT, "persons": persons}
    if persons != [MORPH_EXPECTED]:
        raise SelfTestFailed(f"expected the person {MORPH_EXPECTED!r}, got {persons}", details)
    return details


async def check_elasticsearch(service: ScreeningService, entity: Entity | None) -> dict[str, Any]:
    runtime = service.es
    if runtime is None:
        raise SelfTestSkipped("not configured (SEARCH_BACKEND is not elasticsearch)")
    from ai_service.search.es.failover import FailoverBackend, describe_error  # imports the ES client

    details: dict[str, Any] = {"circuit": runtime.breaker.state, "index": runtime.index_status.get("index")}
    try:
        if not await runtime.client.ping():
            raise SelfTestFailed("ping failed: the cluster did not answer", details)
        _, entity = _target(service, entity)
        gen = service.generation
        primary = gen.backend.primary if gen is not None and isinstance(gen.backend, FailoverBackend) else None
        if primary is None:
            raise SelfTestFailed(f"no index serves the current lists (index {runtime.index_status.get('status')})",
                                 details)
        found = await primary.search_name(NameQuery(entity.primary_name, lists=frozenset({entity.list})), 10)
    except SelfTestFailed:
        raise
    except Exception as exc:  # a sanitized reason: transport errors may carry URLs with credentials
        raise SelfTestFailed(f"elasticsearch error: {describe_error(exc)}", details) from None
    return {**details, **_judge(entity, found, service.pipeline.bands.high)}


async def check_metrics(service: ScreeningService, entity: Entity | None) -> dict[str, Any]:
    if not metrics.ENABLED:
        raise SelfTestSkipped("not configured (PROMETHEUS_ENABLED=false)")
    path = os.environ.get(metrics.MULTIPROC_ENV)
    details: dict[str, Any] = {"mode": "multiprocess" if path else "in-memory", "multiprocess_dir": path}
    if path:
        if not os.path.isdir(path):
            raise SelfTestFailed(f"{metrics.MULTIPROC_ENV} {path} is not a directory", details)
        try:  # each worker creates its files here: it must take a new file
            with tempfile.NamedTemporaryFile(dir=path, prefix=".selftest-") as fh:
                fh.write(b"ok")
                fh.flush()
        except OSError as exc:
            raise SelfTestFailed(f"{metrics.MULTIPROC_ENV} {path} is not writable: {exc.strerror or exc}",
                                 details) from None
    body, _ = metrics.render()  # merges every worker's files in multiprocess mode
    families = body.count(b"# TYPE ai_service_")
    # In-memory every family is listed from the start; merged files list only what some worker
    # recorded, which may be nothing yet in a fresh process.
    if not path and not families:
        raise SelfTestFailed("the exposition has no ai_service_ metrics", details)
    return {**details, "families": families, "bytes": len(body)}


CHECKS: dict[str, Check] = {
    "search": check_search,
    "lists": check_lists,
    "morphology": check_morphology,
    "elasticsearch": check_elasticsearch,
    "metrics": check_metrics,
}
COMPONENTS = tuple(CHECKS)


async def run_self_test(service: ScreeningService, component: str, entity: Entity | None = None,
                        timeout: float = TIMEOUT_SECONDS) -> dict[str, Any]:
    """``{component, status: pass|fail|skipped, seconds, details[, reason]}``; never raises for a
    failing component (an exception inside a check is its failure reason)."""
    started = time.perf_counter()
    reason: str | None = None
    try:
        details = await asyncio.wait_for(CHECKS[component](service, entity), timeout)
        status = "pass"
    except SelfTestSkipped as exc:
        status, reason, details = "skipped", exc.reason, exc.details
    except SelfTestFailed as exc:
        status, reason, details = "fail", exc.reason, exc.details
    except TimeoutError:
        status, reason, details = "fail", f"timed out after {timeout:g} s", {}
    except Exception as exc:
        status, reason, details = "fail", f"{exc.__class__.__name__}: {exc}", {}
    result: dict[str, Any] = {"component": component, "status": status,
                              "seconds": round(time.perf_counter() - started, 4), "details": details}
    if reason is not None:
        result["reason"] = reason
    return result
