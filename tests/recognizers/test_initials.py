"""Initials as payment texts write them (ai_service/recognizers/initials.py)."""

from __future__ import annotations

import re

from ai_service.pipeline.document import MorphInfo, NameForm, Token
from ai_service.recognizers.initials import find_initials

SURNAME = MorphInfo(forms=(NameForm("surname", None, "x", frozenset({"nomn"}), "morph"),), known_common=False, lemma="x")


def _tokens(text: str, surnames: set[str] = frozenset(), context: dict[str, str] | None = None) -> list[Token]:
    out = []
    for m in re.finditer(r"\w+|[^\w\s]", text):
        word = m.group()
        kind = "word" if word.isalpha() else "number" if word.isdigit() else "punct"
        morph = SURNAME if word in surnames else None
        out.append(Token(word, m.start(), m.end(), kind, "cyrl", context=(context or {}).get(word), morph=morph))
    return out


def _letters(tokens: list[Token], found: dict[int, int]) -> list[str]:
    return [tokens[k].text for k in sorted(found)]


def test_dotted_capitals_and_compound_initials() -> None:
    toks = _tokens("Петренко О. Ж.-Б.", {"Петренко"})
    found = find_initials(toks, caseless=False)
    assert found[1] == 3  # О.
    assert found[3] == len(toks)  # Ж.-Б. is one initial, read to its last dot


def test_lower_case_initials_need_a_surname_beside_them() -> None:
    toks = _tokens("соловйов с. а. повернення", {"соловйов"})
    assert _letters(toks, find_initials(toks, caseless=True)) == ["с", "а"]
    abbreviations = _tokens("м. київ 2024 р. в т.ч. пдв")
    assert find_initials(abbreviations, caseless=True) == {}
    # In a normally written text a lower-case letter with a dot is never an initial.
    assert find_initials(_tokens("Оплата соловйов с. а.", {"соловйов"}), caseless=False) == {}


def test_dotless_capitals_beside_a_capitalised_name() -> None:
    toks = _tokens("Соловйов С А повернення", {"Соловйов"})
    assert _letters(toks, find_initials(toks, caseless=False)) == ["С", "А"]
    # A lone capital that is also a word: not at a sentence start, not in an all-capitals text.
    start = _tokens("В Київ", {"Київ"}, {"В": "stop"})
    assert find_initials(start, caseless=False) == {}
    caps = _tokens("ПЕТРЕНКУ І ТКАЧЕНКУ", {"ПЕТРЕНКУ", "ТКАЧЕНКУ"}, {"І": "stop"})
    assert find_initials(caps, caseless=True) == {}
