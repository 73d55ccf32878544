"""The search interface every backend implements, and the shapes it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ai_service.lists.model import Entity, Identifier


@dataclass(slots=True)
class NameQuery:
    """One extracted entity to look up.

    ``name`` is the normalized name (nominative, input script); ``variants`` are
    other spellings of the same name worth trying (surface form, diminutive
    resolved, …). ``ids`` and ``dob`` are evidence found next to the name.
    """

    name: str
    entity_type: str | None = None  # person | organization | None (unknown)
    variants: list[str] = field(default_factory=list)
    ids: list[Identifier] = field(default_factory=list)
    dob: str | None = None
    lists: frozenset[str] | None = None  # restrict to these list names


@dataclass(slots=True)
class Candidate:
    """A list entity proposed for a query, with its score in [0, 1]."""

    entity: Entity
    score: float
    matched_by: list[str]  # id | name_exact | name_fuzzy | name_vector
    query: str  # the extracted name or id value that found it
    alias: str  # the list name (primary or alias) that matched best
    explanation: dict = field(default_factory=dict)
    cleared: bool = False  # a reviewer cleared this (query, entity) pair before

    def to_dict(self) -> dict:
        e = self.entity
        return {
            "list": e.list,
            "entity_id": e.entity_id,
            "entity_type": e.entity_type,
            "name": e.primary_name,
            "score": round(self.score, 4),
            "matched_by": list(self.matched_by),
            "query": self.query,
            "alias": self.alias,
            "explanation": self.explanation,
            "cleared": self.cleared,
        }


class SearchBackend(Protocol):
    """What layer 8 and the /search endpoint need from a backend."""

    name: str

    async def search_name(self, query: NameQuery, limit: int = 10) -> list[Candidate]:
        """Candidates for a name, best first, scored by the shared scorer."""
        ...

    async def lookup_id(self, value: str, lists: frozenset[str] | None = None) -> list[Entity]:
        """Entities carrying this identifier value (digits/letters, exact)."""
        ...

    def stats(self) -> dict:
        """Figures for /health/detailed (entity counts, index sizes, …)."""
        ...
