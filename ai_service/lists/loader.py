"""Read every configured source, parse it, merge by list name: one new snapshot or an error.

All-or-nothing: any unreadable or malformed source raises ``ListLoadError`` and
no snapshot is produced, so a failed reload leaves the app on its old data.
Files are read with ``asyncio.to_thread`` and URLs through the ``fetch``
callable the app provides (it owns the pooled HTTP client); parsing runs in a
worker thread so the event loop keeps serving requests during a reload.

Reading and building are separate steps so a scheduled refresh can compare
checksums before parsing anything (``list_checksums``) and build from the
previous snapshot (``build_snapshot(…, previous)``): a list whose bytes are
unchanged is reused as it is, and a list whose base is unchanged and which only
gained delta files gets just those applied to its previous entities.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ai_service.lists import ftm, nsdc, ofac, sfms, un_xml
from ai_service.lists.config import DELTA_FORMAT, ListSource, is_url
from ai_service.lists.deltas import DeltaFile, read_deltas
from ai_service.lists.errors import ListFormatError, ListLoadError, SourceNotFoundError
from ai_service.lists.model import Entity
from ai_service.lists.snapshot import ListsSnapshot, LoadedList, display_location

__all__ = ["Fetch", "ListsSnapshot", "LoadedList", "SourceBytes", "build_snapshot", "list_checksums",
           "load_sources", "load_sources_sync", "parse_source", "read_sources"]

Fetch = Callable[[str], Awaitable[bytes]]
_PARSERS: dict[str, Callable[[bytes, str], list[Entity]]] = {
    "nsdc_persons": nsdc.parse_persons,
    "nsdc_companies": nsdc.parse_companies,
    "sfms": sfms.parse,
    "un_xml": un_xml.parse,
    "ftm": ftm.parse,
}
_OFAC_COMPANIONS = ("alt.csv", "add.csv")


@dataclass(slots=True)
class SourceBytes:
    """Everything one configured source contributed, read but not parsed."""

    source: ListSource
    # The bytes are not in repr: asyncio.run() formats its main task's result when it restores
    # the SIGINT handler, and megabytes of repr cost 0.2 s (as for LoadedList.entities).
    main: bytes = field(repr=False)
    companions: tuple[bytes | None, ...] = field(default=(), repr=False)  # OFAC alt.csv, add.csv (None = absent)
    deltas: tuple[DeltaFile, ...] = field(default=(), repr=False)  # ftm_delta sources only (``main`` is empty)

    @property
    def checksummed(self) -> list[bytes]:
        """The byte strings that make up the list's content (an index.json is only metadata)."""
        if self.source.format == DELTA_FORMAT:
            return [d.data for d in self.deltas]
        return [d for d in (self.main, *self.companions) if d is not None]


async def load_sources(sources: list[ListSource], *, fetch: Fetch | None = None) -> ListsSnapshot:
    blobs = await read_sources(sources, fetch=fetch)
    return (await asyncio.to_thread(build_snapshot, blobs))[0]


async def read_sources(sources: list[ListSource], *, fetch: Fetch | None = None) -> list[SourceBytes]:
    """Every source's bytes, in source order; any failure raises (nothing partial)."""
    if not sources:
        raise ValueError("no list sources configured")
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_read_source(source, fetch)) for source in sources]
    except BaseExceptionGroup as errors:
        # TaskGroup cancels the other reads; report the first real failure.
        raise _first_error(errors) from None
    return [t.result() for t in tasks]


def load_sources_sync(sources: list[ListSource], *, fetch: Fetch | None = None) -> ListsSnapshot:
    """For the CLI and benchmarks (must not be called from a running event loop)."""
    return asyncio.run(load_sources(sources, fetch=fetch))


async def _read_source(source: ListSource, fetch: Fetch | None) -> SourceBytes:
    if source.format == DELTA_FORMAT:
        async def read(location: str) -> bytes | None:
            return await _read(source, location, fetch, optional=True)

        return SourceBytes(source, b"", deltas=await read_deltas(source, read))
    main = await _read(source, source.location, fetch, optional=False)
    if main is None:  # only optional reads may come back empty-handed
        raise ListLoadError(source.name, display_location(source.location), "not found")
    if source.format != "ofac_sdn":
        return SourceBytes(source, main)
    companions = [
        await _read(source, _beside(source.location, name), fetch, optional=True) for name in _OFAC_COMPANIONS
    ]
    return SourceBytes(source, main, tuple(companions))


async def _read(source: ListSource, location: str, fetch: Fetch | None, *, optional: bool) -> bytes | None:
    if not is_url(location):
        if optional and not os.path.isfile(location):
            return None
        try:
            return await asyncio.to_thread(_read_file, location)
        except OSError as exc:
            reason = f"cannot read file: {exc.strerror or type(exc).__name__}"
            raise ListLoadError(source.name, location, reason) from None
    shown = display_location(location)  # URLs may carry credentials or tokens
    if fetch is None:
        raise ListLoadError(source.name, shown, "is a URL but no HTTP fetcher was given to the loader")
    try:
        return await fetch(location)
    except Exception as exc:  # the fetcher's errors are transport errors of any kind
        status = _status_code(exc)
        # Fetchers signal "absent" as SourceNotFoundError, FileNotFoundError or an HTTP 404 error.
        if status == 404 or isinstance(exc, (SourceNotFoundError, FileNotFoundError)):
            if optional:
                return None
            raise ListLoadError(source.name, shown, "not found (HTTP 404)") from None
        detail = f" (HTTP {status})" if status else ""
        # Only the error type and status: messages of HTTP errors repeat the URL.
        raise ListLoadError(source.name, shown, f"download failed: {type(exc).__name__}{detail}") from exc


def _read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _beside(location: str, filename: str) -> str:
    if is_url(location):
        return urljoin(location, filename)
    return os.path.join(os.path.dirname(location), filename)


def _status_code(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)  # httpx.HTTPStatusError and alike
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def _first_error(errors: BaseExceptionGroup) -> BaseException:
    for exc in errors.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _first_error(exc)
        if not isinstance(exc, asyncio.CancelledError):
            return exc
    return errors


@dataclass(slots=True)
class _Merge:
    formats: list[str]
    locations: list[str]
    bases: list[SourceBytes]  # non-delta sources, in order
    deltas: list[DeltaFile]  # applied after every base, in order


def _merges(blobs: list[SourceBytes]) -> dict[str, _Merge]:
    merges: dict[str, _Merge] = {}
    for blob in blobs:
        source = blob.source
        merge = merges.setdefault(source.name, _Merge([], [], [], []))
        if source.format not in merge.formats:
            merge.formats.append(source.format)
        merge.locations.append(source.location)
        if source.format == DELTA_FORMAT:
            merge.deltas.extend(blob.deltas)
        else:
            merge.bases.append(blob)
    return merges


def _digest(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for data in parts:
        digest.update(data)
    return digest.hexdigest()


def _checksums(merge: _Merge) -> tuple[str, str]:
    """(base checksum, list checksum): sha256 over the base bytes, then over base + delta bytes."""
    base = [data for blob in merge.bases for data in blob.checksummed]
    return _digest(base), _digest(base + [d.data for d in merge.deltas])


def list_checksums(blobs: list[SourceBytes]) -> list[tuple[str, str]]:
    """(list name, checksum) in snapshot order, without parsing: equal to a snapshot's → nothing changed."""
    return [(name, _checksums(merge)[1]) for name, merge in _merges(blobs).items()]


def build_snapshot(blobs: list[SourceBytes], previous: ListsSnapshot | None = None,
                   parse: Callable[[SourceBytes], list[Entity]] | None = None
                   ) -> tuple[ListsSnapshot, dict[str, str]]:
    """The snapshot of ``blobs`` and how each list was obtained: "unchanged" (the previous
    list reused), "delta" (new delta files applied to the previous entities) or "full".
    ``parse`` gives one source's entities (default ``parse_source``; the Gunicorn master's
    preload passes the entities it parsed in advance, ``ai_service/preload_split.py``)."""
    loaded_at = time.time()
    lists: dict[str, LoadedList] = {}
    modes: dict[str, str] = {}
    for name, merge in _merges(blobs).items():
        base_checksum, checksum = _checksums(merge)
        old = previous.lists.get(name) if previous is not None else None
        if old is not None and old.checksum == checksum:
            lists[name], modes[name] = old, "unchanged"
            continue
        if old is not None and _extends(old, base_checksum, merge.deltas):
            # Only new delta files: apply them to the previous entities (same order a full build gives).
            by_id = {e.entity_id: e for e in old.entities}
            pending, modes[name] = merge.deltas[len(old.deltas):], "delta"
        else:
            by_id, pending, modes[name] = _parse_bases(merge.bases, parse or _parse), merge.deltas, "full"
        for delta in pending:
            by_id = _apply(name, delta, by_id)
        version = base_checksum[:12] + (f"+{merge.deltas[-1].version}" if merge.deltas else "")
        lists[name] = LoadedList(
            name=name,
            formats=merge.formats,
            locations=merge.locations,
            entities=list(by_id.values()),
            checksum=checksum,
            version=version,
            loaded_at=loaded_at,
            base_checksum=base_checksum,
            deltas=tuple(d.applied for d in merge.deltas),
        )
    return ListsSnapshot(lists), modes


def _extends(old: LoadedList, base_checksum: str, deltas: list[DeltaFile]) -> bool:
    """Same base, and the deltas applied last time are the first of ``deltas`` (same bytes)."""
    applied = [(d.version, d.checksum) for d in old.deltas]
    given = [(d.version, d.checksum) for d in deltas[: len(applied)]]
    return old.base_checksum == base_checksum and applied == given


def _parse_bases(bases: list[SourceBytes], parse: Callable[[SourceBytes], list[Entity]]) -> dict[str, Entity]:
    by_id: dict[str, Entity] = {}
    for blob in bases:
        for entity in parse(blob):
            by_id[entity.entity_id] = entity  # a later source's entry replaces an earlier one
    return by_id


def _apply(name: str, delta: DeltaFile, by_id: dict[str, Entity]) -> dict[str, Entity]:
    try:
        return ftm.apply_delta(by_id, delta.data, name)
    except ListFormatError as exc:
        raise ListLoadError(name, display_location(delta.location), f"{exc.where}: {exc.reason}") from None
    except Exception as exc:  # as in _parse: no source text in the message
        raise ListLoadError(name, display_location(delta.location), f"delta failed ({type(exc).__name__})") from exc


def parse_source(blob: SourceBytes) -> list[Entity]:
    """One (non-delta) source's entities; ``ListLoadError`` naming the source when it is bad."""
    return _parse(blob)


def _parse(blob: SourceBytes) -> list[Entity]:
    source = blob.source
    try:
        if source.format == "ofac_sdn":
            alt, add = blob.companions
            return ofac.parse(blob.main, alt, add, source.name)
        parser = _PARSERS.get(source.format)
        if parser is None:
            raise ListLoadError(source.name, display_location(source.location), f"unknown format {source.format!r}")
        return parser(blob.main, source.name)
    except ListFormatError as exc:
        raise ListLoadError(source.name, display_location(source.location), f"{exc.where}: {exc.reason}") from None
    except ListLoadError:
        raise
    except Exception as exc:  # a parser bug must not leak source text; keep it chained for logs
        shown = display_location(source.location)
        raise ListLoadError(source.name, shown, f"parser failed ({type(exc).__name__})") from exc
