"""Layer 1 — validation: size checks and removal of invisible characters.

Only control characters (except tab, newline, carriage return) and format
characters (zero-width spaces and joiners, bidi marks, BOM, soft hyphen) are
removed; everything else reaches the next layer untouched — no truncation, no
rewriting. Removal keeps an offset map so spans still point into the input.
"""

from __future__ import annotations

import re

from ai_service.errors import InvalidInput
from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import Document

# Unicode categories Cc (minus \t \n \r) and Cf, written out so importing is free;
# tests/pipeline/test_validation.py checks this class against unicodedata.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


class ValidationLayer(Layer):
    name = "validation"

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    async def run(self, doc: Document) -> None:
        text = doc.original
        if not isinstance(text, str):
            raise InvalidInput("text", "must be a string")
        if not text:
            raise InvalidInput("text", "must not be empty")
        if len(text) > self.max_length:
            raise InvalidInput(
                "text", f"too long: {len(text)} characters, the limit is {self.max_length}"
            )
        if INVISIBLE.search(text) is None:
            doc.text = text
            return
        kept: list[str] = []
        mapping: list[int] = []
        for i, ch in enumerate(text):
            if INVISIBLE.match(ch) is None:
                kept.append(ch)
                mapping.append(i)
        doc.text = "".join(kept)
        doc.offset_map = mapping
