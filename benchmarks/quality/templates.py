"""How the generated payment texts phrase a name: grammatical case, Russian
spelling of Ukrainian names, initials, typos, Latin word order, legal forms,
and the payment templates around them (data in ``data/payment_phrases.json``).

Inflection uses pymorphy3 per name part, and only where the analyzer tags the
part as a given name, surname or patronymic: a name it does not know stays in
the nominative, which is what real payment texts do with foreign names too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from random import Random

import pymorphy3

from ai_service.text.dictionaries import json_data
from ai_service.text.translit import name_key

PHRASES: dict = json.loads((Path(__file__).parent / "data" / "payment_phrases.json").read_text(encoding="utf-8"))
CASES = ("nomn", "datv", "gent", "ablt")
_ROLE_TAG = {"surname": "Surn", "given": "Name", "patronymic": "Patr"}
_GENDER_TAG = {"male": "masc", "female": "femn"}
_MALE_PATR = ("ович", "евич", "ьович")
_FEMALE_PATR = ("івна", "ївна", "овна", "евна", "ічна", "ична")
_UK_LETTERS = frozenset("іїєґІЇЄҐ'")
_RU_MAP = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": "ь", "’": "ь"})
_RU_SUFFIXES = (("ський", "ский"), ("цький", "цкий"), ("зький", "зкий"),
                ("ська", "ская"), ("цька", "цкая"), ("зька", "зкая"))
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's name as parts in written order, each with its role."""

    parts: tuple[tuple[str, str], ...]  # (word, surname | given | patronymic | other)
    gender: str | None  # male | female | None when unknown
    lang: str  # uk | ru (the analyzer and spelling the parts are in)

    @property
    def text(self) -> str:
        return " ".join(w for w, _ in self.parts)

    def part(self, role: str) -> str | None:
        return next((w for w, r in self.parts if r == role), None)


@lru_cache(maxsize=2)
def analyzer(lang: str) -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang=lang)


def match_case(model: str, word: str) -> str:
    """``word`` cased like ``model``: all caps stays all caps, else each hyphen part capitalized."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    if not model[:1].isupper():
        return word.lower()
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


def title_name(text: str) -> str:
    """``AL-KA'BI, Sa'd`` -> ``Al-Ka'bi, Sa'd`` (str.title would give ``Ka'Bi``)."""
    return _WORD.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), text)


def patronymic_gender(word: str) -> str | None:
    low = word.lower()
    if low.endswith(_FEMALE_PATR):
        return "female"
    if low.endswith(_MALE_PATR) and len(low) > 6:
        return "male"
    return None


def _given_gender(word: str, lang: str) -> str | None:
    for p in analyzer(lang).parse(word):
        if "Name" in p.tag and p.tag.gender in ("masc", "femn"):
            return "male" if p.tag.gender == "masc" else "female"
    return None


@lru_cache(maxsize=32_768)
def split_cyrillic_person(name: str) -> PersonName | None:
    """``Surname Given [Patronymic]`` (the NSDC order) as a ``PersonName``; None if not that shape."""
    words = name.split()
    if not any("\u0400" <= c <= "\u04ff" for c in name):
        return None
    if not 2 <= len(words) <= 4 or not all(_WORD.fullmatch(w.replace("-", "")) for w in words):
        return None
    lang = "ru" if set(name) & set("ыэъёЫЭЪЁ") else "uk"
    caps = [i for i, w in enumerate(words) if len(w) > 1 and w.isupper()]
    if len(words) >= 3 and patronymic_gender(words[1]) and not patronymic_gender(words[2]):
        roles = ["given", "patronymic", "surname"] + ["other"] * (len(words) - 3)  # Михайло Михайлович ЦАРЬОВ
    elif len(caps) == 1 and caps[0] > 0:  # the one word in capitals is the surname
        roles = ["given"] + ["patronymic" if patronymic_gender(w) else "other" for w in words[1:]]
        roles[caps[0]] = "surname"
    else:
        roles = ["surname", "given"] + ["patronymic" if patronymic_gender(w) else "other" for w in words[2:]]
    patr = next((w for w, r in zip(words, roles) if r == "patronymic"), None)
    given = next(w for w, r in zip(words, roles) if r == "given")
    gender = patronymic_gender(patr) if patr else _given_gender(given, lang)
    return PersonName(tuple(zip(words, roles)), gender, lang)


@lru_cache(maxsize=65_536)
def inflect_word(word: str, role: str, gender: str | None, case: str, lang: str) -> str:
    """``word`` in ``case`` when the analyzer reads it as a name part of that role and gender."""
    tag = _ROLE_TAG.get(role)
    if case == "nomn" or tag is None or gender is None or "-" in word:
        return word
    want = _GENDER_TAG[gender]
    parses = [p for p in analyzer(lang).parse(word) if p.tag.case == "nomn" and p.tag.number != "plur"
              and (p.tag.gender in (want, None) or "Ms-f" in p.tag.grammemes)]
    # The uk dictionary sometimes tags only the inflected forms as Name/Surn/Patr;
    # adjective-type surnames (Білецький) decline as adjectives.
    for accept in (lambda p, f: tag in p.tag or tag in f.tag, lambda p, f: role == "surname" and "ADJF" in p.tag):
        for p in parses:
            form = p.inflect({case})
            if form is not None and accept(p, form):
                return match_case(word, form.word)
    return match_case(word, _rule_inflect(word.lower(), role, gender, case, lang))


def _rule_inflect(low: str, role: str, gender: str, case: str, lang: str) -> str:
    """Regular Slavic surname / patronymic paradigms (``inflection_rules`` in the data file),
    for parts the analyzer only knows as common nouns (ru "Ковриков": genitive plural of "коврик")."""
    rule = PHRASES["inflection_rules"].get(f"{role}/{gender}/{lang}")
    if rule is None or not low.endswith(tuple(rule["endings"])):
        return low
    cut, ending = rule[case]
    return low[: len(low) - cut] + ending


def inflect(person: PersonName, case: str) -> str | None:
    """The name in ``case``; None when no part changes (nothing to test)."""
    words = [inflect_word(w, r, person.gender, case, person.lang) for w, r in person.parts]
    return " ".join(words) if words != [w for w, _ in person.parts] else None


def initials(person: PersonName, rnd: Random, case: str = "nomn") -> str | None:
    """``Петренко О. В.`` / ``О.В. Петренко`` (surname possibly inflected)."""
    surname, given = person.part("surname"), person.part("given")
    if not surname or not given:
        return None
    letters = [given] + [w for w, r in person.parts if r == "patronymic"]
    sep = rnd.choice((" ", ""))
    inits = sep.join(f"{w[0].upper()}." for w in letters)
    surname = inflect_word(surname, "surname", person.gender, case, person.lang)
    return f"{surname} {inits}" if rnd.random() < 0.7 else f"{inits} {surname}"


def with_typo(word: str, rnd: Random) -> str | None:
    """One adjacent swap or one dropped letter, never the first letter."""
    if len(word) < 5:
        return None
    for _ in range(6):
        i = rnd.randrange(1, len(word) - 2)
        out = word[:i] + word[i + 1] + word[i] + word[i + 2:] if rnd.random() < 0.5 else word[:i] + word[i + 1:]
        if name_key(out) != name_key(word):
            return out
    return None


# -- Russian spelling of Ukrainian names -----------------------------------------

@lru_cache(maxsize=1)
def _given_groups() -> tuple[dict[str, str], dict[str, str], dict[str, frozenset[str]]]:
    """(male key -> Russian form, any key -> Russian form, key -> keys of the same name)."""
    raw = json_data("names/name_forms_uk_ru.json")
    male_ru: dict[str, str] = {}
    any_ru: dict[str, str] = {}
    same: dict[str, frozenset[str]] = {}
    for gender in ("male", "female"):
        for group in raw[gender]:
            cyr = [f for f in group[1:] if not f.isascii() and not set(f) & _UK_LETTERS]
            ru = cyr[0] if cyr else ru_letters(group[0])
            keys = frozenset(name_key(f) for f in group)
            for k in keys:
                any_ru.setdefault(k, ru)
                same[k] = same.get(k, frozenset()) | keys
                if gender == "male":
                    male_ru.setdefault(k, ru)
    return male_ru, any_ru, same


def given_equivalents(key: str) -> frozenset[str]:
    """Matching keys of the same given name in uk / ru / Latin (``oleksandr`` -> ``aleksandr`` …)."""
    return _given_groups()[2].get(key, frozenset()) | {key}


def ru_letters(word: str) -> str:
    """Letter-level Ukrainian -> Russian spelling (Хмельницький -> Хмельницкий)."""
    low = word.lower()
    for uk, ru in _RU_SUFFIXES:
        if low.endswith(uk):
            low = low[: -len(uk)] + ru
            break
    else:
        if low.endswith("ий") and len(low) > 3 and low[-3] not in "кгхжшчщц":
            low = low[:-2] + "ый"
    return match_case(word, low.translate(_RU_MAP))


def ru_phrase(text: str) -> str:
    """``ru_letters`` on every word of a phrase (organisation cores keep their quotes)."""
    return _WORD.sub(lambda m: ru_letters(m.group(0)), text)


def ru_given(word: str) -> str:
    return match_case(word, _given_groups()[1].get(name_key(word)) or ru_letters(word))


def ru_patronymic(father: str, gender: str) -> str:
    """Russian patronymic from a Russian given name (Юрий -> Юрьевич, Сергей -> Сергеевна)."""
    f = father.replace("ё", "е")
    male = PHRASES["ru_patronymic_exceptions"].get(f)
    if male is None:
        if f.endswith("ий"):
            base = f[:-2]
            cluster = len(base) > 1 and base[-1] not in "аеиоуяю" and base[-2] not in "аеиоуяю"
            male = base + ("иевич" if cluster else "ьевич")
        elif f.endswith(("ей", "ай")):
            male = f[:-1] + "евич"
        elif f.endswith("ь"):
            male = f[:-1] + "евич"
        elif f.endswith(("а", "я")):
            male = f[:-1] + "ич"
        else:
            male = f + ("евич" if f[-1] in "жшчщц" else "ович")
    if gender == "male":
        return male
    return male[:-2] + "на" if male.endswith("вич") else male[:-2] + "инична"


def ru_patronymic_from_uk(word: str, gender: str) -> str:
    """Валерійович -> Валерьевич, Сергіївна -> Сергеевна, via the father's name."""
    if word.endswith(("ович", "евич")):
        stem = word[:-4]
    elif word.endswith("ївна"):
        stem = word[:-4] + "й"
    elif word.endswith("івна"):
        stem = word[:-4]
    else:
        return ru_letters(word)
    male_ru = _given_groups()[0]
    candidates = (stem, stem + "о", stem + "ь", stem + "а", stem[:-1] if stem.endswith("й") else stem)
    father = next((male_ru[k] for k in map(name_key, candidates) if k in male_ru), None)
    return ru_patronymic(father or ru_letters(stem), gender)


def to_russian(person: PersonName) -> PersonName | None:
    """The Russian spelling of a Ukrainian name; None when the name is not Ukrainian."""
    if person.lang != "uk" or person.gender is None:
        return None
    parts = []
    for w, r in person.parts:
        if r == "given":
            w = ru_given(w)
        elif r == "patronymic":
            w = ru_patronymic_from_uk(w, person.gender)
        else:
            w = ru_letters(w)
        parts.append((w, r))
    return PersonName(tuple(parts), person.gender, "ru")


# -- organisations -----------------------------------------------------------------

def split_org(name: str) -> tuple[str | None, str]:
    """(spelled-out legal form or None, core name) of a listed organisation name."""
    m = re.match(r'\s*([^"«]*?)\s*["«](.+)$', name)
    if m:
        core = m.group(2).strip()
        # One unmatched closing quote ends the core: 'Акцепт" (Телевізійний канал)' -> Акцепт.
        if core.count('"') % 2 == 1:
            core = core[: core.rindex('"')].strip()
        elif core.count("»") > core.count("«"):
            core = core[: core.rindex("»")].strip()
        return (m.group(1) or None), core
    low = name.lower()
    for full, *_ in PHRASES["legal_form_abbr"]:
        if low.startswith(full.lower() + " "):
            return full, name[len(full):].strip()
    return None, name


def legal_abbr(full: str | None) -> tuple[str, str, str] | None:
    """(uk, ru, en) abbreviations of a spelled-out Ukrainian legal form."""
    if full:
        for long, uk, ru, en in PHRASES["legal_form_abbr"]:
            if full.lower() == long.lower():
                return uk, ru, en
    return None


# -- texts ------------------------------------------------------------------------

def dob_phrase(rnd: Random, lang: str, date: str) -> str | None:
    forms = PHRASES["dob_phrases"][lang]
    if len(date) == 10:
        y, m, d = date.split("-")
        return rnd.choice(forms["full"]).format(d=f"{d}.{m}.{y}", iso=date)
    if len(date) == 4:
        return rnd.choice(forms["year"]).format(y=date)
    return None


def id_phrase(lang: str, id_type: str, value: str) -> str:
    return PHRASES["id_phrases"][lang].get(id_type, PHRASES["id_phrases"][lang]["other"]).format(v=value)


def fill(template: str, rnd: Random, lang: str, **slots: str) -> str:
    """A template with invoice numbers, dates and amounts drawn from ``rnd``."""
    values = {
        "inv": str(rnd.randint(1, 9999)),
        "date": f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.{rnd.randint(2022, 2025)}",
        "contract": f"{rnd.randint(1, 999)}/{rnd.randint(1, 12)}-{rnd.randint(22, 25)}",
        "amount": f"{rnd.randint(100, 99_999)},{rnd.randint(0, 99):02d}",
        "month": rnd.choice(PHRASES["months"][lang]),
        "year": str(rnd.randint(2022, 2025)),
        "acct": str(rnd.randint(100_000, 9_999_999)),
        "house": str(rnd.randint(1, 150)),
        "street_uk": rnd.choice(PHRASES["streets"]["uk"]),
        "street_ru": rnd.choice(PHRASES["streets"]["ru"]),
    }
    values.update(slots)
    return template.format(**values)


def person_text(rnd: Random, lang: str, case: str, name: str) -> str:
    return fill(rnd.choice(PHRASES["person"][lang][case]), rnd, lang, name=name).replace(".. ", ". ")


def org_text(rnd: Random, lang: str, org: str) -> str:
    return fill(rnd.choice(PHRASES["organization"][lang]), rnd, lang, org=org)
