"""Versioned index builds behind an alias: build, verify, switch atomically, prune.

The version is the snapshot checksum: ``<alias>-<checksum[:16]>``. Creating
that index is the claim — Elasticsearch lets exactly one loader create it, so
Gunicorn workers starting together build it once; the others wait for its
``_meta.complete`` and reuse it. Unchanged lists are a no-op (the live index's
``_meta.checksum`` equals the snapshot's). ``force`` builds a fresh
``<alias>-<checksum>-<millis>`` beside the live one. Only indices this service
created (``_meta.managed_by``) and named by this scheme are ever deleted.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import Any

from elasticsearch import AsyncElasticsearch, BadRequestError, NotFoundError
from elasticsearch.helpers import async_bulk

from ai_service.lists.snapshot import ListsSnapshot
from ai_service.logging_setup import safe
from ai_service.search.es.documents import batch_actions, snapshot_checksum
from ai_service.search.es.mapping import MANAGED_BY, SCHEMA_VERSION, index_pattern, index_template, template_name
from ai_service.search.es.progress import Progress

log = logging.getLogger("ai_service.search.es.indexer")

BULK_CHUNK = 500  # documents per bulk request (~1.5 MB with vectors and entity JSON)
BATCH_ENTITIES = 500  # entities turned into documents per worker-thread call
POLL_SECONDS = 1.0


class IndexerError(RuntimeError):
    """The index could not be built or verified; the live alias is untouched."""


@dataclass(frozen=True, slots=True)
class IndexState:
    alias: str
    index: str
    checksum: str
    entities: int
    rows: int
    action: str  # unchanged | switched | built
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "checksum": self.checksum[:12], "seconds": round(self.seconds, 3)}


def version_name(alias: str, checksum: str, force: bool = False) -> str:
    base = f"{alias}-{checksum[:16]}"
    return f"{base}-{int(time.time() * 1000)}" if force else base


async def ensure_index(client: AsyncElasticsearch, snapshot: ListsSnapshot, alias: str, *, keep: int = 2,
                       force: bool = False, wait_seconds: float = 120.0, progress: bool | None = None) -> IndexState:
    """Make ``alias`` point at an index holding exactly ``snapshot``.

    ``client`` should carry bulk-sized timeouts (``client.bulk_client``);
    ``wait_seconds`` bounds waiting for another loader building the same version.
    """
    started = time.perf_counter()
    checksum = snapshot_checksum(snapshot)
    await client.indices.put_index_template(name=template_name(alias), **index_template(alias))
    if not force:
        live = await alias_indices(client, alias)
        if len(live) == 1:
            meta = await index_meta(client, live[0])
            if meta and meta.get("checksum") == checksum and await _is_complete(client, live[0], meta):
                return _state(alias, live[0], checksum, meta, "unchanged", started)
    name = version_name(alias, checksum, force)
    while True:
        meta = await index_meta(client, name)
        if meta is not None:
            if meta.get("managed_by") != MANAGED_BY:
                raise IndexerError(f"{name} exists and was not created by {MANAGED_BY}; not touching it")
            if await _is_complete(client, name, meta):
                await switch_alias(client, alias, name)
                await prune(client, alias, keep, wait_seconds)
                return _state(alias, name, checksum, meta, "switched", started)
            if meta.get("complete") or time.time() - float(meta.get("building_at", 0)) >= wait_seconds:
                log.warning("deleting %s: incomplete or abandoned by its loader", safe(name))
                await _delete(client, name)
            else:
                await asyncio.sleep(POLL_SECONDS)  # another loader is building this version
            continue
        meta = _meta(snapshot, checksum)
        try:
            await client.indices.create(index=name, settings={"refresh_interval": "-1"}, mappings={"_meta": meta})
        except BadRequestError as exc:
            if exc.error == "resource_already_exists_exception":
                continue  # lost the race: wait for the winner
            raise
        break
    try:
        rows = await _load(client, name, snapshot, progress)
        meta = {**meta, "complete": True, "rows": rows, "created_at": time.time()}
        await client.indices.put_mapping(index=name, meta=meta)
    except BaseException:
        await _delete(client, name)  # never leave a half-built version behind
        raise
    await switch_alias(client, alias, name)
    await prune(client, alias, keep, wait_seconds)
    state = _state(alias, name, checksum, meta, "built", started)
    log.info("elasticsearch index %s built: %d entities, %d documents in %.1f s",
             safe(name), state.entities, rows, state.seconds)
    return state


async def _load(client: AsyncElasticsearch, name: str, snapshot: ListsSnapshot, progress: bool | None) -> int:
    entities = list(snapshot.entities())
    bar = Progress(f"indexing {name}", len(entities), enabled=progress)
    sent = 0

    async def stream() -> AsyncIterator[dict[str, Any]]:
        nonlocal sent
        for lo in range(0, len(entities), BATCH_ENTITIES):
            chunk = [(e, lo + i) for i, e in enumerate(entities[lo : lo + BATCH_ENTITIES])]
            # Names to keys and vectors off the event loop: the service keeps answering.
            docs = await asyncio.to_thread(batch_actions, name, chunk)
            for doc in docs:
                yield doc
            sent += len(docs)
            bar.update(lo + len(chunk))

    try:
        await async_bulk(client, stream(), chunk_size=BULK_CHUNK, max_retries=3, raise_on_error=True)
    finally:
        bar.close()
    await client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
    await client.indices.refresh(index=name)
    count = (await client.count(index=name))["count"]
    if count != sent:
        raise IndexerError(f"{name}: {count} documents searchable, {sent} sent")
    return sent


def _meta(snapshot: ListsSnapshot, checksum: str) -> dict[str, Any]:
    return {
        "managed_by": MANAGED_BY,
        "schema": SCHEMA_VERSION,
        "checksum": checksum,
        "complete": False,
        "building_at": time.time(),
        "entities": snapshot.total_entities,
        "lists": {name: lst.version for name, lst in snapshot.lists.items()},
    }


def _state(alias: str, name: str, checksum: str, meta: dict, action: str, started: float) -> IndexState:
    return IndexState(alias, name, checksum, int(meta.get("entities", 0)), int(meta.get("rows", 0)), action,
                      time.perf_counter() - started)


async def _is_complete(client: AsyncElasticsearch, name: str, meta: dict) -> bool:
    if not meta.get("complete"):
        return False
    return (await client.count(index=name))["count"] == meta.get("rows")


# -- alias and versions --------------------------------------------------------


async def alias_indices(client: AsyncElasticsearch, alias: str) -> list[str]:
    try:
        return sorted(await client.indices.get_alias(name=alias))
    except NotFoundError:
        return []


async def index_meta(client: AsyncElasticsearch, name: str) -> dict[str, Any] | None:
    try:
        got = await client.indices.get_mapping(index=name)
    except NotFoundError:
        return None
    return dict(got.get(name, {}).get("mappings", {}).get("_meta") or {})


async def switch_alias(client: AsyncElasticsearch, alias: str, name: str) -> None:
    """Point ``alias`` at ``name`` alone, in one atomic ``_aliases`` call."""
    current = await alias_indices(client, alias)
    if current == [name]:
        return
    actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": alias}} for i in current if i != name]
    actions.append({"add": {"index": name, "alias": alias}})
    await client.indices.update_aliases(actions=actions)
    # ES 8.14+ reports per-action errors (a peer removed the old link first) with
    # HTTP 200: check the outcome, not the status.
    now = await alias_indices(client, alias)
    if now != [name]:
        raise IndexerError(f"alias {alias} points at {now} after switching to {name}")


async def prune(client: AsyncElasticsearch, alias: str, keep: int, wait_seconds: float) -> list[str]:
    """Delete this service's versions beyond the ``keep`` newest complete ones
    (the alias target always kept), and builds abandoned by dead loaders."""
    ours = re.compile(rf"^{re.escape(alias)}-[0-9a-f]{{16}}(-\d+)?$")
    try:
        found = await client.indices.get(index=index_pattern(alias))
        live = set(await alias_indices(client, alias))
        metas = {n: (info.get("mappings", {}).get("_meta") or {}) for n, info in found.items() if ours.match(n)}
        metas = {n: m for n, m in metas.items() if m.get("managed_by") == MANAGED_BY}
        complete = sorted((n for n, m in metas.items() if m.get("complete")),
                          key=lambda n: -float(metas[n].get("created_at", 0)))
        kept = live | set(complete[:keep])
        now = time.time()
        doomed = [n for n, m in metas.items() if n not in kept
                  and (m.get("complete") or now - float(m.get("building_at", 0)) >= wait_seconds)]
        for n in sorted(doomed):
            await _delete(client, n)
        return sorted(doomed)
    except Exception:  # pruning is housekeeping: the new version is already live
        log.exception("could not prune old versions of %s", alias)
        return []


async def _delete(client: AsyncElasticsearch, name: str) -> None:
    try:
        await client.indices.delete(index=name)
    except NotFoundError:
        pass
    except Exception:
        log.exception("could not delete index %s", name)
