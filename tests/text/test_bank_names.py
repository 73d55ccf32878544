"""Banks' own names made with "bank", in any case form."""

from __future__ import annotations

import pytest

from ai_service.text.bank_names import bank_nominative, is_bank_compound


@pytest.mark.parametrize(("word", "nominative"), [
    ("Приватбанку", "Приватбанк"), ("Сбербанка", "Сбербанк"), ("Альфа-Банку", "Альфа-Банк"),
    ("Ukreximbank", "Ukreximbank"), ("укрексімбанком", "укрексімбанк"),
])
def test_compound_bank_names_and_their_nominative(word: str, nominative: str) -> None:
    assert is_bank_compound(word) and bank_nominative(word) == nominative


@pytest.mark.parametrize("word", ["банк", "Банку", "Банков", "bank", "banks", "Петренко"])
def test_a_bank_word_or_a_surname_is_no_bank_name(word: str) -> None:
    assert not is_bank_compound(word) and bank_nominative(word) == word
