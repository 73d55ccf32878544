"""English date phrases of list sources (OFAC remarks, UN notes, SFMS aliases) → ISO strings.

Sources write birth dates as ``07 Oct 1952``, ``14 Jul. 1969``, ``Jan 1960``,
``circa 1955``, ``1955 to 1957``, ``01 Jan 1961 to 31 Dec 1962`` or ``1979-1982``.
Results are ISO strings, partial when the source is (``1955``, ``1960-01``); a
range becomes the list of its years (or its month when it spans one month),
because a screening check only asks "does this year agree".
"""

from __future__ import annotations

import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)(?!\d)"
_YEAR_ONLY = r"(?P<yonly>(?:1[89]|20)\d\d)(?!\d)"
# One date: "07 Oct 1952", "1 Jan.1967", "Oct 1952", "1952", "1952-10-07".
_ONE = re.compile(
    rf"(?:(?<!\d)(?P<iso>(?:1[89]|20)\d\d-[01]\d-[0-3]\d)"
    rf"|(?:(?P<day>[0-3]?\d)\s*)?{_MONTH}\s*,?\s*{_YEAR}"
    rf"|(?<!\d){_YEAR_ONLY})",
    re.IGNORECASE,
)
_RANGE_SEP = re.compile(r"\s+(?:to|and)\s+|\s*-\s*(?=(?:1[89]|20)\d\d(?!\d|-))", re.IGNORECASE)
_MAX_RANGE_YEARS = 12  # wider spans say nothing useful about the year


def _one(m: re.Match[str]) -> str:
    if m.group("iso"):
        return m.group("iso")
    if m.group("yonly"):
        return m.group("yonly")
    year = m.group("year")
    month = _MONTHS[m.group("mon").lower()[:3]]
    day = m.group("day")
    if day and 1 <= int(day) <= 31:
        return f"{year}-{month:02d}-{int(day):02d}"
    return f"{year}-{month:02d}"


def find_dates(text: str) -> list[str]:
    """Every date in ``text`` in order of appearance, ISO (possibly partial)."""
    return [_one(m) for m in _ONE.finditer(text)]


def parse_date_phrase(text: str) -> list[str]:
    """The birth date(s) one phrase denotes (``circa`` is dropped: a year is a year)."""
    text = text.strip()
    parts = _RANGE_SEP.split(text, maxsplit=1)
    if len(parts) == 2:
        start, end = find_dates(parts[0]), find_dates(parts[1])
        if start and end:
            return _range(start[0], end[-1])
        if end:  # "Between Aug. and Sep. 1977": only the year is shared
            return [end[-1][:4]]
    return find_dates(text)[:1]


def _range(start: str, end: str) -> list[str]:
    if start[:7] == end[:7] and len(start) >= 7:
        return [start[:7]]
    first, last = int(start[:4]), int(end[:4])
    if first > last or last - first > _MAX_RANGE_YEARS:
        return [start, end]
    return [str(y) for y in range(first, last + 1)]
