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

The workers wait for the master, so it uses the second core through forked helpers, each
with a serial fallback: ``preload_split`` (parsing and per-entity keys) and
``EmbeddedIndex.build(fork_vectors=True)`` (the name vectors). ``begin``, called by
``gunicorn.conf.py`` before Gunicorn imports the app, reads the sources and sets the
parsing helper to work during that ~1 s import; ``preload`` (``when_ready``) continues.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from dataclasses import dataclass

from ai_service.config import Settings
from ai_service.lists.config import is_url, sources_from_setting
from ai_service.lists.loader import ListsSnapshot, SourceBytes, build_snapshot, read_sources
from ai_service.preload_split import Split
from ai_service.search.index import EmbeddedIndex

log = logging.getLogger("ai_service.preload")


@dataclass(frozen=True, slots=True)
class Preloaded:
    lists: str | None  # the LISTS value it was built from
    checksums: list[tuple[str, str]]
    snapshot: ListsSnapshot
    index: EmbeddedIndex
    seconds: float


@dataclass(frozen=True, slots=True)
class _Begun:
    lists: str | None
    blobs: list[SourceBytes]
    split: Split
    at: float  # perf_counter when begun


_preloaded: Preloaded | None = None
_begun: _Begun | None = None


def wanted(settings: Settings) -> bool:
    """LISTS_PRELOAD on, and an embedded index to serve (not Elasticsearch without fallback)."""
    return settings.lists_preload and not (settings.search_backend == "elasticsearch"
                                           and settings.search_fallback != "embedded")


def begin(settings: Settings) -> None:
    """Start reading and parsing before the app import (``gunicorn.conf.py``); ``preload``
    continues from here. Does nothing when the preload does not apply or has begun; a
    failure here is left for ``preload`` to meet again and report."""
    global _begun
    if _begun is not None or _preloaded is not None or not wanted(settings):
        return
    sources = sources_from_setting(settings.lists)
    if any(is_url(s.location) for s in sources):
        return
    at = time.perf_counter()
    try:
        blobs = asyncio.run(read_sources(sources))
        _begun = _Begun(settings.lists, blobs, Split(blobs, fork=_cores() > 1), at)
    except Exception:
        return


def preload(settings: Settings) -> Preloaded | None:
    """Read, parse and index the configured lists in this (master) process; None when it
    does not apply or fails (the workers then load as without it, and report why)."""
    global _preloaded, _begun
    begun, _begun = _begun, None
    if begun is not None and begun.lists != settings.lists:
        begun.split.cancel()
        begun = None
    sources = sources_from_setting(settings.lists)
    if any(is_url(s.location) for s in sources):
        log.info("lists preload skipped: a list is fetched from a URL (each worker fetches it)")
        return None
    started = time.perf_counter()
    # Millions of objects are made and none dies young: with the collector on, its passes
    # over them were ~15 % of the preload.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if begun is not None:
            blobs, split = begun.blobs, begun.split
        else:
            blobs = asyncio.run(read_sources(sources))
            split = Split(blobs, fork=_cores() > 1)
        parsed = split.finish()
        snapshot, _ = build_snapshot(blobs, parse=parsed.parse)
        entities = list(snapshot.entities())
        index = EmbeddedIndex.build(entities, parsed.keys(entities), fork_vectors=_cores() > 1)
    except Exception as exc:  # the workers load again and report the reason through /lists
        log.warning("lists preload failed, workers will load the lists themselves: %s", type(exc).__name__)
        return None
    finally:
        if collecting:
            gc.enable()
    # What list_checksums(blobs) gives (build_snapshot hashed the same bytes in the same order).
    checksums = [(name, lst.checksum) for name, lst in snapshot.lists.items()]
    _preloaded = Preloaded(settings.lists, checksums, snapshot, index, time.perf_counter() - started)
    # Forked workers share these pages until written: keep the collector from touching them.
    # No gc.collect() first: it costs 0.16 s on the critical path and finds nothing (the
    # preload makes no cyclic garbage; whatever it might make would only stay allocated).
    gc.freeze()
    early = f" (reading and parsing began {started - begun.at:.2f} s before, during the app import)" if begun else ""
    log.info("lists preloaded in the master: %d entities in %d lists in %.2f s%s",
             snapshot.total_entities, len(snapshot.lists), _preloaded.seconds, early)
    return _preloaded


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use (containers, taskset)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def adoptable(lists: str | None, checksums: list[tuple[str, str]]) -> Preloaded | None:
    """The preloaded lists if they were built from this LISTS value and these exact bytes.

    Checksums, not file stats: re-reading and hashing costs a worker ~40 ms (about 1 % of the
    time to ready), while (inode, size, mtime) would miss a same-size rewrite within the
    filesystem's timestamp granularity and let a later worker serve lists older than its files."""
    pre = _preloaded
    if pre is None or pre.lists != lists or pre.checksums != checksums:
        return None
    return pre


def forget() -> None:
    """Drop the reference (tests; a worker that adopted keeps its own)."""
    global _preloaded, _begun
    if _begun is not None:
        _begun.split.cancel()
    _preloaded = _begun = None
