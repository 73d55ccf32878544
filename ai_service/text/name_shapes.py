"""Name readings from word shape alone, for names no dictionary knows.

Patronymics (``Вахайовичеві`` → ``Вахайович``) and possessive-type surnames
(``Бобровнікова`` → a woman ``Бобровнікова`` or the genitive of ``Бобровніков``)
decline by a handful of regular endings in Ukrainian and Russian; the analyzer's
predictor sometimes offers only one of the readings, so these rules add the rest.
"""

from __future__ import annotations

import re

# (nominative, gender, cases)
Reading = tuple[str, str, tuple[str, ...]]

_MALE_PATRONYMIC = re.compile(r"^(\w{3,}(?:ович|евич|євич|йович))(|а|у|ові|еві|ем|ом|і|е)$")
_FEMALE_PATRONYMIC = re.compile(r"^(\w{3,}(?:івн|ївн|овн|евн|ичн|інічн))(а|и|і|у|ою|ой|ы|е)$")
_PATRONYMIC_CASES = {"": ("nomn",), "а": ("gent", "accs"), "у": ("datv", "accs"), "ові": ("datv",),
                     "еві": ("datv",), "ем": ("ablt",), "ом": ("ablt",), "і": ("datv", "loct"),
                     "е": ("loct", "voct"), "и": ("gent",), "ою": ("ablt",),
                     "ой": ("gent", "datv", "ablt", "loct"), "ы": ("gent",)}

# Surnames in -ов/-ев/-єв/-ін/-ин (and their feminine -ова/-іна …): ending -> readings.
_SURNAME = re.compile(r"^(\w{2,}(?:ов|ев|єв|ёв|ін|ин|їн|ын))(|а|у|им|ым|ою|ой|ій|ої|ом|і)$")
_SURNAME_READINGS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    # ending: ((gender, nominative suffix, cases), …)
    "": (("male", "", ("nomn",)),),
    "а": (("female", "а", ("nomn",)), ("male", "", ("gent", "accs"))),
    "у": (("male", "", ("datv", "loct")), ("female", "а", ("accs",))),
    "им": (("male", "", ("ablt",)),),
    "ым": (("male", "", ("ablt",)),),
    "ом": (("male", "", ("ablt",)),),
    "ою": (("female", "а", ("ablt",)),),
    "ой": (("female", "а", ("gent", "datv", "ablt", "loct")),),
    "ій": (("female", "а", ("datv", "loct")),),
    "ої": (("female", "а", ("gent",)),),
    # Петіні Ірині (a woman, noun-like declension) or Петрові Івану (a man): the given name decides.
    "і": (("female", "а", ("datv", "loct")), ("male", "", ("datv", "loct"))),
}


# Adjective-type surnames: Ukrainian -ський/-цький/-зький (feminine -ська), Russian -ский/-цкий/-зкий
# (-ская), declined as adjectives (Крушинською = Крушинська, Часовской = Часовская).
_ADJ_SURNAME = re.compile(r"^(\w{2,}(?:ськ|цьк|зьк|ск|цк|зк))(ий|ого|ому|им|ім|ом|а|ая|ої|ой|ій|у|ую|ою)$")
_ADJ_READINGS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    # ending: ((gender, Ukrainian nominative ending, Russian nominative ending, cases), …)
    "ий": (("male", "ий", "ий", ("nomn",)),),
    "ого": (("male", "ий", "ий", ("gent", "accs")),),
    "ому": (("male", "ий", "ий", ("datv", "loct")),),
    "им": (("male", "ий", "ий", ("ablt",)),),
    "ім": (("male", "ий", "ий", ("loct",)),),
    "ом": (("male", "ий", "ий", ("loct",)),),
    "а": (("female", "а", "ая", ("nomn",)),),
    "ая": (("female", "а", "ая", ("nomn",)),),
    "ої": (("female", "а", "ая", ("gent",)),),
    "ой": (("female", "а", "ая", ("gent", "datv", "ablt", "loct")),),
    "ій": (("female", "а", "ая", ("datv", "loct")),),
    "у": (("female", "а", "ая", ("accs",)),),
    "ую": (("female", "а", "ая", ("accs",)),),
    "ою": (("female", "а", "ая", ("ablt",)),),
}


# Masculine surnames on -р / -ль after a vowel decline like Бондар / Коваль: Бондаря, Ковалю,
# Бондарем, Ковалеві (the analyzer's predictor offers no surname there: Кітраря stays Кітраря).
_SOFT_MALE = re.compile(r"^(\w{2,}[аеєиіїоуя](?:р|л))(я|ю|ем|еві|ьом)$")
_SOFT_MALE_CASES = {"я": ("gent", "accs"), "ю": ("datv", "loct"), "ем": ("ablt",), "еві": ("datv", "loct"),
                    "ьом": ("ablt",)}


# Other adjective-type surnames (Бзовий, Колодезний) in the masculine genitive / dative; from an -ін /
# -ов stem also the noun-type surname, which the analyzer sometimes declines so (Топіліному).
_ADJ_OTHER = re.compile(r"^(\w{3,}[бвгґджзклмнпрстфхцчшщ])(ого|ому)$")
_ADJ_OTHER_CASES = {"ого": ("gent", "accs"), "ому": ("datv", "loct")}


def patronymic_by_suffix(word: str) -> Reading | None:
    m = _MALE_PATRONYMIC.match(word)
    if m:
        return m.group(1), "male", _PATRONYMIC_CASES[m.group(2)] + (("nomn",) if not m.group(2) else ())
    m = _FEMALE_PATRONYMIC.match(word)
    if m:
        cases = ("nomn",) if m.group(2) == "а" else _PATRONYMIC_CASES[m.group(2)]
        return m.group(1) + "а", "female", cases
    return None


# Ukrainian masculine dative of consonant-final surnames: Лямінові, Гінерові, Бражнікові.
_MALE_DATIVE = re.compile(r"^(\w{3,}[бвгґджзклмнпрстфхцчшщ])(?:ові|еві|єві)$")


# A woman's surname in the Ukrainian instrumental, whatever its type: Поливянною, Земляною, Шевчуковою
# → Поливянна, Земляна, Шевчукова (the analyzer's predictor offers nothing for many of them).
_FEMALE_INSTRUMENTAL = re.compile(r"^(\w{3,}[^\Wаеєиіїоуюяь])ою$")


def surname_by_suffix(word: str) -> list[Reading]:
    readings: list[Reading] = []
    m = _SOFT_MALE.match(word)
    if m:  # first: Кітрареві is far more often the dative of Кітрар than the locative of Кітрарев
        stem = m.group(1)
        readings.append((stem + "ь" if stem.endswith("л") else stem, "male", _SOFT_MALE_CASES[m.group(2)]))
    dative = _MALE_DATIVE.match(word)
    if dative:  # first: Карамянові is the dative of Карамян; Карамянов's dative is Карамянову
        readings.append((dative.group(1), "male", ("datv",)))
    m = _SURNAME.match(word)
    if m:
        stem, ending = m.group(1), m.group(2)
        readings += [(stem + suffix, gender, ("loct",) if dative and gender == "male" else cases)
                     for gender, suffix, cases in _SURNAME_READINGS[ending]]
    m = _ADJ_SURNAME.match(word)
    if m:
        stem, ending = m.group(1), m.group(2)
        ukrainian = stem.endswith("ьк")
        readings += [(stem + (uk if ukrainian else ru), gender, cases)
                     for gender, uk, ru, cases in _ADJ_READINGS[ending]]
    elif m := _ADJ_OTHER.match(word):
        stem, cases = m.group(1), _ADJ_OTHER_CASES[m.group(2)]
        adjective, noun = (stem + "ий", "male", cases), (stem, "male", cases)
        # -овий is a common adjective-type ending (Луговий, Дубовий), -іний a rare one (Топілін)
        if stem.endswith(("ін", "ин", "їн")):
            readings += [noun, adjective]
        elif stem.endswith(("ов", "ев", "єв")):
            readings += [adjective, noun]
        else:
            readings.append(adjective)
    if not readings and (m := _FEMALE_INSTRUMENTAL.match(word)):
        readings.append((m.group(1) + "а", "female", ("ablt",)))
    return readings


_HUSHING_OR_VELAR = frozenset("гкхжшчщ")


def feminine_adjective(masculine: str, lang: str) -> str | None:
    """The feminine nominative of an adjective from its masculine one, by the regular endings
    (pymorphy's inflect costs ~40 µs a reading): крайній → крайня, мокрий → мокра, крайний → крайняя,
    русский → русская, мокрый → мокрая."""
    stem, ending = masculine[:-2], masculine[-2:]
    if lang == "uk":
        return {"ий": stem + "а", "ій": stem + "я", "їй": stem + "я"}.get(ending)
    if ending in ("ый", "ой"):
        return stem + "ая"
    if ending == "ий":
        return stem + ("ая" if stem[-1:] in _HUSHING_OR_VELAR else "яя")
    return None
