"""UN Security Council consolidated list (XML, ``CONSOLIDATED_LIST``).

INDIVIDUALS/INDIVIDUAL: DATAID; FIRST_NAME…FOURTH_NAME joined in order as the
primary name; NAME_ORIGINAL_SCRIPT and INDIVIDUAL_ALIAS (QUALITY ``Good``/
``a.k.a.``; ``Low`` → weak) as aliases; INDIVIDUAL_DATE_OF_BIRTH with DATE, YEAR,
FROM_YEAR/TO_YEAR or only a NOTE; INDIVIDUAL_DOCUMENT; NATIONALITY/VALUE.
ENTITIES/ENTITY: FIRST_NAME, ENTITY_ALIAS, ENTITY_ADDRESS/COUNTRY.
UN_LIST_TYPE (the sanctions regime) is the program. ElementTree does not fetch
external entities or DTDs, and the file is a trusted public source.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ai_service.lists.aliases import split_alias
from ai_service.lists.dates import parse_date_phrase
from ai_service.lists.draft import EntityDraft, clean_text
from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Entity
from ai_service.lists.raw import require_content, require_entities

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_WEAK_QUALITY = "low"
_PASSPORT_WORDS = ("passport", "passeport", "pasaporte")


def parse(data: bytes, list_name: str) -> list[Entity]:
    require_content(data, list_name, "un_xml")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        # The message gives line/column only, never content.
        raise ListFormatError(list_name, "un_xml", f"invalid or truncated XML: {exc}") from None
    if root.tag != "CONSOLIDATED_LIST":
        raise ListFormatError(list_name, "un_xml", "root element is not CONSOLIDATED_LIST")
    individuals, entities = root.find("INDIVIDUALS"), root.find("ENTITIES")
    if individuals is None and entities is None:
        raise ListFormatError(list_name, "un_xml", "neither INDIVIDUALS nor ENTITIES present")
    result: list[Entity] = []
    for index, node in enumerate(individuals if individuals is not None else ()):
        result.append(_individual(node, list_name, index))
    for index, node in enumerate(entities if entities is not None else ()):
        result.append(_entity(node, list_name, index))
    return require_entities(result, list_name, "un_xml")


def _start(node: ET.Element, entity_type: str, list_name: str, where: str) -> EntityDraft:
    data_id = clean_text(node.findtext("DATAID"))
    if not data_id:
        raise ListFormatError(list_name, where, "DATAID missing")
    draft = EntityDraft(data_id, entity_type)
    draft.add_name(" ".join(p for p in (clean_text(node.findtext(t)) for t in _NAME_PARTS) if p))
    if not draft.names:
        raise ListFormatError(list_name, where, "no name (FIRST_NAME empty)")
    draft.add_name(node.findtext("NAME_ORIGINAL_SCRIPT"))
    draft.add_program(node.findtext("UN_LIST_TYPE"))
    draft.remarks = clean_text(node.findtext("COMMENTS1")) or None
    return draft


def _individual(node: ET.Element, list_name: str, index: int) -> Entity:
    draft = _start(node, "person", list_name, f"un_xml INDIVIDUAL #{index + 1}")
    for alias in node.iterfind("INDIVIDUAL_ALIAS"):
        _add_alias(draft, alias)
        draft.add_birth_date(alias.findtext("DATE_OF_BIRTH"))
    for dob in node.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        for value in _birth_dates(dob):
            draft.add_birth_date(value)
    for doc in node.iterfind("INDIVIDUAL_DOCUMENT"):
        number = clean_text(doc.findtext("NUMBER"))
        if number:
            kind = clean_text(doc.findtext("TYPE_OF_DOCUMENT")).lower()
            draft.add_id("passport" if any(w in kind for w in _PASSPORT_WORDS) else "other", number)
    for value in node.iterfind("NATIONALITY/VALUE"):
        draft.add_country(value.text)
    return draft.build(list_name)


def _entity(node: ET.Element, list_name: str, index: int) -> Entity:
    draft = _start(node, "organization", list_name, f"un_xml ENTITY #{index + 1}")
    for alias in node.iterfind("ENTITY_ALIAS"):
        _add_alias(draft, alias)
    for country in node.iterfind("ENTITY_ADDRESS/COUNTRY"):
        draft.add_country(country.text)
    return draft.build(list_name)


def _add_alias(draft: EntityDraft, alias: ET.Element) -> None:
    weak = clean_text(alias.findtext("QUALITY")).lower() == _WEAK_QUALITY
    parts = split_alias(alias.findtext("ALIAS_NAME"))
    draft.add_alias_parts(parts, weak=weak)


def _birth_dates(dob: ET.Element) -> list[str]:
    date = clean_text(dob.findtext("DATE"))
    if date:
        return [date[:10]]
    year = clean_text(dob.findtext("YEAR"))
    if year:
        return [year]
    first, last = clean_text(dob.findtext("FROM_YEAR")), clean_text(dob.findtext("TO_YEAR"))
    if first.isdigit() and last.isdigit() and int(first) <= int(last):
        return [str(y) for y in range(int(first), int(last) + 1)]
    return parse_date_phrase(clean_text(dob.findtext("NOTE")))
