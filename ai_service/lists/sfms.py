"""Ukrainian SFMS (Держфінмоніторинг) terrorism list: alias rows grouped by ``number_entry``.

Each row: ``id, number_entry, aka_name, type_aka, quality_aka, date_entry``.
``type_aka`` as the data uses it: ``N`` = one part of the primary name (parts
joined in row order); ``NE``/``NU`` = the primary name again in another script,
also split in parts; ``PE``/``PU`` = a full alias (persons and, in practice,
organisations too); ``None`` = an untyped primary-name part. ``quality_aka`` 2
marks a low-quality alias (kept as a weak name).

The source has no entity-type column, so it is read from the data: a primary
name given in several parts is a person's, and so is one with a low-quality
alias (only individuals get those). Otherwise a single-part name is an
organisation's when it has an other-script form (NE/NU) or untyped-quality
aliases, or when its names carry an organisation word (foundation, bank, group,
jamaat, …), an acronym or a digit; failing all that it is a person whose name
the source did not split (e.g. ``JANG SONG CHOL``).
"""

from __future__ import annotations

import re
from typing import Any

from ai_service.lists.aliases import split_alias
from ai_service.lists.draft import EntityDraft, clean_text
from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Entity
from ai_service.lists.raw import load_json_array, require_entities

_PRIMARY = ("N", None)
_OTHER_SCRIPT = ("NE", "NU")
_WEAK_QUALITY = 2
_ORG_WORDS = frozenset(
    """
    ACADEMY ADMINISTRATION AGENCY AIRLINES ANSAR ANSARUL ANSTALT ARMY ASBAT ASSOCIATION AUTHORITY
    BANK BANKING BATTALION BRANCH BRIGADE BRIGADES BUREAU CENTER CENTRE CHARITY CO COMMISSION
    COMMITTEE COMPAGNIE COMPANY CONCERN CORP CORPORATION COUNCIL DEPARTMENT DIVISION ELECTRONICS
    EMARAT ENERGY ENTERPRISE ESTABLISHMENT EXCHANGE FOUNDATION FORCE FORCES FREIGHT FRONT FUND
    GROUP HARAKAT HAWALA HOUSE INC INDUSTRY INSTITUTE INTERNATIONAL INVESTMENT JAISH JAMA'A
    JAMAAH JAMAAT JAMA'AT JAMAATU JAMA'ATU JAYSH JEMAAH JEMMAH JUND KATIBA KHATIBA LASHKAR
    LIMITED LLC LTD MARINE MARITIME MINISTRY MOUVEMENT MOVEMENT NETWORK OFFICE OFFICES ORGANISATION
    ORGANIZATION PARTY PORTFOLIO PROVINCE PTE REGIMENT SA SHIPPING SOCIETY STATE SYSTEMS TANZEEM TEHRIK
    TRADE TRADING TRUST UNIT UNIVERSITY WILAYAT
    """.split()
)
_WORDS = re.compile(r"[A-Za-z'`’]+")
_ACRONYM_MARK = re.compile(r"\([A-Z][A-Za-z\-]*[A-Z]\)|\s/\s*[A-Z]{2,}\b")


def parse(data: bytes, list_name: str) -> list[Entity]:
    rows = load_json_array(data, list_name, "sfms")
    groups: dict[str, list[dict[str, Any]]] = {}
    for index, row in enumerate(rows):
        key = row.get("number_entry")
        if isinstance(key, bool) or not isinstance(key, (int, str)) or not str(key).strip():
            raise ListFormatError(list_name, f"sfms item {index}", "number_entry is missing or not a number")
        if "aka_name" not in row:
            raise ListFormatError(list_name, f"sfms item {index}", "missing field aka_name")
        groups.setdefault(str(key).strip(), []).append(row)
    entities = [_entity(entry_id, group, list_name) for entry_id, group in groups.items()]
    return require_entities([e for e in entities if e.names], list_name, "sfms")


def _entity(entry_id: str, rows: list[dict[str, Any]], list_name: str) -> Entity:
    primary = [clean_text(r["aka_name"]) for r in rows if r.get("type_aka") in _PRIMARY]
    primary = [p for p in primary if p]
    aliases = [r for r in rows if r.get("type_aka") not in _PRIMARY and r.get("type_aka") not in _OTHER_SCRIPT]
    draft = EntityDraft(entry_id, _entity_type(primary, rows, aliases))
    if len(primary) > 1:
        draft.add_name(" ".join(primary))
    elif primary:
        _add_alias(draft, primary[0], weak=False, keep_parentheses=True)
    for code in _OTHER_SCRIPT:
        parts = [clean_text(r["aka_name"]) for r in rows if r.get("type_aka") == code]
        draft.add_name(" ".join(p for p in parts if p))
    for row in aliases:
        _add_alias(draft, row["aka_name"], weak=row.get("quality_aka") == _WEAK_QUALITY, keep_parentheses=False)
    return draft.build(list_name)


def _add_alias(draft: EntityDraft, raw: object, *, weak: bool, keep_parentheses: bool) -> None:
    parts = split_alias(raw, keep_parentheses=keep_parentheses)
    draft.add_alias_parts(parts, weak=weak)


def _entity_type(primary: list[str], rows: list[dict[str, Any]], aliases: list[dict[str, Any]]) -> str:
    if len(primary) > 1:
        return "person"
    if any(r.get("quality_aka") == _WEAK_QUALITY for r in aliases):
        return "person"  # low-quality a.k.a.s exist only for individuals
    if any(r.get("type_aka") in _OTHER_SCRIPT for r in rows):
        return "organization"
    if any(r.get("quality_aka") is None for r in aliases):
        return "organization"
    names = [clean_text(r.get("aka_name")) for r in rows]
    if primary and (_ACRONYM_MARK.search(primary[0]) or any(c.isdigit() for c in primary[0])):
        return "organization"
    if any(w.upper() in _ORG_WORDS for name in names for w in _WORDS.findall(name.replace(".", ""))):
        return "organization"
    return "person"
