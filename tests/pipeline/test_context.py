"""Layer 5: dictionary context marks boilerplate so it never becomes a name."""

from __future__ import annotations

import pytest


def _contexts(process, text: str) -> dict[str, str | None]:
    return {t.text: t.context for t in process(text).tokens}


@pytest.mark.parametrize("text,word,category", [
    ("Оплата за послуги", "Оплата", "payment"),
    ("Переказ коштів", "Переказ", "payment"),
    ("Перевод средств", "Перевод", "payment"),
    ("Payment for services", "Payment", "payment"),
    ("одержувач Петренко", "одержувач", "beneficiary"),
    ("получатель Иванов", "получатель", "beneficiary"),
    ("згідно рахунку", "згідно", "boilerplate"),
    ("за березень", "березень", "month"),
    ("ТОВ Альфа", "ТОВ", "legal_form"),
    ("ООО Бета", "ООО", "legal_form"),
    ("Acme LLC", "LLC", "legal_form"),
    ("РНОКПП 3124509879", "РНОКПП", "id_marker"),
    ("ИНН 2839403975", "ИНН", "id_marker"),
    ("пан Петренко", "пан", "title"),
    ("директор Петренко", "директор", "title"),
    ("1000 грн", "грн", "currency"),
    # banks' own names (listed entries and -банк / -bank compounds, any case form), not generic bank words
    ("Банку ВТБ", "ВТБ", "bank_name"),
    ("через Сбербанк", "Сбербанк", "bank_name"),
    ("картку Приватбанку", "Приватбанку", "bank_name"),
    ("to Ukreximbank", "Ukreximbank", "bank_name"),
    ("кредит Альфа-Банку", "Альфа-Банку", "bank_name"),
    ("банк одержувача", "банк", "bank"),
    ("Переказ Банкову", "Банкову", None),  # a surname
])
def test_categories(process, text, word, category):
    assert _contexts(process, text)[word] == category


def test_multiword_phrases_cover_every_token(process):
    doc = process("Поповнення рахунку у т.ч. ПДВ на користь Петренка")
    ctx = [(t.text, t.context) for t in doc.tokens]
    assert ("у", "boilerplate") in ctx or ("у", "stop") in ctx
    assert all(c is not None for w, c in ctx if w in ("на", "користь"))
    assert dict(ctx)["Петренка"] is None


def test_initial_is_not_a_stop_word(process):
    # "В" is a Russian/Ukrainian preposition, but "В." before a surname is an initial.
    ctx = [(t.text, t.context) for t in process("Петренко О. В. в банку").tokens]
    assert ctx[3] == ("В", None)
    assert ctx[5] == ("в", "stop")


def test_names_are_never_context(process):
    ctx = _contexts(process, "Роман Віра Надія Любов Олена")
    assert all(v is None for v in ctx.values()), ctx


def test_triggers_carry_offsets(process):
    text = "Зарахування: оплата за рахунком, одержувач Петренко"
    for trig in process(text).triggers:
        assert text[trig.start:trig.end] == trig.text
