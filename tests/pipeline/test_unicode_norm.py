import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_service.pipeline import unicode_norm
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


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*map(chr, unicode_norm._ONE_TO_ONE), "a", "П", "№", " ", "é", "\u0301"]),
               max_size=40))
def test_the_one_to_one_folding_equals_translate(text):
    # The layer replaces only the characters that change (regex) instead of translating each one.
    folded = unicode_norm._ONE_TO_ONE_CHARS.sub(lambda m: unicode_norm._ONE_TO_ONE_STR[m.group()], text)
    assert folded == text.translate(unicode_norm._ONE_TO_ONE)
