"""The shipped demo list: loads as list "demo", fictional, every identifier checksum-valid."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from ai_service.lists.config import DEMO_LIST_PATH, sources_from_setting
from ai_service.lists.loader import load_sources_sync


# Checksum helpers written here on purpose: the test must not trust the code under test.
def _rnokpp_ok(v: str) -> bool:
    d = [int(c) for c in v]
    return len(d) == 10 and sum(w * x for w, x in zip((-1, 5, 7, 9, 4, 6, 10, 5, 7), d)) % 11 % 10 == d[9]


def _inn_ok(v: str) -> bool:
    d = [int(c) for c in v]

    def check(weights: tuple[int, ...]) -> int:
        return sum(w * x for w, x in zip(weights, d)) % 11 % 10

    if len(d) == 10:
        return check((2, 4, 10, 3, 5, 9, 4, 6, 8)) == d[9]
    return (
        len(d) == 12
        and check((7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == d[10]
        and check((3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == d[11]
    )


def _edrpou_ok(v: str) -> bool:
    d = [int(c) for c in v]
    weights = (7, 1, 2, 3, 4, 5, 6) if 30_000_000 <= int(v) <= 60_000_000 else (1, 2, 3, 4, 5, 6, 7)
    rest = sum(w * x for w, x in zip(weights, d)) % 11
    if rest == 10:
        rest = sum((w + 2) * x for w, x in zip(weights, d)) % 11 % 10
    return len(d) == 8 and rest == d[7]


def _ogrn_ok(v: str) -> bool:
    return len(v) == 13 and int(v[:12]) % 11 % 10 == int(v[12])


def test_checksum_helpers_accept_known_numbers_and_reject_altered_ones():
    assert _rnokpp_ok("2839403975") and not _rnokpp_ok("2839403976")  # NSDC supplement (real list)
    assert _inn_ok("782611846337") and not _inn_ok("782611846338")  # NSDC persons entry 1
    assert _inn_ok("6164205270") and not _inn_ok("6164205271")  # OFAC 31415
    assert _edrpou_ok("32855961") and not _edrpou_ok("32855962")  # SPEC example
    assert _ogrn_ok("1027809170300") and not _ogrn_ok("1027809170301")  # NSDC companies 1872


@pytest.fixture(scope="module")
def demo():
    snapshot = load_sources_sync(sources_from_setting(None))
    assert list(snapshot.lists) == ["demo"]
    return snapshot.lists["demo"]


def test_demo_loads_with_all_kinds(demo):
    types = [e.entity_type for e in demo.entities]
    assert len(types) == 26
    assert types.count("person") == 16 and types.count("organization") == 9 and types.count("vessel") == 1


def test_every_entity_is_labelled_fictional():
    for line in DEMO_LIST_PATH.read_bytes().splitlines():
        entity = orjson.loads(line)
        notes = " ".join(entity["properties"]["notes"])
        assert "FICTIONAL demo entity" in notes and "not a real" in notes, entity["id"]


def test_identifiers_are_checksum_valid(demo):
    checked = {"rnokpp": 0, "inn": 0, "edrpou": 0, "ogrn": 0}
    validators = {"rnokpp": _rnokpp_ok, "inn": _inn_ok, "edrpou": _edrpou_ok, "ogrn": _ogrn_ok}
    for entity in demo.entities:
        for ident in entity.ids:
            if ident.type in validators:
                assert validators[ident.type](ident.value), (entity.entity_id, ident)
                checked[ident.type] += 1
    assert checked == {"rnokpp": 10, "inn": 8, "edrpou": 5, "ogrn": 3}


def test_rnokpp_encodes_birth_date(demo):
    for entity in demo.entities:
        for ident in entity.ids:
            if ident.type == "rnokpp":
                days = (dt.date.fromisoformat(entity.birth_dates[0]) - dt.date(1899, 12, 31)).days
                assert int(ident.value[:5]) == days, entity.entity_id


def test_ukrainian_persons_have_three_name_forms(demo):
    ukrainian = [e for e in demo.entities if e.entity_id.startswith("demo-ua-person")]
    assert len(ukrainian) == 10
    for entity in ukrainian:
        assert entity.names[-1].isascii(), entity.names  # Latin transliteration
        assert not entity.names[0].isascii()  # Ukrainian original first
        assert entity.countries == ["ua"] and entity.birth_dates
