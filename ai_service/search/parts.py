"""A name split into comparable parts: matching key, display text, kind and weight."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from ai_service.search import name_forms
from ai_service.search.weak_tokens import descriptive_keys, particle_keys, weak_keys, weak_phrases
from ai_service.text.translit import CYRILLIC, latin_spelling, name_key

# Part kinds.
NAME = 0
INITIAL = 1  # "О.", "J", "Yu."
PARTICLE = 2  # al, bin, van, de …: low weight, never penalised when missing
PATRONYMIC = 3
DESCRIPTIVE = 4  # Foods, Logistics, Partners: low weight, never a match alone

MAX_WORDS = 24  # alignment is quadratic; no real name has more parts
_WORD = re.compile(r"[^\W_]+(?:['’ʼ`][^\W_]+)*\.?")


class Part(NamedTuple):
    key: str
    kind: int
    weight: float
    text: str  # the word as written, for explanations
    cyrillic: bool  # written in Cyrillic (the scorer treats its vowels as spelled)
    given_group: int  # UA/RU/Latin given-name group of a NAME part, 0 when none
    spelling: str = ""  # the written word in plain Latin letters (``latin_spelling``); "" if it made several parts


def make_part(key: str, kind: int, text: str, spelling: str = "") -> Part:
    """A part with everything the aligner asks of it computed once (parses are cached)."""
    group = name_forms.given_group(key) if kind == NAME else 0
    return Part(key, kind, _weight(key, kind), text, CYRILLIC.search(text) is not None, group, spelling)


class ParsedName(NamedTuple):
    parts: tuple[Part, ...]
    weak: tuple[str, ...]  # display text of removed weak tokens
    sorted_key: str  # order-insensitive exact key of the kept parts
    significant: int  # parts that are not particles
    surname_parts: int = 0  # "LAST, First": how many leading parts the comma marks as surname


_DIGRAPH_INITIALS = frozenset({"Yu", "Ya", "Ye", "Yo", "Iu", "Ia", "Zh", "Sh", "Ch", "Kh", "Ts"})


def _is_initial(word: str) -> bool:
    letters = word.rstrip(".")
    if len(letters) == 1:
        return letters.isupper() or word.endswith(".")
    # Latin digraph initials of Cyrillic letters: "Yu.", "Zh.", "Sh."
    return word.endswith(".") and letters in _DIGRAPH_INITIALS


def _weight(key: str, kind: int) -> float:
    if kind == INITIAL:
        return 2.0
    if kind in (PARTICLE, DESCRIPTIVE):
        return 1.0 if kind == PARTICLE else 2.0
    # Longer parts carry more identity; clamp so one long word can't dominate.
    # Patronymics are long but shared by many people: capped lower.
    return float(min(max(len(key), 3), 6 if kind == PATRONYMIC else 10))


@lru_cache(maxsize=131_072)  # every listed word (~43k on the shared lists) in both forms, and the queries'
def _word(word: str, drop_weak: bool) -> tuple[Part, ...] | None:
    """Parts of one written word (usually one); None when it is a weak token."""
    initial = _is_initial(word)
    text = word.rstrip(".")
    out: list[Part] = []
    keys = name_key(word).split()
    spelling = latin_spelling(text) if len(keys) == 1 and not initial else ""
    for key in keys:
        if initial:
            kind = INITIAL
        elif drop_weak and key in descriptive_keys():
            kind = DESCRIPTIVE
        elif drop_weak and key in weak_keys() and (len(key) > 1 or word.islower() or len(text) > 1):
            return None
        elif key in particle_keys():
            kind = PARTICLE
        else:
            kind = NAME
        if kind == NAME and name_forms.patronymic(key) is not None:
            kind = PATRONYMIC
        out.append(make_part(key, kind, text, spelling))
    return tuple(out)


def initial_keys(text: str) -> frozenset[str]:
    """Matching keys of the initials written in a name (``Иванов А.Ю.`` -> a, iu)."""
    if not any(map(_is_initial, _WORD.findall(text))):
        return frozenset()  # most names: no initials, and no parse needed to say so
    return frozenset(p.key for p in parse_name(text).parts if p.kind == INITIAL)


@lru_cache(maxsize=131_072)
def _starts_phrase(word: str) -> bool:
    """A key of ``word`` begins a multi-word legal form (most words: none; cached per word)."""
    phrases = weak_phrases()
    return any(k in phrases for k in name_key(word).split())


def _phrase_words(words: list[str]) -> set[int]:
    """Indices of words that belong to a multi-word legal form
    ("société à responsabilité limitée"), matched on key tokens."""
    if not any(map(_starts_phrase, words)):
        return set()
    phrases = weak_phrases()
    seq = [(wi, k) for wi, w in enumerate(words) for k in name_key(w).split()]
    out: set[int] = set()
    i = 0
    while i < len(seq):
        for phrase in phrases.get(seq[i][1], ()):
            n = len(phrase)
            if tuple(k for _, k in seq[i : i + n]) == phrase:
                out.update(wi for wi, _ in seq[i : i + n])
                i += n - 1
                break
        i += 1
    return out


def parse_name(text: str, drop_weak: bool = True) -> ParsedName:
    """Split ``text`` into parts; with ``drop_weak`` legal forms/generic words go aside.

    Listed aliases come parsed from the table ``pin_parses`` fills; other texts (queries,
    the other form of an alias) from an LRU cache."""
    got = _pinned[drop_weak].get(text)
    return got if got is not None else _parse_cached(text, drop_weak)


# Per drop_weak (False, True): the served index's aliases, parsed. Replaced whole by ``pin_parses``.
_pinned: tuple[dict[str, ParsedName], dict[str, ParsedName]] = ({}, {})


def pin_parses(names: Iterable[tuple[str, bool]], slice_size: int = 64) -> Iterator[int]:
    """Parse every (alias, drop_weak) of ``names`` into a new pinned table, yielding how many
    were done after each ``slice_size`` (a caller on an event loop lets requests run there), then
    put the table in place of the previous one, whose parses are reused.

    A search parses every alias it rescores (~15–50 µs each): names never searched before
    cost ~20–30 % more without this (benchmarks/search_micro). Pinned rather than left to
    the LRU cache, which the stream of unique query names would churn them out of.
    """
    old = _pinned
    new: tuple[dict[str, ParsedName], dict[str, ParsedName]] = ({}, {})
    done = 0
    for done, (text, drop_weak) in enumerate(names, 1):
        table = new[drop_weak]
        if text not in table:
            got = old[drop_weak].get(text)
            table[text] = got if got is not None else _parse(text, drop_weak)
        if done % slice_size == 0:
            yield done
    _set_pinned(new)
    yield done


def _set_pinned(tables: tuple[dict[str, ParsedName], dict[str, ParsedName]]) -> None:
    global _pinned
    _pinned = tables


def pinned_parses() -> int:
    """How many alias parses are pinned (both forms)."""
    return len(_pinned[0]) + len(_pinned[1])


def clear_parse_cache(pinned: bool = False) -> None:
    """Forget the cached parses; with ``pinned``, the pinned table too (a benchmark's fresh worker)."""
    _parse_cached.cache_clear()
    if pinned:
        _set_pinned(({}, {}))


def _parse(text: str, drop_weak: bool) -> ParsedName:
    parts: list[Part] = []
    removed: list[str] = []
    words = _WORD.findall(text)[:MAX_WORDS]
    in_phrase = (_phrase_words(words) | (_dotted_abbreviations(words) if "." in text else set())) \
        if drop_weak else set()
    comma = text.find(",")
    before_comma = len(_WORD.findall(text[:comma])) if comma > 0 else 0
    surname_parts = 0
    for wi, word in enumerate(words):
        got = None if wi in in_phrase else _word(word, drop_weak)
        if got is None:
            removed.append(word.rstrip("."))
        else:
            parts.extend(got)
            if wi < before_comma:
                surname_parts = len(parts)
    # "WARAICH, Choudry Ikram": what the comma marks as the surname is no patronymic, however it
    # ends (-ich, -ovic are also surnames: Waraich, Milosevic).
    for i in range(surname_parts):
        if parts[i].kind == PATRONYMIC:
            parts[i] = make_part(parts[i].key, NAME, parts[i].text, parts[i].spelling)
    parts = _nasab(parts, surname_parts)
    if parts and parts[-1].kind == PARTICLE and len(parts) > 1:
        # Particles precede the name they belong to (al Bashir, van Gogh, le Pen); a last
        # word that looks like one is a name itself (Amy Lee, John Lie).
        last = parts[-1]
        parts[-1] = make_part(last.key, NAME, last.text, last.spelling)
    significant = sum(1 for p in parts if p.kind != PARTICLE and p.kind != DESCRIPTIVE)
    return ParsedName(tuple(parts), tuple(removed), " ".join(sorted(p.key for p in parts)), significant,
                      surname_parts)


# Room for the queries' names and the aliases not pinned; a parse costs ~15–50 µs.
_parse_cached = lru_cache(maxsize=131_072)(_parse)


_NASAB_PARTICLES = frozenset({"bin", "ibn", "bint", "binti", "ben", "ould"})


def _nasab(parts: list[Part], surname_parts: int) -> list[Part]:
    """``Osama bin Muhammad bin Awad``: a name after bin/ibn is the father's — a
    patronymic in effect (optional evidence), unless it is the listed surname (BIN LADIN, …)."""
    out = list(parts)
    for i in range(max(surname_parts, 1), len(out)):
        prev = out[i - 1]
        if prev.kind == PARTICLE and prev.key in _NASAB_PARTICLES and out[i].kind == NAME and i + 1 < len(out):
            out[i] = make_part(out[i].key, PATRONYMIC, out[i].text, out[i].spelling)
    return out


def _dotted_abbreviations(words: list[str]) -> set[int]:
    """``S.A.``, ``N.V.``, ``S.R.L.`` written as dotted letters: a legal form, not initials."""
    out: set[int] = set()
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j]) == 2 and words[j].endswith(".") and words[j][0].isalpha():
            j += 1
        if j - i >= 2 and "".join(w[0] for w in words[i:j]).lower() in weak_keys():
            out.update(range(i, j))
        i = max(j, i + 1)
    return out
