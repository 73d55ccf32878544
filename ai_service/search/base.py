"""The search interface every backend implements, and the shapes it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable
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
    # Written with a legal form (ТОВ, Ltd): certainly a company, so never a listed vessel or aircraft.
    legal_form: str | None = None
    # One of ``variants``: the name read as the other gender ("від Петренко Олександра"). It finds the
    # listed man as well as the woman, but a text that may name either is reviewed, not held.
    alternative: str | None = None


Explainer = Callable[[], dict]


class Candidate:
    """A list entity proposed for a query, with its score in [0, 1].

    ``explanation`` may be given as a function that builds it: most candidates a
    search scores are dropped below the reporting threshold, and building their
    explanations was a fifth of a first-time search. It is built on first access.
    """

    __slots__ = ("entity", "score", "matched_by", "query", "alias", "_explanation", "cleared")

    def __init__(self, entity: Entity, score: float, matched_by: list[str], query: str, alias: str,
                 explanation: dict | Explainer | None = None, cleared: bool = False) -> None:
        self.entity = entity
        self.score = score
        self.matched_by = matched_by  # id | name_exact | name_fuzzy | name_vector
        self.query = query  # the extracted name or id value that found it
        self.alias = alias  # the list name (primary or alias) that matched best
        self._explanation = {} if explanation is None else explanation
        self.cleared = cleared  # a reviewer cleared this (query, entity) pair before

    @property
    def explanation(self) -> dict:
        got = self._explanation
        if not isinstance(got, dict):
            got = self._explanation = got()
        return got

    def copy(self) -> Candidate:
        """An independent copy, not cleared; the explanation (built or not) is shared:
        it is never changed once built."""
        return Candidate(self.entity, self.score, list(self.matched_by), self.query, self.alias,
                         self._explanation)

    def __repr__(self) -> str:
        return (f"Candidate(entity={self.entity.entity_id!r}, list={self.entity.list!r}, score={self.score!r}, "
                f"matched_by={self.matched_by!r}, query={self.query!r}, alias={self.alias!r}, "
                f"cleared={self.cleared!r})")

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
