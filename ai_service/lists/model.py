"""The shape every list loader produces: one ``Entity`` per listed subject."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier as the list gives it (``type`` is one of ``ID_TYPES``)."""

    type: str
    value: str


# Identifier types the service knows; loaders map source labels onto these.
ID_TYPES = (
    "rnokpp",  # Ukrainian individual tax number (10 digits)
    "edrpou",  # Ukrainian legal-entity code (8 digits)
    "inn",  # Russian ИНН (10 digits for companies, 12 for persons)
    "ogrn",  # Russian ОГРН (13) / ОГРНИП (15)
    "iban",
    "passport",
    "bic",  # SWIFT/BIC bank code
    "tax_id",  # any other tax number (foreign, unknown scheme)
    "registration",  # company registration numbers of other schemes
    "other",
)


@dataclass(slots=True)
class Entity:
    """One listed subject, normalized across source formats.

    ``entity_id`` is the source's own id as a string; ``names[0]`` is the primary
    name, the rest are aliases in any script. Dates are ISO strings, possibly
    partial (``"1971"``, ``"1971-05"``) when the source only gives a year or month.
    """

    list: str
    entity_id: str
    entity_type: str  # person | organization | vessel | aircraft | unknown
    names: list[str]
    ids: list[Identifier] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    remarks: str | None = None
    # Names marked weak by the source (OFAC/UN/SFMS "low quality a.k.a."): they
    # may help find the entity but never carry a high-confidence match alone.
    weak_names: list[str] = field(default_factory=list)

    @property
    def primary_name(self) -> str:
        return self.names[0] if self.names else ""

    def to_dict(self) -> dict:
        return {
            "list": self.list,
            "entity_id": self.entity_id,
            "entity_type": self.entity_type,
            "names": list(self.names),
            "weak_names": list(self.weak_names),
            "ids": [{"type": i.type, "value": i.value} for i in self.ids],
            "birth_dates": list(self.birth_dates),
            "countries": list(self.countries),
            "programs": list(self.programs),
            "remarks": self.remarks,
        }
