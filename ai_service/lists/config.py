"""The ``LISTS`` setting (SPEC §4): comma-separated ``name=format:location`` items.

``location`` is a file path (relative paths resolve against the working
directory at parse time, so a later reload reads the same files) or an
http(s) URL. URLs contain ``:`` themselves, hence the split on the first ``:``
after the format. A name given several times merges its sources.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("nsdc_persons", "nsdc_companies", "sfms", "ofac_sdn", "un_xml", "ftm")
# The fictional list the project ships, loaded as list "demo" when LISTS is unset.
DEMO_LIST_NAME = "demo"
DEMO_LIST_PATH = Path(__file__).resolve().parents[2] / "demo" / "demo_list.ftm.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class ListSource:
    name: str
    format: str
    location: str

    @property
    def is_url(self) -> bool:
        return is_url(self.location)


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def sources_from_setting(value: str | None) -> list[ListSource]:
    """The sources for a ``LISTS`` value; unset or blank means the shipped demo list."""
    if value is None or not value.strip():
        return [ListSource(DEMO_LIST_NAME, "ftm", str(DEMO_LIST_PATH))]
    return parse_lists_spec(value)


def parse_lists_spec(spec: str) -> list[ListSource]:
    """Parse a ``LISTS`` value; raise ``ValueError`` naming the bad item."""
    items = [item.strip() for item in spec.split(",")]
    if not any(items):
        raise ValueError("LISTS names no lists (expected name=format:location[,…])")
    sources: list[ListSource] = []
    seen: set[tuple[str, str, str]] = set()
    for position, item in enumerate(items, start=1):
        if not item:
            continue  # a trailing or doubled comma
        source = _parse_item(item, position)
        key = (source.name, source.format, source.location)
        if key in seen:
            raise ValueError(f"LISTS item {position} ({item!r}): the same source is listed twice")
        seen.add(key)
        sources.append(source)
    return sources


def _parse_item(item: str, position: int) -> ListSource:
    where = f"LISTS item {position} ({item!r})"
    name, sep, rest = item.partition("=")
    name = name.strip()
    if not sep:
        raise ValueError(f"{where}: expected name=format:location")
    if not _NAME.match(name):
        raise ValueError(f"{where}: list name must be letters, digits, '_', '-' or '.'")
    fmt, sep, location = rest.partition(":")
    fmt, location = fmt.strip(), location.strip()
    if not sep:
        raise ValueError(f"{where}: expected format:location after '='")
    if fmt not in FORMATS:
        raise ValueError(f"{where}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if not location:
        raise ValueError(f"{where}: location is empty")
    if _SCHEME.match(location) and not is_url(location):
        raise ValueError(f"{where}: only http(s) URLs or file paths are supported")
    if not is_url(location):
        location = os.path.abspath(os.path.expanduser(location))
    return ListSource(name=name, format=fmt, location=location)
