"""English date phrases of list sources → ISO (possibly partial) dates."""

from __future__ import annotations

import pytest

from ai_service.lists.dates import find_dates, parse_date_phrase


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("07 Oct 1952", ["1952-10-07"]),
        ("1 Jan.1967", ["1967-01-01"]),
        ("14 Jul. 1969 in Tunisia", ["1969-07-14"]),
        ("Jan 1960", ["1960-01"]),
        ("Sept 1938", ["1938-09"]),
        ("August 1961", ["1961-08"]),
        ("circa 1955", ["1955"]),
        ("1946", ["1946"]),
        ("1978-04-28", ["1978-04-28"]),
        ("1955 to 1957", ["1955", "1956", "1957"]),
        ("1979-1982", ["1979", "1980", "1981", "1982"]),
        ("01 Jan 1961 to 31 Dec 1962", ["1961", "1962"]),
        ("01 Jan 1987 to 31 Jan 1987", ["1987-01"]),
        ("Between Aug. and Sep. 1977", ["1977"]),
        ("21 Mar. 197421 Mar. 1974 in Baghdad", ["1974-03-21"]),  # as written in the SFMS list
        ("24/06/1402 (Hijri Calendar)", []),
        ("30-35 years old", []),
    ],
)
def test_parse_date_phrase(phrase, expected):
    assert parse_date_phrase(phrase) == expected


def test_find_dates_in_order():
    assert find_dates("born 25 May 1968 in Naples; later 1970") == ["1968-05-25", "1970"]
