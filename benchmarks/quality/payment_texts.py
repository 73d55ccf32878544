"""Payment-text quality set (issue 4): generated from the loaded lists, screened
through the whole pipeline, scored as recall and false-alert rate.

Positives put real list persons and organisations into payment descriptions
(uk / ru / en; nominative, inflected, Russian spelling, Latin, initials, typos,
with the listed ID or DOB). Hard negatives must not alert: clean payments,
invented people, a listed surname with another given name and patronymic, a
listed given name and patronymic with another surname, look-alike
organisations. Every negative name is checked against the lists first, so a
false alert is the service's fault, not the generator's.

    report = await evaluate_payment_texts(service, limit=300)
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ai_service.lists.loader import ListsSnapshot
from ai_service.lists.model import Entity
from ai_service.search.base import Candidate
from ai_service.service import ScreeningService
from ai_service.text.dictionaries import json_data
from ai_service.text.translit import key_tokens, name_key, to_cyrillic, to_latin
from benchmarks.quality.hard_negatives import NEGATIVE_PLAN, NegativeMaker, is_latin, latin_alias
from benchmarks.quality.templates import (
    CASES, PHRASES, PersonName, dob_phrase, given_equivalents, id_phrase, inflect, initials, legal_abbr,
    org_text, person_text, ru_phrase, split_cyrillic_person, split_org, title_name, to_russian, with_typo,
)

DEFAULT_POSITIVES = 1_500
DEFAULT_NEGATIVES = 3_000
REPORTED = 25
_SLAVIC = tuple(PHRASES["slavic_endings"])
_VOWELS = str.maketrans("", "", "aeiou")


def _legal_form_keys() -> frozenset[str]:
    """Matching keys of one-word legal forms (ТОВ, ООО, LLC, GmbH …): never part of a core name."""
    words = [v for form in json_data("names/legal_forms.json") for v in (form["abbr"], *form["variants"])]
    words += [w for forms in PHRASES["legal_forms"].values() for w in forms]
    return frozenset(k for k in map(name_key, words) if k and " " not in k)


def _skeleton(key: str) -> str:
    """Consonants only: Мегатрейд and MEGATRADE share ``mhtrd``."""
    return key.replace(" ", "").translate(_VOWELS)


@dataclass(frozen=True, slots=True)
class PaymentCase:
    text: str
    lang: str  # uk | ru | en
    kind: str  # positive | negative
    variant: str  # nominative | inflected | … | clean | invented | same_surname | …
    source: str  # list the entity came from ("" for invented texts)
    expected: tuple[tuple[str, str], ...]  # (list, entity_id); any of them counts as found
    name: str  # the name as phrased (positives) or in the nominative (negatives)


class ListNames:
    """What generation needs from a snapshot: entity pools by style and name checks."""

    def __init__(self, snapshot: ListsSnapshot) -> None:
        self.keys: set[str] = set()
        self.legal_forms = _legal_form_keys()
        partners: dict[str, set[str]] = defaultdict(set)
        cores: dict[str, None] = {}  # ordered set
        twins: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.pools: dict[str, list[Entity]] = {s: [] for s in ("cyr_person", "latin_person", "cyr_org", "latin_org")}
        self._near: dict[str, list[str]] = {}
        for e in snapshot.entities():
            for n in (*e.names, *e.weak_names):
                toks = key_tokens(n)
                self.keys.update((" ".join(toks), " ".join(sorted(toks))))
                if e.entity_type == "person":
                    for t in toks:
                        partners[t].update(toks)
                elif e.entity_type == "organization":
                    cores[self.core_key(split_org(n)[1])] = None
            twins[(e.list, self.entity_key(e))].append(e.entity_id)
            style = _style(e)
            if style:
                self.pools[style].append(e)
        self.partners = {t: [p for p in ps if p != t] for t, ps in partners.items()}
        self.vocabulary = list(self.partners)
        self.cores = [c for c in cores if c]
        self.skeletons = {sk for sk in map(_skeleton, self.cores) if len(sk) >= 4}
        self.compact_cores = sorted({c.replace(" ", "") for c in self.cores} - {""}, key=len)
        self.compact_cores = [c for c in self.compact_cores if len(c) >= 6]
        self.core_sets: dict[str, list[frozenset[str]]] = defaultdict(list)
        for core in self.cores:
            for t in set(core.split()):
                self.core_sets[t].append(frozenset(core.split()))
        self.twins = {k: tuple(v) for k, v in twins.items()}

    def core_key(self, core: str) -> str:
        return " ".join(t for t in key_tokens(core) if t not in self.legal_forms)

    def entity_key(self, e: Entity) -> str:
        """Persons by full name; organisations by core name (texts often drop the legal form)."""
        if e.entity_type == "organization":
            return self.core_key(split_org(e.primary_name)[1])
        return name_key(e.primary_name)

    def expected(self, e: Entity) -> tuple[tuple[str, str], ...]:
        """The entity and its same-named twins in the same list (the service cannot tell them apart)."""
        return tuple((e.list, i) for i in self.twins[(e.list, self.entity_key(e))])

    def _near_given(self, key: str) -> list[str]:
        """Listed name words equal to this given name in any language, or one letter off (Олександр/-а)."""
        near = self._near.get(key)
        if near is None:
            near = sorted({m for g in given_equivalents(key) for m, _, _ in process.extract(
                g, self.vocabulary, scorer=Levenshtein.normalized_similarity, score_cutoff=0.85, limit=None)})
            self._near[key] = near
        return near

    def person_conflict(self, full: str, surname: str, given: str) -> bool:
        """True when a listed person has this name, or this surname (±typo) with this given name."""
        toks = key_tokens(full)
        if " ".join(toks) in self.keys or " ".join(sorted(toks)) in self.keys:
            return True
        for g in self._near_given(name_key(given)):
            near = self.partners.get(g)
            if near and any(process.extractOne(s, near, scorer=Levenshtein.normalized_similarity, score_cutoff=0.75)
                            for s in key_tokens(surname)):
                return True
        return False

    def org_conflict(self, core: str) -> bool:
        """True when a listed organisation has this core, a near spelling of it, or a word subset of it."""
        key = self.core_key(core)
        toks, compact = frozenset(key.split()), key.replace(" ", "")
        if key in self.keys or _skeleton(key) in self.skeletons:
            return True
        if any(c <= toks or toks <= c for t in toks for c in self.core_sets.get(t, ())):
            return True
        # One contains the other: Транслогистик Холдинг ⊃ TRANS LOGISTIK, Трансторг ⊂ Нео-Транс-Торг.
        if any(c in compact or len(compact) >= 6 and compact in c for c in self.compact_cores):
            return True
        return process.extractOne(key, self.cores, scorer=fuzz.ratio, score_cutoff=80) is not None


def _style(e: Entity) -> str | None:
    name = e.primary_name
    if e.entity_type == "organization" and name:
        return "latin_org" if is_latin(name) else "cyr_org"
    if e.entity_type != "person":
        return None
    if is_latin(name):
        return "latin_person" if 2 <= len(name.replace(",", " ").split()) <= 6 else None
    return "cyr_person" if split_cyrillic_person(name) else None


def _latin_forms(e: Entity) -> list[str]:
    """[as listed, reordered…]: ``LAST, First`` -> ``First Last``; NSDC/UN orders swapped."""
    if is_latin(e.primary_name):
        name, surname_first = e.primary_name, False
    else:
        name, surname_first = latin_alias(e), True
        if name is None:
            return []
    if "," in name:
        last, first = (s.strip() for s in name.split(",", 1))
        return [name, f"{title_name(first)} {last.upper()}", title_name(f"{first} {last}")]
    t = name.split()
    if surname_first:  # NSDC alias: the words of the Cyrillic name, in its order
        roles = [r for _, r in split_cyrillic_person(e.primary_name).parts]
        s, g = (t[roles.index(r)] if len(roles) == len(t) else t[i] for r, i in (("surname", 0), ("given", 1)))
        return [title_name(name), title_name(f"{g} {s}"), f"{title_name(g)} {s.upper()}"]
    return [name, f"{t[-1].upper()} {title_name(' '.join(t[:-1]))}", title_name(f"{t[-1]} {' '.join(t[:-1])}")]


def _person(e: Entity, lang: str) -> PersonName | None:
    p = split_cyrillic_person(e.primary_name)
    if p is not None and lang == "ru" and p.lang == "uk":
        p = to_russian(p)
    return p if p is not None and p.lang == lang else None


def _name_in(e: Entity, rnd: Random, lang: str, case: str = "nomn") -> str | None:
    """The entity's name as a payment in ``lang`` would write it (Latin forms for en)."""
    if lang == "en":
        forms = _latin_forms(e)
        return rnd.choice(forms) if forms else None
    p = _person(e, lang)
    return None if p is None else p.text if case == "nomn" else inflect(p, case)


def _org_in(e: Entity, rnd: Random, lang: str) -> str:
    """The organisation as a payment in ``lang`` writes it. Only a quoted proper name
    with a known legal form is respelled (ru) or romanized (en); a descriptive name
    (a ministry, a university) would come out as nonsense, so it stays as listed."""
    name = e.primary_name
    legal, core = split_org(name)
    abbr = legal_abbr(legal)
    if is_latin(name) or abbr is None or lang == "uk" and rnd.random() < 0.4:
        return name
    if lang == "uk":
        return f"{abbr[0]} «{core}»"
    if lang == "ru":
        return f"{abbr[1]} «{ru_phrase(core)}»"
    latin = title_name(to_latin(core.replace('"', ""), "uk"))
    return f"{latin} {abbr[2]}"


# -- positives: (variant, style, weight, pool filter, maker) ------------------------

Made = tuple[str, str, str] | None  # (text, lang, phrased name)


def _text(rnd: Random, lang: str, case: str, name: str | None, extra: str = "") -> Made:
    return None if not name else (person_text(rnd, lang, case, name + extra), lang, name)


def _nominative(e: Entity, rnd: Random) -> Made:
    lang = "en" if is_latin(e.primary_name) else split_cyrillic_person(e.primary_name).lang
    return _text(rnd, lang, "nomn", e.primary_name if lang == "en" else _name_in(e, rnd, lang))


def _inflected(lang: str) -> Callable[[Entity, Random], Made]:
    def make(e: Entity, rnd: Random) -> Made:
        case = rnd.choice(CASES[1:])
        return _text(rnd, lang, case, _name_in(e, rnd, lang, case))
    return make


def _ru_spelling(e: Entity, rnd: Random) -> Made:
    p = split_cyrillic_person(e.primary_name)
    return _text(rnd, "ru", "nomn", _name_in(e, rnd, "ru")) if p and p.lang == "uk" else None


def _translit(e: Entity, rnd: Random) -> Made:
    if not is_latin(e.primary_name):
        return _text(rnd, "en", "nomn", _name_in(e, rnd, "en"))
    # A Cyrillic payment to a Latin-listed Slavic name, written the Russian way in either language.
    return _text(rnd, rnd.choice(("uk", "ru")), "nomn", to_cyrillic(_latin_forms(e)[2], "ru"))


def _reordered(e: Entity, rnd: Random) -> Made:
    return _text(rnd, "en", "nomn", rnd.choice(_latin_forms(e)[1:]))


def _initials(e: Entity, rnd: Random) -> Made:
    lang, case = rnd.choice(("uk", "uk", "ru")), rnd.choice(("nomn", "nomn", "datv", "gent"))
    p = _person(e, lang)
    return _text(rnd, lang, case, initials(p, rnd, case) if p else None)


def _typo(e: Entity, rnd: Random) -> Made:
    lang = "en" if is_latin(e.primary_name) else rnd.choice(("uk", "ru", "en"))
    name = _name_in(e, rnd, lang)
    p = _person(e, lang)
    words = (name or "").replace(",", " ").split()
    caps = [w for w in words if len(w) > 1 and w.isupper()]  # the surname in LAST, First / First LAST
    target = p.part("surname") if p else max(caps or words, key=len, default="")
    typo = with_typo(target, rnd) if target else None
    return _text(rnd, lang, "nomn", name.replace(target, typo, 1) if typo else None)


def _evidence(kind: str) -> Callable[[Entity, Random], Made]:
    def make(e: Entity, rnd: Random) -> Made:
        if e.entity_type == "organization":
            lang = _org_lang(e, rnd)
        else:
            lang = "en" if is_latin(e.primary_name) else rnd.choice(("uk", "ru", "en"))
        if kind == "id":
            ident = rnd.choice(e.ids)
            extra = id_phrase(lang, ident.type, ident.value)
        else:
            extra = dob_phrase(rnd, lang, e.birth_dates[0])
        if e.entity_type == "organization":
            org = _org_in(e, rnd, lang)
            return org_text(rnd, lang, f"{org}, {extra}"), lang, org
        case = "nomn" if lang == "en" or rnd.random() < 0.5 else rnd.choice(CASES[1:])
        return _text(rnd, lang, case, _name_in(e, rnd, lang, case), f", {extra}" if extra else "")
    return make


def _org_lang(e: Entity, rnd: Random) -> str:
    if is_latin(e.primary_name):
        return rnd.choice(("en",) * 8 + ("uk", "ru"))
    # Only a quoted name with a known legal form is respelled in ru / en.
    return rnd.choice(("uk", "uk", "ru", "en")) if legal_abbr(split_org(e.primary_name)[0]) else "uk"


def _org(e: Entity, rnd: Random) -> Made:
    lang = _org_lang(e, rnd)
    org = _org_in(e, rnd, lang)
    return org_text(rnd, lang, org), lang, org


def _has_dob(e: Entity) -> bool:
    return bool(e.birth_dates) and len(e.birth_dates[0]) in (4, 10)


def _slavic(e: Entity) -> bool:
    """A Latin-listed name a Ukrainian or Russian payment would write in Cyrillic (surname -ov, -enko, -sky…)."""
    name = e.primary_name
    surname = name.split(",")[0] if "," in name else name.split()[-1]
    return "," in name and surname.lower().endswith(_SLAVIC)


_ANY: Callable[[Entity], bool] = lambda e: True  # noqa: E731
POSITIVE_PLAN: tuple[tuple[str, str, int, Callable[[Entity], bool], Callable[[Entity, Random], Made]], ...] = (
    ("inflected", "cyr_person", 5, _ANY, _inflected("uk")),
    ("inflected", "cyr_person", 4, _ANY, _inflected("ru")),
    ("ru_spelling", "cyr_person", 4, _ANY, _ru_spelling),
    ("translit", "cyr_person", 5, latin_alias, _translit),
    ("initials", "cyr_person", 5, _ANY, _initials),
    ("typo", "cyr_person", 6, _ANY, _typo),
    ("with_id", "cyr_person", 6, lambda e: bool(e.ids), _evidence("id")),
    ("with_dob", "cyr_person", 5, _has_dob, _evidence("dob")),
    ("nominative", "cyr_person", 5, _ANY, _nominative),
    ("reordered", "latin_person", 7, _ANY, _reordered),
    ("translit", "latin_person", 3, _slavic, _translit),
    ("typo", "latin_person", 5, _ANY, _typo),
    ("with_dob", "latin_person", 5, _has_dob, _evidence("dob")),
    ("with_id", "latin_person", 3, lambda e: bool(e.ids), _evidence("id")),
    ("nominative", "latin_person", 6, _ANY, _nominative),
    ("with_id", "cyr_org", 3, lambda e: bool(e.ids), _evidence("id")),
    ("with_id", "latin_org", 1, lambda e: bool(e.ids), _evidence("id")),
    ("org", "cyr_org", 12, _ANY, _org),
    ("org", "latin_org", 10, _ANY, _org),
)


# -- generation ---------------------------------------------------------------------

def _apportion(total: int, weights: list[int]) -> list[int]:
    """Integer counts proportional to ``weights`` summing to ``total`` (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: counts[i] - raw[i])[: total - sum(counts)]:
        counts[i] += 1
    return counts


def generate_payment_cases(snapshot: ListsSnapshot, *, positives: int = DEFAULT_POSITIVES,
                           negatives: int = DEFAULT_NEGATIVES, seed: int = 7,
                           names: ListNames | None = None) -> list[PaymentCase]:
    """The set, deterministic for a snapshot and seed; a plan entry that cannot be
    filled (an empty pool on a small list) passes its share on to the next one."""
    rnd = Random(seed)
    names = names or ListNames(snapshot)
    cases: list[PaymentCase] = []
    plan = [(v, [e for e in names.pools[s] if keep(e)], make) for v, s, _, keep, make in POSITIVE_PLAN]
    weights = [w for (_, s, w, _, _) in POSITIVE_PLAN]
    live = [i for i, (_, pool, _) in enumerate(plan) if pool]
    carry = 0
    for i, n in zip(live, _apportion(positives, [weights[i] for i in live]) if live else []):
        variant, pool, make = plan[i]
        n, made, order = n + carry, 0, rnd.sample(range(len(pool)), len(pool))
        for attempt in range(max(6 * n, 2 * len(pool)) if n else 0):
            e = pool[order[attempt % len(order)]]
            out = make(e, rnd)
            if out is not None:
                cases.append(PaymentCase(out[0], out[1], "positive", variant, e.list, names.expected(e), out[2]))
                made += 1
                if made == n:
                    break
        carry = n - made
    maker = NegativeMaker(names)
    carry = 0
    for (variant, lang, _), n in zip(NEGATIVE_PLAN, _apportion(negatives, [w for *_, w in NEGATIVE_PLAN])):
        n, made = n + carry, 0
        for _ in range(12 * n):
            if made == n:
                break
            out = getattr(maker, variant)(rnd, lang)
            if out is not None:
                cases.append(PaymentCase(out[0], lang, "negative", variant, "", (), out[1]))
                made += 1
        carry = n - made
    rnd.shuffle(cases)
    return cases


# -- evaluation ---------------------------------------------------------------------

def _ms_summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    if not ordered:
        return {}
    return {"mean": round(1000 * sum(ordered) / len(ordered), 3), "p50": round(1000 * ordered[len(ordered) // 2], 3),
            "p95": round(1000 * ordered[int(len(ordered) * 0.95)], 3)}


def _rate(hits: int, n: int) -> float:
    return round(hits / n, 4) if n else 0.0


def _by(cases: list[tuple[PaymentCase, bool]], field: str) -> dict[str, dict]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for case, ok in cases:
        groups[getattr(case, field)].append(ok)
    return {k: {"n": len(v), "rate": _rate(sum(v), len(v))} for k, v in sorted(groups.items())}


def _hit(m: Candidate) -> dict:
    e = m.entity
    return {"list": e.list, "entity_id": e.entity_id, "name": e.primary_name, "score": round(m.score, 4)}


def payment_cases(service: ScreeningService, *, limit: int | None = None, seed: int = 7) -> list[PaymentCase]:
    """The generated set for ``service``'s lists: ``limit`` texts, a third positives (default sizes without)."""
    if service.generation is None:
        raise RuntimeError("the service has no lists loaded")
    pos, neg = (DEFAULT_POSITIVES, DEFAULT_NEGATIVES) if limit is None else (limit // 3, limit - limit // 3)
    return generate_payment_cases(service.generation.snapshot, positives=pos, negatives=neg, seed=seed)


async def evaluate_payment_texts(service: ScreeningService, *, limit: int | None = None, seed: int = 7,
                                 rewrite: Callable[[str], str] | None = None,
                                 cases: list[PaymentCase] | None = None) -> dict:
    """Screen the generated set through ``service.pipeline``; recall and false alerts.

    ``rewrite`` changes every text's writing before screening (``robustness.py``: all
    capitals, lower case, no punctuation) — the names and the expected matches stay.
    ``cases`` (from ``payment_cases``) screens an already generated set.

    ``limit`` caps the number of texts (a third positives, two thirds negatives).
    A positive is found when the risk is medium or high and its entity (or a
    same-named twin in that list) is among the matches with a score at or above
    the medium band; a negative is a false alert when the risk is medium or high.
    """
    if service.generation is None:
        raise RuntimeError("the service has no lists loaded")
    started = time.perf_counter()
    if cases is None:
        cases = payment_cases(service, limit=limit, seed=seed)
    generated = time.perf_counter()
    medium = service.settings.risk_medium
    found: list[tuple[PaymentCase, bool]] = []
    alerted: list[tuple[PaymentCase, bool]] = []
    high = 0
    misses: list[dict] = []
    false_alerts: list[dict] = []
    search_seconds: list[float] = []
    for case in cases:
        doc = await service.pipeline.process(case.text if rewrite is None else rewrite(case.text))
        search_seconds.append(getattr(doc, "timings", {}).get("search", 0.0))
        risk = doc.decision.get("risk", "clear")
        alert = risk in ("medium", "high")
        if case.kind == "positive":
            ok = alert and any((m.entity.list, m.entity.entity_id) in case.expected and m.score >= medium
                               for m in doc.matches)
            found.append((case, ok))
            if not ok and len(misses) < REPORTED:
                misses.append({"text": case.text, "variant": case.variant, "lang": case.lang, "name": case.name,
                               "expected": ":".join(case.expected[0]), "risk": risk,
                               "got": [_hit(m) for m in doc.matches[:3]]})
            continue
        alerted.append((case, alert))
        high += risk == "high"
        if alert:
            top = doc.matches[0] if doc.matches else None
            false_alerts.append({"text": case.text, "variant": case.variant, "lang": case.lang, "risk": risk,
                                 "score": round(top.score, 4) if top else 0.0, "matched": _hit(top) if top else None})
    screened = time.perf_counter()
    false_alerts.sort(key=lambda f: -f["score"])  # the top offenders first
    return {
        "positives": len(found), "negatives": len(alerted), "seed": seed,
        "recall": _rate(sum(ok for _, ok in found), len(found)),
        "recall_by_class": {f: _by(found, f) for f in ("lang", "variant", "source")},
        "false_alert_rate": _rate(sum(a for _, a in alerted), len(alerted)),
        "false_alert_rate_high": _rate(high, len(alerted)),
        "false_alert_by_class": {f: _by(alerted, f) for f in ("lang", "variant")},
        "misses": misses, "false_alerts": false_alerts[:REPORTED],
        "generation_seconds": round(generated - started, 3),
        "screening_ms_per_text": round((screened - generated) * 1000 / max(len(cases), 1), 3),
        # The search layer alone (all names and identifiers of a text), in the order the texts came.
        "search_layer_ms": _ms_summary(search_seconds),
        "seconds": round(screened - started, 3),
    }
