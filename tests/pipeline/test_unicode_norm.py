import pytest

from ai_service.pipeline.unicode_norm import compose_maps, normalize


@pytest.mark.parametrize("raw,expected", [
    ("О’Коннор", "О'Коннор"),
    ("Мар`яна Григорʼєв", "Мар'яна Григор'єв"),
    ("ТОВ «Укрспецторг»", 'ТОВ "Укрспецторг"'),
    ("„Альфа“", '"Альфа"'),
    ("Іванов–Петренко — 2024", "Іванов-Петренко - 2024"),
    ("Пeтренко", "Петренко"),          # Latin e inside a Cyrillic word
    ("Ivanоv", "Ivanov"),              # Cyrillic о inside a Latin word
    ("ПETPEНКО", "ПЕТРЕНКО"),          # all-caps Cyrillic with Latin E, T, P
    ("№45 від 12.03.2024", "№45 від 12.03.2024"),  # № and digits untouched
    ("ПЕТРЕНКО", "ПЕТРЕНКО"),          # case is kept
    ("Ｐｅｔｒｏ １２３", "Petro １２３"),   # full-width letters folded, digits never changed
])
def test_normalize(raw, expected):
    assert normalize(raw)[0] == expected


def test_ligature_changes_length_and_offsets_still_map():
    text, mapping = normalize("\ufb01sh Петро")
    assert text == "fish Петро"
    assert mapping is not None and mapping[text.index("Петро")] == "\ufb01sh Петро".index("Петро")


def test_stress_marks_on_cyrillic_are_dropped():
    assert normalize("Оле\u0301на")[0] == "Олена"


def test_compose_maps():
    assert compose_maps(None, [0, 2]) == [0, 2]
    assert compose_maps([0, 2, 3], [1, 2]) == [2, 3]
    assert compose_maps([5], None) == [5]
