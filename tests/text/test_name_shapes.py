"""Name readings from word shape (ai_service/text/name_shapes.py), for names no dictionary knows."""

from __future__ import annotations

import pytest

from ai_service.text.name_shapes import feminine_adjective, patronymic_by_suffix, surname_by_suffix


@pytest.mark.parametrize(("word", "reading"), [
    ("Бобровнікова", ("Бобровнікова", "female", ("nomn",))),
    ("Бобровнікова", ("Бобровніков", "male", ("gent", "accs"))),
    ("Лямінові", ("Лямін", "male", ("datv",))),
    ("Поливянною", ("Поливянна", "female", ("ablt",))),  # a woman's surname of any type in the instrumental
    # adjective-type surnames decline as adjectives, in Ukrainian and in Russian
    ("Крушинською", ("Крушинська", "female", ("ablt",))),
    ("Собещанській", ("Собещанська", "female", ("datv", "loct"))),
    ("Хмельницького", ("Хмельницький", "male", ("gent", "accs"))),
    ("Часовской", ("Часовская", "female", ("gent", "datv", "ablt", "loct"))),
    ("Бродскому", ("Бродский", "male", ("datv", "loct"))),
    # masculine -р / -ль after a vowel, as Бондар / Коваль decline
    ("Кітраря", ("Кітрар", "male", ("gent", "accs"))),
    ("Кітрарем", ("Кітрар", "male", ("ablt",))),
    ("Москалю", ("Москаль", "male", ("datv", "loct"))),
    # other adjective-type surnames in the masculine genitive / dative
    ("Колодезного", ("Колодезний", "male", ("gent", "accs"))),
    ("Бзовому", ("Бзовий", "male", ("datv", "loct"))),
    ("Топіліному", ("Топілін", "male", ("datv", "loct"))),  # as the analyzer declines Топілін
])
def test_surname_readings(word: str, reading: tuple) -> None:
    assert reading in surname_by_suffix(word)


def test_the_likelier_reading_comes_first() -> None:
    # the case agreement ties them; the first one wins
    assert surname_by_suffix("Кітрареві")[0] == ("Кітрар", "male", ("datv", "loct"))  # not Кітрарев
    # the dative of a man's -ов surname ends in -ову: Карамянові is Карамян's dative, Карамянов's locative
    assert surname_by_suffix("Карамянові")[0] == ("Карамян", "male", ("datv",))
    assert ("Карамянов", "male", ("loct",)) in surname_by_suffix("Карамянові")
    assert surname_by_suffix("Топіліному")[0][0] == "Топілін"  # -іний is rare
    assert surname_by_suffix("Луговому")[0][0] == "Луговий"  # -овий is common


def test_words_of_no_surname_shape_have_no_reading() -> None:
    assert surname_by_suffix("Оплата") == []
    assert surname_by_suffix("ськ") == []  # an ending alone is no surname
    assert surname_by_suffix("Маря") == []  # too short a stem for the -р / -ль rule
    assert surname_by_suffix("Ткаченка") == []  # left to the analyzer, which knows -енко


def test_patronymic_readings() -> None:
    assert patronymic_by_suffix("Вахайовичеві") == ("Вахайович", "male", ("datv",))
    assert patronymic_by_suffix("Юріївною") == ("Юріївна", "female", ("ablt",))


@pytest.mark.parametrize("masculine,lang,feminine", [
    ("крайній", "uk", "крайня"), ("мокрий", "uk", "мокра"),
    ("крайний", "ru", "крайняя"), ("мокрый", "ru", "мокрая"), ("русский", "ru", "русская"),
    ("большой", "ru", "большая"), ("хороший", "ru", "хорошая"),
    ("петров", "ru", None),  # no adjective ending: no reading
])
def test_feminine_adjective_from_the_masculine(masculine, lang, feminine):
    # an adjective surname in a woman's oblique case is searched in her nominative (Мокрой → Мокрая)
    assert feminine_adjective(masculine, lang) == feminine
