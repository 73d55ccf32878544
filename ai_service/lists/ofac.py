"""OFAC SDN list in the legacy CSV format: sdn.csv, plus alt.csv and add.csv beside it.

No header; ``-0-`` (often ``-0- `` with a trailing space) means empty.
sdn: ``ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
Tonnage, GRT, Vess_flag, Vess_owner, Remarks``; alt: ``ent_num, alt_num,
alt_type, alt_name, alt_remarks``; add: ``ent_num, add_num, address,
city_state_zip, country, add_remarks``. Names stay as OFAC writes them
(``PUTIN, Vladimir Vladimirovich``); the search layer handles the comma form.
"""

from __future__ import annotations

import csv
import io

from ai_service.lists.draft import EntityDraft
from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Entity
from ai_service.lists.ofac_remarks import parse_remarks
from ai_service.lists.raw import decode_text, require_content, require_entities

_EMPTY = "-0-"
_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft"}
_SDN_COLUMNS, _ALT_COLUMNS, _ADD_COLUMNS = 12, 5, 6


def parse(sdn: bytes, alt: bytes | None, add: bytes | None, list_name: str) -> list[Entity]:
    drafts: dict[str, EntityDraft] = {}
    remarks: dict[str, str] = {}
    for line, row in _rows(sdn, list_name, "ofac sdn.csv", _SDN_COLUMNS):
        ent_num = _ent_num(row[0], list_name, "sdn.csv", line)
        draft = EntityDraft(ent_num, _TYPES.get(_field(row[2]).lower(), "organization"))
        draft.add_name(_field(row[1]))
        if not draft.names:
            raise ListFormatError(list_name, f"ofac sdn.csv line {line}", "entry has no name")
        for program in _field(row[3]).split("] ["):
            draft.add_program(program.strip("[] "))
        if draft.entity_type == "vessel":
            draft.add_id("other", _field(row[5]))  # call sign
            draft.add_country(_field(row[9]))  # flag state
        remarks[ent_num] = _field(row[11])
        draft.remarks = remarks[ent_num] or None
        drafts[ent_num] = draft
    if alt is not None:
        for line, row in _rows(alt, list_name, "ofac alt.csv", _ALT_COLUMNS):
            draft = drafts.get(_ent_num(row[0], list_name, "alt.csv", line))
            if draft is not None:  # an alias of an entry not in this sdn.csv: nothing to attach to
                draft.add_name(_field(row[3]), weak="weak" in _field(row[2]).lower())
    for ent_num, text in remarks.items():
        if text:
            _apply_remarks(drafts[ent_num], text)
    if add is not None:
        for line, row in _rows(add, list_name, "ofac add.csv", _ADD_COLUMNS):
            draft = drafts.get(_ent_num(row[0], list_name, "add.csv", line))
            if draft is not None:
                draft.add_country(_field(row[4]))
    return require_entities([d.build(list_name) for d in drafts.values()], list_name, "ofac sdn.csv")


def _apply_remarks(draft: EntityDraft, text: str) -> None:
    facts = parse_remarks(text)
    for value in facts.birth_dates:
        draft.add_birth_date(value)
    for name in facts.weak_names:
        draft.add_name(name, weak=True)
    for id_type, value in facts.ids:
        draft.add_id(id_type, value)
    for country in facts.countries:
        draft.add_country(country)


def _rows(data: bytes, list_name: str, where: str, columns: int) -> list[tuple[int, list[str]]]:
    require_content(data, list_name, where)
    # OFAC ends its files with a DOS end-of-file mark (Ctrl-Z).
    text = decode_text(data, list_name, where).rstrip().rstrip("\x1a").rstrip()
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != columns:
                raise ListFormatError(
                    list_name,
                    f"{where} line {reader.line_num}",
                    f"{len(row)} fields, expected {columns} (truncated or not an OFAC legacy CSV)",
                )
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ListFormatError(list_name, f"{where} line {reader.line_num}", f"invalid CSV: {exc}") from None
    if not rows:
        raise ListFormatError(list_name, where, "empty file: no rows")
    return rows


def _field(value: str) -> str:
    value = value.strip()
    return "" if value == _EMPTY else value


def _ent_num(value: str, list_name: str, file: str, line: int) -> str:
    value = value.strip()
    if not value.isdigit():
        raise ListFormatError(list_name, f"ofac {file} line {line}", "ent_num is not a number")
    return value
