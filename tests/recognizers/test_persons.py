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
