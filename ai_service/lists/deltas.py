"""OpenSanctions delta sources (LISTS format ``ftm_delta``): which delta files apply, read in order.

A location is either one delta file (``<version>.delta.json``; its version is the file
name) or an ``index.json`` as OpenSanctions publishes it, ``{"versions": {version: url, …}}``
in publication order. For a local index the files are ``<version>.delta.json`` beside it
(a mirror keeps them there; the URLs inside point at the publisher); for an index fetched
over HTTP the listed URLs are fetched (relative ones resolved against the index).

Versions up to and including ``#since=<version>`` are already in the base and skipped.
Every later version must be readable: a missing one fails the load rather than being
skipped, because a skipped ADD is a sanctioned entity the service would not know about.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import orjson

from ai_service.lists.config import DELTA_INDEX_NAME, ListSource, is_url
from ai_service.lists.errors import ListLoadError
from ai_service.lists.snapshot import AppliedDelta, display_location

DELTA_SUFFIX = ".delta.json"
# Versions become file names: no separators, no leading dot (OpenSanctions: 20240528014702-pfh).
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")

Read = Callable[[str], Awaitable[bytes | None]]  # location → bytes, or None when absent


@dataclass(frozen=True, slots=True)
class DeltaFile:
    version: str
    location: str
    data: bytes = field(repr=False)
    checksum: str = ""

    @classmethod
    def of(cls, version: str, location: str, data: bytes) -> DeltaFile:
        return cls(version, location, data, hashlib.sha256(data).hexdigest())

    @property
    def applied(self) -> AppliedDelta:
        return AppliedDelta(self.version, self.checksum, self.location)


async def read_deltas(source: ListSource, read: Read) -> tuple[DeltaFile, ...]:
    """The delta files ``source`` contributes, oldest first."""
    if not source.is_delta_index:
        data = _require(source, source.location, await read(source.location), "not found")
        return (DeltaFile.of(file_version(source.location), source.location, data),)
    index = _require(source, source.location, await read(source.location), "not found")
    versions = parse_index(index, source)
    pending = pending_versions(versions, source)
    locations: list[str] = []
    for version, url in pending:
        location = delta_location(source.location, version, url)
        if location is None:
            raise _error(source, f"{DELTA_INDEX_NAME}: delta {version} is not an http(s) URL")
        locations.append(location)
    # Concurrent reads (many small files over HTTP); gather keeps the publication order.
    datas = await asyncio.gather(*(read(location) for location in locations))
    missing = (f"listed in {DELTA_INDEX_NAME} but missing; if the base already includes it, "
               f"add #since=<base version> to the ftm_delta location")
    files = []
    for (version, _), location, data in zip(pending, locations, datas, strict=True):
        files.append(DeltaFile.of(version, location, _require(source, location, data, f"delta {version} {missing}")))
    return tuple(files)


def parse_index(data: bytes, source: ListSource) -> list[tuple[str, object]]:
    """(version, listed URL) in publication order (JSON object order)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _error(source, f"{DELTA_INDEX_NAME}: invalid or truncated JSON: {exc}") from None
    versions = value.get("versions") if isinstance(value, dict) else None
    if not isinstance(versions, dict):
        raise _error(source, f'{DELTA_INDEX_NAME}: expected {{"versions": {{version: url, …}}}}')
    for version in versions:
        if not _VERSION.match(version):
            raise _error(source, f"{DELTA_INDEX_NAME}: version {version[:40]!r} is not a plain version name")
    return list(versions.items())


def pending_versions(versions: list[tuple[str, object]], source: ListSource) -> list[tuple[str, object]]:
    if source.since is None:
        return versions
    names = [version for version, _ in versions]
    if source.since not in names:
        listed = f"{names[0]} … {names[-1]}" if names else "none"
        # Unlisted: the deltas between the base and the oldest listed one may be gone.
        raise _error(source, f"base version {source.since} (#since) is not listed in {DELTA_INDEX_NAME} "
                             f"(listed: {listed}); load a newer base")
    return versions[names.index(source.since) + 1 :]


def delta_location(index_location: str, version: str, listed: object) -> str | None:
    """Where a version's delta file is read from; None for a listed URL that is not http(s)."""
    if not is_url(index_location):
        return os.path.join(os.path.dirname(index_location), version + DELTA_SUFFIX)
    target = urljoin(index_location, listed if isinstance(listed, str) and listed else version + DELTA_SUFFIX)
    return target if is_url(target) else None


def file_version(location: str) -> str:
    """``…/20240528014702-pfh.delta.json`` → ``20240528014702-pfh``."""
    name = location.rstrip("/").rsplit("/", 1)[-1]
    for suffix in (DELTA_SUFFIX, ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _require(source: ListSource, location: str, data: bytes | None, reason: str) -> bytes:
    if data is None:
        raise ListLoadError(source.name, display_location(location), reason)
    return data


def _error(source: ListSource, reason: str) -> ListLoadError:
    return ListLoadError(source.name, display_location(source.location), reason)
