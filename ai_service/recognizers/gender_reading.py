"""The other-gender reading of a person's words, where the text allows both.

A woman's name in the nominative is a man's in the genitive or accusative ("від Петренко
Олександра", "за навчання Парамонова О.А."): the signals layer searches both readings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ai_service.pipeline.document import NameForm, NamePart
from ai_service.text.casing import display_case

if TYPE_CHECKING:  # persons.py imports this module
    from ai_service.recognizers.persons import RunItem


def other_gender_reading(parts: list[NamePart], items: list[RunItem], chosen: list[NameForm | None],
                         forms_per_item: list[list[NameForm]], gender: str | None) -> str | None:
    """The name read as the other gender where the words allow both: a woman's name in the nominative
    is a man's in the genitive or accusative ("від Петренко Олександра", "за навчання Парамонова О.А.")."""
    if gender is None:
        return None
    words: list[str] = []
    changed = False
    initials_beside = sum(c is not None for c in chosen) == 1
    for part, item, form, forms in zip(parts, items, chosen, forms_per_item):
        other = None
        if form is not None and form.gender == gender:
            others = [f for f in forms if f.gender and f.gender != gender and f.source in ("morph", "dictionary")]
            other = next((f for f in others if f.cases & _OBLIQUE), None)
            if other is None:
                if _another_surname_as_written(part, item, form, gender, initials_beside):
                    words.append(item.token.text)
                    changed = True
                    continue
                if not any(f.nominative == form.nominative for f in others):  # Петренко: a man's too
                    return None  # Олені: a woman's word only
            elif "nomn" not in form.cases:
                return None  # Іванову Петру: the case the text gives is not the ambiguous one
        if other is not None and other.nominative != form.nominative:
            words.append(display_case(item.token.text, other.nominative, item.token.lang))
            changed = True
        else:
            words.append(part.normalized)
    return " ".join(words) if changed else None


_OBLIQUE = frozenset({"gent", "accs"})  # the cases a man's name shares with a woman's nominative


def _another_surname_as_written(part: NamePart, item: RunItem, form: NameForm, gender: str, initials_beside: bool) -> bool:
    """Бобра Т. В.: beside initials alone a man's consonant-final surname read only in the genitive
    or accusative (Бобер's) may be another surname in the nominative, as written — no given name
    tells which. Петренка is only Петренко's: an -о surname is the same word for a woman."""
    return (initials_beside and gender == "male" and part.role == "surname" and bool(form.cases)
            and form.cases <= _OBLIQUE and form.nominative[-1:] not in _VOWELS
            and item.token.text.lower() != form.nominative)


_VOWELS = frozenset("аеєиіїоуюяёэыaeiouy")
