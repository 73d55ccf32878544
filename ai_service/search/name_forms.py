"""UA <-> RU <-> Latin given-name equivalence and patronymic analysis, on matching keys.

``Микола`` and ``Николай`` are the same name in two languages, and
``Олександрович`` / ``Aleksandrovich`` the same patronymic; their keys are too far
apart for edit distance, so the scorer asks this module instead.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from ai_service.text.dictionaries import json_data, mapping
from ai_service.text.translit import name_key


# Patronymic suffixes on matching keys (-ович/-евич/-ovych, -івна/-овна/-ovna,
# -ич/-ична for Ильич / Кузьминична), longest first.
_MALE_SUFFIXES = ("oviq", "eviq", "iq")
_FEMALE_SUFFIXES = ("iniqna", "iqna", "ovna", "evna", "ivna")
# … and the -ович / -івна forms in the other cases (Васильовичу, Валеріївни, Валерьевной): a text
# as written, before normalization, still names the father.
_MALE_INFLECTED = tuple(f"{s}{e}" for s in ("oviq", "eviq") for e in ("evi", "em", "a", "u"))
_FEMALE_INFLECTED = tuple(f"{s}{e}" for s in ("ovn", "evn", "ivn") for e in ("oiu", "oi", "i", "e", "u"))
_VOWELS = "aeiou"


class Patronymic(NamedTuple):
    stem: str  # father's name stem, trailing vowels stripped
    gender: str  # "male" | "female"


def _stem(key: str) -> str:
    return key.rstrip(_VOWELS)


@lru_cache(maxsize=1)
def _groups() -> tuple[dict[str, int], dict[str, int]]:
    """(given-name key -> group id, name stem -> group id), built once."""
    raw = json_data("names/name_forms_uk_ru.json")
    by_key: dict[str, int] = {}
    by_stem: dict[str, int] = {}
    gid = 0
    for gender in ("male", "female"):
        for group in raw[gender]:
            gid += 1
            for form in group:
                key = name_key(form)
                by_key.setdefault(key, gid)
                if gender == "male":  # patronymics derive from male names only
                    by_stem.setdefault(_stem(key), gid)
    return by_key, by_stem


def given_group(key: str) -> int:
    """Group id of a given-name key, 0 when unknown."""
    return _groups()[0].get(key, 0)


@lru_cache(maxsize=1)
def _given_keys() -> frozenset[str]:
    """Keys of the East Slavic given names this project knows: the form groups and the uk / ru
    given-name lists. Not the English list: in Arabic names (ABID HAMID MAHMUD) every word is a
    given name, and one that no list knows must not read as a surname beside known ones."""
    keys = set(_groups()[0])
    for lang in ("uk", "ru"):
        keys.update(name_key(name) for name in mapping(f"names/given_{lang}"))
    return frozenset(keys)


def is_given_name(key: str) -> bool:
    """A known East Slavic given name (Віктор, Тарас; Viktor, Taras too: keys are script-free),
    whether or not it has forms in other languages that need a group (``given_group``)."""
    return key in _given_keys()


@lru_cache(maxsize=1)
def _initials_by_group() -> dict[int, frozenset[str]]:
    out: dict[int, set[str]] = {}
    for key, gid in _groups()[0].items():
        out.setdefault(gid, set()).add(key[:1])
    return {gid: frozenset(v) for gid, v in out.items()}


def group_initials(key: str) -> frozenset[str]:
    """First letters of every form of a given name (Олександр: o, a — Александр writes А.);
    for a patronymic, of the father's name (Олександрович: o, a)."""
    gid = given_group(key)
    if not gid:
        p = patronymic(key)
        gid = patronymic_group(p) if p is not None else 0
    return _initials_by_group().get(gid, frozenset()) if gid else frozenset()


@lru_cache(maxsize=65_536)
def patronymic(key: str) -> Patronymic | None:
    """Stem and gender when ``key`` looks like an East Slavic patronymic."""
    if len(key) < 6:
        return None
    for suffix in _FEMALE_SUFFIXES:
        if key.endswith(suffix):
            return Patronymic(_stem(key[: -len(suffix)]), "female")
    for suffix in _MALE_SUFFIXES:
        if key.endswith(suffix):
            return Patronymic(_stem(key[: -len(suffix)]), "male")
    for suffixes, gender in ((_FEMALE_INFLECTED, "female"), (_MALE_INFLECTED, "male")):
        for suffix in suffixes:
            if key.endswith(suffix):
                return Patronymic(_stem(key[: -len(suffix)]), gender)
    return None


def patronymic_group(p: Patronymic) -> int:
    """Group id of the father's name behind a patronymic, 0 when unknown."""
    return _groups()[1].get(p.stem, 0)


def same_patronymic(a: Patronymic, b: Patronymic) -> bool:
    """Same father's name and gender (Юрійович = Юрьевич = Iurievich)."""
    if a.gender != b.gender:
        return False
    if a.stem == b.stem:
        return True
    ga = patronymic_group(a)
    return ga != 0 and ga == patronymic_group(b)
