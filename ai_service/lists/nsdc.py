"""Ukrainian NSDC sanctions register export (JSON arrays of persons and of companies).

Persons: ``id, person_id, name`` (uk, "Surname Given Patronymic"), ``name_ru``,
``name_en``, ``birthdate`` (ISO or a bare year), ``itn``, ``status``.
Companies: ``id, person_id, name``, ``tax_number``, ``reg_number``, ``address``.
Every row of the export has ``status`` 1: the register publishes no "removed"
marker, so no row is skipped. The companies file also holds foreign entities
whose names read like people (``Адамз Грейн``); the register lists them as legal
entities, and so do we.
"""

from __future__ import annotations

from typing import Any

from ai_service.lists.draft import clean_text, digits_of, unique_names
from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Entity, Identifier
from ai_service.lists.raw import load_json_array, require_entities

_ID_DASHES = " –—-"  # the export sometimes writes "– 1027809170300"


def parse_persons(data: bytes, list_name: str) -> list[Entity]:
    # Built without EntityDraft: 13k rows of three fields each are the hot path of a load.
    rows = load_json_array(data, list_name, "nsdc_persons")
    entities: list[Entity] = []
    for index, row in enumerate(rows):
        entity_id = _entity_id(row, list_name, "nsdc_persons", index)
        names = unique_names((row.get("name"), row.get("name_ru"), row.get("name_en")))
        if not names:
            raise ListFormatError(list_name, f"nsdc_persons item {index}", "person has no name")
        itn = _clean_id(row.get("itn"))
        ids = [Identifier(_person_tax_type(itn), digits_of(itn) or itn)] if itn else []
        birth = row.get("birthdate")
        birth = birth.strip() if isinstance(birth, str) else ""
        entities.append(Entity(list_name, entity_id, "person", names, ids, [birth] if birth else []))
    return require_entities(entities, list_name, "nsdc_persons")


def parse_companies(data: bytes, list_name: str) -> list[Entity]:
    rows = load_json_array(data, list_name, "nsdc_companies")
    entities: list[Entity] = []
    for index, row in enumerate(rows):
        entity_id = _entity_id(row, list_name, "nsdc_companies", index)
        name = clean_text(row.get("name"))
        if not name:
            raise ListFormatError(list_name, f"nsdc_companies item {index}", "company has no name")
        ids: list[Identifier] = []
        tax = _clean_id(row.get("tax_number"))
        if tax:
            ids.append(Identifier(_company_tax_type(tax), digits_of(tax) or tax))
        reg = _clean_id(row.get("reg_number"))
        if reg:
            reg = digits_of(reg) or reg
            reg_id = Identifier("ogrn" if len(reg) in (13, 15) and reg.isdigit() else "registration", reg)
            if reg_id not in ids:
                ids.append(reg_id)
        remarks = clean_text(row.get("address")) or None
        entities.append(Entity(list_name, entity_id, "organization", [name], ids, remarks=remarks))
    return require_entities(entities, list_name, "nsdc_companies")


def _entity_id(row: dict[str, Any], list_name: str, fmt: str, index: int) -> str:
    value = row.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ListFormatError(list_name, f"{fmt} item {index}", "id is missing or not a number/string")


def _clean_id(value: object) -> str:
    if value is None:
        return ""
    return clean_text(value).strip(_ID_DASHES).rstrip(".")


def _person_tax_type(value: str) -> str:
    digits = digits_of(value)
    if len(digits) == 10:
        return "rnokpp"
    if len(digits) == 12:
        return "inn"  # Russian personal ИНН
    return "tax_id"


_COMPANY_TAX_TYPES = {8: "edrpou", 10: "inn", 13: "ogrn"}


def _company_tax_type(value: str) -> str:
    return _COMPANY_TAX_TYPES.get(len(digits_of(value)), "tax_id")
