"""The LISTS setting: name=format:location items."""

from __future__ import annotations

import os

import pytest

from ai_service.lists.config import DEMO_LIST_PATH, ListSource, parse_lists_spec, sources_from_setting

SPEC_EXAMPLE = (
    "ua_nsdc_persons=nsdc_persons:../shared/data/lists/ua_nsdc/persons.json,"
    "ua_nsdc_persons=nsdc_persons:../shared/data/lists/ua_nsdc/persons_supplement.json,"
    "ua_nsdc_companies=nsdc_companies:../shared/data/lists/ua_nsdc/companies.json,"
    "ua_sfms=sfms:../shared/data/lists/ua_sfms/terrorism_black_list.json,"
    "ofac_sdn=ofac_sdn:../shared/data/lists/ofac_sdn/sdn.csv,"
    "un=un_xml:../shared/data/lists/un/consolidated.xml"
)


def test_spec_example_relative_to_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sources = parse_lists_spec(SPEC_EXAMPLE)
    assert [(s.name, s.format) for s in sources] == [
        ("ua_nsdc_persons", "nsdc_persons"),
        ("ua_nsdc_persons", "nsdc_persons"),
        ("ua_nsdc_companies", "nsdc_companies"),
        ("ua_sfms", "sfms"),
        ("ofac_sdn", "ofac_sdn"),
        ("un", "un_xml"),
    ]
    expected = os.path.normpath(os.path.join(str(tmp_path), "../shared/data/lists/ofac_sdn/sdn.csv"))
    assert sources[4].location == expected
    assert not sources[4].is_url


def test_urls_keep_their_colons_and_spaces_are_trimmed():
    sources = parse_lists_spec(
        " os = ftm : https://data.example.org:8443/a/entities.ftm.json , "
        "ofac=ofac_sdn:http://mirror.example.org/sdn/sdn.csv,"
    )
    assert sources == [
        ListSource("os", "ftm", "https://data.example.org:8443/a/entities.ftm.json"),
        ListSource("ofac", "ofac_sdn", "http://mirror.example.org/sdn/sdn.csv"),
    ]
    assert all(s.is_url for s in sources)


def test_absolute_path_kept():
    (source,) = parse_lists_spec("un=un_xml:/data/lists/un.xml")
    assert source.location == "/data/lists/un.xml"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "names no lists"),
        (" , ", "names no lists"),
        ("ua_nsdc_persons", "item 1 ('ua_nsdc_persons'): expected name=format:location"),
        ("a=ftm:/x.json,b=ftm", "item 2 ('b=ftm'): expected format:location"),
        ("a=csv:/x.csv", "unknown format 'csv'"),
        ("a=ftm:", "location is empty"),
        ("=ftm:/x.json", "list name must be"),
        ("bad name=ftm:/x.json", "list name must be"),
        ("a=ftm:ftp://example.org/x.json", "only http(s) URLs or file paths"),
        ("a=ftm:/x.json,a=ftm:/x.json", "listed twice"),
    ],
)
def test_bad_specs_name_the_item(spec, message):
    with pytest.raises(ValueError) as info:
        parse_lists_spec(spec)
    assert message in str(info.value)


def test_unset_or_blank_means_demo_list():
    for value in (None, "", "   "):
        assert sources_from_setting(value) == [ListSource("demo", "ftm", str(DEMO_LIST_PATH))]
    assert sources_from_setting("x=sfms:/a.json") == [ListSource("x", "sfms", "/a.json")]
    assert DEMO_LIST_PATH.is_file()
