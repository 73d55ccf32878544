"""Entities as Elasticsearch documents, and back.

One document per (entity, distinct name key) — the rows of the embedded
vector index — because a ``dense_vector`` field holds one vector per document:
kNN over names needs a document per name. Every row carries the entity JSON
and its keyed aliases (a non-indexed object), so any hit rebuilds the
``Entity`` and re-scores it without a second round trip. Row 0 is the head
document: the only one with identifiers and dates, so an id lookup hits each
entity once. An entity without a usable name still gets its head row.

``_id`` is ``<list>:<entity_id>:<row>``: stable, readable, unique per index.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ai_service import __version__
from ai_service.lists.model import Entity, Identifier
from ai_service.lists.snapshot import ListsSnapshot
from ai_service.search.evidence import MIN_ID_LENGTH, normalize_id
from ai_service.search.index import core_tokens, exact_key
from ai_service.search.scoring import keyed_aliases
from ai_service.search.es.mapping import SCHEMA_VERSION
from ai_service.search.vectors import DIM, embed
from ai_service.search.weak_tokens import weak_keys

Aliases = list[tuple[str, bool]]


def snapshot_checksum(snapshot: ListsSnapshot) -> str:
    """What the index content depends on: every list's source checksum in
    snapshot order (positions break score ties), the document schema, the
    vector size, the weak-token dictionary (core keys) and the service version
    (key functions live in code). Equal checksum, equal index."""
    weak = hashlib.sha256("\n".join(sorted(weak_keys())).encode()).hexdigest()[:16]
    digest = hashlib.sha256(f"schema={SCHEMA_VERSION};dim={DIM};weak={weak};version={__version__}".encode())
    for name, loaded in snapshot.lists.items():
        digest.update(f";{name}={loaded.checksum}".encode())
    return digest.hexdigest()


def doc_id(entity: Entity, row: int) -> str:
    return f"{entity.list}:{entity.entity_id}:{row}"


def entity_rows(entity: Entity, pos: int) -> list[dict[str, Any]]:
    """The documents of one entity (vectors filled in by ``actions``)."""
    keyed = keyed_aliases(entity)
    stored = {"e": entity.to_dict(), "a": [[alias, weak] for alias, weak, _ in keyed]}
    base = {"list": entity.list, "entity_id": entity.entity_id, "entity_type": entity.entity_type,
            "pos": pos, "entity": stored}
    named = [key for _, _, key in keyed if key]
    rows: list[dict[str, Any]] = []
    for row, key in enumerate(named or [""]):
        doc: dict[str, Any] = {**base, "row": row}
        core = core_tokens(key)
        if core:
            doc["name_key"] = exact_key(core)
            doc["name_tokens"] = " ".join(core)
        if key:
            doc["_key"] = key  # replaced by its vector in ``actions``
        rows.append(doc)
    ids = sorted({v for i in entity.ids if len(v := normalize_id(i.value)) >= MIN_ID_LENGTH})
    if ids:
        rows[0]["ids"] = ids
    if entity.birth_dates:
        rows[0]["birth_dates"] = list(entity.birth_dates)
    return rows


def batch_actions(index: str, batch: list[tuple[Entity, int]]) -> list[dict[str, Any]]:
    """Bulk index actions for (entity, snapshot position) pairs; vectors embedded
    in one vectorized call (the same ``embed`` the embedded index uses)."""
    docs = [(e, doc) for e, pos in batch for doc in entity_rows(e, pos)]
    keyed = [i for i, (_, doc) in enumerate(docs) if "_key" in doc]
    vectors = embed([docs[i][1]["_key"] for i in keyed], DIM)
    for i, vec in zip(keyed, vectors):
        doc = docs[i][1]
        del doc["_key"]
        doc["name_vector"] = vec.tolist()
    return [{"_op_type": "index", "_index": index, "_id": doc_id(entity, doc["row"]), "_source": doc}
            for entity, doc in docs]


def entity_from_stored(stored: dict[str, Any]) -> tuple[Entity, Aliases]:
    """Rebuild the entity and its keyed aliases from a document's ``entity`` object."""
    e = stored["e"]
    entity = Entity(
        list=e["list"],
        entity_id=e["entity_id"],
        entity_type=e["entity_type"],
        names=list(e["names"]),
        ids=[Identifier(i["type"], i["value"]) for i in e.get("ids") or ()],
        birth_dates=list(e.get("birth_dates") or ()),
        countries=list(e.get("countries") or ()),
        programs=list(e.get("programs") or ()),
        remarks=e.get("remarks"),
        weak_names=list(e.get("weak_names") or ()),
    )
    return entity, [(alias, bool(weak)) for alias, weak in stored["a"]]
