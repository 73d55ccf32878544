"""The one shape every pipeline layer reads and extends: ``Document``.

Layers run in order and each fills in its own fields; nothing is copied between
layers. Offsets in tokens and signals index ``Document.text`` (the normalized
text); ``Document.source_span`` maps them back to the caller's original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ai_service.search.base import Candidate


@dataclass(frozen=True, slots=True)
class NameForm:
    """One possible reading of a token as part of a person's name."""

    role: str  # given | surname | patronymic
    gender: str | None  # male | female | None when both/unknown
    nominative: str  # lowercase nominative form for this reading
    cases: frozenset[str]  # grammatical cases the token may be in
    source: str  # morph | dictionary | guess | latin


@dataclass(frozen=True, slots=True)
class MorphInfo:
    """What morphology knows about one token (cached per token and language)."""

    forms: tuple[NameForm, ...]
    known_common: bool  # a dictionary word with no name reading (e.g. "ремонт")
    lemma: str
    common_reading: bool = False  # also a dictionary common word (долга: долг / Долгая)
    common_pos: str | None = None  # part of speech of that common reading (NOUN, VERB, …)
    # An adjective's readings as a surname (Крайньому → Крайній, Мокрой → Мокрая): used only when
    # the word's place makes it one (see recognizers/runs).
    adjective_surnames: tuple[NameForm, ...] = ()

    @property
    def known_given(self) -> bool:
        """A given-name reading the analyser or our dictionaries vouch for (not one predicted from an ending)."""
        return any(f.role == "given" and f.source in ("morph", "dictionary") for f in self.forms)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # word | number | punct
    script: str  # cyrl | latn | mixed | none
    lang: str | None = None
    context: str | None = None  # why it can never be part of a name
    morph: MorphInfo | None = None

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(slots=True)
class Trigger:
    text: str
    type: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "type": self.type, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class ContextSpan:
    """Tokens ``first..last`` (inclusive) matched a dictionary entry of ``category``."""

    first: int
    last: int
    category: str
    value: str | None = None  # legal form abbreviation, id type, …
    kind: str | None = None  # legal forms: organization | person


@dataclass(slots=True)
class IdSignal:
    type: str
    value: str
    valid: bool
    start: int
    end: int
    marker: str | None = None


@dataclass(slots=True)
class DateSignal:
    value: str
    kind: str  # dob | date
    start: int
    end: int


@dataclass(slots=True)
class NamePart:
    text: str
    normalized: str
    role: str  # given | surname | patronymic | initial
    start: int
    end: int


@dataclass(slots=True)
class PersonSignal:
    parts: list[NamePart]
    start: int
    end: int
    gender: str | None = None
    titles: list[str] = field(default_factory=list)
    legal_form: str | None = None  # ФОП / ИП: a person trading as an entrepreneur
    dob: str | None = None
    ids: list[IdSignal] = field(default_factory=list)
    # The name read as the other gender where only a surname could tell: "за навчання Парамонова О.А."
    # is a woman, or Парамонов in the genitive. Searched too.
    alternative: str | None = None
    # Some word's normal form is a guess (no dictionary reading, a Latin diminutive expanded: Sam ->
    # Samuel): the words as written are searched too. Not for Cyrillic words the dictionaries read:
    # "Олександра Петренка" as written is a woman's name, not the man the text names.
    guessed: bool = True

    @property
    def normalized(self) -> str:
        return " ".join(p.normalized for p in self.parts)


@dataclass(slots=True)
class OrganizationSignal:
    text_span: tuple[int, int]
    legal_form: str | None
    core: str
    ids: list[IdSignal] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.text_span[0]

    @property
    def end(self) -> int:
        return self.text_span[1]


@dataclass(frozen=True, slots=True)
class Options:
    """Per-request options of /process (SPEC §3)."""

    search: bool = True
    explain: bool = False
    lists: frozenset[str] | None = None
    threshold: float | None = None


@dataclass(slots=True)
class Document:
    """A text on its way through the pipeline."""

    original: str
    requested_language: str = "auto"
    options: Options = field(default_factory=Options)
    text: str = ""
    # normalized index -> original index; None while the two are aligned 1:1.
    offset_map: list[int] | None = None
    language: str = "unknown"
    cyrillic_language: str = "uk"  # language for Cyrillic words without uk/ru letters
    language_scores: dict[str, float] = field(default_factory=dict)
    tokens: list[Token] = field(default_factory=list)
    chunks: int = 1
    triggers: list[Trigger] = field(default_factory=list)
    context_spans: list[ContextSpan] = field(default_factory=list)
    persons: list[PersonSignal] = field(default_factory=list)
    organizations: list[OrganizationSignal] = field(default_factory=list)
    ids: list[IdSignal] = field(default_factory=list)
    dates: list[DateSignal] = field(default_factory=list)
    matches: list[Candidate] = field(default_factory=list)
    candidates_considered: int = 0
    decision: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per layer
    cache_hits: dict[str, int] = field(default_factory=dict)
    cache_misses: dict[str, int] = field(default_factory=dict)
    trace: list[dict[str, Any]] = field(default_factory=list)
    search_backend: str | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` back onto ``original``."""
        m = self.offset_map
        if m is None:
            return start, end
        if start >= len(m):
            return len(self.original), len(self.original)
        o_end = m[end] if end < len(m) else len(self.original)
        return m[start], o_end

    def count_cache(self, layer: str, hits: int, misses: int) -> None:
        if hits:
            self.cache_hits[layer] = self.cache_hits.get(layer, 0) + hits
        if misses:
            self.cache_misses[layer] = self.cache_misses.get(layer, 0) + misses
