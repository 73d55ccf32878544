"""SFMS terrorism list: grouping, name parts, alias clean-up, entity types, weak names."""

from __future__ import annotations

import orjson
import pytest

from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Identifier
from ai_service.lists.sfms import parse


@pytest.fixture(scope="module")
def entities(sfms_bytes):
    return {e.entity_id: e for e in parse(sfms_bytes, "ua_sfms")}


def _rows(*rows: tuple) -> bytes:
    keys = ("number_entry", "aka_name", "type_aka", "quality_aka")
    return orjson.dumps([dict(zip(keys, r)) | {"id": i, "date_entry": "2024-02-08"} for i, r in enumerate(rows)])


def test_count_and_types(entities):
    assert len(entities) == 871
    types = {e.entity_type for e in entities.values()}
    assert types == {"person", "organization"}
    assert sum(e.entity_type == "organization" for e in entities.values()) > 150


def test_name_parts_joined_in_row_order_and_weak_aliases(entities):
    e = entities["3"]
    assert e.list == "ua_sfms" and e.entity_type == "person"
    assert e.primary_name == "MOHAMMAD HAMDI MOHAMMAD SADIQ AL-AHDAL"
    assert "Al-Hamati, Muhammad" in e.names  # quality 1
    assert e.weak_names == ["Ahmed", "Abu Asim Al-Makki"]  # quality 2
    assert set(e.weak_names) <= set(e.names)


def test_born_clause_becomes_birth_date(entities):
    e = entities["4"]
    assert "Fabio Fusco" in e.names
    assert not any("born" in n.lower() for n in e.names)
    assert {"1968-05-25", "1968-12-18", "1969-07-14"} <= set(e.birth_dates)


def test_annotations_stripped_and_addresses_dropped(entities):
    assert {"ABDERREZAK LE PARA", "EL PARA"} <= set(entities["8"].names)
    assert not any("(" in n for n in entities["8"].names)
    assert not any("time of listing" in n for e in entities.values() for n in e.names)
    for e in entities.values():
        for n in e.names:
            assert "combat name" not in n.lower() and "nom de guerre" not in n.lower(), (e.entity_id, n)


def test_other_script_primary_and_original_script_alias(entities):
    umarov = entities["1108"]
    assert umarov.primary_name == "DOKU KHAMATOVICH UMAROV"
    assert "Умаров Доку Хаматович" in umarov.names  # NU parts joined
    assert [n.casefold() for n in umarov.names].count("dokka umarov") == 1  # listed twice by the source
    byutukaev = entities["1382"]
    assert {"Amir Khazmat", "Амир Хазмат"} <= set(byutukaev.weak_names)


def test_organisations_keep_official_name_and_gain_acronym(entities):
    grf = entities["95"]
    assert grf.entity_type == "organization"
    assert grf.primary_name == "GLOBAL RELIEF FOUNDATION (GRF)"
    assert grf.weak_names == ["GRF"]
    assert entities["12"].entity_type == "organization"
    assert entities["1135"].entity_type == "organization"  # EMARAT KAVKAZ, with its NU form
    assert entities["1623"].entity_type == "organization"  # ISLAMIC STATE … LIBYA


def test_single_part_personal_names_are_persons(entities):
    for entry in ("63", "1076", "1512", "333"):  # FAIZ, HONG-SOP, JANG SONG CHOL, ABDUL MANAN AGHA
        assert entities[entry].entity_type == "person", entities[entry].names


def test_passport_found_inside_alias(entities):
    assert any(i.type == "passport" for e in entities.values() for i in e.ids)


def test_inline_grouping_types_and_dedup():
    data = _rows(
        (1, "IVAN", "N", None), (1, "PETROV", "N", None),
        (1, "Ivan Petrov", "PE", 1), (1, "IVAN PETROV", "PE", 1), (1, "Vanya", "PE", 2),
        (2, "NORTHERN TRADING COMPANY", "N", None), (2, "NTC Ltd", "PE", None),
        (3, "SOLO", None, None),
        (4, "ALFA GROUP", None, None),
        (5, "Someone born 02 Feb. 1970 in Nowhere", "PE", 1),
    )  # fmt: skip
    got = {e.entity_id: e for e in parse(data, "t")}
    assert got["1"].names == ["IVAN PETROV", "Vanya"]  # "Ivan Petrov" equals the primary case-insensitively
    assert got["1"].entity_type == "person" and got["1"].weak_names == ["Vanya"]
    assert got["2"].entity_type == "organization" and got["2"].names == ["NORTHERN TRADING COMPANY", "NTC Ltd"]
    assert got["3"].entity_type == "person"
    assert got["4"].entity_type == "organization"
    assert got["5"].names == ["Someone"] and got["5"].birth_dates == ["1970-02-02"]


def test_inline_alias_with_document_numbers():
    data = _rows((9, "A", "N", None), (9, "B", "N", None),
                 (9, "X Y (identification number 6910275240086, passport number 434021161)", "PE", 1))  # fmt: skip
    (e,) = parse(data, "t")
    assert e.names == ["A B", "X Y"]
    assert Identifier("passport", "434021161") in e.ids and Identifier("other", "6910275240086") in e.ids


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b'[{"number_entry": 1, "aka_name": "A", "type_aka": "N"', "truncated"),
        (b'{"rows": []}', "expected an array"),
        (b"[]", "no entities"),
        (b'[{"aka_name": "A", "type_aka": "N"}]', "number_entry"),
        (b'[{"number_entry": 1, "type_aka": "N"}]', "aka_name"),
    ],
)
def test_corrupt_inputs(data, reason):
    with pytest.raises(ListFormatError) as info:
        parse(data, "ua_sfms")
    assert reason in info.value.reason
