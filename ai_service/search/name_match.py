"""Name against name: parts aligned order-insensitively, penalties for what is missing or extra,
caps for what names nobody in particular — a score in [0, 1] and the explanation a reviewer reads.

``compare_names`` is /compare; ``match_names`` (cached) and ``QueryScorer`` (one per search) give the
``NameMatch`` that ``scoring.evaluate`` turns into a candidate's score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import orjson
from rapidfuzz.distance import JaroWinkler

from ai_service.search.align import (COMPOUND, FUZZY, GENDER_FORM_SIM, INITIAL_MATCH, P_KIND, P_L, P_Q, P_SIM, Pair,
                                     align)
from ai_service.search.part_pairs import QueryAligner
from ai_service.search.name_forms import is_given_name
from ai_service.search.parts import DESCRIPTIVE, INITIAL, NAME, PARTICLE, PATRONYMIC, ParsedName, Part, parse_name
from ai_service.search.weak_tokens import business_words

UNMATCHED_QUERY_FACTOR = 1.5  # an extra query part is evidence of another person
MISSING_PENALTY = {PATRONYMIC: 0.03, INITIAL: 0.02, PARTICLE: 0.0, DESCRIPTIVE: 0.03}  # list part absent in query
MISSING_NAME_PENALTY = 0.05
MISSING_PENALTY_CAP = 0.15
LOW_COVERAGE = 0.4  # share of the listed name's weight the query must explain
PARTIAL_COVERAGE = 0.65  # below this share, each missing point costs …
PARTIAL_COVERAGE_RATE = 0.6  # … this much score (John Lopez vs PELAEZ LOPEZ, John Jairo)
SURNAME_MISSING_PENALTY = 0.2  # the list marks its surname ("GORDON, Howard A.") and none of it matched
INITIAL_PENALTY = 0.03  # per part matched only through an initial
INITIAL_CONFLICT_PENALTY = 0.1  # a query initial that no listed part starts with
WEAK_ONLY_CAP = 0.3  # nothing but legal forms / generic words in common
SINGLE_PART_CAP = 0.75  # a lone surname against a full name
GIVEN_PATRONYMIC_CAP = 0.6  # "Юрій Михайлович" with no surname names half the country
SURNAME_TYPO_MIN = 0.7  # a surname paired below this is another surname, not a typo of it
INITIALS_ONLY_CAP = 0.4
FUZZY_WITH_INITIALS_CAP = 0.84  # initials beside a name matched only approximately: below the high band
# One word against one word, spelled otherwise, the shorter of four letters or less: one letter
# more or less is another word there (Алєко / the alias ALCO, Надя / NADA), not a typo.
SHORT_WORD_FUZZY_CAP = 0.6
SHORT_WORD = 4
ONE_WORD_FUZZY_CAP = 0.8  # below the high band
# A given name against its other-gender form (Олександр / Олександра, Ярослав / Ярослава): a wife,
# sister or daughter of the same surname — another person, shown below the medium band.
GIVEN_GENDER_CAP = 0.65
# Two names alike but for the words saying what each company does (Holdings / Trading): a review.
DIFFERENT_BUSINESS_CAP = 0.75
SAME_BUSINESS_WORD = 0.85  # Jaro-Winkler: Трейдинг / Trading (treidinh / tradinh, 0.85) one word across scripts
PATRONYMIC_ONLY_MIN = 0.9  # a query patronymic counts as merely missing only beside close parts


def _r(x: float) -> float:
    """Round to 4 places for JSON (floor(x + .5) is ~6x cheaper than round(x, 4))."""
    return math.floor(x * 10_000 + 0.5) / 10_000


class NameMatch(NamedTuple):
    """Result of comparing two parsed names (cached; explanation built on demand)."""

    score: float
    pairs: tuple[Pair, ...]
    base: float
    missing_penalty: float
    initial_penalty: float
    cap: str | None
    coverage: float = 1.0  # share of the listed name's weight that was matched
    # The query's patronymic against this listed name: PATRONYMIC_UNCONFIRMED when the name gives
    # none (taken as merely missing), PATRONYMIC_CONTRADICTED when its own is another one.
    patronymic: int = 0


PATRONYMIC_UNCONFIRMED = 1
PATRONYMIC_CONTRADICTED = 2


@dataclass(frozen=True, slots=True)
class NameScore:
    score: float
    explanation: dict


def _weak_only(qp: ParsedName, lp: ParsedName) -> NameMatch:
    qs = {w.lower() for w in qp.weak}
    ls = {w.lower() for w in lp.weak}
    overlap = len(qs & ls) / len(qs | ls) if qs and ls else 0.0
    return NameMatch(WEAK_ONLY_CAP * overlap, (), 0.0, 0.0, 0.0, "weak_only")


_NO_MATCH = NameMatch(0.0, (), 0.0, 0.0, 0.0, None)


def _score(qp: ParsedName, lp: ParsedName) -> NameMatch:
    if not qp.parts or not lp.parts:
        return _weak_only(qp, lp)
    return _score_pairs(qp, lp, align(qp.parts, lp.parts))


def _score_pairs(qp: ParsedName, lp: ParsedName, pairs: tuple[Pair, ...]) -> NameMatch:
    # Hot path: plain arithmetic and int bitmasks; builtins such as min/max/set
    # cost more than the rest of the loop on short names.
    if not pairs:
        return _NO_MATCH
    num = den = 0.0
    n_initial = used_q = used_l = 0
    for q_idx, l_idx, sim, kind, weight in pairs:
        for i in q_idx:
            used_q |= 1 << i
        for j in l_idx:
            used_l |= 1 << j
        num += sim * weight
        den += weight
        if kind == INITIAL_MATCH:
            n_initial += 1
    missing = 0.0
    extra_patronymic = 0.0  # weight of query patronymics left unmatched …
    extra_initials = 0  # … of which initials after a matched one (Ротенберг А. Р.: Р. is the father's)
    for i, part in enumerate(qp.parts):
        if not used_q & (1 << i) and part.kind != PARTICLE:
            if part.kind == PATRONYMIC or (part.kind == INITIAL and n_initial and _second_initial(qp, used_q, i)):
                extra_patronymic += part.weight
                extra_initials += part.kind == INITIAL
                continue
            den += UNMATCHED_QUERY_FACTOR * part.weight
            if part.kind == INITIAL:
                # "О." against "Ігор": the initial contradicts the listed name.
                missing += INITIAL_CONFLICT_PENALTY
    list_total = list_matched = 0.0
    list_patronymic_left = False
    for j, part in enumerate(lp.parts):
        # Coverage is about the name proper: patronymics (and nasab) are optional evidence.
        counts = part.kind != PARTICLE and part.kind != PATRONYMIC and part.kind != DESCRIPTIVE
        if counts:
            list_total += part.weight
        if not used_l & (1 << j):
            missing += MISSING_PENALTY.get(part.kind, MISSING_NAME_PENALTY)
            list_patronymic_left = list_patronymic_left or part.kind == PATRONYMIC
        elif counts:
            list_matched += part.weight
    patronymic = 0
    if extra_patronymic:
        if list_patronymic_left and any(p.kind == PATRONYMIC and not used_q & (1 << i)
                                        for i, p in enumerate(qp.parts)):
            patronymic = PATRONYMIC_CONTRADICTED  # two fathers' names
        if (list_matched == list_total and lp.significant >= 2 and all(p.kind != PATRONYMIC for p in lp.parts)
                and all(p[P_SIM] >= PATRONYMIC_ONLY_MIN for p in pairs)):
            # The whole listed name matched closely, and it gives no patronymic (ROTENBERG, Arkady against
            # Ротенберг Аркадій Романович): missing, as a listed patronymic the query lacks would be.
            missing += MISSING_PENALTY[PATRONYMIC]
            patronymic = PATRONYMIC_UNCONFIRMED
        else:
            den += UNMATCHED_QUERY_FACTOR * extra_patronymic
            missing += extra_initials * INITIAL_CONFLICT_PENALTY
    if missing > MISSING_PENALTY_CAP:
        missing = MISSING_PENALTY_CAP
    if lp.surname_parts and not used_l & ((1 << lp.surname_parts) - 1):
        missing += SURNAME_MISSING_PENALTY
    base = num / den
    initial_pen = n_initial * INITIAL_PENALTY
    score = base - missing - initial_pen
    # The capped per-part penalty suits names missing a patronymic or two; a
    # query explaining a small share of a long listed name is weaker still.
    coverage = list_matched / list_total if list_total else 1.0
    if coverage < PARTIAL_COVERAGE:
        score -= (PARTIAL_COVERAGE - coverage) * PARTIAL_COVERAGE_RATE
    if coverage < LOW_COVERAGE:
        score *= 1.0 - LOW_COVERAGE + coverage
    cap = None
    if qp.weak and qp.sorted_key == lp.sorted_key and sorted(w.lower() for w in qp.weak) == sorted(
            w.lower() for w in lp.weak):
        # The same organisation name word for word (I.P.C. INTERNATIONAL LIMITED, CAPITAL S.A.L.):
        # letters and generic words are all it has, and they all agree.
        return NameMatch(max(0.0, min(1.0, score)), pairs, base, missing, initial_pen, None, coverage, patronymic)
    n_descriptive = sum(1 for q, l, *_ in pairs
                        if qp.parts[q[0]].kind == DESCRIPTIVE or lp.parts[l[0]].kind == DESCRIPTIVE)
    if all(qp.parts[q[0]].kind == DESCRIPTIVE or lp.parts[l[0]].kind == DESCRIPTIVE for q, l, *_ in pairs) \
            and score > WEAK_ONLY_CAP:
        score, cap = WEAK_ONLY_CAP, "descriptive_only"
    elif lp.significant > qp.significant and score > GIVEN_PATRONYMIC_CAP and _given_and_patronymic_only(qp, lp, pairs) \
            and not _latin_surname_like_patronymic(qp, lp, pairs):
        score, cap = GIVEN_PATRONYMIC_CAP, "no_surname"
    elif (n_initial == len(pairs) - n_descriptive or all(len(qp.parts[q[0]].key) < 2 for q, *_ in pairs)) \
            and score > INITIALS_ONLY_CAP:
        # Initials, or single letters standing in for them ("імені К"), name no one.
        score, cap = INITIALS_ONLY_CAP, "initials_only"
    elif score > WEAK_ONLY_CAP and qp.significant == 0 and all(qp.parts[q[0]].kind == PARTICLE for q, *_ in pairs):
        score, cap = WEAK_ONLY_CAP, "particles_only"  # Le, Bin, Abu alone name no one
    elif (score > SHORT_WORD_FUZZY_CAP and qp.significant == 1 and lp.significant == 1 and len(pairs) == 1
          and min(len(qp.parts[pairs[0][0][0]].key), len(lp.parts[pairs[0][1][0]].key)) <= SHORT_WORD
          and (pairs[0][2] < 1.0 or _respelled(qp.parts[pairs[0][0][0]], lp.parts[pairs[0][1][0]]))):
        score, cap = SHORT_WORD_FUZZY_CAP, "short_word_fuzzy"
    elif (score > ONE_WORD_FUZZY_CAP and qp.significant == 1 and lp.significant == 1 and len(pairs) == 1
          and pairs[0][2] < 1.0 and qp.parts[pairs[0][0][0]].cyrillic == lp.parts[pairs[0][1][0]].cyrillic):
        # One word against one, spelled otherwise in the same script (SYRIAN / SAIRAN): a review, never
        # a hold. Across scripts transliteration varies the vowels (Tokentrust / Токентраст): not capped.
        score, cap = ONE_WORD_FUZZY_CAP, "one_word_fuzzy"
    elif score > GIVEN_GENDER_CAP and any(
            sim == GENDER_FORM_SIM and (qp.parts[q[0]].given_group or lp.parts[l[0]].given_group)
            and l[0] >= lp.surname_parts  # a given name, not a comma-marked surname (Peters / PETER)
            for q, l, sim, *_ in pairs):
        score, cap = GIVEN_GENDER_CAP, "given_name_gender"
    elif score > GIVEN_PATRONYMIC_CAP and _surname_differs(qp, lp, pairs):
        score, cap = GIVEN_PATRONYMIC_CAP, "surname_differs"
    elif n_initial and score > FUZZY_WITH_INITIALS_CAP and any(
            kind != INITIAL_MATCH and sim < 1.0 for _, _, sim, kind, _ in pairs):
        # "Петрнеко О." against Петренко Олександр: a surname spelled otherwise and a letter
        # for the given name fit thousands of people — worth a review, never a hold.
        score, cap = FUZZY_WITH_INITIALS_CAP, "initials_with_inexact_name"
    elif qp.significant == 1 and (lp.significant >= 2 or _words_beyond_particles(lp) > _words_beyond_particles(qp)) \
            and score > _single_part_cap(base, missing, coverage):
        # A lone surname (or one-word name: "Blue" of Blue Trading vs BLUE DREAM; "Development"
        # of TECHNOLOGY AND DEVELOPMENT GROUP) is never proof; a fuzzy one even less, and the
        # more of the listed name it leaves unexplained, the less.
        score, cap = _single_part_cap(base, missing, coverage), "single_part_query"
    elif score > DIFFERENT_BUSINESS_CAP and qp.weak and lp.weak and _different_business(qp, lp):
        score, cap = DIFFERENT_BUSINESS_CAP, "different_business_words"
    score = 0.0 if score < 0.0 else (1.0 if score > 1.0 else score)
    return NameMatch(score, pairs, base, missing, initial_pen, cap, coverage, patronymic)


def _different_business(qp: ParsedName, lp: ParsedName) -> bool:
    """Washington Holdings / WASHINGTON TRADING LTD: the distinctive words agree, but each name says
    what it does in words the other's do not match — two companies sharing a name word, perhaps."""
    q, l = business_words(qp.weak), business_words(lp.weak)
    return bool(q) and bool(l) and not any(
        a == b or JaroWinkler.normalized_similarity(a, b) >= SAME_BUSINESS_WORD for a in q for b in l)


def _respelled(q: Part, l: Part) -> bool:
    """One key from other letters (Ай / AAJ: key ai, spelled ai / aaj): a short word's key folds
    doubled letters and j into i, too much to call two short words the same."""
    return bool(q.spelling) and bool(l.spelling) and len(q.spelling) != len(l.spelling)


def _words_beyond_particles(name: ParsedName) -> int:
    """Parts of a name that say something: its significant ones and its descriptive words."""
    return len(name.parts) - sum(1 for p in name.parts if p.kind == PARTICLE)


def _second_initial(qp: ParsedName, used_q: int, i: int) -> bool:
    """An unmatched initial after a matched one (Ротенберг А. Р.) — or beside the same letter matched
    (Медведчук В. В.): the father's initial, not a contradiction of the listed given name."""
    part = qp.parts[i]
    return any(used_q & (1 << k) and p.kind == INITIAL and (k < i or p.key == part.key)
               for k, p in enumerate(qp.parts))


def _single_part_cap(base: float, missing: float, coverage: float) -> float:
    short = PARTIAL_COVERAGE - coverage if coverage < PARTIAL_COVERAGE else 0.0
    return SINGLE_PART_CAP * base - missing - short * PARTIAL_COVERAGE_RATE


def _surname_differs(qp: ParsedName, lp: ParsedName, pairs: tuple[Pair, ...]) -> bool:
    """The given name (and patronymic) agree but the surname only loosely (Вдовиченко / Дьяченко
    Олександр Павлович, Пичугин / PURGIN, Andrey): another family, however common the first names.
    A surname here is a listed name word that is no known given name (or the part the list's comma
    marks); loosely is below a typo's similarity."""
    first_names_agree = loose_surname = False
    for q_idx, l_idx, sim, kind, _ in pairs:
        lj = l_idx[0]
        part = lp.parts[lj]
        if part.kind == PATRONYMIC or (_given(part) and lj >= lp.surname_parts):
            first_names_agree = first_names_agree or sim >= SURNAME_TYPO_MIN
        elif (kind == FUZZY and sim < SURNAME_TYPO_MIN and len(q_idx) == 1 and len(l_idx) == 1
              and part.kind == NAME and qp.parts[q_idx[0]].kind == NAME):
            loose_surname = True
    return first_names_agree and loose_surname


def _latin_surname_like_patronymic(qp: ParsedName, lp: ParsedName, pairs: tuple[Pair, ...]) -> bool:
    """"Oleksandr Vetenevych" against Ветеневич Олександр Петрович: a Latin word shaped like a
    patronymic that pairs with the listed surname is that surname (Latin payments name people by
    given name and surname; a Cyrillic "Олександр Петрович" stays a form of address)."""
    # The listed surname may itself parse as a patronymic (Ветеневич): then the list has two.
    surname_like = sum(p.kind == PATRONYMIC for p in lp.parts) >= 2
    return any(qp.parts[q[0]].kind == PATRONYMIC and not qp.parts[q[0]].cyrillic and len(l) == 1
               and (lp.parts[l[0]].kind == NAME or surname_like) for q, l, *_ in pairs)


def _given(part: Part) -> bool:
    return bool(part.given_group) or is_given_name(part.key)


def _given_and_patronymic_only(qp: ParsedName, lp: ParsedName, pairs: tuple[Pair, ...]) -> bool:
    """The query is a given name and a patronymic: each other word a known given name, or paired with
    the listed word written just before the listed patronymic — the given name's place whatever the
    name (Муслім Ідрисович against Шатов Муслім Ідрисович)."""
    if not any(p.kind == PATRONYMIC for p in qp.parts):
        return False
    given_place = {j - 1 for j in range(1, len(lp.parts)) if lp.parts[j].kind == PATRONYMIC}
    placed = {q[0] for q, l, *_ in pairs if len(q) == 1 and len(l) == 1 and l[0] in given_place}
    return all(p.kind == PATRONYMIC or (p.kind == NAME and (_given(p) or i in placed))
               for i, p in enumerate(qp.parts) if p.kind != PARTICLE)


@lru_cache(maxsize=32_768)
def match_names(query: str, candidate: str, drop_weak: bool = True) -> NameMatch:
    """Cached comparison of two names (/compare, identifier hits; a search uses ``QueryScorer``)."""
    return _score(parse_name(query, drop_weak), parse_name(candidate, drop_weak))


class QueryScorer:
    """``match_names`` for one query against many list names (a search's candidates):
    each query text is parsed once and each distinct list part compared once with it
    (``part_pairs.QueryAligner``). Same answers; lives as long as one search."""

    __slots__ = ("_aligners",)

    def __init__(self) -> None:
        self._aligners: dict[tuple[str, bool], tuple[ParsedName, QueryAligner, dict[str, NameMatch]]] = {}

    def _aligner(self, query: str, drop_weak: bool) -> tuple[ParsedName, QueryAligner, dict[str, NameMatch]]:
        got = self._aligners.get((query, drop_weak))
        if got is None:
            qp = parse_name(query, drop_weak)
            got = self._aligners[(query, drop_weak)] = (qp, QueryAligner(qp.parts), {})
        return got

    def match(self, query: str, candidate: str, drop_weak: bool = True) -> NameMatch:
        qp, aligner, done = self._aligner(query, drop_weak)
        m = done.get(candidate)
        if m is None:
            # Lists repeat a person under one spelling (one NSDC record per decree): scored once.
            lp = parse_name(candidate, drop_weak)
            m = done[candidate] = (_weak_only(qp, lp) if not qp.parts or not lp.parts
                                   else _score_pairs(qp, lp, aligner.align(lp.parts)))
        return m


def _texts(parts: tuple, idx: tuple[int, ...]) -> str:
    return " ".join(parts[i].text for i in idx)


def explain_match(query: str, candidate: str, m: NameMatch, drop_weak: bool = True) -> dict:
    """JSON-ready explanation of a ``NameMatch`` (a fresh dict, safe to modify)."""
    # orjson round trip: a deep copy ~7x cheaper than copy.deepcopy.
    return orjson.loads(orjson.dumps(_explain(query, candidate, m, drop_weak)))


@lru_cache(maxsize=16_384)
def _explain(query: str, candidate: str, m: NameMatch, drop_weak: bool) -> dict:
    # Cached: the same (query, alias) explanation is rebuilt for every request
    # that returns it. Callers get deep copies (see explain_match / to_candidate).
    qp, lp = parse_name(query, drop_weak), parse_name(candidate, drop_weak)
    used_q = {i for p in m.pairs for i in p[P_Q]}
    used_l = {j for p in m.pairs for j in p[P_L]}
    return {
        "aligned": [
            {
                "query": _texts(qp.parts, p[P_Q]),
                "list": _texts(lp.parts, p[P_L]),
                "similarity": _r(p[P_SIM]),
                "match": p[P_KIND],
            }
            for p in m.pairs
        ],
        "unmatched_query": [p.text for i, p in enumerate(qp.parts) if i not in used_q],
        "unmatched_list": [p.text for j, p in enumerate(lp.parts) if j not in used_l],
        "weak_tokens": {"query": list(qp.weak), "list": list(lp.weak)},
        "features": {
            "part_similarity": _r(m.base),
            "missing_list_parts": _r(-m.missing_penalty),
            "initials": _r(-m.initial_penalty),
            "list_coverage": _r(m.coverage),
            "compound_parts": sum(1 for p in m.pairs if p[P_KIND] == COMPOUND),
        },
        "cap": m.cap,
        "exact_key": bool(qp.sorted_key) and qp.sorted_key == lp.sorted_key,
    }


def compare_names(query: str, candidate: str, entity_type: str | None = None) -> NameScore:
    """Similarity of two names in [0, 1] with a reviewer-readable explanation."""
    drop_weak = entity_type != "person"
    m = match_names(query, candidate, drop_weak)
    return NameScore(_r(m.score), explain_match(query, candidate, m, drop_weak))
