"""Lists read, parsed and indexed once in the Gunicorn master, shared by the workers it forks.

Without it every worker parses the same files and builds the same index at the same
time on the same cores (5.7 s to ready with 2 workers and the shared lists). The master
does it once before forking (``when_ready`` in ``gunicorn.conf.py``); each worker
finds the result here, in memory it shares copy-on-write with the master, and adopts
it at start-up — but only after re-reading its sources and finding the same checksums,
so a worker started later (Gunicorn replacing one that died) never serves lists older
than its sources: if they changed, it builds from the files as before.

Only local files are preloaded (a URL is fetched by each worker through its own HTTP
client, with its limits); nothing here runs outside Gunicorn or with LISTS_PRELOAD=false.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from dataclasses import dataclass

from ai_service.config import Settings
from ai_service.lists.config import is_url, sources_from_setting
from ai_service.lists.loader import ListsSnapshot, build_snapshot, list_checksums, read_sources
from ai_service.search.index import EmbeddedIndex

log = logging.getLogger("ai_service.preload")


@dataclass(frozen=True, slots=True)
class Preloaded:
    lists: str | None  # the LISTS value it was built from
    checksums: list[tuple[str, str]]
    snapshot: ListsSnapshot
    index: EmbeddedIndex
    seconds: float


_preloaded: Preloaded | None = None


def preload(settings: Settings) -> Preloaded | None:
    """Read, parse and index the configured lists in this (master) process; None when it
    does not apply or fails (the workers then load as without it, and report why)."""
    global _preloaded
    sources = sources_from_setting(settings.lists)
    if any(is_url(s.location) for s in sources):
        log.info("lists preload skipped: a list is fetched from a URL (each worker fetches it)")
        return None
    started = time.perf_counter()
    try:
        blobs = asyncio.run(read_sources(sources))
        snapshot, _ = build_snapshot(blobs)
        index = EmbeddedIndex.build(list(snapshot.entities()))
    except Exception as exc:  # the workers load again and report the reason through /lists
        log.warning("lists preload failed, workers will load the lists themselves: %s", type(exc).__name__)
        return None
    _preloaded = Preloaded(settings.lists, list_checksums(blobs), snapshot, index, time.perf_counter() - started)
    # Forked workers share these pages until written: keep the collector from touching them.
    gc.collect()
    gc.freeze()
    log.info("lists preloaded in the master: %d entities in %d lists in %.2f s",
             snapshot.total_entities, len(snapshot.lists), _preloaded.seconds)
    return _preloaded


def adoptable(lists: str | None, checksums: list[tuple[str, str]]) -> Preloaded | None:
    """The preloaded lists if they were built from this LISTS value and these exact bytes."""
    pre = _preloaded
    if pre is None or pre.lists != lists or pre.checksums != checksums:
        return None
    return pre


def forget() -> None:
    """Drop the reference (tests; a worker that adopted keeps its own)."""
    global _preloaded
    _preloaded = None
