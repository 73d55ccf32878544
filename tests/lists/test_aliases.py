"""Clean-up of free-text alias fields (SFMS, UN)."""

from __future__ import annotations

import pytest

from ai_service.lists.aliases import split_alias


@pytest.mark.parametrize(
    ("raw", "names", "weak", "dates"),
    [
        ("Fabio Fusco born 25 May 1968 in Naples, Italy", ["Fabio Fusco"], [], ["1968-05-25"]),
        ("Iadena Mohammad, born 1 Jan. 1969 in Badakhshan", ["Iadena Mohammad"], [], ["1969-01-01"]),
        ("Samuel Peter Mudde (born 16 Dec. 1948, in Izo South Sudan)", ["Samuel Peter Mudde"], [], ["1948-12-16"]),
        ("ABDERREZAK LE PARA (combat name)", ["ABDERREZAK LE PARA"], [], []),
        ("Mukhlis Yunos (previously listed as)", ["Mukhlis Yunos"], [], []),
        ("Nairobi, Kenya (at time of listing)", [], [], []),
        ("Amir Khazmat (original script: Амир Хазмат)", ["Amir Khazmat", "Амир Хазмат"], [], []),
        ("Jin Tiesan (金铁三)", ["Jin Tiesan", "金铁三"], [], []),
        ("Azim Adhajani; Azim Agha-Jani", ["Azim Adhajani", "Azim Agha-Jani"], [], []),
        ("Mohammed Sabet b) M. Javad Sabet", ["Mohammed Sabet", "M. Javad Sabet"], [], []),
        ("Falah-i-Insaniat Foundation (FIF)", ["Falah-i-Insaniat Foundation"], ["FIF"], []),
        ("(Sheikh) Musa Hilal", ["Musa Hilal"], [], []),
        ("(Ansar al Charia)", ["Ansar al Charia"], [], []),
        ("(Abu Duaa’) prominently known by this nom de guerre", ["Abu Duaa’"], [], []),
        (
            "(transliterations: Shaykh al-Fatih; Al Fatih) (Translation: The Conqueror)",
            ["Shaykh al-Fatih", "Al Fatih"],
            [],
            [],
        ),
        ('"1-P"', ["1-P"], [], []),
        ("  Plain   Name ", ["Plain Name"], [], []),
    ],
)
def test_split_alias(raw, names, weak, dates):
    parts = split_alias(raw)
    assert (parts.names, parts.weak_names, parts.birth_dates) == (names, weak, dates)


def test_primary_names_keep_their_parentheses():
    parts = split_alias("AL-QAIDA IN THE ARABIAN PENINSULA (AQAP)", keep_parentheses=True)
    assert parts.names == ["AL-QAIDA IN THE ARABIAN PENINSULA (AQAP)"] and parts.weak_names == ["AQAP"]
    kenya = split_alias("AL-HARAMAYN FOUNDATION (KENYA)", keep_parentheses=True)
    assert kenya.names == ["AL-HARAMAYN FOUNDATION (KENYA)"] and kenya.weak_names == []  # a place, not an acronym


def test_document_numbers_are_harvested():
    parts = split_alias("Safia Al-Hadad, born 1 Jan. 1953 (Oman passport no.03825239, date of issue 4 May 2014)")
    assert parts.names == ["Safia Al-Hadad"] and parts.birth_dates == ["1953-01-01"]
    assert parts.ids == [("passport", "03825239")]
