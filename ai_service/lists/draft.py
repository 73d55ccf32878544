"""An entity under construction: collects fields from a source and de-duplicates them.

Every parser fills one ``EntityDraft`` per listed subject and calls ``build``.
Names are de-duplicated case-insensitively keeping the first spelling (the
first name added is the primary name); weak names are also kept in ``names``
so every retriever sees them, and are listed again in ``weak_names`` so the
scorer can discount them.
"""

from __future__ import annotations

from collections.abc import Iterable

from typing import TYPE_CHECKING

from ai_service.lists.model import Entity, Identifier

if TYPE_CHECKING:
    from ai_service.lists.aliases import AliasParts


def clean_text(value: object) -> str:
    """Whitespace collapsed and trimmed; non-strings (None, numbers) → "" or str."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return " ".join(value.split())


def unique_names(values: Iterable[object]) -> list[str]:
    """Cleaned, non-empty names, de-duplicated case-insensitively (first spelling kept)."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = clean_text(value)
        if text and (key := text.casefold()) not in seen:
            seen.add(key)
            names.append(text)
    return names


def digits_of(value: str) -> str:
    """The value if it is made of digits once spaces are removed, else ""."""
    compact = value.replace(" ", "")
    return compact if compact.isdigit() else ""


class EntityDraft:
    __slots__ = ("entity_id", "entity_type", "_names", "_weak", "_seen", "ids", "_id_seen",
                 "birth_dates", "countries", "programs", "remarks")  # fmt: skip

    def __init__(self, entity_id: str, entity_type: str) -> None:
        self.entity_id = entity_id
        self.entity_type = entity_type
        self._names: list[str] = []
        self._weak: list[str] = []
        self._seen: dict[str, bool] = {}  # casefolded name → is weak
        self.ids: list[Identifier] = []
        self._id_seen: set[tuple[str, str]] = set()
        self.birth_dates: list[str] = []
        self.countries: list[str] = []
        self.programs: list[str] = []
        self.remarks: str | None = None

    @property
    def names(self) -> list[str]:
        return self._names

    def add_name(self, name: object, *, weak: bool = False) -> None:
        text = clean_text(name)
        if not text:
            return
        key = text.casefold()
        known_weak = self._seen.get(key)
        if known_weak is None:
            self._seen[key] = weak
            self._names.append(text)
            if weak:
                self._weak.append(text)
        elif known_weak and not weak:
            # The source also gives it as a proper name: it is not weak after all.
            self._seen[key] = False
            self._weak = [w for w in self._weak if w.casefold() != key]

    def add_id(self, id_type: str, value: object) -> None:
        text = clean_text(value)
        if text and (id_type, text) not in self._id_seen:
            self._id_seen.add((id_type, text))
            self.ids.append(Identifier(id_type, text))

    def add_birth_date(self, value: object) -> None:
        _add_unique(self.birth_dates, clean_text(value))

    def add_country(self, value: object) -> None:
        _add_unique(self.countries, clean_text(value))

    def add_program(self, value: object) -> None:
        _add_unique(self.programs, clean_text(value))

    def add_alias_parts(self, parts: AliasParts, *, weak: bool) -> None:
        """Names, weak names, birth dates and ids read out of one free-text alias."""
        for name in parts.names:
            self.add_name(name, weak=weak)
        for name in parts.weak_names:
            self.add_name(name, weak=True)
        for value in parts.birth_dates:
            self.add_birth_date(value)
        for id_type, value in parts.ids:
            self.add_id(id_type, value)

    def build(self, list_name: str) -> Entity:
        return Entity(
            list=list_name,
            entity_id=self.entity_id,
            entity_type=self.entity_type,
            names=self._names,
            ids=self.ids,
            birth_dates=self.birth_dates,
            countries=self.countries,
            programs=self.programs,
            remarks=self.remarks,
            weak_names=self._weak,
        )


def _add_unique(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)
