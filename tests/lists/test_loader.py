"""Loading sources into a snapshot: merging, checksums, URLs, all-or-nothing failures."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import orjson
import pytest

from ai_service.lists.config import ListSource, parse_lists_spec
from ai_service.lists.errors import ListLoadError, SourceNotFoundError
from ai_service.lists.loader import load_sources, load_sources_sync
from tests.helpers import LISTS_DIR, run, shared_path

SECRET_MARKER = "ZZ-SECRET-CONTENT-MARKER"


def _ftm(*entities: tuple[str, str]) -> bytes:
    return b"".join(
        orjson.dumps({"id": eid, "schema": "Person", "properties": {"name": [name]}}) + b"\n" for eid, name in entities
    )


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_same_name_merges_sources_later_entry_wins(tmp_path):
    first = _ftm(("a", "Alpha"), ("b", "Beta"))
    second = _ftm(("b", "Beta Two"), ("c", "Gamma"))
    sources = [
        ListSource("people", "ftm", _write(tmp_path / "one.json", first)),
        ListSource("people", "ftm", _write(tmp_path / "two.json", second)),
        ListSource("other", "ftm", _write(tmp_path / "three.json", _ftm(("a", "Other Alpha")))),
    ]
    before = time.time()
    snapshot = load_sources_sync(sources)
    people = snapshot.lists["people"]
    assert [e.entity_id for e in people.entities] == ["a", "b", "c"]
    assert snapshot.get("people", "b").primary_name == "Beta Two"
    assert snapshot.get("other", "a").primary_name == "Other Alpha"
    assert snapshot.get("people", "zzz") is None and snapshot.get("nope", "a") is None
    assert people.formats == ["ftm"] and people.locations == [sources[0].location, sources[1].location]
    assert people.checksum == hashlib.sha256(first + second).hexdigest()
    assert people.version == people.checksum[:12]
    assert people.loaded_at >= before
    assert snapshot.total_entities == 4 and len(list(snapshot.entities())) == 4
    listed = snapshot.to_dict()
    assert listed["total_entities"] == 4
    row = listed["lists"][0]
    assert row["name"] == "people" and row["entity_count"] == 3 and row["sources"] == people.locations
    assert row["loaded_at"].endswith("Z") and row["version"] == people.version
    assert "Alpha" not in repr(snapshot)  # reprs stay small: entities are left out


def test_snapshot_is_read_only(tmp_path):
    snapshot = load_sources_sync([ListSource("p", "ftm", _write(tmp_path / "p.json", _ftm(("a", "A"))))])
    with pytest.raises(TypeError):
        snapshot.lists["x"] = snapshot.lists["p"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        snapshot.lists = {}  # type: ignore[misc]


def test_one_broken_source_fails_the_whole_load_without_leaking_content(tmp_path):
    good = ListSource("good", "ftm", _write(tmp_path / "good.json", _ftm(("a", "A"))))
    broken_data = _ftm(("b", SECRET_MARKER))[:-10]  # cut mid-line
    broken = ListSource("bad", "ftm", _write(tmp_path / "bad.json", broken_data))
    with pytest.raises(ListLoadError) as info:
        load_sources_sync([good, broken])
    error = info.value
    assert error.list_name == "bad" and error.location == broken.location
    assert "line 1: invalid or truncated JSON" in error.reason
    assert SECRET_MARKER not in str(error)


def test_missing_file_and_wrong_format_content(tmp_path):
    with pytest.raises(ListLoadError, match="cannot read file"):
        load_sources_sync([ListSource("x", "ftm", str(tmp_path / "absent.json"))])
    with pytest.raises(ListLoadError, match="expected an array"):
        load_sources_sync([ListSource("x", "nsdc_persons", _write(tmp_path / "p.json", b'{"id": 1}'))])


def test_no_sources_is_an_error():
    with pytest.raises(ValueError):
        load_sources_sync([])


def test_ofac_companions_read_from_the_same_directory(tmp_path):
    sdn = b'1,"DOE, John","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    alt = b'1,1,"aka","DOE, Johnny",-0- \r\n'
    source = ListSource("ofac", "ofac_sdn", _write(tmp_path / "sdn.csv", sdn))
    alone = load_sources_sync([source])
    assert alone.get("ofac", "1").names == ["DOE, John"]
    _write(tmp_path / "alt.csv", alt)
    with_alt = load_sources_sync([source])
    assert with_alt.get("ofac", "1").names == ["DOE, John", "DOE, Johnny"]
    assert with_alt.lists["ofac"].checksum == hashlib.sha256(sdn + alt).hexdigest()


def test_urls_go_through_the_fetcher_and_absent_companions_are_tolerated():
    sdn = b'7,"ACME LTD",-0- ,"IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    add = b'7,1,-0- ,"Tehran","Iran",-0- \r\n'
    served = {"https://lists.example.org/ofac/sdn.csv": sdn, "https://lists.example.org/ofac/add.csv": add}
    requested: list[str] = []

    async def fetch(url: str) -> bytes:
        requested.append(url)
        if url not in served:
            raise SourceNotFoundError(url)
        return served[url]

    sources = parse_lists_spec("ofac=ofac_sdn:https://lists.example.org/ofac/sdn.csv")
    snapshot = run(load_sources(sources, fetch=fetch))
    entity = snapshot.get("ofac", "7")
    assert entity.countries == ["Iran"] and entity.entity_type == "organization"
    assert sorted(requested) == sorted([*served, "https://lists.example.org/ofac/alt.csv"])


def test_url_failures():
    sources = parse_lists_spec("os=ftm:https://user:pw@lists.example.org/e.json?token=abc")
    with pytest.raises(ListLoadError, match="no HTTP fetcher"):
        load_sources_sync(sources)

    async def not_found(url: str) -> bytes:
        raise SourceNotFoundError(url)

    async def broken(url: str) -> bytes:
        raise ConnectionError(f"refused while fetching {url}")

    with pytest.raises(ListLoadError, match="not found"):
        run(load_sources(sources, fetch=not_found))
    with pytest.raises(ListLoadError) as info:
        run(load_sources(sources, fetch=broken))
    assert "download failed: ConnectionError" in str(info.value)
    assert "pw" not in str(info.value) and "token" not in str(info.value)


def test_real_lists_load_within_budget():
    shared_path("lists", "ua_nsdc", "persons.json")
    spec = ",".join([
        f"ua_nsdc_persons=nsdc_persons:{LISTS_DIR}/ua_nsdc/persons.json",
        f"ua_nsdc_persons=nsdc_persons:{LISTS_DIR}/ua_nsdc/persons_supplement.json",
        f"ua_nsdc_companies=nsdc_companies:{LISTS_DIR}/ua_nsdc/companies.json",
        f"ua_sfms=sfms:{LISTS_DIR}/ua_sfms/terrorism_black_list.json",
        f"ofac_sdn=ofac_sdn:{LISTS_DIR}/ofac_sdn/sdn.csv",
    ])  # fmt: skip
    started = time.perf_counter()
    snapshot = load_sources_sync(parse_lists_spec(spec))
    elapsed = time.perf_counter() - started
    counts = {name: loaded.entity_count for name, loaded in snapshot.lists.items()}
    assert counts == {"ua_nsdc_persons": 13_193, "ua_nsdc_companies": 7_603, "ua_sfms": 871, "ofac_sdn": 8_976}
    assert snapshot.get("ua_nsdc_persons", "900001").ids[0].value == "2839403975"
    # The target is < 1.5 s on the project machine; this bound only catches gross regressions
    # on a loaded shared machine (SPEC §8: ready within 5 s including index building).
    assert elapsed < 4.0, f"loading 30k entities took {elapsed:.2f} s"
