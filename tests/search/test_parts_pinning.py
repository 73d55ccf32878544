"""Pinned alias parses (``parts.pin_parses``): same answers as a fresh parse, replaced whole."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ai_service.lists.model import Entity
from ai_service.search import parts
from ai_service.search.index import EmbeddedIndex
from ai_service.search.parts import clear_parse_cache, parse_name, pin_parses, pinned_parses


@pytest.fixture(autouse=True)
def _own_pins() -> Iterator[None]:
    """Each test starts without pins and leaves the process's pins as it found them."""
    saved = parts._pinned
    parts._set_pinned(({}, {}))
    yield
    parts._set_pinned(saved)


def _pin_all(names: list[tuple[str, bool]], slice_size: int = 64) -> list[int]:
    return list(pin_parses(names, slice_size))


NAMES = [("Петренко Олександр Васильович", False), ("ТОВ «Ромашка Трейд»", True),
         ("BIN LADIN, Usama bin Muhammad bin Awad", False), ("Acme Holdings Company Limited", True)]


def test_pinned_parses_are_what_a_fresh_parse_gives_and_are_served_as_pinned() -> None:
    _pin_all(NAMES)
    assert pinned_parses() == len(NAMES)
    for text, drop_weak in NAMES:
        pinned = parse_name(text, drop_weak)
        assert pinned is parse_name(text, drop_weak)  # the table's object, not a new parse
        assert pinned == parts._parse(text, drop_weak)
    clear_parse_cache()  # the LRU cache only: pins stay
    assert parse_name(*NAMES[0]) is parts._pinned[False][NAMES[0][0]]


def test_a_form_that_was_not_pinned_is_parsed_as_before() -> None:
    _pin_all([("Acme Holdings Company Limited", True)])
    kept_weak = parse_name("Acme Holdings Company Limited", False)  # the other form: not pinned
    assert kept_weak == parts._parse("Acme Holdings Company Limited", False)
    assert [p.text for p in kept_weak.parts] != [p.text for p in parse_name("Acme Holdings Company Limited").parts]


def test_a_new_table_replaces_the_old_and_reuses_its_parses() -> None:
    _pin_all(NAMES[:2])
    first = parse_name(*NAMES[0])
    _pin_all([NAMES[0], NAMES[2]])
    assert pinned_parses() == 2
    assert parse_name(*NAMES[0]) is first  # reused, not parsed again
    assert NAMES[1][0] not in parts._pinned[True]  # dropped with the list that carried it


def test_the_table_is_swapped_in_only_when_complete_and_yields_per_slice() -> None:
    steps = pin_parses(NAMES, slice_size=2)
    assert next(steps) == 2 and pinned_parses() == 0  # half done: searches still parse themselves
    assert list(steps) == [4, 4] and pinned_parses() == 4
    clear_parse_cache(pinned=True)
    assert pinned_parses() == 0


def test_an_index_names_each_alias_in_its_entitys_own_form() -> None:
    person = Entity("t", "1", "person", ["Ivan Testenko", "Тестенко Іван Петрович"])
    company = Entity("t", "2", "organization", ["Acme Trading LLC"])
    forms = list(EmbeddedIndex.build([person, company]).alias_forms())
    assert ("Ivan Testenko", False) in forms and ("Тестенко Іван Петрович", False) in forms
    assert {f for f in forms if f[0].startswith("Acme")} == {("Acme Trading LLC", True)}
