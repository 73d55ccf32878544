"""A new version of a list that lost most of its entries is refused, not served.

A download cut off at a line end still parses: an OFAC CSV truncated between two records
loaded 5,808 of 8,976 entities without an error (benchmarks/resilience). Real delistings
remove a few entries at a time, so a list that shrinks by more than ``LISTS_MAX_DROP``
(a share; default 0.2) is treated as a broken source: the load fails with that reason and
the previous version stays in service. Set 1 to accept any shrink (a deliberate cut).
A loss of fewer than ``MIN_REFUSED_DROP`` entries is never refused: in a small list one
delisting is already a large share.
"""

from __future__ import annotations

from ai_service.lists.errors import ListLoadError
from ai_service.lists.snapshot import ListsSnapshot, display_location

MIN_REFUSED_DROP = 5


def refuse_large_drops(new: ListsSnapshot, current: ListsSnapshot | None, max_drop: float) -> None:
    if current is None or max_drop >= 1.0:
        return
    for name, loaded in new.lists.items():
        old = current.lists.get(name)
        if old is None or old.entity_count == 0 or old.checksum == loaded.checksum:
            continue
        lost = 1.0 - loaded.entity_count / old.entity_count
        if lost > max_drop and old.entity_count - loaded.entity_count >= MIN_REFUSED_DROP:
            where = ", ".join(display_location(loc) for loc in loaded.locations)
            raise ListLoadError(
                name, where,
                f"would drop {lost:.0%} of its entities ({old.entity_count} → {loaded.entity_count}), more than "
                f"LISTS_MAX_DROP={max_drop:g} allows: a truncated source? The previous version is kept")
