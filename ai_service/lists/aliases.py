"""Free-text alias fields (SFMS, UN) → clean names plus the facts hidden in them.

Sources pack more than a name into an alias: ``Fabio Fusco born 25 May 1968 in
Naples, Italy``, ``EL PARA (COMBAT NAME)``, ``Amir Khazmat (original script:
Амир Хазмат)``, ``Azim Adhajani; Azim Agha-Jani``, ``Falah-i-Insaniat Foundation
(FIF)``, or even an address (``Nairobi, Kenya (at time of listing)``).
``split_alias`` returns the names (first = the alias itself), acronyms as weak
names, birth dates and document numbers found in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ai_service.lists.dates import find_dates
from ai_service.lists.draft import clean_text

_NEEDS_WORK = re.compile(r"[();\"]|born|listing|passport|identification|nom de guerre|\s[a-h]\)\s", re.I)
_NOT_A_NAME = re.compile(r"at time of listing", re.I)
_BORN = re.compile(r"[\s,(]*\bborn\b", re.I)
_PASSPORT = re.compile(r"passport\s+(?:no\.?|number)\s*:?\s*([A-Z]{0,3}\d[\w-]*)", re.I)
_ID_NUMBER = re.compile(r"identification\s+number\s*:?\s*(\d[\d-]{4,})", re.I)
_TRAILING_NOTE = re.compile(r"\s*(?:prominently\s+)?known by this nom de guerre\s*$", re.I)
_ENUMERATION = re.compile(r"\s+[a-h]\)\s+")  # "… Sabet b) M. Javad …" inside one UN alias
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9]*(?:[- ]+[A-Z0-9][A-Za-z0-9]*)*$")
_WORD_SPLIT = re.compile(r"[\s\-–—/]+")
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[^\W\d_]")
_EDGE_PUNCT = " ,;:'\"“”«»"


@dataclass(slots=True)
class AliasParts:
    names: list[str] = field(default_factory=list)
    weak_names: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    ids: list[tuple[str, str]] = field(default_factory=list)  # (type, value)


def split_alias(raw: object, *, keep_parentheses: bool = False) -> AliasParts:
    """Clean one alias field. ``keep_parentheses`` keeps the text as the source
    writes it (for official primary names such as ``AL-HARAMAYN FOUNDATION
    (KENYA)``) and only harvests acronyms and original-script names from it."""
    text = clean_text(raw)
    parts = AliasParts()
    if not text:
        return parts
    if not _NEEDS_WORK.search(text):
        parts.names.append(text)
        return parts
    if _NOT_A_NAME.search(text):
        return parts
    for m in _PASSPORT.finditer(text):
        parts.ids.append(("passport", m.group(1)))
    for m in _ID_NUMBER.finditer(text):
        parts.ids.append(("other", m.group(1)))
    born = _BORN.search(text)
    if born:
        parts.birth_dates.extend(find_dates(text[born.end() :])[:1])
        text = text[: born.start()]
    text = _TRAILING_NOTE.sub("", text)
    for piece in _split_top_level(text):
        _add_piece(piece, parts, keep_parentheses)
    return parts


def _add_piece(piece: str, parts: AliasParts, keep_parentheses: bool) -> None:
    outside, groups = _groups(piece)
    outside = clean_text(outside).strip(_EDGE_PUNCT)
    if not outside and len(groups) == 1 and not groups[0].lower().startswith(("transliteration", "original script")):
        outside, groups = clean_text(groups[0]).strip(_EDGE_PUNCT), []  # "(Ansar al Charia)"
    main = clean_text(piece).strip(_EDGE_PUNCT) if keep_parentheses else outside
    if main:
        parts.names.append(main)
    for inner in groups:
        _harvest_group(clean_text(inner), outside, parts)


def _harvest_group(inner: str, outside: str, parts: AliasParts) -> None:
    lowered = inner.lower()
    if lowered.startswith("original script:"):
        parts.names.append(inner.split(":", 1)[1].strip(_EDGE_PUNCT))
    elif "translitera" in lowered:
        body, _ = _groups(inner.split(":", 1)[1] if lowered.startswith("translitera") else inner)
        parts.names.extend(n for n in (x.strip(_EDGE_PUNCT) for x in re.split(r"[;,]", body)) if n)
    elif _LETTER.search(inner) and not _LATIN.search(inner):
        parts.names.append(inner.strip(_EDGE_PUNCT))  # original script: "(金铁三)", "(الحراشي)"
    else:
        for candidate in inner.split(","):
            candidate = candidate.strip(_EDGE_PUNCT)
            if _is_acronym(candidate, outside):
                parts.weak_names.append(candidate)


def _is_acronym(candidate: str, outside: str) -> bool:
    """``AQAP`` for ``AL-QAIDA IN THE ARABIAN PENINSULA``: its capitals follow the
    initials of the name in order (so ``(KENYA)`` or ``(martyrs)`` are not)."""
    if not _ACRONYM.match(candidate):
        return False
    capitals = [c for c in candidate if c.isupper()]
    if not 2 <= len(capitals) <= 10:
        return False
    initials = [w[0].upper() for w in _WORD_SPLIT.split(outside) if w and w[0].isalnum()]
    if not initials or capitals[0] != initials[0]:
        return False
    position = 0
    for letter in capitals:
        while position < len(initials) and initials[position] != letter:
            position += 1
        if position == len(initials):
            return False
        position += 1
    return True


def _split_top_level(text: str) -> list[str]:
    """Split on ``;`` outside parentheses, and on "a) … b) …" enumerations."""
    pieces: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch == ";" and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p for piece in pieces for p in _ENUMERATION.split(piece) if p.strip()]


def _groups(text: str) -> tuple[str, list[str]]:
    """Text outside top-level parentheses, and the inner text of each group
    (an unclosed group runs to the end; a stray ``)`` is dropped)."""
    outside: list[str] = []
    groups: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                outside.append(text[start:i])
                start = i + 1
            depth += 1
        elif ch == ")":
            if depth == 1:
                groups.append(text[start:i])
                start = i + 1
            elif depth == 0:
                outside.append(text[start:i])
                start = i + 1
                continue
            depth = max(depth - 1, 0)
    (groups if depth else outside).append(text[start:])
    return " ".join(outside), [g for g in groups if g.strip()]
