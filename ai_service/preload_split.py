"""The preload's parsing and per-entity index work, shared by the Gunicorn master and one forked helper.

The master's preload kept one core busy for 4–5 s while the other idled. Every source is
parsed on its own (``parse_source``) and an entity's index keys are a pure function of it
(``entity_keys``), so two processes can share the work. The units are the non-delta
sources, the longest first (by size and format), as numbers in a pipe that both processes
read four bytes at a time: a pipe read is atomic, so no unit is taken twice and neither
process idles while work is left. The helper encodes each unit as plain tuples as soon as
it is done (``marshal``: several times cheaper than pickling the dataclasses) and the
master rebuilds the entities; the snapshot is then built by the usual ``build_snapshot``
(merging, deltas, checksums) from these entities.

Nothing depends on the helper: a unit it took but did not deliver (it failed, died or was
never forked) is parsed and keyed here, a bad source raises the same ``ListLoadError``
as the serial load, and the index built from it is the one the serial path builds.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterable, Iterator
from dataclasses import fields

from ai_service.forked import Forked
from ai_service.lists.config import DELTA_FORMAT
from ai_service.lists.loader import SourceBytes, parse_source
from ai_service.lists.model import Entity, Identifier
from ai_service.search.index import EntityKeys, entity_keys

_UNIT = 4  # bytes per unit number in the work pipe
# Parse + key time per byte relative to NSDC persons JSON (measured on the shared lists): the
# longest units go first, so the helper, which may start a second before the master joins
# (``preload.begin``), takes the longest and the master the short ones; unknown formats count 1.
_RELATIVE_COST = {"ofac_sdn": 1.45, "nsdc_persons": 1.0, "nsdc_companies": 0.55, "un_xml": 0.65, "sfms": 0.7}
_FIELDS = tuple(f.name for f in fields(Entity))
_IDS = _FIELDS.index("ids")


class ParsedSources:
    """Entities of each parsed source and the index keys of each entity, by identity."""

    def __init__(self) -> None:
        self._entities: dict[int, list[Entity]] = {}
        # id(entity) -> (entity, keys): holding the entity keeps its id from being reused.
        self._keys: dict[int, tuple[Entity, EntityKeys]] = {}
        self._blobs: list[SourceBytes] = []

    def parse(self, blob: SourceBytes) -> list[Entity]:
        """For ``build_snapshot``: the entities parsed in advance, else parsed now."""
        got = self._entities.get(id(blob))
        return got if got is not None else parse_source(blob)

    def keys(self, entities: Iterable[Entity]) -> list[EntityKeys]:
        """``entity_keys`` of each entity: computed in advance, else now (delta entities)."""
        out: list[EntityKeys] = []
        for e in entities:
            got = self._keys.get(id(e))
            out.append(got[1] if got is not None and got[0] is e else entity_keys(e))
        return out

    def _add(self, blob: SourceBytes, entities: list[Entity], keys: list[EntityKeys]) -> None:
        self._blobs.append(blob)  # the ids used below stay valid while this object lives
        self._entities[id(blob)] = entities
        for e, k in zip(entities, keys, strict=True):
            self._keys[id(e)] = (e, k)


class Split:
    """Parsing under way: the helper is forked at construction and starts taking units at once
    (the preload may begin before the Gunicorn master imports the app); ``finish()`` takes the
    remaining units here, then collects the helper's."""

    def __init__(self, blobs: list[SourceBytes], *, fork: bool = True) -> None:
        self.blobs = blobs
        units = sorted((i for i, b in enumerate(blobs) if b.source.format != DELTA_FORMAT),
                       key=lambda i: -_cost(blobs[i]))
        read_fd, write_fd = os.pipe()
        try:
            # All numbers written before the fork, and the write end closed: an empty pipe is EOF.
            os.write(write_fd, b"".join(i.to_bytes(_UNIT, "little") for i in units))
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self._queue = read_fd
        self._helper = Forked(_helper, blobs, read_fd, plain=True) if fork and len(units) > 1 else None

    def finish(self) -> ParsedSources:
        try:
            mine = list(_work(self.blobs, self._queue))
            theirs = self._helper.result() if self._helper is not None else []
        except BaseException:
            self.cancel()
            raise
        self._close_queue()
        parsed = ParsedSources()
        for unit, entities, keys in mine:
            parsed._add(self.blobs[unit], entities, keys)
        for chunk in theirs:
            unit, rows, key_rows = marshal.loads(chunk)
            parsed._add(self.blobs[unit], [_entity(r) for r in rows], [EntityKeys._make(k) for k in key_rows])
        return parsed

    def cancel(self) -> None:
        if self._helper is not None:
            self._helper.cancel()
        self._close_queue()

    def _close_queue(self) -> None:
        if self._queue >= 0:
            os.close(self._queue)
            self._queue = -1


def _cost(blob: SourceBytes) -> float:
    return sum(len(d) for d in blob.checksummed) * _RELATIVE_COST.get(blob.source.format, 1.0)


def _work(blobs: list[SourceBytes], queue_fd: int) -> Iterator[tuple[int, list[Entity], list[EntityKeys]]]:
    """Take units until the pipe is empty; each one parsed and keyed as it is taken."""
    while raw := os.read(queue_fd, _UNIT):
        unit = int.from_bytes(raw, "little")
        entities = parse_source(blobs[unit])
        yield unit, entities, [entity_keys(e) for e in entities]


def _helper(blobs: list[SourceBytes], queue_fd: int) -> list[bytes]:
    """The helper's units, each encoded as soon as it is done (while the master still works:
    only the last one's encoding is left when the master asks). In the parent, a fallback run
    finds the pipe empty and returns nothing: ``ParsedSources`` then does every missing unit."""
    return [marshal.dumps((unit, [_row(e) for e in entities], [tuple(k) for k in keys]))
            for unit, entities, keys in _work(blobs, queue_fd)]


def _row(e: Entity) -> tuple:
    row = [getattr(e, name) for name in _FIELDS]
    row[_IDS] = [(i.type, i.value) for i in e.ids]
    return tuple(row)


def _entity(row: tuple) -> Entity:
    values = list(row)
    values[_IDS] = [Identifier(t, v) for t, v in values[_IDS]]
    return Entity(*values)
