"""UN Security Council consolidated list (XML)."""

from __future__ import annotations

import time

import pytest

from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Identifier
from ai_service.lists.un_xml import parse

SMALL = b"""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST>
 <INDIVIDUALS>
  <INDIVIDUAL>
   <DATAID>11</DATAID><FIRST_NAME>IVAN</FIRST_NAME><SECOND_NAME> IVANOVICH</SECOND_NAME>
   <THIRD_NAME>PETROV</THIRD_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
   <NAME_ORIGINAL_SCRIPT>\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2
   </NAME_ORIGINAL_SCRIPT>
   <NATIONALITY><VALUE>Russia</VALUE><VALUE>Ukraine</VALUE></NATIONALITY>
   <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Ivan Petroff; Iwan Petrow</ALIAS_NAME></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Vanya</ALIAS_NAME></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1960-05-04</DATE></INDIVIDUAL_DATE_OF_BIRTH>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1961</FROM_YEAR>
     <TO_YEAR>1962</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
   <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><NOTE>August 1958</NOTE></INDIVIDUAL_DATE_OF_BIRTH>
   <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>P 123</NUMBER></INDIVIDUAL_DOCUMENT>
   <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT>
     <NUMBER>77-1</NUMBER></INDIVIDUAL_DOCUMENT>
  </INDIVIDUAL>
 </INDIVIDUALS>
 <ENTITIES>
  <ENTITY><DATAID>22</DATAID><FIRST_NAME>ACME TRADING CO</FIRST_NAME><UN_LIST_TYPE>Iran</UN_LIST_TYPE>
   <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>ACME</ALIAS_NAME></ENTITY_ALIAS>
   <ENTITY_ADDRESS><COUNTRY>Iran</COUNTRY></ENTITY_ADDRESS>
  </ENTITY>
 </ENTITIES>
</CONSOLIDATED_LIST>
"""


@pytest.fixture(scope="module")
def entities(un_bytes):
    return {e.entity_id: e for e in parse(un_bytes, "un")}


def test_counts(entities):
    persons = [e for e in entities.values() if e.entity_type == "person"]
    organizations = [e for e in entities.values() if e.entity_type == "organization"]
    assert (len(persons), len(organizations)) == (730, 273)


def test_individual_spot_check(entities):
    saddam = entities["6908048"]
    assert saddam.list == "un"
    assert saddam.names == ["SADDAM HUSSEIN AL-TIKRITI", "صدام حسين التكريتي", "Abu Ali"]
    assert saddam.weak_names == ["Abu Ali"]  # QUALITY Low
    assert saddam.birth_dates == ["1937-04-28"]
    assert saddam.countries == ["Iraq"] and saddam.programs == ["Iraq"]
    assert entities["6907993"].birth_dates == ["1971"]  # YEAR only


def test_entity_spot_check(entities):
    adf = entities["6908402"]
    assert adf.entity_type == "organization"
    assert adf.names[:2] == ["ADF", "Allied Democratic Forces"]
    assert adf.programs == ["DRC"]


def test_documents_become_passports_or_other(entities):
    types = {i.type for e in entities.values() for i in e.ids}
    assert types == {"passport", "other"}
    assert sum(i.type == "passport" for e in entities.values() for i in e.ids) >= 300


def test_parses_quickly(un_bytes):
    started = time.perf_counter()
    parse(un_bytes, "un")
    assert time.perf_counter() - started < 1.0


def test_inline_document():
    person, org = parse(SMALL, "t")
    assert person.entity_id == "11" and person.primary_name == "IVAN IVANOVICH PETROV"
    assert person.names == ["IVAN IVANOVICH PETROV", "Иван Петров", "Ivan Petroff", "Iwan Petrow", "Vanya"]
    assert person.weak_names == ["Vanya"]
    assert person.birth_dates == ["1960-05-04", "1961", "1962", "1958-08"]
    assert person.ids == [Identifier("passport", "P 123"), Identifier("other", "77-1")]
    assert person.countries == ["Russia", "Ukraine"] and person.programs == ["DPRK"]
    assert (org.entity_id, org.entity_type) == ("22", "organization")
    assert org.names == ["ACME TRADING CO", "ACME"] and org.countries == ["Iran"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (SMALL[: len(SMALL) // 2], "invalid or truncated XML"),
        (b"<OTHER_LIST><INDIVIDUALS/></OTHER_LIST>", "not CONSOLIDATED_LIST"),
        (b"<CONSOLIDATED_LIST/>", "neither INDIVIDUALS nor ENTITIES"),
        (b"<CONSOLIDATED_LIST><INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>", "no entities"),
        (b"<CONSOLIDATED_LIST><ENTITIES><ENTITY><FIRST_NAME>X</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>",
         "DATAID missing"),
    ],
)
def test_corrupt_inputs(data, reason):
    with pytest.raises(ListFormatError) as info:
        parse(data, "un")
    assert reason in info.value.reason
