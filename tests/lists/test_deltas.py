"""OpenSanctions delta sources (format ftm_delta): configuration, index.json, ADD/MOD/DEL, incremental builds."""

from __future__ import annotations

import hashlib

import pytest

from ai_service.lists import loader
from ai_service.lists.config import ListSource, parse_lists_spec
from ai_service.lists.errors import ListLoadError, SourceNotFoundError
from ai_service.lists.loader import build_snapshot, list_checksums, load_sources, load_sources_sync, read_sources
from tests.helpers import run, shared_path
from tests.lists.delta_fixtures import BASE, DELTAS, SINCE, delta_lines, ftm_lines, lists_spec, person, write_index

V1, V2, V3 = DELTAS


# -- LISTS syntax ---------------------------------------------------------------------------


def test_delta_source_with_since_and_plain_delta_file(tmp_path):
    sources = parse_lists_spec(
        f"os=ftm:{tmp_path}/base.json,os=ftm_delta:{tmp_path}/d/index.json#since={SINCE},"
        f"os=ftm_delta:https://mirror.example.org/os/index.json#since={SINCE},"
        f"os=ftm_delta:{tmp_path}/{V1}.delta.json"
    )
    assert sources[1] == ListSource("os", "ftm_delta", f"{tmp_path}/d/index.json", SINCE)
    assert sources[1].is_delta_index and sources[2].is_delta_index
    assert sources[2].location == "https://mirror.example.org/os/index.json"
    assert sources[3].since is None and not sources[3].is_delta_index


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("os=ftm_delta:/d/index.json", "needs an ftm source of the same list"),
        ("os=ftm:/b.json,other=ftm_delta:/d/index.json", "list 'other': ftm_delta needs an ftm source"),
        ("os=ftm:/b.json,os=ftm_delta:/d/index.json#until=1", "expected #since=<version>"),
        ("os=ftm:/b.json,os=ftm_delta:/d/index.json#since=../x", "expected #since=<version>"),
        ("os=ftm:/b.json,os=ftm_delta:/d/v1.delta.json#since=v0", "#since applies to an index.json"),
    ],
)
def test_bad_delta_specs(spec, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_lists_spec(spec)


# -- loading ----------------------------------------------------------------------------------


def test_deltas_apply_add_mod_del_in_index_order(tmp_path):
    base = tmp_path / "base.ftm.json"
    base.write_bytes(BASE)
    index = write_index(tmp_path / "deltas", [V1, V2, V3])
    snapshot = load_sources_sync(parse_lists_spec(lists_spec(base, index)))
    os_list = snapshot.lists["os"]
    assert [e.entity_id for e in os_list.entities] == ["p1", "p2", "p4", "p5"]  # p3 deleted, ADDs appended
    assert snapshot.get("os", "p2").primary_name == "Olha Zminena"  # MOD replaces the whole entity
    assert snapshot.get("os", "p2").birth_dates == ["1980-02-03"]
    assert snapshot.get("os", "p3") is None
    base_sum = hashlib.sha256(BASE).hexdigest()
    assert os_list.base_checksum == base_sum
    assert os_list.checksum == hashlib.sha256(BASE + DELTAS[V1] + DELTAS[V2] + DELTAS[V3]).hexdigest()
    assert os_list.version == f"{base_sum[:12]}+{V3}"  # base checksum + last applied delta version
    row = os_list.to_dict()
    assert row["formats"] == ["ftm", "ftm_delta"] and row["version"] == os_list.version
    assert row["deltas"] == {"base_checksum": base_sum, "applied": [V1, V2, V3], "last_applied": V3}


def test_versions_up_to_since_are_skipped_and_a_missing_later_version_fails(tmp_path):
    base = tmp_path / "base.ftm.json"
    base.write_bytes(BASE)
    index = write_index(tmp_path / "deltas", [V1, V2, V3], files=[V2, V3])
    # Since = V1: V1's file may be absent, the later ones are applied.
    snapshot = load_sources_sync(parse_lists_spec(lists_spec(base, index, since=V1)))
    assert [d.version for d in snapshot.lists["os"].deltas] == [V2, V3]
    assert snapshot.get("os", "p4") is None  # V1's ADD is (by the operator's word) in the base
    # Since = SINCE: V1 is needed and missing → an error naming it, never a silent skip.
    with pytest.raises(ListLoadError) as info:
        load_sources_sync(parse_lists_spec(lists_spec(base, index)))
    assert f"delta {V1} listed in index.json but missing" in str(info.value) and "#since" in str(info.value)
    # No since at all: the first listed version is missing too.
    with pytest.raises(ListLoadError, match=f"delta {SINCE} listed"):
        load_sources_sync(parse_lists_spec(lists_spec(base, index, since=None)))
    with pytest.raises(ListLoadError, match="base version 2099 .* is not listed"):
        load_sources_sync(parse_lists_spec(lists_spec(base, index, since="2099")))


@pytest.mark.parametrize(
    ("index", "reason"),
    [
        (b'{"versions": {"v1": "x"', "index.json: invalid or truncated JSON"),
        (b'{"updated_at": "x"}', 'expected {"versions"'),
        (b'{"versions": {"../../etc/passwd": "x"}}', "is not a plain version name"),
    ],
)
def test_broken_index(tmp_path, index, reason):
    base = tmp_path / "base.json"
    base.write_bytes(BASE)
    (tmp_path / "index.json").write_bytes(index)
    with pytest.raises(ListLoadError, match=reason.replace("{", r"\{")):
        load_sources_sync(parse_lists_spec(f"os=ftm:{base},os=ftm_delta:{tmp_path}/index.json"))


def test_corrupt_delta_file_names_the_file(tmp_path):
    base = tmp_path / "base.json"
    base.write_bytes(BASE)
    index = write_index(tmp_path / "deltas", [V1])
    (tmp_path / "deltas" / f"{V1}.delta.json").write_bytes(DELTAS[V1][:20])  # half-written download
    with pytest.raises(ListLoadError) as info:
        load_sources_sync(parse_lists_spec(lists_spec(base, index)))
    assert f"{V1}.delta.json" in str(info.value) and "invalid or truncated JSON" in str(info.value)
    assert "Novenka" not in str(info.value)


def test_single_delta_files_apply_in_lists_order(tmp_path):
    base = tmp_path / "base.json"
    base.write_bytes(BASE)
    for version in (V1, V2):
        (tmp_path / f"{version}.delta.json").write_bytes(DELTAS[version])
    spec = f"os=ftm:{base},os=ftm_delta:{tmp_path}/{V1}.delta.json,os=ftm_delta:{tmp_path}/{V2}.delta.json"
    loaded = load_sources_sync(parse_lists_spec(spec)).lists["os"]
    assert [d.version for d in loaded.deltas] == [V1, V2] and loaded.version.endswith(f"+{V2}")
    assert {e.entity_id for e in loaded.entities} == {"p1", "p2", "p4"}


def test_url_index_fetches_the_listed_urls():
    index = (b'{"versions": {"v0": "https://cdn.example.org/v0/entities.delta.json",'
             b' "v1": "https://cdn.example.org/v1/entities.delta.json", "v2": "v2/entities.delta.json"}}')
    served = {
        "https://lists.example.org/os/entities.ftm.json": BASE,
        "https://lists.example.org/os/index.json": index,
        "https://cdn.example.org/v1/entities.delta.json": DELTAS[V1],
        "https://lists.example.org/os/v2/entities.delta.json": DELTAS[V2],  # relative to the index
    }

    async def fetch(url: str) -> bytes:
        if url not in served:
            raise SourceNotFoundError(url)
        return served[url]

    spec = ("os=ftm:https://lists.example.org/os/entities.ftm.json,"
            "os=ftm_delta:https://lists.example.org/os/index.json#since=v0")
    loaded = run(load_sources(parse_lists_spec(spec), fetch=fetch)).lists["os"]
    assert [d.version for d in loaded.deltas] == ["v1", "v2"]
    assert {e.entity_id for e in loaded.entities} == {"p1", "p2", "p4"}


# -- incremental builds --------------------------------------------------------------------


def _read(spec: str):
    return run(read_sources(parse_lists_spec(spec)))


def test_new_delta_files_are_applied_to_the_previous_entities_without_parsing_the_base(tmp_path, monkeypatch):
    base = tmp_path / "base.ftm.json"
    base.write_bytes(BASE)
    other = tmp_path / "other.ftm.json"
    other.write_bytes(ftm_lines(person("o1", "Inshyi Spysok")))
    folder = tmp_path / "deltas"
    index = write_index(folder, [V1])
    spec = lists_spec(base, index) + f",other=ftm:{other}"
    first, modes = build_snapshot(_read(spec))
    assert modes == {"os": "full", "other": "full"}
    assert list_checksums(_read(spec)) == [(n, lst.checksum) for n, lst in first.lists.items()]  # unchanged

    write_index(folder, [V1, V2, V3])  # two new versions published
    parsed: list[str] = []
    real_parse = loader._parse
    monkeypatch.setattr(loader, "_parse", lambda blob: parsed.append(blob.source.location) or real_parse(blob))
    second, modes = build_snapshot(_read(spec), first)
    assert modes == {"os": "delta", "other": "unchanged"} and parsed == []  # no base re-parsed
    assert second.lists["other"] is first.lists["other"]
    assert [d.version for d in second.lists["os"].deltas] == [V1, V2, V3]
    assert second.lists["os"].loaded_at >= first.lists["os"].loaded_at

    full, _ = build_snapshot(_read(spec))  # the same result as a full build
    assert second.lists["os"].entities == full.lists["os"].entities
    assert second.lists["os"].checksum == full.lists["os"].checksum
    assert second.lists["os"].version == full.lists["os"].version


@pytest.mark.parametrize("change", ["base", "rewritten delta"])
def test_a_changed_base_or_rewritten_delta_is_a_full_rebuild(tmp_path, change):
    base = tmp_path / "base.ftm.json"
    base.write_bytes(BASE)
    folder = tmp_path / "deltas"
    index = write_index(folder, [V1, V2])
    spec = lists_spec(base, index)
    first, _ = build_snapshot(_read(spec))
    if change == "base":
        base.write_bytes(BASE + ftm_lines(person("p9", "New One")))
    else:
        (folder / f"{V1}.delta.json").write_bytes(delta_lines(("ADD", person("p8", "Rewritten Delta"))))
    second, modes = build_snapshot(_read(spec), first)
    assert modes == {"os": "full"}
    expected = "p9" if change == "base" else "p8"
    assert second.get("os", expected) is not None


# -- the shared OpenSanctions fixtures -------------------------------------------------------


def test_shared_t1_base_with_t2_deltas():
    # t2_deltas belong to t1 (its first listed version has no delta file: it is t1 itself);
    # zala.ftm.json shares no ids with them.
    base = shared_path("lists", "opensanctions", "t1.ftm.json")
    index = shared_path("lists", "opensanctions", "t2_deltas", "index.json")
    with pytest.raises(ListLoadError, match="delta 20240527134702-zbn listed in index.json but missing"):
        load_sources_sync(parse_lists_spec(f"os=ftm:{base},os=ftm_delta:{index}"))
    loaded = load_sources_sync(parse_lists_spec(f"os=ftm:{base},os=ftm_delta:{index}#since=20240527134702-zbn"))
    os_list = loaded.lists["os"]
    assert os_list.entity_count == 9
    assert os_list.version.endswith("+20240528134729-3iv")
    assert loaded.get("os", "NK-500Poltergeist") is None  # ADDed, then DELeted
    assert loaded.get("os", "NK-2T3S8Hu29ktYnKSTgQp2wL").primary_name == "Foobar Foobargroup"  # MOD
    assert loaded.get("os", "Q4365364").birth_dates == ["1961-11-30"]
