"""Loaded lists as one immutable snapshot: what requests read, what a reload replaces.

A reload builds a whole new ``ListsSnapshot`` and the app swaps the reference;
requests in flight keep the snapshot they started with.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ai_service.lists.config import is_url
from ai_service.lists.model import Entity


@dataclass(frozen=True, slots=True)
class AppliedDelta:
    """One OpenSanctions delta file applied on top of a list's base sources."""

    version: str
    checksum: str  # sha256 hex of the delta file's bytes
    location: str


@dataclass(slots=True)
class LoadedList:
    name: str
    formats: list[str]
    locations: list[str]
    # Not in repr: asyncio and loggers may repr a result, and 30k entities make a huge string.
    entities: list[Entity] = field(repr=False)
    checksum: str  # sha256 hex over all source bytes, in source order (delta files last)
    version: str  # first 12 hex digits of the base checksum, "+<last delta version>" when deltas applied
    loaded_at: float  # epoch seconds: when this content was built (an unchanged refresh keeps it)
    base_checksum: str = ""  # sha256 over the non-delta sources only; "" → same as checksum
    deltas: tuple[AppliedDelta, ...] = ()  # in the order applied
    _by_id: dict[str, Entity] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id = {e.entity_id: e for e in self.entities}
        if not self.base_checksum:
            self.base_checksum = self.checksum

    @property
    def entity_count(self) -> int:
        return len(self.entities)

    def get(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "formats": list(self.formats),
            "sources": [display_location(loc) for loc in self.locations],
            "entity_count": self.entity_count,
            "version": self.version,
            "checksum": self.checksum,
            "loaded_at": iso_utc(self.loaded_at),
            **({"deltas": self._deltas_dict()} if "ftm_delta" in self.formats else {}),
        }

    def _deltas_dict(self) -> dict[str, Any]:
        return {
            "base_checksum": self.base_checksum,
            "applied": [d.version for d in self.deltas],
            "last_applied": self.deltas[-1].version if self.deltas else None,
        }


@dataclass(frozen=True, slots=True)
class ListsSnapshot:
    lists: Mapping[str, LoadedList]

    def __post_init__(self) -> None:
        # A read-only view over a private copy: nobody can edit a published snapshot.
        object.__setattr__(self, "lists", MappingProxyType(dict(self.lists)))

    def entities(self) -> Iterator[Entity]:
        for loaded in self.lists.values():
            yield from loaded.entities

    def get(self, list_name: str, entity_id: str) -> Entity | None:
        loaded = self.lists.get(list_name)
        return loaded.get(entity_id) if loaded is not None else None

    @property
    def total_entities(self) -> int:
        return sum(loaded.entity_count for loaded in self.lists.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "lists": [loaded.to_dict() for loaded in self.lists.values()],
            "total_entities": self.total_entities,
        }


def iso_utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def display_location(location: str) -> str:
    """A location fit for /lists: URL credentials and query strings (tokens) hidden."""
    if not is_url(location):
        return location
    parts = urlsplit(location)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "…" if parts.query else "", ""))
