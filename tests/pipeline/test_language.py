import pytest


@pytest.mark.parametrize("text,language", [
    ("Переказ коштів Петренку згідно рахунку", "uk"),
    ("Оплата Ковальчуку", "uk"),  # no uk/ru-only letters or words: Ukrainian is the default
    ("Перевод средств Иванову по договору", "ru"),
    ("Оплата услуг согласно счёта", "ru"),
    ("Payment for consulting services", "en"),
    ("John Smith та Олена Петренко", "mixed"),
    ("Оплата ТОВ Альфа, Ltd", "uk"),
    ("12345 ,.", "unknown"),
])
def test_text_language(process, text, language):
    assert process(text).language == language


def test_requested_language_wins(process):
    doc = process("Оплата Иванову", language="ru")
    assert doc.language == "ru"
    assert [t.lang for t in doc.tokens if t.kind == "word"] == ["ru", "ru"]
