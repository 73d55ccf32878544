import sys
import unicodedata

import pytest

from ai_service.errors import InvalidInput
from ai_service.pipeline.document import Document
from ai_service.pipeline.validation import INVISIBLE, ValidationLayer
from tests.helpers import run


def _validate(text: str, limit: int = 100) -> Document:
    doc = Document(original=text)
    run(ValidationLayer(limit).run(doc))
    return doc


def test_invisible_class_is_exactly_control_and_format_characters():
    wrong = [
        cp for cp in range(sys.maxunicode + 1)
        if (unicodedata.category(chr(cp)) in ("Cc", "Cf") and chr(cp) not in "\t\n\r")
        != bool(INVISIBLE.match(chr(cp)))
    ]
    assert wrong == []


def test_zero_width_and_controls_are_removed_with_offsets_kept():
    doc = _validate("Пет\u200bренко\x00 О.\u200dВ.")
    assert doc.text == "Петренко О.В."
    # "О" sits at index 9 of the cleaned text and index 11 of the input.
    assert doc.source_span(9, 10) == (11, 12)


def test_clean_text_is_untouched_and_unmapped():
    doc = _validate("Оплата за послуги\tрахунок\n№ 45")
    assert doc.text == "Оплата за послуги\tрахунок\n№ 45"
    assert doc.offset_map is None


@pytest.mark.parametrize("text,reason", [("", "must not be empty"), ("x" * 101, "too long")])
def test_bad_sizes_are_rejected_not_truncated(text, reason):
    with pytest.raises(InvalidInput) as err:
        _validate(text)
    assert err.value.field == "text"
    assert reason in err.value.reason
