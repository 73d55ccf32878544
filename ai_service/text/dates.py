"""Dates and dates of birth in payment text.

Formats: 12.03.1985, 12/03/1985, 12-03-1985, 1985-03-15, 15 березня 1985 р.,
15 марта 1985 г., 15 March 1985, 15 Mar. 1985, March 15, 1985, березень 2024
(→ 2024-03), 1985 р.н. / 1985 г.р. / д.р. 1985 (→ 1985).  Slash dates are
day-first unless the first number cannot be a month (03/15/1985 is US order).

Decisions:
- two-digit years (15.03.85) only right after a DOB marker: elsewhere 1.2.10 is a
  clause number as often as a date; the century is the latest one not in the future;
- a bare year is a date only next to a DOB marker; in "Month Year" a month form that
  is also a name counts only in lowercase (за листопад 2023 is a date, Theresa May
  2019 and Марта 1985 are not; 15 May 2019 always is);
- invalid calendar dates (31.02.1985) and years outside 1900–2099 are not dates.

``kind`` is "dob" when a marker from ``dictionaries/context/dob_markers.txt`` stands
right before the date (separators and on/in/від/от between are allowed) or, for
markers such as р.н. / г.р., right after it.

Every date here contains a four-digit year or a dd.mm.yy group, so one regex pass
over the digits finds the anchors; month names and markers are then matched
backwards on the reversed text (anchored), never scanned for.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from ai_service.text.dictionaries import entries_pattern, mapping

__all__ = ["DateMatch", "find_dates"]


@dataclass(slots=True)
class DateMatch:
    value: str  # YYYY-MM-DD, or YYYY-MM / YYYY when partial
    kind: str  # "dob" | "date"
    start: int
    end: int
    marker: str | None = None  # the DOB marker as written, lowercased


# a four-digit run, or d.m.yy; [0-9] first lets the regex engine skip text at C speed
_SCAN = re.compile(r"[0-9](?<![0-9][0-9])(?:[0-9]{3}(?![0-9])|[0-9]?([./-])[0-9]{1,2}\1[0-9]{2}(?![0-9]))")
_ISO = re.compile(r"(?P<y>(?:19|20)[0-9]{2})(?P<s>[./-])(?P<m>[0-9]{1,2})(?P=s)(?P<d>[0-9]{1,2})(?![0-9])")
_SHORT = re.compile(r"(?P<d>[0-9]{1,2})(?P<s>[./-])(?P<m>[0-9]{1,2})(?P=s)(?P<y>[0-9]{2})")
# backwards from a year (reversed text): ".03.12" before "1985"
_DMY_REV = re.compile(r"(?P<s>[./-])(?P<m>[0-9]{1,2})(?P=s)(?P<d>[0-9]{1,2})(?![0-9./-])")
_MY_REV = re.compile(r"[./](?P<m>[0-9]{1,2})(?![0-9./-])")
_SUFFIX = re.compile(r"\s?(?:року|рік|года|год|р\.|г\.|р|г)(?!\w)", re.IGNORECASE)
_FILLER_REV = r"(?:[\s:,\-–—()]+|(?:no|ni|дів|то|в|у)(?!\w))*"  # ": ", " on ", " від " … reversed


class _Patterns:
    """Month and marker patterns compiled from the dictionaries, once per process."""

    __slots__ = ("after", "ambiguous", "before", "day_month", "month_day", "month_only", "months")

    def __init__(self) -> None:
        self.ambiguous = frozenset(mapping("context/months_ambiguous"))
        months = {**mapping("context/months_ambiguous")}
        for lang in ("uk", "ru", "en"):
            months.update(mapping(f"context/months_{lang}"))
        self.months = {k: int(v) for k, v in months.items()}
        every = entries_pattern(months, reverse=True)
        day_rev = r"(?:(?:ог|е)-?|ts|dn|dr|ht)?(?P<d>[0-9]{1,2})(?![0-9])"  # 15, 15-го, 1st (reversed)
        flags = re.IGNORECASE
        # "15 березня 1985", "15 Mar. 1985": year <- spaces <- [.,] <- month <- spaces <- day
        self.day_month = re.compile(rf"\s*,?\s*\.?(?P<mon>{every})\s+{day_rev}", flags)
        # "March 15, 1985": year <- [,] spaces <- day <- spaces <- month
        self.month_day = re.compile(rf"\s*,?\s*{day_rev}\s+\.?(?P<mon>{every})(?!\w)", flags)
        self.month_only = re.compile(rf"\s*,?\s*\.?(?P<mon>{every})(?!\w)", flags)
        markers = mapping("context/dob_markers")
        both = [k for k, v in markers.items() if v == "both"]
        self.before = re.compile(rf"{_FILLER_REV}(?P<marker>{entries_pattern(markers, reverse=True)})(?!\w)", flags)
        # "1985 р.н."; a marker followed by a number introduces the next date instead
        self.after = re.compile(rf"\s*(?P<marker>{entries_pattern(both)})(?!\w)(?![\s:]*[0-9])", flags)


@functools.cache
def _patterns() -> _Patterns:
    return _Patterns()


def _key(marker: str) -> str:
    return re.sub(r"\.\s+", ".", " ".join(marker.lower().split()))


_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _iso(year: int, month: int, day: int) -> str | None:
    """ISO date, or None for an impossible one (31.02, 29.02 of a common year)."""
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= _DAYS[month]):
        return None
    if month == 2 and day == 29 and (year % 4 or (year % 100 == 0 and year % 400)):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _day_month(first: int, second: int) -> tuple[int, int]:
    """(day, month): day-first, unless only the other order is a valid month."""
    return (second, first) if second > 12 >= first else (first, second)


def find_dates(text: str) -> list[DateMatch]:
    """All dates in ``text`` in order of appearance."""
    found: list[DateMatch] = []
    rev = ""
    pos = 0
    while hit := _SCAN.search(text, pos):
        rev = rev or text[::-1]
        start, end = hit.span()
        pos = end
        if hit.group(1):  # dd.mm.yy: a date only after a DOB marker
            match = _short_date(text, rev, start, end)
        elif text[start : start + 2] in ("19", "20"):
            match = _year_date(text, rev, start, end)
        else:
            continue
        if match is not None:
            found.append(match)
            pos = max(pos, match.end)
    return found


def _short_date(text: str, rev: str, start: int, end: int) -> DateMatch | None:
    if start and (text[start - 1].isalnum() or text[start - 1] in ".,/-"):
        return None
    marked = _patterns().before.match(rev, len(text) - start)
    if marked is None:
        return None
    m = _SHORT.match(text, start)
    if m is None:
        return None
    yy = int(m["y"])
    year = 2000 + yy if 2000 + yy <= datetime.date.today().year else 1900 + yy
    value = _iso(year, *reversed(_day_month(int(m["d"]), int(m["m"]))))
    if value is None:
        return None
    return DateMatch(value, "dob", start, end, _key(marked["marker"][::-1]))


def _year_date(text: str, rev: str, ys: int, ye: int) -> DateMatch | None:
    """Resolve a date around the four-digit year at [ys, ye)."""
    pats = _patterns()
    year = int(text[ys:ye])
    back = len(text) - ys  # position of the year start in ``rev``
    if ys and text[ys - 1].isalnum():
        return None
    value: str | None = None
    start, end = ys, ye
    numeric = ys > 1 and text[ys - 1] in "./-" and text[ys - 2].isdigit()  # dispatch on neighbours
    if not numeric and (iso := _ISO.match(text, ys)):
        value, end = _iso(year, int(iso["m"]), int(iso["d"])), iso.end()
    elif numeric:
        if m := _DMY_REV.match(rev, back):
            day, month = _day_month(int(m["d"][::-1]), int(m["m"][::-1]))
            value, start = _iso(year, month, day), ys - (m.end() - back)
        elif (m := _MY_REV.match(rev, back)) and 1 <= int(m["m"][::-1]) <= 12:
            value, start = f"{year:04d}-{int(m['m'][::-1]):02d}", ys - (m.end() - back)  # DOB only, below
    elif m := pats.day_month.match(rev, back) or pats.month_day.match(rev, back):
        value = _iso(year, pats.months[m["mon"][::-1].lower()], int(m["d"][::-1]))
        start = ys - (m.end() - back)
    elif (m := pats.month_only.match(rev, back)) and (
        (form := m["mon"][::-1]).islower() or form.lower() not in pats.ambiguous  # "Theresa May 2019"
    ):
        value, start = f"{year:04d}-{pats.months[form.lower()]:02d}", ys - (m.end() - back)
    elif 1900 <= year <= 2099:
        value = f"{year:04d}"  # a bare year: DOB only, below
    if value is None or (start and text[start - 1].isalnum()):
        return None
    suffix = _SUFFIX.match(text, end)
    if suffix and not pats.after.match(text, end):
        end = suffix.end()  # "1985 р.", "1985 года" belong to the date
    marker = _dob_marker(text, rev, start, end)
    if marker is None and (len(value) == 4 or (len(value) == 7 and not text[start].isalpha())):
        return None  # a bare year or a numeric month-year is a date only with a DOB marker
    return DateMatch(value, "dob" if marker else "date", start, end, marker)


def _dob_marker(text: str, rev: str, start: int, end: int) -> str | None:
    pats = _patterns()
    before = pats.before.match(rev, len(text) - start)
    if before:
        return _key(before["marker"][::-1])
    after = pats.after.match(text, end)
    return _key(after["marker"]) if after else None
