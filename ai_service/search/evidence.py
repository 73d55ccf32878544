"""Non-name evidence for a candidate: identifiers, date of birth, entity type."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ai_service.lists.model import Identifier

ID_MATCH_SCORE = 0.97  # an equal identifier is decisive
ID_CONFLICT = -0.10  # same kind of identifier on both sides, different values
DOB_EXACT = 0.05
DOB_YEAR = 0.02  # years agree, one side gives no more than that
DOB_SAME_YEAR_OTHER_DAY = -0.05
DOB_OTHER_YEAR = -0.15
TYPE_MISMATCH = -0.15
# A company (its legal form written) named like a listed vessel or aircraft (Sunrise Holdings Ltd /
# the tanker MARIA III a.k.a. SUNRISE) is another thing with a common name: at most a low score.
COMPANY_NOT_CRAFT_CAP = 0.5
_CRAFT = frozenset({"vessel", "aircraft"})

MIN_ID_LENGTH = 5  # shorter "identifiers" are too easy to collide with
_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_NON_PERSON = frozenset({"organization", "vessel", "aircraft"})


def normalize_id(value: str) -> str:
    """Digits and uppercase letters only: ``UA 12-34`` -> ``UA1234``."""
    return _NON_ALNUM.sub("", value.upper())


def id_evidence(query_ids: Iterable[Identifier], entity_ids: Iterable[Identifier]) -> tuple[float, str | None]:
    """(+1 marker or conflict penalty, matched normalized value).

    Returns ``(1.0, value)`` on an equal value, ``(ID_CONFLICT, None)`` when both
    sides carry an identifier of the same type and none agree, else ``(0.0, None)``.
    """
    q = {(i.type, normalize_id(i.value)) for i in query_ids}
    if not q:
        return 0.0, None
    e = {(i.type, normalize_id(i.value)) for i in entity_ids}
    if not e:
        return 0.0, None
    q_values = {v for _, v in q if len(v) >= MIN_ID_LENGTH}
    for _, v in e:
        if v in q_values:
            return 1.0, v
    if {t for t, _ in q} & {t for t, _ in e}:
        return ID_CONFLICT, None
    return 0.0, None


def dob_evidence(query_dob: str | None, list_dobs: Iterable[str]) -> tuple[float, str]:
    """Score delta and a label for date-of-birth agreement (best over list dates)."""
    dates = [d for d in list_dobs if d]
    if not query_dob:
        return 0.0, "no_query_dob"
    if not dates:
        return 0.0, "no_list_dob"
    best: tuple[float, str] | None = None
    for d in dates:
        cur = _compare_dates(query_dob, d)
        if best is None or cur[0] > best[0]:
            best = cur
    assert best is not None
    return best


def _compare_dates(q: str, d: str) -> tuple[float, str]:
    if q[:4] != d[:4]:
        return DOB_OTHER_YEAR, "year_differs"
    n = min(len(q), len(d))
    if n < 7:
        return DOB_YEAR, "year_matches"
    if q[:n] != d[:n]:
        return DOB_SAME_YEAR_OTHER_DAY, "date_differs"
    return (DOB_EXACT, "exact") if n >= 10 else (DOB_YEAR, "month_matches")


def type_evidence(query_type: str | None, entity_type: str, legal_form: str | None = None,
                  score: float = 0.0) -> float:
    """Penalty when a person is compared with an organisation/vessel/aircraft, or a company
    (``legal_form`` given) with a vessel/aircraft: enough to bring ``score`` (name and date
    evidence) down to COMPANY_NOT_CRAFT_CAP."""
    if legal_form and entity_type in _CRAFT:
        return min(TYPE_MISMATCH, COMPANY_NOT_CRAFT_CAP - score)
    if not query_type or query_type == entity_type:
        return 0.0
    if (query_type == "person" and entity_type in _NON_PERSON) or (
        entity_type == "person" and query_type in _NON_PERSON
    ):
        return TYPE_MISMATCH
    return 0.0
