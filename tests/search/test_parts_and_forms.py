"""Name parts, weak tokens, particles, name forms and part alignment."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_service.search import name_forms, weak_tokens
from ai_service.search.align import align, part_similarity
from ai_service.search.name_match import compare_names
from ai_service.search.parts import INITIAL, NAME, PARTICLE, PATRONYMIC, initial_keys, parse_name
from ai_service.text.translit import name_key


def kinds(text: str, drop_weak: bool = True) -> list[tuple[str, int]]:
    return [(p.text, p.kind) for p in parse_name(text, drop_weak).parts]


def test_initials_are_detected() -> None:
    assert kinds("Петренко О. В.") == [("Петренко", NAME), ("О", INITIAL), ("В", INITIAL)]
    assert kinds("Petrenko O.V.") == [("Petrenko", NAME), ("O", INITIAL), ("V", INITIAL)]
    assert kinds("Yu. Ivanov")[0] == ("Yu", INITIAL)
    assert kinds("CO. Alfa") == [("Alfa", NAME)]  # "CO." is a legal form, not an initial


def test_patronymic_and_particles() -> None:
    assert kinds("Іван Петрович")[1] == ("Петрович", PATRONYMIC)
    assert kinds("Abu Bakr al-Baghdadi")[2] == ("al", PARTICLE)


def test_weak_tokens_and_phrases_are_removed_for_organisations() -> None:
    p = parse_name("Товариство з обмеженою відповідальністю «Укрспецторг»")
    assert [x.text for x in p.parts] == ["Укрспецторг"]
    assert "Товариство" in p.weak
    p = parse_name("Société à responsabilité limitée ALPHA")
    assert [x.text for x in p.parts] == ["ALPHA"]
    # a persons' parse keeps everything
    assert [x.text for x in parse_name("Bank Ivan", drop_weak=False).parts] == ["Bank", "Ivan"]


def test_sorted_key_is_order_insensitive() -> None:
    assert parse_name("Петренко Олександр").sorted_key == parse_name("Oleksandr PETRENKO").sorted_key


def test_weak_keys_include_core_and_dictionary() -> None:
    keys = weak_tokens.weak_keys()
    assert {"tov", "ltd", "bank"} <= keys
    assert name_key("Ivan") not in keys
    # a generic head noun is generic in every case form: "Банку Росія" is Bank Rossiya
    assert {name_key(w) for w in ("Банку", "Банком", "Банка")} <= keys
    assert name_key("Університету") not in keys  # other heads stay part of the name
    # ... also where one dictionary entry lists many head nouns (English: bank, ministry, university)
    assert {name_key(w) for w in ("Ministry", "University", "Police", "Інститьют")}.isdisjoint(keys)
    assert {name_key(w) for w in ("Компанії", "компаніями", "Гроуп")} <= keys


def test_given_name_groups_and_patronymics() -> None:
    assert name_forms.given_group(name_key("Микола")) == name_forms.given_group(name_key("Николай")) != 0
    assert name_forms.given_group(name_key("Олена")) != name_forms.given_group(name_key("Олег"))
    a = name_forms.patronymic(name_key("Олександрович"))
    b = name_forms.patronymic(name_key("Aleksandrovich"))
    f = name_forms.patronymic(name_key("Олександрівна"))
    assert a and b and f
    assert name_forms.same_patronymic(a, b) and not name_forms.same_patronymic(a, f)
    assert name_forms.patronymic(name_key("Петренко")) is None


@pytest.mark.parametrize("word,stem,gender", [
    ("Васильовичу", "vasil", "male"), ("Васильовичеві", "vasil", "male"), ("Васильевичем", "vasil", "male"),
    ("Валеріївни", "valer", "female"), ("Валерьевной", "valer", "female"), ("Іванівну", "ivan", "female"),
])
def test_a_patronymic_in_another_case_names_the_same_father(word: str, stem: str, gender: str) -> None:
    assert name_forms.patronymic(name_key(word)) == (stem, gender)
    assert name_forms.patronymic(name_key("Петрова")) is None and name_forms.patronymic(name_key("Сталіна")) is None


def test_part_similarity_kinds() -> None:
    def sim(a: str, b: str) -> tuple[float, str]:
        return part_similarity(parse_name(a).parts[0], parse_name(b).parts[0])

    assert sim("Петренко", "Petrenko") == (1.0, "exact")
    assert sim("О.", "Олександр") == (0.9, "initial")
    assert sim("Микола", "Nikolai") == (0.95, "name_form")
    assert sim("Ivanov", "Ivanova")[0] == 0.7
    assert sim("Medvedchuk", "Medvedev")[0] < 0.6
    assert sim("Kovrikov", "Kovrokov")[0] > 0.85


def test_alignment_is_one_to_one_and_finds_compounds() -> None:
    pairs = align(parse_name("Ivan Ivan").parts, parse_name("Ivan Petrov").parts)
    assert len(pairs) == 1
    pairs = align(parse_name("Abubakr").parts, parse_name("Abu Bakr").parts)
    assert pairs[0][1] == (0, 1) and pairs[0][3] == "compound"


def test_the_surname_a_comma_marks_is_no_patronymic() -> None:
    # -ich / -ovic end Slavic patronymics and also many surnames (Waraich, Milosevic, Babich).
    listed = parse_name("WARAICH, Choudry Ikram")
    assert listed.parts[0].kind == NAME and listed.surname_parts == 1
    assert parse_name("IVANOV, Ivan Petrovich").parts[2].kind == PATRONYMIC
    assert compare_names("Choudry Ikram Warach", "WARAICH, Choudry Ikram", "person").score >= 0.9


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Иванов", "А.", "Ю.", "J", "Yu.", "S.A.", "Petro", "o.", "ТОВ", "bin", "Ch."]),
                max_size=6))
def test_initial_keys_answers_what_the_parse_does(words: list[str]) -> None:
    # A name without an initial-looking word skips the parse; the answer must not change.
    text = " ".join(words)
    assert initial_keys(text) == frozenset(p.key for p in parse_name(text).parts if p.kind == INITIAL)


def test_initial_keys_of_names() -> None:
    assert initial_keys("Иванов А.Ю.") == {"a", "iu"}
    assert initial_keys("Petrenko Oleksandr Vasyliovych") == frozenset()
    assert initial_keys("Acme S.A.") == frozenset()  # dotted letters of a legal form are no initials
