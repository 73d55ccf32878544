"""Layer 2 — Unicode normalization.

NFC, compatibility folding of presentation forms (full-width letters, ligatures,
exotic spaces), apostrophe/quote/dash variants to ASCII, and homoglyph folding
inside words that mix Cyrillic and Latin letters (``Пeтренко`` with a Latin
``e``). Digits and case are never changed; ``№`` stays ``№`` (NFKC would turn
it into ``No``). Spans stay mappable to the input through ``offset_map``.
"""

from __future__ import annotations

import re
import unicodedata

from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import Document
from ai_service.text.translit import CYRILLIC

_ONE_TO_ONE = {
    **{ord(c): "'" for c in "\u2019\u2018\u02bc\u0060\u00b4\u2032\u02b9\u201b\uff07"},
    **{ord(c): '"' for c in "\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a\uff02\u2033"},
    **{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
    **{ord(c): " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
       "\u2007\u2008\u2009\u200a\u202f\u205f\u3000"},
    # Full-width ASCII letters and punctuation (not digits: digits are never changed).
    **{cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if not 0xFF10 <= cp <= 0xFF19},
}
# str.translate with a dict looks up every character (~1.2 ms per 10,000 non-ASCII characters);
# a regex finds the few that change (~0.08 ms).
_ONE_TO_ONE_CHARS = re.compile("[" + re.escape("".join(map(chr, _ONE_TO_ONE))) + "]")
_ONE_TO_ONE_STR = {chr(cp): repl for cp, repl in _ONE_TO_ONE.items()}
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st", "\u0132": "IJ", "\u0133": "ij"}
_SLOW_PATH = re.compile("[\u0300-\u036f\ufb00-\ufb06\u0132\u0133]")  # combining marks, ligatures
# Anything beyond ASCII + basic Cyrillic, and the backtick (an apostrophe in Мар`яна).
_NEEDS_WORK = re.compile("[^\x00-\x5f\x61-\x7f\u0400-\u045f]")

# Confusable letters between the two scripts, both directions.
_LAT_TO_CYR = dict(zip("aceopxyiABCEHIKMOPTXY", "асеорхуіАВСЕНІКМОРТХУ"))
_CYR_TO_LAT = {v: k for k, v in _LAT_TO_CYR.items()} | {"и": "u", "к": "k", "т": "t", "м": "m"}
_TO_CYR = str.maketrans(_LAT_TO_CYR)
_TO_LAT = str.maketrans(_CYR_TO_LAT)
_MIXED_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0400-\u04ff])\w+")
_STRESS_MARKS = {"\u0300", "\u0301"}
_LAT = re.compile("[a-zA-Z]")
_DOUBLE_APOSTROPHE_OPEN = re.compile(r"(?<!\w)''(?=\w)")
_DOUBLE_APOSTROPHE_CLOSE = re.compile(r"(?<=\w)''(?!\w)")


def _fold_homoglyphs(word: str) -> str:
    """Fold the minority script's look-alike letters into the word's dominant script."""
    cyr = len(CYRILLIC.findall(word))
    lat = len(_LAT.findall(word))
    if cyr >= lat:
        return word.translate(_TO_CYR)
    return word.translate(_TO_LAT)


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Return the normalized text and a map to input offsets (None when 1:1)."""
    mapping: list[int] | None = None
    if _NEEDS_WORK.search(text) is not None:
        text = _ONE_TO_ONE_CHARS.sub(lambda m: _ONE_TO_ONE_STR[m.group()], text)
        nfc = unicodedata.normalize("NFC", text)
        if nfc != text or _SLOW_PATH.search(text) is not None:
            text, mapping = _normalize_clusters(text)
    if _MIXED_WORD.search(text) is not None:
        text = _MIXED_WORD.sub(lambda m: _fold_homoglyphs(m.group()), text)
    if "''" in text:
        # Two apostrophes typed for a quote (ТОВ ''Радмір Груп''): a quote and a space,
        # which keeps offsets 1:1 and the quote glued to its word.
        text = _DOUBLE_APOSTROPHE_OPEN.sub(' "', _DOUBLE_APOSTROPHE_CLOSE.sub('" ', text))
    return text, mapping


def _normalize_clusters(text: str) -> tuple[str, list[int]]:
    """Slow path: compose per base character + combining marks, keeping offsets."""
    out: list[str] = []
    mapping: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        if j > i + 1 and CYRILLIC.match(cluster) and set(cluster[1:]) <= _STRESS_MARKS:
            cluster = cluster[0]  # stress marks on Cyrillic vowels are not spelling
        piece = _LIGATURES.get(cluster) or unicodedata.normalize("NFC", cluster)
        out.append(piece)
        mapping.extend([i] * len(piece))
        i = j
    return "".join(out), mapping


def compose_maps(first: list[int] | None, second: list[int] | None) -> list[int] | None:
    """Offsets through two successive rewrites: second maps into first's output."""
    if second is None:
        return first
    if first is None:
        return second
    return [first[i] for i in second]


class UnicodeLayer(Layer):
    name = "unicode"

    async def run(self, doc: Document) -> None:
        text, mapping = normalize(doc.text)
        doc.text = text
        doc.offset_map = compose_maps(doc.offset_map, mapping)
