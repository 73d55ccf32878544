"""Read every configured source, parse it, merge by list name: one new snapshot or an error.

All-or-nothing: any unreadable or malformed source raises ``ListLoadError`` and
no snapshot is produced, so a failed reload leaves the app on its old data.
Files are read with ``asyncio.to_thread`` and URLs through the ``fetch``
callable the app provides (it owns the pooled HTTP client); parsing runs in a
worker thread so the event loop keeps serving requests during a reload.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from ai_service.lists import ftm, nsdc, ofac, sfms, un_xml
from ai_service.lists.config import ListSource, is_url
from ai_service.lists.errors import ListFormatError, ListLoadError, SourceNotFoundError
from ai_service.lists.model import Entity
from ai_service.lists.snapshot import ListsSnapshot, LoadedList, display_location

__all__ = ["Fetch", "ListsSnapshot", "LoadedList", "load_sources", "load_sources_sync"]

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
class _SourceBytes:
    source: ListSource
    main: bytes
    companions: tuple[bytes | None, ...] = ()  # OFAC alt.csv, add.csv (None = absent)


async def load_sources(sources: list[ListSource], *, fetch: Fetch | None = None) -> ListsSnapshot:
    if not sources:
        raise ValueError("no list sources configured")
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_read_source(source, fetch)) for source in sources]
    except BaseExceptionGroup as errors:
        # TaskGroup cancels the other reads; report the first real failure.
        raise _first_error(errors) from None
    return await asyncio.to_thread(_build_snapshot, [t.result() for t in tasks])


def load_sources_sync(sources: list[ListSource], *, fetch: Fetch | None = None) -> ListsSnapshot:
    """For the CLI and benchmarks (must not be called from a running event loop)."""
    return asyncio.run(load_sources(sources, fetch=fetch))


async def _read_source(source: ListSource, fetch: Fetch | None) -> _SourceBytes:
    main = await _read(source, source.location, fetch, optional=False)
    if main is None:  # only optional reads may come back empty-handed
        raise ListLoadError(source.name, display_location(source.location), "not found")
    if source.format != "ofac_sdn":
        return _SourceBytes(source, main)
    companions = [
        await _read(source, _beside(source.location, name), fetch, optional=True) for name in _OFAC_COMPANIONS
    ]
    return _SourceBytes(source, main, tuple(companions))


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
    data: list[bytes]  # every source byte string of the list, in order (checksummed)
    by_id: dict[str, Entity]


def _build_snapshot(blobs: list[_SourceBytes]) -> ListsSnapshot:
    merges: dict[str, _Merge] = {}
    for blob in blobs:
        source = blob.source
        entities = _parse(blob)
        merge = merges.setdefault(source.name, _Merge([], [], [], {}))
        if source.format not in merge.formats:
            merge.formats.append(source.format)
        merge.locations.append(source.location)
        merge.data.extend(d for d in (blob.main, *blob.companions) if d is not None)
        for entity in entities:
            merge.by_id[entity.entity_id] = entity  # a later source's entry replaces an earlier one
    loaded_at = time.time()
    lists = {}
    for name, merge in merges.items():
        digest = hashlib.sha256()
        for data in merge.data:
            digest.update(data)
        checksum = digest.hexdigest()
        lists[name] = LoadedList(
            name=name,
            formats=merge.formats,
            locations=merge.locations,
            entities=list(merge.by_id.values()),
            checksum=checksum,
            version=checksum[:12],
            loaded_at=loaded_at,
        )
    return ListsSnapshot(lists)


def _parse(blob: _SourceBytes) -> list[Entity]:
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
