"""OFAC SDN legacy CSV (sdn.csv + alt.csv + add.csv)."""

from __future__ import annotations

import pytest

from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Identifier
from ai_service.lists.ofac import parse

SDN = (
    b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    b'100,"DOE, John","individual","SDGT] [IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    b"\"DOB 07 Oct 1952; alt. DOB circa 1955; Passport A123 (Russia); nationality Russia; a.k.a. 'JD'.\"\r\n"
    b'200,"SEA SHELL","vessel","CUBA",-0- ,"CL123","Cargo",-0- ,-0- ,"Panama",-0- ,-0- \r\n'
    b"\x1a"
)
ALT = b'100,1,"aka","DOE, Johnny",-0- \r\n100,2,"fka","ROE, John",-0- \r\n999,3,"aka","NOBODY",-0- \r\n'
ADD = b'36,25,-0- ,"Havana","Cuba",-0- \r\n100,26,-0- ,-0- ,-0- ,-0- \r\n'


@pytest.fixture(scope="module")
def entities(ofac_bytes):
    return {e.entity_id: e for e in parse(*ofac_bytes, "ofac_sdn")}


def test_count_and_types(entities):
    assert len(entities) == 8_976
    counts: dict[str, int] = {}
    for e in entities.values():
        counts[e.entity_type] = counts.get(e.entity_type, 0) + 1
    assert counts == {"person": 4_620, "organization": 3_673, "vessel": 406, "aircraft": 277}


def test_alt_names_remark_weak_aka_and_address_countries(entities):
    bank = entities["306"]
    assert bank.list == "ofac_sdn"
    assert bank.names == ["BANCO NACIONAL DE CUBA", "NATIONAL BANK OF CUBA", "BNC"]
    assert bank.weak_names == ["BNC"]  # OFAC's weak a.k.a.s live in Remarks
    assert bank.programs == ["CUBA"]
    assert "Spain" in bank.countries and "Japan" in bank.countries


def test_individual_kept_in_source_spelling_with_dob(entities):
    yanukovych = entities["16641"]
    assert yanukovych.entity_type == "person"
    assert yanukovych.primary_name == "YANUKOVYCH, Viktor Fedorovych"
    assert yanukovych.birth_dates == ["1950-07-09"]
    assert yanukovych.programs == ["UKRAINE-EO13660"]


def test_identifiers_from_remarks(entities):
    kilimnik = entities["31291"]
    assert kilimnik.ids == [Identifier("passport", "752512703")]
    assert kilimnik.countries[:1] == ["Ukraine"]
    assert kilimnik.programs == ["UKRAINE-EO13660", "ELECTION-EO13848"]
    assert entities["31415"].ids == [Identifier("inn", "6164205270")]  # Tax ID No. … (Russia)
    assert entities["18325"].ids == [Identifier("edrpou", "34436105")]  # Government Gazette Number … (Ukraine)


def test_dob_ranges_and_circa(entities):
    assert {"1951", "1952", "1953"} <= set(entities["12057"].birth_dates)  # "DOB 1951 to 1953"
    assert "1955" in entities["10659"].birth_dates  # "DOB circa 1955"


def test_fka_alias_and_vessel_fields(entities):
    assert "CORTEZ, Oliverio Abril" in entities["4307"].names
    hermann = entities["4234"]
    assert hermann.entity_type == "vessel"
    assert Identifier("other", "CL2685") in hermann.ids and "Cuba" in hermann.countries


def test_inline_files_empty_markers_and_eof_mark():
    got = {e.entity_id: e for e in parse(SDN, ALT, ADD, "t")}
    assert set(got) == {"36", "100", "200"}  # the alias of unknown entry 999 is ignored
    assert got["36"].entity_type == "organization" and got["36"].countries == ["Cuba"]
    assert got["36"].remarks is None and got["36"].ids == []
    doe = got["100"]
    assert doe.names == ["DOE, John", "DOE, Johnny", "ROE, John", "JD"]
    assert doe.weak_names == ["JD"]
    assert doe.birth_dates == ["1952-10-07", "1955"]
    assert doe.ids == [Identifier("passport", "A123")]
    assert doe.countries == ["Russia"] and doe.programs == ["SDGT", "IRAN"]
    ship = got["200"]
    assert ship.entity_type == "vessel" and ship.ids == [Identifier("other", "CL123")] and ship.countries == ["Panama"]


def test_companions_are_optional():
    alone = {e.entity_id: e for e in parse(SDN, None, None, "t")}
    assert alone["100"].names == ["DOE, John", "JD"]
    assert alone["36"].countries == []


@pytest.mark.parametrize(
    ("sdn", "reason"),
    [
        (b"", "empty file"),
        (b"\x1a", "empty file"),
        (SDN[: SDN.index(b"DOB 07") + 5], "invalid CSV"),  # cut inside a quoted field
        (b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\r\n', "4 fields, expected 12"),  # cut after a field
        (b'x36,"A",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n', "ent_num is not a number"),
        (b'36,-0- ,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n', "no name"),
        (b"\xff\xfe36,", "not valid UTF-8"),
    ],
)
def test_corrupt_sdn(sdn, reason):
    with pytest.raises(ListFormatError) as info:
        parse(sdn, None, None, "ofac_sdn")
    assert reason in info.value.reason


def test_corrupt_companion_fails_the_whole_list():
    with pytest.raises(ListFormatError, match="alt.csv"):
        parse(SDN, b'100,1,"aka","DOE, Jo', None, "ofac_sdn")
    with pytest.raises(ListFormatError, match="add.csv"):
        parse(SDN, None, b"36,25,-0- \r\n", "ofac_sdn")
