"""NSDC register export: persons and companies, on the real files and on small inline rows."""

from __future__ import annotations

import orjson
import pytest

from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Identifier
from ai_service.lists.nsdc import parse_companies, parse_persons


@pytest.fixture(scope="module")
def persons(nsdc_persons_bytes):
    return {e.entity_id: e for e in parse_persons(nsdc_persons_bytes, "ua_nsdc_persons")}


@pytest.fixture(scope="module")
def companies(nsdc_companies_bytes):
    return {e.entity_id: e for e in parse_companies(nsdc_companies_bytes, "ua_nsdc_companies")}


def test_persons_count_and_first_entry(persons):
    assert len(persons) == 13_192
    first = persons["1"]
    assert first.list == "ua_nsdc_persons"
    assert first.entity_type == "person"
    assert first.names == ["Ковриков Роман Валерійович", "Kovrykov Roman Valeriiovych"]  # name_ru is null
    assert first.ids == [Identifier("inn", "782611846337")]  # 12 digits: Russian personal ИНН
    assert first.birth_dates == ["1976-08-09"]


def test_person_tax_number_types(persons):
    assert persons["380"].ids == [Identifier("rnokpp", "2939615818")]  # 10 digits
    assert persons["573"].ids == [Identifier("tax_id", "5035080822690")]  # 13 digits: unknown scheme
    assert persons["16"].ids == []  # itn null


def test_year_only_birthdate_is_kept_partial(persons):
    assert persons["4526"].birth_dates == ["1971"]


def test_supplement_person(nsdc_supplement_bytes):
    (person,) = parse_persons(nsdc_supplement_bytes, "ua_nsdc_persons")
    assert person.entity_id == "900001"
    assert person.primary_name == "Якубов Руслан Рішатович"
    assert person.ids == [Identifier("rnokpp", "2839403975")]
    assert person.birth_dates == []


def test_companies_count_and_foreign_entity_stays_organization(companies):
    assert len(companies) == 7_603
    adamz = companies["1"]
    assert adamz.primary_name == "Адамз Грейн"
    assert adamz.entity_type == "organization"
    assert adamz.ids == []
    assert adamz.remarks.startswith("Місце розташування: Арабська Республіка Єгипет")


def test_company_identifier_types(companies):
    assert companies["4"].ids == [Identifier("inn", "9408003822"), Identifier("ogrn", "1229400043520")]
    assert companies["79"].ids == [Identifier("edrpou", "72465672")]
    assert companies["48"].ids == [Identifier("tax_id", "БІН 130940021516")]
    # reg_number written "– 1027809170300": the dash is stripped, 13 digits → ОГРН
    assert companies["1872"].ids == [Identifier("inn", "7803002209"), Identifier("ogrn", "1027809170300")]
    assert companies["2628"].ids == [Identifier("registration", "HE327605")]


def test_inline_person_with_all_name_forms_deduplicated():
    rows = [{"id": 7, "name": "Іваненко Іван", "name_ru": "Иваненко Иван", "name_en": "IVANENKO IVAN ",
             "birthdate": None, "itn": None, "status": 1},
            {"id": "8", "name": "Петренко Петро", "name_ru": "петренко петро", "name_en": None}]  # fmt: skip
    first, second = parse_persons(orjson.dumps(rows), "t")
    assert first.names == ["Іваненко Іван", "Иваненко Иван", "IVANENKO IVAN"]
    assert first.birth_dates == [] and first.ids == []
    assert second.entity_id == "8" and second.names == ["Петренко Петро"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n", "empty file"),
        (b'[{"id": 1, "name": "A"}, {"id": 2, "na', "invalid or truncated JSON"),
        (b'{"id": 1, "name": "A"}', "expected an array"),
        (b"[1, 2]", "expected an object"),
        (b"[]", "contains no entities"),
        (b'[{"name": "A"}]', "id is missing"),
        (b'[{"id": 1, "name": null, "name_en": ""}]', "has no name"),
    ],
)
def test_persons_corrupt_inputs(data, reason):
    with pytest.raises(ListFormatError) as info:
        parse_persons(data, "ua_nsdc_persons")
    assert reason in info.value.reason
    assert "ua_nsdc_persons" in str(info.value)


def test_companies_corrupt_inputs():
    with pytest.raises(ListFormatError, match="has no name"):
        parse_companies(b'[{"id": 1, "name": "  "}]', "c")
    with pytest.raises(ListFormatError, match="truncated"):
        parse_companies(b'[{"id": 1, "name": "TOV', "c")
