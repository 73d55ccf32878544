"""Role assignment of a person's words: cached on what it reads, and only on that."""

from __future__ import annotations

from ai_service.pipeline.document import MorphInfo, NameForm, Token
from ai_service.recognizers import persons
from ai_service.recognizers.persons import RunItem, split_run

ALL = frozenset({"nomn", "gent", "datv"})


def reading(role: str, nominative: str, source: str = "morph") -> NameForm:
    return NameForm(role, "male", nominative, ALL, source)


def item(text: str, start: int, *forms: NameForm) -> RunItem:
    token = Token(text, start, start + len(text), "word", "cyrl", "uk",
                  morph=MorphInfo(forms=forms, known_common=False, lemma=text.lower()))
    return RunItem(token, False, token.end)


def petrenko_ivan(start: int) -> list[RunItem]:
    return [item("Петренку", start, reading("surname", "петренко")),
            item("Івану", start + 9, reading("given", "іван"), reading("surname", "іван", "guess"))]


def test_the_same_words_elsewhere_get_the_same_roles_from_the_cache() -> None:
    first = split_run(petrenko_ivan(0))
    hits = persons._assign_keys.cache_info().hits
    again = split_run(petrenko_ivan(500))  # other offsets, other objects: same words and readings
    assert [roles for _, roles in again] == [roles for _, roles in first] == [("surname", "given")]
    assert persons._assign_keys.cache_info().hits > hits


def test_other_readings_of_the_same_words_are_not_taken_from_the_cache() -> None:
    split_run(petrenko_ivan(0))
    # The same text read differently (both only given names): the first becomes a given name, the
    # second a surname by position — not the cached answer for the first readings.
    other = [item("Петренку", 0, reading("given", "петренко")), item("Івану", 9, reading("given", "іван"))]
    assert [roles for _, roles in split_run(other)] == [("given", "surname")]


def test_gender_is_cached_on_readings_and_roles_only() -> None:
    woman = [item("Петренко", 0, NameForm("surname", None, "петренко", ALL, "morph")),
             item("Олені", 9, NameForm("given", "female", "олена", ALL, "morph"))]
    gender, cases = persons.resolve_gender(woman, ("surname", "given"))
    hits = persons._gender_of_readings.cache_info().hits
    assert persons.resolve_gender([item("Петренко", 300, *woman[0].token.morph.forms),
                                   item("Олені", 309, *woman[1].token.morph.forms)], ("surname", "given")) \
        == (gender, cases) == ("female", ALL)
    assert persons._gender_of_readings.cache_info().hits == hits + 1
    man = [woman[0], item("Олені", 9, reading("given", "олень"))]  # other readings, other answer
    assert persons.resolve_gender(man, ("surname", "given"))[0] == "male"


def initial(text: str, start: int) -> RunItem:
    token = Token(text, start, start + 1, "word", "cyrl", "uk", morph=None)
    return RunItem(token, True, start + 2)


def test_a_word_before_initials_is_a_surname_unless_our_dictionaries_know_it_as_a_given_name() -> None:
    # "Кароль А.В.": the analyser knows a rare given name, the register writes a surname there.
    karol = [item("Кароль", 0, reading("given", "кароль")), initial("А", 7), initial("В", 9)]
    assert [roles for _, roles in split_run(karol)] == [("surname", "initial", "initial")]
    # "Олександр В. П.": a common given name stays one (and names nobody in particular).
    oleksandr = [item("Олександр", 0, reading("given", "олександр")), initial("В", 10), initial("П", 13)]
    assert [roles for _, roles in split_run(oleksandr)] == [("given", "initial", "initial")]


def test_lineage_words_are_name_particles() -> None:
    from ai_service.search.weak_tokens import particle_keys

    assert persons._LINEAGE <= particle_keys()
