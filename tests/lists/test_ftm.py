"""OpenSanctions FollowTheMoney JSON lines and delta files."""

from __future__ import annotations

import json

import orjson
import pytest

from ai_service.lists.errors import ListFormatError
from ai_service.lists.ftm import apply_delta, parse
from ai_service.lists.model import Identifier
from tests.helpers import shared_path


def _line(**entity) -> bytes:
    return orjson.dumps(entity) + b"\n"


def _entity(eid: str, schema: str, **props) -> dict:
    properties = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return {"id": eid, "schema": schema, "caption": eid, "properties": properties}


@pytest.fixture(scope="module")
def zala():
    data = shared_path("lists", "opensanctions", "zala.ftm.json").read_bytes()
    return data, {e.entity_id: e for e in parse(data, "zala")}


def test_zala_keeps_only_screenable_subjects(zala):
    data, entities = zala
    assert len(data.splitlines()) == 91
    types = [e.entity_type for e in entities.values()]
    assert (types.count("person"), types.count("organization"), len(types)) == (6, 11, 17)


def test_zala_person_spot_check(zala):
    person = zala[1]["NK-2Tbri3s6GgNtAwsSXh4qpL"]
    assert person.primary_name == "OSETROVA, Maria Aleksandrovna"
    assert "Zakharova Mariia Oleksandrivna" in person.names  # alias
    folded = [n.casefold() for n in person.names]
    assert len(folded) == len(set(folded))  # "…ZAKHAROVA" and previousName "…Zakharova": kept once
    assert Identifier("inn", "183116181362") in person.ids
    assert person.birth_dates == ["1988-01-07"]
    assert person.countries == ["ru"]
    assert {"UA-SA1644", "US-RUSHAR", "GB-RUS", "sanction"} <= set(person.programs)
    assert zala[1]["NK-hUAjuiA3vTKXF6v2X6MYnS"].ids == [Identifier("passport", "089132114")]


def test_zala_company_spot_check(zala):
    company = zala[1]["NK-abdzbEBkqyT29GyREbiURZ"]
    assert company.primary_name == 'Товариство з обмеженою відповідальністю "ЦСТ"'
    assert {"ZALA", "CST", "OOO TSST"} <= set(company.weak_names)
    assert "Limited Liability Company CST" not in company.weak_names  # also a strong alias
    assert Identifier("inn", "1841015504") in company.ids and Identifier("ogrn", "1101841007938") in company.ids
    assert "AU-RUSSIA" in company.programs


def test_sanction_programs_attach_to_their_subject():
    data = _line(**_entity("p1", "Person", name="Ivan Testov", programId="OWN-1")) + _line(
        **_entity("s1", "Sanction", entity="p1", programId="EU-UKR", program="Long program title")
    ) + _line(**_entity("s2", "Sanction", entity="p1", program="Only a title"))
    (person,) = parse(data, "t")
    assert person.programs == ["OWN-1", "EU-UKR", "Only a title"]


def test_identifier_rules():
    data = b"".join([
        _line(**_entity("ua1", "Person", name="A", previousName="A old", weakAlias="Al", taxNumber="3124509879",
                        country="ua")),
        _line(**_entity("ru1", "Person", name="B", taxNumber="183116181362", country="ru")),
        _line(**_entity("xx1", "Person", name="C", taxNumber="3124509879")),
        _line(**_entity("uc1", "Company", name="D", innCode="32855961", jurisdiction="UA")),
        _line(**_entity("v1", "Vessel", name="E", imoNumber="IMO 9187629")),
        _line(**_entity("a1", "Airplane", name="F", registrationNumber="EP-GOM")),
        _line(**_entity("o1", "Organization", caption="G", firstName="x")),
        _line(**_entity("b1", "Company", name="H Bank", swiftBic="HAVIGB2L")),
    ])  # fmt: skip
    got = {e.entity_id: e for e in parse(data, "t")}
    assert got["ua1"].ids == [Identifier("rnokpp", "3124509879")]
    assert got["ua1"].names == ["A", "A old", "Al"] and got["ua1"].weak_names == ["Al"]
    assert got["ru1"].ids == [Identifier("inn", "183116181362")]
    assert got["xx1"].ids == [Identifier("tax_id", "3124509879")]  # not Ukrainian: no РНОКПП claim
    assert got["uc1"].ids == [Identifier("edrpou", "32855961")] and got["uc1"].countries == ["ua"]
    assert got["v1"].entity_type == "vessel" and got["v1"].ids == [Identifier("other", "IMO 9187629")]
    assert got["a1"].entity_type == "aircraft" and got["a1"].ids == [Identifier("registration", "EP-GOM")]
    assert got["o1"].names == ["o1"]  # no name property: the caption names it
    assert got["b1"].ids == [Identifier("bic", "HAVIGB2L")]


def _deltas_in_order() -> list[tuple[str, bytes | None]]:
    folder = shared_path("lists", "opensanctions", "t2_deltas")
    index = json.loads((folder / "index.json").read_text())
    out = []
    for version in index["versions"]:  # JSON object order is the publication order
        path = folder / f"{version}.delta.json"
        out.append((version, path.read_bytes() if path.exists() else None))
    return out


def test_deltas_applied_in_index_order():
    base = shared_path("lists", "opensanctions", "t1.ftm.json").read_bytes()
    entities = {e.entity_id: e for e in parse(base, "os")}
    assert len(entities) == 6  # 4 persons + 2 organisations; the Address is skipped
    seen: dict[str, set[str]] = {}
    for version, data in _deltas_in_order():
        if data is not None:  # the first version is the base snapshot itself (no delta file)
            previous, previous_ids = entities, set(entities)
            entities = apply_delta(previous, data, "os")
            assert set(previous) == previous_ids and entities is not previous  # the input map is untouched
        seen[version] = set(entities)
    assert {"NK-2T3S8Hu29ktYnKSTgQp2wL", "NK-2sJaJRaPJcWUfMbHjTtWcL"} <= seen["20240527194702-wnk"]
    assert "NK-500Poltergeist" in seen["20240528014702-pfh"]  # ADD
    assert "NK-500Poltergeist" not in seen["20240528074703-npf"]  # DEL
    assert "Q4365364" in seen["20240528134729-3iv"]
    modified = entities["NK-2T3S8Hu29ktYnKSTgQp2wL"]  # MOD replaces the whole entity
    assert modified.primary_name == "Foobar Foobargroup" and modified.countries == ["ir"]
    assert entities["Q4365364"].birth_dates == ["1961-11-30"]
    assert len(entities) == 9


def test_apply_delta_is_pure_and_handles_schema_change():
    (person,) = parse(_line(**_entity("p1", "Person", name="Old Name")), "t")
    original = {"p1": person}
    delta = b"".join([
        orjson.dumps({"op": "MOD", "entity": _entity("p1", "Person", name="New Name")}) + b"\n",
        orjson.dumps({"op": "ADD", "entity": _entity("x1", "Address", full="Somewhere")}) + b"\n",
        orjson.dumps({"op": "DEL", "entity": {"id": "missing"}}) + b"\n",
    ])  # fmt: skip
    updated = apply_delta(original, delta, "t")
    assert original["p1"].primary_name == "Old Name"
    assert updated["p1"].primary_name == "New Name" and set(updated) == {"p1"}
    to_sanction = orjson.dumps({"op": "MOD", "entity": _entity("p1", "Sanction", entity="p2")})
    assert apply_delta(updated, to_sanction, "t") == {}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (_line(**_entity("p1", "Person", name="A")) + b'{"id": "p2", "schema": "Pers', "line 2: invalid or truncated"),
        (b"[1, 2]\n", "string id"),
        (b'{"id": "p1", "properties": {}}\n', "lacks schema"),
        (_line(**_entity("s1", "Sanction", entity="p1")), "no entities"),
    ],
)
def test_corrupt_entities(data, reason):
    with pytest.raises(ListFormatError) as info:
        parse(data, "os")
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b'{"op": "UPSERT", "entity": {"id": "a"}}\n', "ADD|MOD|DEL"),
        (b'{"op": "ADD", "entity": {"id": "a"}}\n', "lacks schema"),
        (b'{"op": "DEL", "entity": {"id": "a"}}\n{"op": "DEL", "ent', "line 2: invalid or truncated"),
    ],
)
def test_corrupt_deltas(data, reason):
    with pytest.raises(ListFormatError) as info:
        apply_delta({}, data, "os")
    assert reason in str(info.value)
