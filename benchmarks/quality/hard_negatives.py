"""Hard negatives of the payment-text set: texts that must not alert.

Clean payments, invented people, a listed surname with another given name and
patronymic, a listed given name and patronymic with another surname or alone,
look-alike organisations. ``NegativeMaker`` draws each from the project's phrase pools and
checks it against the lists (``ListNames``), so a false alert is the service's
fault, not the generator's.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING

from ai_service.text.translit import name_key
from benchmarks.quality.templates import (
    CASES, PHRASES, PersonName, fill, given_equivalents, inflect, org_text, person_text, split_cyrillic_person,
    title_name, to_russian,
)

if TYPE_CHECKING:
    from ai_service.lists.model import Entity
    from benchmarks.quality.payment_texts import ListNames


def is_latin(text: str) -> bool:
    return all(c < "\u0250" for c in text if c.isalpha())


def latin_alias(e: Entity) -> str | None:
    return next((n for n in e.names[1:] if is_latin(n) and len(n.split()) >= 2), None)


Neg = tuple[str, str] | None  # (text, nominative name)


def _pool(lang: str, key: str, gender: str) -> list[str]:
    people = PHRASES["people"][lang]
    if key == "given":
        return people[gender]
    if key == "patronymic":
        return [pair[gender == "female"] for pair in people["patronymic"]]
    return [pair[gender == "female"] if isinstance(pair, list) else pair for pair in people["surnames"]]


def _phrase_person(rnd: Random, lang: str, parts: list[tuple[str, str]], gender: str) -> str:
    """Text around a Cyrillic name, in the nominative half the time."""
    case = "nomn" if rnd.random() < 0.5 else rnd.choice(CASES[1:])
    person = PersonName(tuple(parts), gender, lang)
    return person_text(rnd, lang, case, inflect(person, case) or person.text if case != "nomn" else person.text)


class NegativeMaker:
    """One method per negative class; each returns (text, name) or None when the
    drawn name turns out to belong to a listed entity (the caller draws again)."""

    def __init__(self, names: ListNames) -> None:
        self.names = names
        self.cyr = [p for p in map(split_cyrillic_person, (e.primary_name for e in names.pools["cyr_person"]))
                    if p is not None and p.lang == "uk" and p.gender and p.part("patronymic")]
        female = tuple(PHRASES["female_surname_endings"])
        self.latin_surnames = [(s, "female" if s.lower().endswith(female) else None)
                               for s in (e.primary_name.split(",")[0].strip() for e in names.pools["latin_person"]
                                         if "," in e.primary_name) if len(s) >= 4]
        self.latin_surnames += [(a.split()[0], p.gender) for e in names.pools["cyr_person"]
                                if (a := latin_alias(e)) and (p := split_cyrillic_person(e.primary_name))
                                and p.parts[0][1] == "surname"]

    def clean(self, rnd: Random, lang: str) -> Neg:
        return fill(rnd.choice(PHRASES["clean"][lang]), rnd, lang), ""

    def invented(self, rnd: Random, lang: str) -> Neg:
        gender = rnd.choice(("male", "female"))
        surname, given = rnd.choice(_pool(lang, "surname", gender)), rnd.choice(_pool(lang, "given", gender))
        if lang == "en":
            middle = f" {rnd.choice('ABCDEFGHJKLMPRSTW')}." if rnd.random() < 0.3 else ""
            return self._latin(rnd, f"{given}{middle} {surname}", surname, given)
        parts = [(surname, "surname"), (given, "given")]
        if rnd.random() < 0.7:
            parts.append((rnd.choice(_pool(lang, "patronymic", gender)), "patronymic"))
        else:
            parts.reverse()
        return self._checked(rnd, lang, parts, gender, surname, given)

    def same_surname(self, rnd: Random, lang: str) -> Neg:
        if lang == "en":
            if not self.latin_surnames:
                return None
            surname, gender = rnd.choice(self.latin_surnames)
            surname = title_name(surname)
            given = rnd.choice(_pool("en", "given", gender or rnd.choice(("male", "female"))))
            return self._latin(rnd, f"{given} {surname if rnd.random() < 0.5 else surname.upper()}", surname, given)
        listed = self._listed(rnd, lang)
        if listed is None:
            return None
        surname, old_given, gender = listed.part("surname"), listed.part("given"), listed.gender
        given = rnd.choice(_pool(lang, "given", gender))
        patr = rnd.choice([p for p in _pool(lang, "patronymic", gender) if p != listed.part("patronymic")])
        if name_key(given) in given_equivalents(name_key(old_given)):
            return None
        return self._checked(rnd, lang, [(surname, "surname"), (given, "given"), (patr, "patronymic")],
                             gender, surname, given)

    def same_given_patronymic(self, rnd: Random, lang: str) -> Neg:
        listed = self._listed(rnd, lang)
        if listed is None:
            return None
        surname, given = rnd.choice(_pool(lang, "surname", listed.gender)), listed.part("given")
        parts = [(surname, "surname"), (given, "given"), (listed.part("patronymic"), "patronymic")]
        return self._checked(rnd, lang, parts, listed.gender, surname, given)

    def given_patronymic_only(self, rnd: Random, lang: str) -> Neg:
        """A listed person's given name and patronymic alone: a form of address (Віктору
        Вікторовичу), naming no one without a surname."""
        listed = self._listed(rnd, lang)
        if listed is None or not listed.part("given") or not listed.part("patronymic"):
            return None
        parts = [(listed.part("given"), "given"), (listed.part("patronymic"), "patronymic")]
        return self._checked(rnd, lang, parts, listed.gender, "", listed.part("given"))

    def org_lookalike(self, rnd: Random, lang: str) -> Neg:
        words = PHRASES["org_words"][lang]
        head, tail = rnd.choice(words["head"]), rnd.choice(words["tail"])
        stem = f"{head} {tail}" if lang == "en" else f"{head}{tail}"
        core = stem + ("" if lang == "en" else rnd.choice(words["extra"]))
        if self.names.org_conflict(stem) or core != stem and self.names.org_conflict(core):
            return None
        form = rnd.choice(PHRASES["legal_forms"][lang])
        org = f"{core} {form}" if lang == "en" else f"{form} «{core}»"
        return org_text(rnd, lang, org), org

    def _listed(self, rnd: Random, lang: str) -> PersonName | None:
        if not self.cyr:
            return None
        p = rnd.choice(self.cyr)
        return to_russian(p) if lang == "ru" else p

    def _latin(self, rnd: Random, full: str, surname: str, given: str) -> Neg:
        return None if self.names.person_conflict(full, surname, given) else (person_text(rnd, "en", "nomn", full), full)

    def _checked(self, rnd: Random, lang: str, parts: list[tuple[str, str]], gender: str, surname: str,
                 given: str) -> Neg:
        full = " ".join(w for w, _ in parts)
        if self.names.person_conflict(full, surname, given):
            return None
        return _phrase_person(rnd, lang, parts, gender), full


NEGATIVE_PLAN: tuple[tuple[str, str, int], ...] = (
    ("clean", "uk", 8), ("clean", "ru", 7), ("clean", "en", 5),
    ("invented", "uk", 9), ("invented", "ru", 9), ("invented", "en", 7),
    ("same_surname", "uk", 9), ("same_surname", "ru", 8), ("same_surname", "en", 8),
    ("same_given_patronymic", "uk", 8), ("same_given_patronymic", "ru", 7),
    ("given_patronymic_only", "uk", 4), ("given_patronymic_only", "ru", 3),
    ("org_lookalike", "uk", 6), ("org_lookalike", "ru", 5), ("org_lookalike", "en", 4),
)


