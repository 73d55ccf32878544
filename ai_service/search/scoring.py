"""The candidate scorer: one implementation for /process, /search and /compare.

``score_candidate`` scores a list entity for an extracted query: its best alias (``name_match``)
plus identifier, date-of-birth and type evidence; ``evaluate`` is the same, light, for backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ai_service.lists.model import Entity
from ai_service.search import evidence
from ai_service.search.base import Candidate, NameQuery
from ai_service.search.name_match import (PATRONYMIC_CONTRADICTED, PATRONYMIC_UNCONFIRMED, NameMatch, _r,
                                          explain_match, match_names)
from ai_service.search.parts import parse_name
from ai_service.search.weak_tokens import legal_forms_in, particle_keys, weak_keys
from ai_service.text.translit import name_key

WEAK_ALIAS_FACTOR = 0.9  # "low quality" aliases help find, never decide
WEAK_ALIAS_CAP = 0.84
ALTERNATIVE_CAP = 0.84  # the other-gender reading of an ambiguous text: reviewed, never held
MIN_CANDIDATE_SCORE = 0.25
# A company named by generic words only (Акціонерне товариство "Капітал") and a text naming the same
# words with the same legal form (АТ «Капітал»): many companies are called so — a review, never a hold.
GENERIC_NAME_SAME_FORM = 0.75


class Evaluation(NamedTuple):
    """Light result of scoring one entity; turned into a ``Candidate`` only if kept."""

    score: float
    name_score: float
    query: str  # the query text (name or variant) that matched best
    alias: str
    alias_weak: bool
    match: NameMatch
    drop_weak: bool
    id_value: str | None
    id_delta: float
    dob: float
    dob_label: str
    type_delta: float


def entity_aliases(entity: Entity) -> list[tuple[str, bool]]:
    """(alias, weak) pairs of an entity, one per distinct matching key.

    Loaders may list a weak alias among ``names`` too; it stays weak. The uk and
    en spellings of an NSDC name usually share one key, OFAC repeats names in
    other word orders: scoring those twice is waste.
    """
    return [(alias, weak) for alias, weak, _ in keyed_aliases(entity)]


def _words(key: str) -> int:
    """Name words of a matching key, particles (al, bin, van) not counted."""
    tokens = key.split()
    return len(tokens) - sum(map(particle_keys().__contains__, tokens))  # C-level loop: runs per alias at build


def keyed_aliases(entity: Entity) -> list[tuple[str, bool, str]]:
    """``entity_aliases`` with each alias's matching key (for index builds)."""
    weak_names = entity.weak_names
    seen: set[str] = set()
    out: list[tuple[str, bool, str]] = []
    # A person listed under a full name and also as one word ("Abdallah", "Al-Tikriti"): the
    # one word helps find them but cannot decide — a lone given name is half the world's.
    # A person whose listed name is one word (MATIULLAH) keeps it as a name.
    one_word_weak = entity.entity_type == "person" and bool(entity.names) and _words(name_key(entity.names[0])) > 1
    # ... and so does a piece of the listed name given as an alias (SFMS lists "Hasan Al-Tikriti", a
    # piece of Sa’d Sabawi Ibrahim Hasan Al-Tikriti): it is the same person's name, cut short.
    primary_key = name_key(entity.names[0]) if one_word_weak else ""
    primary, primary_words = set(primary_key.split()), _words(primary_key)
    for alias, weak in [*((a, a in weak_names) for a in entity.names), *((a, True) for a in weak_names)]:
        key = name_key(alias)
        if one_word_weak and alias != entity.names[0] and (
                _words(key) <= 1 or (_words(key) < primary_words - 1 and set(key.split()) <= primary)):
            weak = True
        # Order-insensitive: "PUTIN, Vladimir" and "Vladimir Putin" score alike.
        sorted_key = " ".join(sorted(key.split()))
        if sorted_key not in seen:
            seen.add(sorted_key)
            out.append((alias, weak, key))
    if entity.entity_type == "organization":
        for name in entity.names:
            core = _quoted_core(name)
            key = name_key(core) if core else ""
            if key and (sorted_key := " ".join(sorted(key.split()))) not in seen:
                seen.add(sorted_key)
                out.append((core, name in weak_names, key))
    return out


_QUOTES = "\"«»“”„"


def _quoted_core(name: str) -> str | None:
    """The quoted name of a company listed with its form and trade in front (ПАТ з виробництва
    вогнетривів "Комбінат "Магнезит"": a payment writes ПАТ «Комбінат "Магнезит"»), when words
    other than a legal form precede the quotes; the legal form alone the scorer drops anyway."""
    first = next((i for i, c in enumerate(name) if c in _QUOTES), -1)
    last = max(name.rfind(q) for q in _QUOTES)
    if first <= 0 or last <= first:
        return None
    weak = weak_keys()
    if not any(k not in weak and len(k) > 1 for k in name_key(name[:first]).split()):
        return None
    core = name[first + 1 : last].strip(_QUOTES + " ")
    return core if any(c.isalpha() for c in core) else None


def _same_form(legal_form: str, text: str, alias: str, drop_weak: bool) -> bool:
    """The same generic words as the listed name, and the legal form the list gives it."""
    qp, lp = parse_name(text, drop_weak), parse_name(alias, drop_weak)
    return qp.sorted_key == lp.sorted_key and legal_form in legal_forms_in(lp.weak)


LONE_SHORT_WORD_CAP = 0.6


def _lone_short_word(text: str) -> bool:
    """Гя, Iz, Nik, Мид: a word of two letters, or of three not written as an acronym, alone names no
    one, whatever short listed alias it equals (a scan of 2,225 such words in payment texts gave 38
    reviews and holds: Мид held MUNITIONS INDUSTRY DEPARTMENT, alias MID). PIJ, МІД in capitals may
    name a listed body; with a legal form (ТОВ "Дон", Rnt JSC) or a digit (Т1) it is a company."""
    return text.isalpha() and (len(text) <= 2 or (len(text) == 3 and not text.isupper()))


def evaluate(
    query: NameQuery, entity: Entity, aliases: list[tuple[str, bool]] | None = None,
    match: Callable[[str, str, bool], NameMatch] = match_names,
) -> Evaluation | None:
    """Score ``entity`` for ``query``; None when nothing relates them.

    ``aliases`` (from ``entity_aliases``) may be passed precomputed by an index;
    a backend scoring many candidates passes ``QueryScorer().match`` as ``match``.
    """
    drop_weak = (query.entity_type or entity.entity_type) != "person"
    texts = [query.name, *(v for v in query.variants if v != query.name)]
    best: tuple[float, str, str, bool, NameMatch] | None = None
    confirmed = best  # the best of the aliases that do not merely lack the query's patronymic
    contradicted = False
    for alias, weak in entity_aliases(entity) if aliases is None else aliases:
        for text in texts:
            m = match(text, alias, drop_weak)
            if m.cap == "descriptive_only" and query.legal_form and _same_form(query.legal_form, text, alias, drop_weak):
                m = m._replace(score=GENERIC_NAME_SAME_FORM, cap="generic_name_same_form")
            elif m.score > LONE_SHORT_WORD_CAP and not query.legal_form and _lone_short_word(text):
                m = m._replace(score=LONE_SHORT_WORD_CAP, cap="lone_short_word")
            s = m.score
            if weak:
                s = s * WEAK_ALIAS_FACTOR
                s = WEAK_ALIAS_CAP if s > WEAK_ALIAS_CAP else s
            if text == query.alternative and s > ALTERNATIVE_CAP:
                s = ALTERNATIVE_CAP
            if best is None or s > best[0]:
                best = (s, text, alias, weak, m)
            contradicted = contradicted or m.patronymic == PATRONYMIC_CONTRADICTED
            if m.patronymic != PATRONYMIC_UNCONFIRMED and (confirmed is None or s > confirmed[0]):
                confirmed = (s, text, alias, weak, m)
    if contradicted and best is not None and best[4].patronymic == PATRONYMIC_UNCONFIRMED and confirmed is not None:
        # IVANOV, Viktor beside IVANOV, Victor Petrovich: the short alias cannot vouch for a
        # patronymic the entity's full name contradicts (Іванов Віктор Вікторович).
        best = confirmed
    id_flag, id_value = evidence.id_evidence(query.ids, entity.ids) if query.ids else (0.0, None)
    if best is None:
        if id_value is None:
            return None
        best = (0.0, query.name, entity.primary_name, False, NameMatch(0.0, (), 0.0, 0.0, 0.0, None))
    name_score, text, alias, weak, m = best
    dob, dob_label = evidence.dob_evidence(query.dob, entity.birth_dates)
    etype = evidence.type_evidence(query.entity_type, entity.entity_type, query.legal_form, name_score + dob)
    id_conflict = id_flag if id_flag < 0 else 0.0
    score = name_score + dob + etype + id_conflict
    score = 0.0 if score < 0.0 else (1.0 if score > 1.0 else score)
    if id_value is not None:
        lifted = evidence.ID_MATCH_SCORE if score < evidence.ID_MATCH_SCORE else score
        id_delta, score = lifted - score, lifted
    else:
        id_delta = id_conflict
    if score < MIN_CANDIDATE_SCORE and id_value is None:
        return None
    return Evaluation(score, name_score, text, alias, weak, m, drop_weak, id_value, id_delta, dob, dob_label, etype)


def is_exact(ev: Evaluation) -> bool:
    """Order-insensitive equality of the query and alias keys (weak tokens aside)."""
    qp, lp = parse_name(ev.query, ev.drop_weak), parse_name(ev.alias, ev.drop_weak)
    return bool(qp.sorted_key) and qp.sorted_key == lp.sorted_key


def matched_by(ev: Evaluation) -> list[str]:
    out = ["id"] if ev.id_value is not None else []
    if is_exact(ev):
        out.append("name_exact")
    elif ev.name_score > 0:
        out.append("name_fuzzy")
    return out


def to_candidate(ev: Evaluation, entity: Entity, retrievers: list[str] | None = None) -> Candidate:
    """The response object for a kept evaluation; its explanation is built when read.

    ``retrievers`` (the backends' retrievers that found it) join ``matched_by`` and
    are listed as ``retrieved_by`` in the explanation.
    """
    by = matched_by(ev)
    for r in retrievers or ():
        if r not in by:
            by.append(r)
    query = ev.id_value if ev.id_value is not None and ev.name_score < 0.5 else ev.query
    return Candidate(entity, ev.score, by, query, ev.alias, lambda: _candidate_explanation(ev, retrievers))


def _candidate_explanation(ev: Evaluation, retrievers: list[str] | None) -> dict:
    explanation: dict = {
        "score": _r(ev.score),
        "features": {
            "name": _r(ev.name_score),
            "id": _r(ev.id_delta),
            "dob": _r(ev.dob),
            "dob_check": ev.dob_label,
            "entity_type": _r(ev.type_delta),
        },
        "alias": ev.alias,
        "alias_weak": ev.alias_weak,
        "name": explain_match(ev.query, ev.alias, ev.match, ev.drop_weak),
    }
    if ev.id_value is not None:
        explanation["matched_id"] = ev.id_value
    if retrievers is not None:
        explanation["retrieved_by"] = list(retrievers)
    return explanation


def score_candidate(query: NameQuery, entity: Entity) -> Candidate | None:
    """Best alias of ``entity`` for ``query`` with all evidence; None if unrelated."""
    ev = evaluate(query, entity)
    return None if ev is None else to_candidate(ev, entity)
