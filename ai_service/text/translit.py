"""Script handling for names: transliteration both ways and the matching key.

``to_latin`` / ``to_cyrillic`` produce readable spellings (for display, for
building query variants). ``name_key`` produces the *matching key*: one
simplified, lossy scheme into which Ukrainian national (KMU 2010), Russian
passport/ICAO, BGN and common English spellings of the same name converge, so
that comparing and indexing never depend on which romanization a list used.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import translitua

# ---------------------------------------------------------------------------
# Language guess from letters (only what is needed to pick a romanization).

_UK_LETTERS = frozenset("іїєґІЇЄҐ")
_RU_LETTERS = frozenset("ыэъёЫЭЪЁ")


def guess_cyrillic_lang(text: str) -> Literal["uk", "ru"] | None:
    """``uk`` / ``ru`` when a language-specific letter is present, else None."""
    chars = set(text)
    if chars & _UK_LETTERS:
        return "uk"
    if chars & _RU_LETTERS:
        return "ru"
    return None


# ---------------------------------------------------------------------------
# Cyrillic -> Latin (readable). Ukrainian: the national KMU 2010 system used in
# Ukrainian passports and the NSDC register. Russian: ICAO Doc 9303, the scheme
# of Russian foreign passports since 2013 (so it matches what lists copy from
# passports; the 1997 passport scheme inserts apostrophes and "y" clusters).

_TABLES = {"uk": translitua.UkrainianKMU, "ru": translitua.RussianICAO}
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
CYRILLIC = re.compile("[\u0400-\u04ff]")  # one Cyrillic letter (basic block)


def to_latin(text: str, lang: str | None = None) -> str:
    """Romanize Cyrillic ``text``; Latin letters, digits and punctuation pass through."""
    if lang not in _TABLES:
        lang = guess_cyrillic_lang(text) or "uk"
    table = _TABLES[lang]

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        # translitua keeps case per letter, so "ЩУКА" would become "ShchUKA".
        if len(w) > 1 and w.isupper():
            return translitua.translit(w.capitalize(), table).upper()
        return translitua.translit(w, table)

    return _WORD.sub(word, text)


# ---------------------------------------------------------------------------
# Latin -> Cyrillic (good enough for names, not a reversible standard).

_COMMON_RULES: list[tuple[str, str]] = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tz", "ц"),
    ("tch", "ч"), ("ch", "ч"), ("sh", "ш"), ("ph", "ф"), ("th", "т"), ("ck", "к"),
    ("ya", "я"), ("ia", "я"), ("yu", "ю"), ("iu", "ю"), ("x", "кс"), ("q", "к"),
    ("w", "в"), ("'", "ь"), ("’", "ь"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("f", "ф"), ("k", "к"), ("l", "л"),
    ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("v", "в"), ("z", "з"),
]
_UK_RULES: list[tuple[str, str]] = [
    ("ye", "є"), ("ie", "є"), ("iy", "ій"), ("yy", "ий"), ("yo", "йо"),
    ("y", "и"), ("i", "і"), ("j", "й"), ("h", "г"), ("g", "ґ"), ("e", "е"),
]
_RU_RULES: list[tuple[str, str]] = [
    ("iya", "ия"), ("iyu", "ию"), ("iye", "ие"),
    ("iy", "ий"), ("yy", "ый"), ("yi", "ый"), ("ye", "е"), ("yo", "ё"), ("io", "ё"),
    ("y", "ы"), ("i", "и"), ("j", "й"), ("h", "х"), ("g", "г"), ("e", "е"),
]


def _compile(rules: list[tuple[str, str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    table = dict(rules)
    # Longest first so "shch" wins over "sh" and "ch".
    alts = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(a) for a in alts)), table


_REVERSE = {
    "uk": _compile(_COMMON_RULES + _UK_RULES),
    "ru": _compile(_COMMON_RULES + _RU_RULES),
}
_LATIN_WORD = re.compile(r"[A-Za-z'’]+")
_CONS = "bcdfghjklmnpqrstvwxz"
# Rewrites on the Latin word before letter mapping (context the table can't see).
_PRE_RULES = {
    "uk": [
        (re.compile(r"^yi"), "ї"),  # Yizhak -> Їжак; elsewhere yi = ий (-skyi)
        (re.compile(r"yi(?=$|[^aeiou])"), "ий"),
        (re.compile(r"(?<=[aeiou])i(?![aeu])"), "й"),  # Mykolai(ovych), Oleksii
        (re.compile(r"(?<=i)i(?=o)"), "й"),  # Serhiiovych; but Yuliia = Юлія
        (re.compile(f"(?<=[{_CONS}])y$"), "ий"),  # Zelensky
    ],
    "ru": [
        (re.compile(f"(?<=[{_CONS}])y(?=[aeu])"), "ьy"),  # Ilya, Afanasyev
        (re.compile(r"(?<=[aeou])[yi](?![aeiou])"), "й"),  # Nikolay, Andrei
        (re.compile(f"(?<=[{_CONS}])(?:y|iy|ii|yi)$"), "ий"),  # Vitaly, Dmitrii
    ],
}
# Rewrites on the Cyrillic result (soft sign in adjective-type surnames).
_POST_RULES = {
    "uk": [(re.compile(r"(?<=[сцз])кий$"), "ький"), (re.compile(r"(?<=[сцз])кій$"), "ький")],
    "ru": [],
}


@lru_cache(maxsize=8192)
def _latin_word_to_cyrillic(word: str, lang: str) -> str:
    pattern, table = _REVERSE[lang]
    out = word.lower()
    for rx, repl in _PRE_RULES[lang]:
        out = rx.sub(repl, out)
    out = pattern.sub(lambda m: table[m.group(0)], out)
    for rx, repl in _POST_RULES[lang]:
        out = rx.sub(repl, out)
    if len(word) > 1 and word.isupper():
        return out.upper()
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


def to_cyrillic(text: str, lang: Literal["uk", "ru"] = "uk") -> str:
    """Latin spelling of a name -> Cyrillic in ``lang`` (uk or ru)."""
    if lang not in _REVERSE:
        raise ValueError(f"unsupported language for Cyrillic: {lang!r}")
    return _LATIN_WORD.sub(lambda m: _latin_word_to_cyrillic(m.group(0), lang), text)


# ---------------------------------------------------------------------------
# The matching key.
#
# Canonical alphabet (lowercase ASCII): one letter per sound where schemes
# disagree, so edit distances stay meaningful:
#   w = ш/щ/sh/sch/shch   q = ч/ch/tch   j = ж/zh (дж/dzh/j -> "dj")
#   h = г/ґ/х/h/g/kh      c = ц/тс/ts/tz (Latin c before e/i/y)   i = и/і/ї/й/ы/y
#   e = е/ё/є/э/ie/ye     ь ъ and apostrophes dropped, doubled letters collapsed.
# Latin folds run first (they must not touch canonical letters produced from
# Cyrillic), then one translate() maps Cyrillic straight to canonical letters.
# Plain str.replace/translate beat regex alternations here by ~10x.

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "h", "д": "d", "е": "e", "ё": "e",
    "є": "e", "ж": "j", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "q", "ш": "w", "щ": "w", "ь": "",
    "ъ": "", "ы": "i", "э": "e", "ю": "iu", "я": "ia", "g": "h",
}
_CYR_TABLE = str.maketrans(_CYR)

# Latin letters with diacritics -> plain ASCII, built once from NFKD, with the
# Slavic haček letters spelled as the digraphs the folds below understand.
_SPECIAL_LATIN = {
    "š": "sh", "ž": "zh", "č": "ch", "ć": "ch", "ś": "s", "ź": "z", "ł": "l",
    "ß": "ss", "ø": "o", "đ": "dj", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th",
}
_APOSTROPHES = "'’‘ʼʹ`´′ʻ"
_ASCII_PUNCT = "".join(c for c in map(chr, range(128)) if not c.isalnum() and c not in "'`")


def _build_pre_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): " " for c in _ASCII_PUNCT}
    for cp in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[cp] = base.lower()
    table.update({ord(c): r for c, r in _SPECIAL_LATIN.items()})
    # Apostrophes vanish inside a word (O'Brien, Прокоф'єв); hyphens etc. split words.
    table.update({ord(c): None for c in _APOSTROPHES})
    table.update({ord(c): " " for c in "«»“”„‟–—‒―−‐‑№"})
    table[ord("y")] = "i"
    return table


_PRE_TABLE = _build_pre_table()
# ASCII-only input takes a 1:1 ASCII table, which str.translate runs fastest.
_ASCII_TABLE = str.maketrans(_ASCII_PUNCT + "y", " " * len(_ASCII_PUNCT) + "i", "'`")

# Latin folds in order; each may rely on the previous ones.
_LATIN_STEPS: tuple[tuple[str, str], ...] = (
    ("w", "v"), ("q", "k"), ("x", "ks"),  # free w/q for canonical ш/ч
    ("shch", "w"), ("sch", "w"), ("sh", "w"),
    ("tch", "q"), ("ch", "q"),
    ("ck", "k"),
)
_LATIN_STEPS_2: tuple[tuple[str, str], ...] = (
    ("j", "dj"), ("zh", "j"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("ph", "f"),
    ("th", "t"),
)
_YO = re.compile(r"(?<=[bcdfghjklmnpqrstvwxz])yo")
_J_AFTER_VOWEL = re.compile(r"(?<=[aeiou])j")  # Andrej, Nikolaj -> i
_C_HARD = re.compile(r"c(?![ei])")  # Carlos, Victor -> k; Francisco's ci stays
_HAS_LATIN = re.compile(r"[a-z]")
_DOUBLE = re.compile(r"([a-z])\1+")
_DOUBLE_ANY = re.compile(r"([^\W\d_])\1+")  # letters only: "1001" stays
_TOKENS = re.compile(r"[^\W_]+")


def _build_cp1251_table() -> bytes:
    """cp1251 byte -> canonical ASCII byte, for text with no Latin letters.

    ю and я expand to two letters, so they map to placeholders \x01/\x02 that
    are replaced afterwards; everything that is not a letter or digit -> space.
    """
    table = bytearray(b" " * 256)
    for c in b"0123456789abcdefghijklmnopqrstuvwxyz":
        table[c] = c
    for ch, repl in _CYR.items():
        if len(ch) == 1 and len(repl) == 1 and ch.encode("cp1251")[0] >= 0x80:
            table[ch.encode("cp1251")[0]] = ord(repl)
    table["ю".encode("cp1251")[0]] = 1
    table["я".encode("cp1251")[0]] = 2
    for ch, repl in (("ў", "u"), ("ј", "i"), ("љ", "l"), ("њ", "n"), ("ѕ", "z")):
        table[ch.encode("cp1251")[0]] = ord(repl)
    return bytes(table)


_CP1251_TABLE = _build_cp1251_table()
_CP1251_DELETE = "ьъ'’‘`".encode("cp1251")
_B_LATIN = re.compile(rb"[a-z]")


def _fold_latin(s: str) -> str:
    for old, new in _LATIN_STEPS:
        if old in s:
            s = s.replace(old, new)
    if "j" in s:
        s = _J_AFTER_VOWEL.sub("i", s)
    if "c" in s:
        s = _C_HARD.sub("k", s)
    for old, new in _LATIN_STEPS_2:
        if old in s:
            s = s.replace(old, new)
    return s


def _first_group(m: re.Match[str]) -> str:
    return m.group(1)


@lru_cache(maxsize=65_536)
def name_key(text: str) -> str:
    """The matching key of a name: space-separated canonical tokens.

    ``Хмельницький``, ``Khmelnytskyi``, ``Khmelnitsky`` and ``Хмельницкий`` all
    give ``hmelnicki``. Word order is kept; digits are kept.
    """
    s = text.lower()
    if "yo" in s:  # Latin ё after a consonant: Fyodor, Pyotr, Semyon, Artyom
        s = _YO.sub("e", s)
    if s.isascii():
        s = _fold_latin(s.translate(_ASCII_TABLE))
        if "g" in s:
            s = s.replace("g", "h")
    else:
        s = unicodedata.normalize("NFC", s)
        try:
            b = s.encode("cp1251")
        except UnicodeEncodeError:
            b = b"a"  # not plain Cyrillic: take the general path below
        if not _B_LATIN.search(b):
            # Plain Cyrillic (the common case): one bytes.translate does it all.
            s = b.translate(_CP1251_TABLE, _CP1251_DELETE).decode("ascii")
            s = s.replace("\x01", "iu").replace("\x02", "ia")
        else:
            s = s.translate(_PRE_TABLE)
            if _HAS_LATIN.search(s):
                s = _fold_latin(s)
            s = s.translate(_CYR_TABLE)
        if "ts" in s:
            # т+с is the sound ц, which Latin "ts" folds to (Кутсенко = Kutsenko, Ватсон = Watson).
            s = s.replace("ts", "c")
    if "ie" in s:
        s = s.replace("iie", "e").replace("ie", "e")
    if s.isascii():
        # "ii" (from ий/iy/yi/ії) is by far the most frequent double: cheap first.
        while "ii" in s:
            s = s.replace("ii", "i")
        if _DOUBLE.search(s):
            s = _DOUBLE.sub(_first_group, s)
        return " ".join(s.split())
    # Other scripts (Arabic, CJK, …) pass through; only their marks are dropped.
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return " ".join(_TOKENS.findall(_DOUBLE_ANY.sub(_first_group, s)))


_name_key = name_key.__wrapped__  # the same function, around the cache
# Latin letter pairs the key folds into one letter or drops (sh -> w, ie -> e, ck -> k, …): only a
# swap that makes or breaks one of them moves the key by more than a swap of two key letters.
_FOLD_PAIRS = frozenset({a for a, _ in (*_LATIN_STEPS, *_LATIN_STEPS_2) if len(a) == 2} | {"ie", "ii", "sc", "yo"})


def swapped_neighbours(key: str) -> list[str]:
    """``key`` with each pair of different neighbouring letters swapped (afiz -> faiz, aifz, afzi)."""
    return [key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(len(key) - 1) if key[i] != key[i + 1]]


def transposed_keys(word: str) -> list[str]:
    """Keys of a Latin ``word`` as typed with two neighbouring letters swapped back, where the swap
    makes or breaks a folded pair: the key then moves by more than a letter (Elhsani -> Elshani:
    elwani; CHIEWSHE -> CHIWESHE: qivewe) and no one-letter neighbour of the typed key reaches it.
    Cyrillic letters map one to one to key letters: their swaps are the key's own. Keys of one
    token only; computed around the key cache (most are no one's name)."""
    low = word.lower()
    if not low.isascii():
        return []
    pairs = _FOLD_PAIRS
    out: list[str] = []
    base: str | None = None
    for i in range(len(low) - 1):
        a, b = low[i], low[i + 1]
        before = low[i - 1] if i else ""
        after = low[i + 2] if i + 2 < len(low) else ""
        # Every pair the swap makes or breaks holds a or b: before it, and after it.
        if a == b or not (a + b in pairs or b + a in pairs or before + a in pairs or before + b in pairs
                          or b + after in pairs or a + after in pairs) or not (a.isalpha() and b.isalpha()):
            continue
        if base is None:
            base = _name_key(low)
        key = _name_key(low[:i] + b + a + low[i + 2 :])
        if key != base and " " not in key and key not in out:
            out.append(key)
    return out


def key_tokens(text: str) -> tuple[str, ...]:
    """``name_key`` split into tokens (cached through ``name_key``)."""
    return tuple(name_key(text).split())


_NOT_LATIN_LETTER = re.compile(r"[^a-z]")
# Letter by letter, as the Ukrainian national scheme spells most of them (г h, х kh, ц ts, и y);
# Russian-only letters as ICAO does. One translate() call: the scheme's word-initial rules
# (є → ye) matter for display, not for counting typos.
_SPELLING_TABLE = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ы": "y", "э": "e", "ё": "e", "ъ": "",
})


@lru_cache(maxsize=65_536)
def latin_spelling(word: str) -> str:
    """A word's letters as written, in lower-case Latin (Cyrillic romanized, marks dropped), with no
    sound folding: where a transposed or dropped letter meets a digraph (Hutsan / Hustan, Khattab /
    Kahttab) the matching key changes by more than the typo; the spelling by just the typo."""
    text = word.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPELLING_TABLE))
    return _NOT_LATIN_LETTER.sub("", text)
