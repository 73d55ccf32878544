"""OpenSanctions FollowTheMoney entities (JSON lines) and their delta files.

Each line is ``{"id", "schema", "properties": {prop: [values…]}, …}``. Only
screenable schemas become entities (Person, organisations, Vessel, Airplane);
Sanction, Ownership, Family, Address, Passport, … describe other things. A
Sanction's ``programId``/``program`` is still added to the programs of the
entity it names (its ``programId`` code, or the ``program`` title when there is
no code), so "sanctioned under which program" survives the skip.

Delta files are lines ``{"op": "ADD"|"MOD"|"DEL", "entity": {…}}`` where ADD and
MOD carry the whole new entity (MOD replaces, it does not patch).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from ai_service.lists.draft import EntityDraft, clean_text, digits_of
from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Entity
from ai_service.lists.raw import require_content, require_entities

SCHEMA_TYPES = {
    "Person": "person",
    "Company": "organization",
    "Organization": "organization",
    "LegalEntity": "organization",
    "PublicBody": "organization",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
_COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction")
_PROGRAM_PROPS = ("programId", "program", "topics")
_SIMPLE_IDS = (
    ("ogrnCode", "ogrn"),
    ("registrationNumber", "registration"),
    ("passportNumber", "passport"),
    ("swiftBic", "bic"),
    ("idNumber", "other"),
    ("imoNumber", "other"),
    ("mmsi", "other"),
)
_OPS = ("ADD", "MOD", "DEL")


def parse(data: bytes, list_name: str) -> list[Entity]:
    objects = list(_lines(data, list_name, "ftm"))
    sanction_programs: dict[str, list[str]] = {}
    for _, obj in objects:
        if obj["schema"] == "Sanction":
            props = obj["properties"]
            # Short program codes when given; the long program titles only as a fallback.
            programs = _values(props, "programId") or _values(props, "program")
            for target in _values(props, "entity"):
                sanction_programs.setdefault(target, []).extend(programs)
    entities = []
    for line, obj in objects:
        entity = to_entity(obj, list_name, f"ftm line {line}")
        if entity is not None:
            for program in sanction_programs.get(entity.entity_id, ()):
                if program and program not in entity.programs:
                    entity.programs.append(program)
            entities.append(entity)
    return require_entities(entities, list_name, "ftm")


def apply_delta(entities: dict[str, Entity], data: bytes, list_name: str) -> dict[str, Entity]:
    """A new id → entity map with the delta's operations applied in order."""
    result = dict(entities)
    for line, op in _lines(data, list_name, "ftm delta", delta=True):
        entity_obj = op["entity"]
        if op["op"] == "DEL":
            result.pop(entity_obj["id"], None)
            continue
        entity = to_entity(entity_obj, list_name, f"ftm delta line {line}")
        if entity is None:  # now a non-screenable schema: no longer a subject
            result.pop(entity_obj["id"], None)
        else:
            result[entity.entity_id] = entity
    return result


def to_entity(obj: dict[str, Any], list_name: str, where: str) -> Entity | None:
    entity_type = SCHEMA_TYPES.get(obj["schema"])
    if entity_type is None:
        return None
    props = obj["properties"]
    draft = EntityDraft(obj["id"], entity_type)
    for key in ("name", "alias", "previousName"):
        for name in _values(props, key):
            draft.add_name(name)
    for name in _values(props, "weakAlias"):
        draft.add_name(name, weak=True)
    if not draft.names:  # e.g. a Person given only as firstName/lastName: the caption is its name
        draft.add_name(obj.get("caption"))
    if not draft.names:
        raise ListFormatError(list_name, where, "screenable entity has no name or caption")
    for key in _COUNTRY_PROPS:
        for country in _values(props, key):
            draft.add_country(country.lower())
    _add_ids(draft, props)
    for value in _values(props, "birthDate"):
        draft.add_birth_date(value)
    for key in _PROGRAM_PROPS:
        for value in _values(props, key):
            draft.add_program(value)
    draft.remarks = "; ".join(_values(props, "notes")) or None
    return draft.build(list_name)


def _add_ids(draft: EntityDraft, props: dict[str, Any]) -> None:
    ukrainian = "ua" in draft.countries
    russian = "ru" in draft.countries
    for value in _values(props, "innCode"):
        digits = digits_of(value)
        if len(digits) in (10, 12):
            draft.add_id("inn", digits)
        elif len(digits) == 8 and ukrainian:
            draft.add_id("edrpou", digits)
        else:
            draft.add_id("tax_id", value)
    for value in _values(props, "okpoCode"):
        draft.add_id("edrpou" if ukrainian and len(digits_of(value)) == 8 else "registration", value)
    for value in _values(props, "taxNumber"):
        digits = digits_of(value)
        if ukrainian and len(digits) == 10 and draft.entity_type == "person":
            draft.add_id("rnokpp", digits)
        elif ukrainian and len(digits) == 8 and draft.entity_type != "person":
            draft.add_id("edrpou", digits)
        elif russian and len(digits) in (10, 12):
            draft.add_id("inn", digits)  # a Russian tax number is the ИНН
        else:
            draft.add_id("tax_id", value)
    for key, id_type in _SIMPLE_IDS:
        for value in _values(props, key):
            draft.add_id(id_type, value)


def _values(props: dict[str, Any], key: str) -> list[str]:
    value = props.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [clean_text(value)]
    return [clean_text(v) for v in value if isinstance(v, str)]


def _lines(data: bytes, list_name: str, fmt: str, *, delta: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    require_content(data, list_name, fmt)
    for number, raw in enumerate(bytes(data).splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ListFormatError(list_name, f"{fmt} line {number}", f"invalid or truncated JSON: {exc}") from None
        if delta:
            if not isinstance(obj, dict) or obj.get("op") not in _OPS or not isinstance(obj.get("entity"), dict):
                expected = 'expected {"op": ADD|MOD|DEL, "entity": {…}}'
                raise ListFormatError(list_name, f"{fmt} line {number}", expected)
            _check_entity(obj["entity"], list_name, f"{fmt} line {number}", needs_body=obj["op"] != "DEL")
        else:
            _check_entity(obj, list_name, f"{fmt} line {number}", needs_body=True)
        yield number, obj


def _check_entity(obj: object, list_name: str, where: str, *, needs_body: bool) -> None:
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) or not obj["id"]:
        raise ListFormatError(list_name, where, "not an entity object with a string id")
    if needs_body and (not isinstance(obj.get("schema"), str) or not isinstance(obj.get("properties"), dict)):
        raise ListFormatError(list_name, where, "entity lacks schema or properties")
