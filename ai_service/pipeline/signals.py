"""Layer 7 — signals: persons, organisations, identifiers and dates.

Identifiers and dates are found on the text (checksums, calendars), the tokens
they cover are set aside, organisations are read off legal forms and quotes,
and what remains of name-capable tokens is grouped into persons. Every
identifier and date of birth is then attached to the nearest entity it fits.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from datetime import date

from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import (
    DateSignal,
    Document,
    IdSignal,
    OrganizationSignal,
    PersonSignal,
    Token,
)
from ai_service.recognizers.attributes import PersonContext, person_context
from ai_service.recognizers.caps_names import find_caps_names
from ai_service.recognizers.organizations import find_organizations
from ai_service.recognizers.persons import RunItem, build_person, is_person, split_run
from ai_service.recognizers.runs import collect_runs, join_inverted, sentence_capital
from ai_service.text.dates import find_dates
from ai_service.text.dictionaries import mapping, word_list
from ai_service.text.identifiers import find_identifiers

ORG_ID_TYPES = frozenset({"edrpou", "ogrn", "registration", "bic"})
PERSON_ID_TYPES = frozenset({"rnokpp", "passport"})
MAX_ATTACH_DISTANCE = 80  # characters between an entity and its identifier
_ADJACENT_GAP = re.compile(r"[\s,;:()]*")
MIN_AGE_YEARS = 14  # an adjacent date later than this is not a birth date


def _caseless(text: str) -> bool:
    if not (text.isupper() or text.islower()):  # C-speed answer for the usual mixed-case text
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and (all(c.isupper() for c in letters) or all(c.islower() for c in letters))


class SignalsLayer(Layer):
    name = "signals"

    def __init__(self) -> None:
        self.governed_case = mapping("context/case_government")
        self.locative_prepositions = word_list("context/locative_prepositions").words

    async def run(self, doc: Document) -> None:
        text, tokens = doc.text, doc.tokens
        ids = [IdSignal(m.type, m.value, m.valid, m.start, m.end, m.marker) for m in find_identifiers(text)]
        dates = [DateSignal(m.value, m.kind, m.start, m.end) for m in find_dates(text)]
        starts = [t.start for t in tokens] if ids or dates else []
        _mark(tokens, starts, ids, "id")
        _mark(tokens, starts, dates, "date")

        caseless = _caseless(text)
        orgs = [] if caseless else find_caps_names(tokens, doc.context_spans, text)
        taken = {i for m in orgs for i in range(m.first, m.last + 1)}
        orgs += [m for m in find_organizations(tokens, doc.context_spans, text, caseless)
                 if not any(k in taken for k in range(m.first, m.last + 1))]
        orgs.sort(key=lambda m: m.first)
        in_org = {i for m in orgs for i in range(m.first, m.last + 1)}
        organizations = [OrganizationSignal((m.core_start, m.core_end), m.legal_form, m.core) for m in orgs]
        for sig, m in zip(organizations, orgs):
            sig.text_span = (tokens[m.first].start, tokens[m.last].end)

        persons = self._persons(doc, in_org, caseless)
        _attach_ids(ids, persons, organizations)
        _attach_dates(text, dates, persons)
        doc.ids, doc.dates = ids, dates
        doc.persons, doc.organizations = persons, organizations

    def _persons(self, doc: Document, in_org: set[int], caseless: bool) -> list[PersonSignal]:
        tokens, text = doc.tokens, doc.text
        ctx = person_context(tokens, doc.context_spans, text)
        persons: list[PersonSignal] = []
        initials_only: list[tuple[int, list[RunItem], tuple[str, ...]]] = []
        for start, run in join_inverted(tokens, collect_runs(tokens, in_org, caseless), caseless):
            for items, roles in split_run(run):
                if not items:
                    continue
                first = tokens.index(items[0].token, start)
                if all(r == "initial" for r in roles):
                    initials_only.append((first, items, roles))
                elif is_person(items, roles) and not sentence_capital(tokens, first, items, text):
                    persons.append(self._person(tokens, items, roles, text, first, ctx))
        if not persons:
            # Initials alone name someone only when nothing else in the text does (``А. О.``).
            for first, items, roles in initials_only:
                if len(items) >= 2:
                    persons.append(self._person(tokens, items, roles, text, first, ctx))
        persons.sort(key=lambda p: p.start)
        return persons

    def _person(self, tokens: list[Token], items: list[RunItem], roles: tuple[str, ...], text: str,
                first: int, ctx: PersonContext) -> PersonSignal:
        before = tokens[first - 1].text.lower() if first else None
        hint = self.governed_case.get(before) if before else None
        person = build_person(items, roles, text, hint, locative=before in self.locative_prepositions)
        last = tokens.index(items[-1].token, first)
        person.titles = ctx.titles(first, last)
        person.legal_form = ctx.person_forms.get(first)
        return person


def _mark(tokens: list[Token], starts: list[int], spans: list, label: str) -> None:
    """Give ``label`` to every token overlapping a span (tokens are in text order; ``starts``
    are their start offsets)."""
    for s in spans:
        # Bisect to the span's first token: a 10,000-character text has ~2,000 tokens.
        i = max(bisect_right(starts, s.start) - 1, 0)
        while i < len(tokens) and tokens[i].start < s.end:
            tok = tokens[i]
            if s.start < tok.end:
                tok.context = tok.context or label
            i += 1


def _distance(entity_start: int, entity_end: int, start: int, end: int) -> float:
    if start >= entity_end:
        return start - entity_end
    if end <= entity_start:
        return 2.0 * (entity_start - end)  # identifiers usually follow the name
    return 0.0


def _attach_ids(ids: list[IdSignal], persons: list[PersonSignal], orgs: list[OrganizationSignal]) -> None:
    for ident in ids:
        best: tuple[float, PersonSignal | OrganizationSignal] | None = None
        for ent in [*persons, *orgs]:
            d = _distance(ent.start, ent.end, ident.start, ident.end)
            is_org = isinstance(ent, OrganizationSignal)
            if ident.type in ORG_ID_TYPES and not is_org or ident.type in PERSON_ID_TYPES and is_org:
                d += 40
            if ident.type == "inn":
                d += 40 if (len(ident.value) == 12) == is_org else 0
            if d <= MAX_ATTACH_DISTANCE and (best is None or d < best[0]):
                best = (d, ent)
        if best is not None:
            best[1].ids.append(ident)


def _attach_dates(text: str, dates: list[DateSignal], persons: list[PersonSignal]) -> None:
    latest_birth_year = date.fromtimestamp(time.time()).year - MIN_AGE_YEARS
    for d in dates:
        best: tuple[float, PersonSignal] | None = None
        for p in persons:
            dist = _distance(p.start, p.end, d.start, d.end)
            if dist > MAX_ATTACH_DISTANCE or (best is not None and dist >= best[0]):
                continue  # before the gap test: a register has dozens of dates and persons
            adjacent = d.start >= p.end and _ADJACENT_GAP.fullmatch(text[p.end : d.start]) is not None
            if d.kind == "dob" or (adjacent and int(d.value[:4]) <= latest_birth_year):
                best = (dist, p)
        if best is not None and best[1].dob is None:
            best[1].dob = d.value
            d.kind = "dob"
