"""Errors raised while parsing and loading lists.

Messages name the list, the place and the reason; they never quote the source
data (lists may be large, and their text has no place in logs or responses).
"""

from __future__ import annotations


class ListFormatError(ValueError):
    """A source's bytes are not a valid, complete file of the expected format."""

    def __init__(self, list_name: str, where: str, reason: str) -> None:
        super().__init__(f"list {list_name!r}: {where}: {reason}")
        self.list_name = list_name
        self.where = where
        self.reason = reason


class ListLoadError(RuntimeError):
    """Loading one source failed (unreadable, unreachable or malformed)."""

    def __init__(self, list_name: str, location: str, reason: str) -> None:
        super().__init__(f"list {list_name!r} from {location}: {reason}")
        self.list_name = list_name
        self.location = location
        self.reason = reason


class SourceNotFoundError(LookupError):
    """A fetch found nothing at the location (HTTP 404 or a missing file).

    Fetch callables raise it so the loader can tell "absent" (tolerated for
    optional companions such as OFAC's alt.csv) from "failed".
    """

    def __init__(self, location: str) -> None:
        super().__init__(f"not found: {location}")
        self.location = location
