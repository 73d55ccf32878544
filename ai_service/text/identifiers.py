"""Identifiers in payment text: РНОКПП, ЄДРПОУ, ИНН, ОГРН/ОГРНИП, IBAN, passports, SWIFT/BIC codes.

Validators implement the real check digits.  :func:`find_identifiers` makes one regex
pass over the digits; each hit is widened to its full shape (IBAN, passport series) and
checked with anchored matches only: a marker from ``context/id_markers.txt`` just before
it (matched on the reversed text: no per-position marker scan) or in parentheses after
it, an amount, a document number or a phone around it.

A marker decides the type; length and checksum break ties (texts write "ІПН"
before an ЄДРПОУ, "ИНН" before a РНОКПП).  Unmarked numbers are reported only
where that is safe: 8 digits only as a valid ЄДРПОУ (invoice numbers are 8 digits
too), 13/15 only as a valid ОГРН/ОГРНИП, 10 and 12 always unless they look like a
phone.  Passports need a marker and a run of at least 5 digits; SWIFT/BIC codes a
marker right before them.  ``valid`` means "a checksum confirmed it" (passports and
BIC codes: "has the shape").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from operator import mul

from ai_service.text.dictionaries import entries_pattern, mapping, word_list

__all__ = ["EdrpouValidator", "IbanValidator", "IdentifierMatch", "InnValidator", "OgrnValidator",
           "PassportValidator", "RnokppValidator", "find_identifiers"]


def _checksum(value: str, length: int, weights: tuple[int, ...], modulus: int = 11) -> int | None:
    """Weighted digit sum mod ``modulus``; None unless ``value`` is ``length`` ASCII digits,
    not all zeros (all-zero values are placeholders, not identifiers)."""
    if len(value) != length or not (value.isascii() and value.isdigit()) or not value.strip("0"):
        return None
    # bytes.translate turns "0".."9" into 0..9 and map(mul) keeps the loop in C
    return sum(map(mul, weights, value.encode().translate(_DIGIT_VALUES))) % modulus


_RNOKPP_W = (-1, 5, 7, 9, 4, 6, 10, 5, 7)
_EDRPOU_W = ((1, 2, 3, 4, 5, 6, 7), (7, 1, 2, 3, 4, 5, 6), (3, 4, 5, 6, 7, 8, 9), (9, 3, 4, 5, 6, 7, 8))
_INN_W = ((2, 4, 10, 3, 5, 9, 4, 6, 8), (7, 2, 4, 10, 3, 5, 9, 4, 6, 8), (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))


class RnokppValidator:
    """Ukrainian РНОКПП / ІПН: 10 digits, weighted sum mod 11 mod 10 = last digit."""

    def validate(self, value: str) -> bool:
        check = _checksum(value, 10, _RNOKPP_W)
        return check is not None and check % 10 == ord(value[9]) - 48


class EdrpouValidator:
    """Ukrainian ЄДРПОУ: 8 digits, mod 11 with range-dependent weights, second pass +2."""

    def validate(self, value: str) -> bool:
        second = "30000000" <= value <= "60000000"  # the middle range uses shifted weights
        check = _checksum(value, 8, _EDRPOU_W[second])
        if check == 10:  # second pass with every weight + 2; a second 10 counts as 0
            check = _checksum(value, 8, _EDRPOU_W[second + 2])
            check = None if check is None else check % 10
        return check is not None and check == ord(value[7]) - 48


class InnValidator:
    """Russian ИНН: 10 digits (organisations) or 12 digits (persons)."""

    def validate(self, value: str) -> bool:
        if len(value) == 10:
            check = _checksum(value, 10, _INN_W[0])
            return check is not None and check % 10 == ord(value[9]) - 48
        first, second = _checksum(value, 12, _INN_W[1]), _checksum(value, 12, _INN_W[2])
        if first is None or second is None:
            return False
        return first % 10 == ord(value[10]) - 48 and second % 10 == ord(value[11]) - 48


class OgrnValidator:
    """Russian ОГРН (13 digits, mod 11, starts 1/5) and ОГРНИП (15 digits, mod 13, starts 3)."""

    def validate(self, value: str) -> bool:
        if not (value.isascii() and value.isdigit()) or not value.strip("0"):
            return False
        if len(value) == 13:
            return value[0] in "15" and int(value[:12]) % 11 % 10 == int(value[12])
        return len(value) == 15 and value[0] == "3" and int(value[:14]) % 13 % 10 == int(value[14])


class IbanValidator:
    """ISO 13616: known country, its exact length, mod 97 == 1."""

    def validate(self, value: str) -> bool:
        iban = value.replace(" ", "").upper()
        if _iban_lengths().get(iban[:2]) != len(iban) or not _IBAN_SHAPE.fullmatch(iban):
            return False
        return int((iban[4:] + iban[:4]).translate(_LETTER_DIGITS)) % 97 == 1


class PassportValidator:
    """Shape only: UA booklet АА123456, UA ID card 9 digits, RU 4+6 digits, Latin 6–12."""

    _SHAPE = re.compile(r"[А-ЯІЇЄҐ]{2}[0-9]{6}|[0-9]{9,10}|(?=[A-Z]*[0-9])[A-Z0-9]{6,12}")

    def validate(self, value: str) -> bool:
        return self._SHAPE.fullmatch(_compact(value)) is not None


_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_LETTER_DIGITS = {ord(c): str(ord(c) - 55) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}  # A=10 … Z=35
_RNOKPP, _EDRPOU, _INN = RnokppValidator(), EdrpouValidator(), InnValidator()
_OGRN, _IBAN, _PASSPORT = OgrnValidator(), IbanValidator(), PassportValidator()
_ID_TYPES = frozenset({"rnokpp", "edrpou", "inn", "ogrn", "iban", "passport", "bic", "tax_id", "registration",
                      "other"})
# A SWIFT/BIC code: bank (4 letters), country (2 letters), location (2), branch (3, optional).
_BIC = r"(?P<bic>[A-Za-z]{6}[A-Za-z0-9]{2}(?:[A-Za-z0-9]{3})?)(?![\w])"
# Markers whose values follow foreign schemes: letters, hyphens, dots and slashes belong to the value.
_CODE_TYPES = frozenset({"tax_id", "registration", "other"})
MIN_CODE_DIGITS = 5
# A code with a digit near its start: 2107640-1-757913, CSI-000516-2U3, AAAW720613HMNLLN02.
_CODE = re.compile(r"(?<![\w./-])(?=[A-Z]{0,6}[-/.]?[0-9])[A-Z0-9]+(?:[-/.][A-Z0-9]+)*(?![\w])")
_NUMERIC = frozenset({"rnokpp", "edrpou", "inn", "ogrn", "tax_id"})
_AMOUNT = re.compile(r"[0-9]+\.[0-9]{2}")  # "incl. VAT 15682.26": a sum, not a VAT number


def _compact(value: str) -> str:
    return re.sub(r"[\s№#-]+", "", value).upper()


@functools.cache
def _countries() -> frozenset[str]:
    return frozenset(c.upper() for c in word_list("identifiers/country_codes").words)


def _bic_codes(text: str) -> list[IdentifierMatch]:
    """SWIFT/BIC codes after their marker, with a real country in letters 5-6 (SWIFT TRANSFER is no code).
    The span starts at the marker: "SWIFT" is context only beside a code (Taylor Swift is not)."""
    pats = _patterns()
    low = text.lower()
    if not any(h in low for h in pats.bic_hints):
        return []
    found = []
    for m in pats.bic.finditer(text):
        code = m.group("bic").upper()
        if code[4:6] in _countries():
            found.append(IdentifierMatch("bic", code, True, m.start(), m.end("bic"), _marker_key(m.group("marker"))))
    return found


@functools.cache
def _iban_lengths() -> dict[str, int]:
    return {k.upper(): int(v) for k, v in mapping("identifiers/iban_lengths").items()}


@dataclass(slots=True)
class IdentifierMatch:
    type: str
    value: str  # digits only for numbers; uppercase, no spaces for IBAN / passport
    valid: bool
    start: int
    end: int
    marker: str | None = None  # the marker as written, lowercased, single-spaced


def _looks_like_date(digits: str) -> bool:
    """DDMMYYYY / YYYYMMDD written without separators."""
    for day, month, year in ((digits[:2], digits[2:4], digits[4:]), (digits[6:], digits[4:6], digits[:4])):
        if year[:2] in ("19", "20") and "01" <= month <= "12" and "01" <= day <= "31":
            return True
    return False


def _classify_bare(d: str) -> tuple[str, bool] | None:
    """Type of an unmarked digit run, or None when it is not safely an identifier."""
    n = len(d)
    if n == 10:
        if d[0] != "0" and _RNOKPP.validate(d):
            return "rnokpp", True
        if _INN.validate(d):
            return "inn", True
        # leading 0: a mobile number (050…), or an РНОКПП of someone born before 1927
        return None if d[0] == "0" else ("rnokpp", False)
    if n == 8:
        return ("edrpou", True) if _EDRPOU.validate(d) and not _looks_like_date(d) else None
    if n == 12:
        valid = _INN.validate(d)
        return None if d.startswith("380") and not valid else ("inn", valid)  # 380… is a phone
    if n in (13, 15):
        return ("ogrn", True) if _OGRN.validate(d) else None
    return None


def _classify_marked(kind: str, d: str) -> tuple[str, bool] | None:
    n = len(d)
    if not 6 <= n <= 20:
        return None
    if kind == "rnokpp":
        if n == 8 and _EDRPOU.validate(d):
            return "edrpou", True
        return "rnokpp", _RNOKPP.validate(d)
    if kind == "edrpou":
        if n == 10 and _RNOKPP.validate(d):  # a sole proprietor's code is their РНОКПП
            return "rnokpp", True
        return "edrpou", _EDRPOU.validate(d)
    if kind == "inn":
        if n == 10 and not _INN.validate(d) and _RNOKPP.validate(d):
            return "rnokpp", True
        if n == 8 and _EDRPOU.validate(d):
            return "edrpou", True
        return "inn", _INN.validate(d)
    if kind == "ogrn":
        return "ogrn", _OGRN.validate(d)
    bare = _classify_bare(d)  # tax_id: length and checksum decide
    if bare is not None and bare[1]:
        return bare
    return {8: ("edrpou", False), 10: ("rnokpp", False)}.get(n, ("tax_id", False))


# Every reportable value contains a run of 5+ digits, the digit groups of a spaced
# IBAN / RU passport, or IBAN check digits after two capitals (GB82 WEST…); a leading
# [0-9] lets the regex engine skip the rest of the text at C speed.
_SCAN = re.compile(
    r"[0-9](?:[0-9]{4,}|[0-9][ ]?[0-9]{2}[ ][0-9]{6}(?![0-9])|[0-9]?[ ][0-9]{4}"
    r"|(?<=[A-Z][A-Z][0-9])[0-9](?=[ ]?[A-Z0-9]{4}))"
)
_SHAPES = re.compile(  # anchored at the widened start of a scan hit
    r"(?P<iban>[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?:[ ][A-Z0-9]{4}){2,7}(?:[ ][A-Z0-9]{1,4})?))(?![A-Za-z0-9])"
    r"|(?P<upass>[А-ЯІЇЄҐ]{2}[ ]?№?[ ]?[0-9]{6})(?![0-9])"
    r"|(?P<alnum>[A-Z]{1,3}[0-9][A-Z0-9]{4,10})(?![A-Za-z0-9])"
    r"|(?P<rupass>[0-9]{2}[ ]?[0-9]{2}[ ][0-9]{6})(?![0-9])"
    r"|(?P<num>[0-9]+)"
)
_LEAD = re.compile(r"[ ]?№?[ ]?[А-ЯІЇЄҐ]{2}|[A-Z]{1,3}")  # letters before the digits, reversed
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CYRILLIC_LEAD = frozenset("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ№ ")
_SEP_REV = r"(?:[\s:#№=\-–—]|" + "|".join(  # what may stand between a marker and its value, reversed
    re.escape(w[::-1]) + r"(?!\w)" for w in ("no", "no.", "nr", "nr.", "номер", "серії", "серія", "серия", "number")
) + ")*"


class _Patterns:
    """Marker and context patterns compiled from the dictionaries, once per process."""

    __slots__ = ("after", "amount", "before", "bic", "bic_hints", "not_id", "types")

    def __init__(self) -> None:
        markers = mapping("context/id_markers")
        unknown = set(markers.values()) - _ID_TYPES
        if unknown:
            raise ValueError(f"id_markers.txt: unknown identifier types {sorted(unknown)}")
        self.types = {_marker_key(k): v for k, v in markers.items()}
        reverse = entries_pattern(markers, reverse=True)
        self.before = re.compile(rf"{_SEP_REV}(?P<marker>{reverse})(?![\w+])", re.IGNORECASE)
        self.after = re.compile(rf"\s*[(\[]\s*(?P<marker>{entries_pattern(markers)})\s*[)\]]", re.IGNORECASE)
        bic = entries_pattern(k for k, v in markers.items() if v == "bic")
        self.bic_hints = tuple({k[:3] for k, v in markers.items() if v == "bic"})  # cheap test before the regex
        self.bic = re.compile(rf"(?<!\w)(?P<marker>{bic})\s*[:#№\-–]?\s*{_BIC}", re.IGNORECASE)
        money = entries_pattern(word_list("context/currency").words)
        self.amount = re.compile(rf"[.,][0-9]|\s?{money}(?!\w)", re.IGNORECASE)
        # "рах. 1234567890", "тел. 0501234567", "# 12345678", reversed
        contexts = word_list("identifiers/number_contexts")
        not_id = entries_pattern(contexts.words, reverse=True)
        self.not_id = re.compile(rf"[\s:]*(?:#|{not_id})(?!\w)", re.IGNORECASE)


@functools.cache
def _patterns() -> _Patterns:
    return _Patterns()


def _marker_key(text: str) -> str:
    """The id_markers.txt key of a marker as written ("Tax  ID" -> "tax id", "д. р." -> "д.р.")."""
    key = " ".join(text.lower().split())
    if "." in key or "/" in key:
        key = key.replace(". ", ".").replace(" /", "/").replace("/ ", "/")
    return key


def _iban_value(raw: str) -> tuple[str, int] | None:
    """(compact IBAN, characters of ``raw`` it spans), cut to the country length at a
    group boundary: the greedy shape may swallow a following short number."""
    length = _iban_lengths().get(raw[:2])
    compact = raw.replace(" ", "")
    if length is None or len(compact) < length:
        return None
    seen = 0
    for i, ch in enumerate(raw):
        seen += ch != " "
        if seen == length:
            return (compact[:length], i + 1) if i + 1 == len(raw) or raw[i + 1] == " " else None
    return None


def find_identifiers(text: str) -> list[IdentifierMatch]:
    """All identifiers in ``text``, in order of appearance."""
    bics = _bic_codes(text)
    first = _SCAN.search(text)
    if first is None:
        return bics
    rev = text[::-1]  # markers and prefixes are matched backwards
    codes = _marked_codes(text, rev) + bics
    found: list[IdentifierMatch] = list(codes)
    pos = first.start()  # the text before the first hit holds no digits worth a second scan
    while hit := _SCAN.search(text, pos):
        start = hit.start()
        inside = next((c for c in codes if c.start <= start < c.end), None)
        if inside is not None:
            pos = inside.end  # already read whole, with its letters and hyphens
            continue
        shape = lead = None
        prev = text[start - 1] if start else ""
        if prev in _LATIN or (hit.end() - start == 6 and prev in _CYRILLIC_LEAD):  # IBAN, passport series
            lead = _LEAD.match(rev, len(text) - start)
        for k in range(lead.end() - lead.start() if lead else 0, 0, -1):  # widen to letters before the digits
            shape = _SHAPES.match(text, start - k)
            if shape is not None and shape.lastgroup != "num":
                start -= k
                break
            shape = None
        shape = shape or _SHAPES.match(text, start)
        end = pos = shape.end()
        if start and (text[start - 1].isalnum() or text[start - 1] in "+_"):
            continue  # inside a word, a longer code or a phone number
        match = _identify(text, rev, shape, start, end)
        if match is not None:
            found.append(match)
    if codes:
        found.sort(key=lambda m: m.start)
    return found


def _marked_codes(text: str, rev: str) -> list[IdentifierMatch]:
    """Codes after a foreign tax / registration / identity marker, read whole."""
    pats = _patterns()
    found: list[IdentifierMatch] = []
    for code in _CODE.finditer(text):
        raw = code.group()
        if raw.isdigit() or sum(c.isdigit() for c in raw) < MIN_CODE_DIGITS or _AMOUNT.fullmatch(raw):
            continue  # plain numbers go through the checksum path; amounts are no one's code
        marked = pats.before.match(rev, len(text) - code.start())
        if marked is None:
            continue
        marker = _marker_key(marked.group("marker")[::-1])
        mtype = pats.types.get(marker)
        if mtype in _CODE_TYPES:
            found.append(IdentifierMatch(mtype, raw, False, code.start(), code.end(), marker))
    return found


def _identify(text: str, rev: str, shape: re.Match[str], start: int, end: int) -> IdentifierMatch | None:
    pats = _patterns()
    kind = shape.lastgroup
    raw = shape.group()
    marked = pats.before.match(rev, len(text) - start)
    marker = _marker_key(marked.group("marker")[::-1]) if marked else None
    mtype = pats.types.get(marker) if marker else None
    if kind == "iban":
        iban = _iban_value(raw)
        if iban is None:
            return None
        return IdentifierMatch("iban", iban[0], _IBAN.validate(iban[0]), start, start + iban[1], marker)
    if mtype == "passport":
        value = _compact(raw)
        return IdentifierMatch("passport", value, _PASSPORT.validate(value), start, end, marker)
    if kind != "num" or (end < len(text) and text[end].isalpha()):
        return None  # passport shapes count only after a passport marker
    if mtype is None:
        tail = pats.after.match(text, end)
        if tail:
            marker = _marker_key(tail.group("marker"))
            mtype = pats.types.get(marker)
    if mtype is None:
        if start > 1 and text[start - 1] in ".,/-" and text[start - 2].isdigit():
            return None  # tail of a decimal, a date or a compound number
        result = _classify_bare(raw)
        if result and (pats.amount.match(text, end) or pats.not_id.match(rev, len(text) - start)):
            return None  # an amount, a document number or a phone
    elif mtype in _NUMERIC:
        result = _classify_marked(mtype, raw)
    elif mtype in _CODE_TYPES and (MIN_CODE_DIGITS if mtype == "registration" else 8) <= len(raw) <= 20:
        # A registration or identity number of another scheme; after a bare "ID" only a
        # long number (an invoice "ID 12345" is no one's identity).
        bare = _classify_bare(raw)  # a checksum-valid РНОКПП after "ID" is still an РНОКПП
        result = bare if bare is not None and bare[1] else (mtype, False)
    else:
        return None  # e.g. "р/р" before a plain account number: not an IBAN
    if result is None:
        return None
    return IdentifierMatch(result[0], raw, result[1], start, end, marker)
