"""The ``LISTS`` setting (SPEC §4): comma-separated ``name=format:location`` items.

``location`` is a file path (relative paths resolve against the working
directory at parse time, so a later reload reads the same files) or an
http(s) URL. URLs contain ``:`` themselves, hence the split on the first ``:``
after the format. A name given several times merges its sources.

``ftm_delta`` sources are OpenSanctions delta files applied, in order, on top
of the same list's ``ftm`` base: the location is one ``*.delta.json`` file or
an ``index.json`` of versions. ``index.json#since=<version>`` names the version
the base already includes, so only later deltas are applied (see
``lists/deltas.py``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

FORMATS = ("nsdc_persons", "nsdc_companies", "sfms", "ofac_sdn", "un_xml", "ftm", "ftm_delta")
DELTA_FORMAT = "ftm_delta"
DELTA_BASE_FORMAT = "ftm"  # deltas carry FtM entities: they patch a list that has an ftm source
DELTA_INDEX_NAME = "index.json"
# The fictional list the project ships, loaded as list "demo" when LISTS is unset.
DEMO_LIST_NAME = "demo"
DEMO_LIST_PATH = Path(__file__).resolve().parents[2] / "demo" / "demo_list.ftm.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class ListSource:
    name: str
    format: str
    location: str
    since: str | None = None  # ftm_delta index only: the version the base already includes

    @property
    def is_url(self) -> bool:
        return is_url(self.location)

    @property
    def is_delta_index(self) -> bool:
        return self.format == DELTA_FORMAT and is_delta_index(self.location)


def is_delta_index(location: str) -> bool:
    path = urlsplit(location).path if is_url(location) else location
    return path.rstrip("/").endswith(DELTA_INDEX_NAME)


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
    _check_delta_bases(sources)
    return sources


def _check_delta_bases(sources: list[ListSource]) -> None:
    based = {s.name for s in sources if s.format == DELTA_BASE_FORMAT}
    for source in sources:
        if source.format == DELTA_FORMAT and source.name not in based:
            raise ValueError(f"LISTS list {source.name!r}: ftm_delta needs an ftm source of the same list "
                             f"(the base the deltas apply to)")


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
    since = None
    if fmt == DELTA_FORMAT:
        location, since = _split_since(location, where)
    if not location:
        raise ValueError(f"{where}: location is empty")
    if _SCHEME.match(location) and not is_url(location):
        raise ValueError(f"{where}: only http(s) URLs or file paths are supported")
    if not is_url(location):
        location = os.path.abspath(os.path.expanduser(location))
    return ListSource(name=name, format=fmt, location=location, since=since)


def _split_since(location: str, where: str) -> tuple[str, str | None]:
    """``…/index.json#since=<version>`` → (location, version); a fragment is never fetched anyway."""
    location, sep, fragment = location.partition("#")
    location = location.strip()
    if not sep:
        return location, None
    key, eq, version = fragment.partition("=")
    version = version.strip()
    if key.strip() != "since" or not eq or not _VERSION.match(version):
        raise ValueError(f"{where}: expected #since=<version> after the location")
    if not is_delta_index(location):
        raise ValueError(f"{where}: #since applies to an {DELTA_INDEX_NAME} of delta versions")
    return location, version
