"""Loader for the curated data files under ``dictionaries/``.

Word lists (``.txt``): UTF-8, one lowercase entry per line, ``#`` starts a comment
line, blank lines are ignored.  ``word*`` is a prefix (stem), an entry with spaces
is a phrase matched as a token sequence.  A line may carry one TAB-separated value
column (``name<TAB>m``, ``березня<TAB>3``); word lists ignore it, :func:`mapping`
returns it.  Entries spelled with ``ё`` are also indexed ``е``-folded, because
matching keys fold ``ё`` (SPEC §7).

Every file is read once per process (``functools.cache``); a malformed file raises
:class:`DictionaryError` naming the file and line, so a bad edit fails at startup,
not in the middle of a request.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DICTIONARIES_DIR",
    "DictionaryError",
    "WordList",
    "entries_pattern",
    "json_data",
    "mapping",
    "merged_word_list",
    "word_list",
]

DICTIONARIES_DIR = Path(
    os.environ.get("DICTIONARIES_DIR")
    or Path(__file__).resolve().parents[2] / "dictionaries"
)

# Shorter stems swallow real names (``пер*`` would take Перов, Перепелиця, Перес…).
MIN_PREFIX_LENGTH = 4


class DictionaryError(ValueError):
    """A dictionary file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class WordList:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    # first token -> phrases starting with it, longest first (precomputed for match_phrase)
    _by_first: dict[str, tuple[tuple[str, ...], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def matches(self, word: str) -> bool:
        """True when ``word`` (any case) is an entry or starts with a prefix entry."""
        w = word.lower()
        if "ё" in w:
            w = _fold(w)
        # str.startswith(tuple) runs the whole prefix scan in C.
        return w in self.words or w.startswith(self.prefixes)

    def match_phrase(self, tokens: Sequence[str], start: int = 0) -> int:
        """Number of tokens of the longest phrase starting at ``tokens[start]``, else 0.

        ``tokens`` must already be lowercased (callers lowercase once per text).
        """
        candidates = self._by_first.get(tokens[start]) if start < len(tokens) else None
        if not candidates:
            return 0
        for phrase in candidates:
            end = start + len(phrase)
            if end <= len(tokens) and tuple(tokens[start:end]) == phrase:
                return len(phrase)
        return 0

    @property
    def max_phrase_length(self) -> int:
        return max((len(p) for p in self.phrases), default=0)


def _fold(text: str) -> str:
    return text.replace("ё", "е")


def _resolve(name: str, suffix: str) -> Path:
    path = DICTIONARIES_DIR / name
    if not path.suffix:
        path = path.with_suffix(suffix)
    if not path.is_file():
        raise DictionaryError(f"dictionary file not found: {path}")
    return path


def _lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, TAB columns) for every non-comment, non-blank line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DictionaryError(f"{path}: not valid UTF-8 ({exc.reason})") from exc
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        columns = [" ".join(col.split()) for col in line.split("\t")]
        if len(columns) > 2 or not all(columns):
            raise DictionaryError(
                f"{path}:{number}: expected 'entry' or 'entry<TAB>value', got {raw!r}"
            )
        if columns[0] != columns[0].lower():
            raise DictionaryError(f"{path}:{number}: entries are lowercase, got {columns[0]!r}")
        yield number, columns


def _build(entries: Sequence[str]) -> WordList:
    words: set[str] = set()
    prefixes: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for entry in entries:
        for variant in {entry, _fold(entry)}:
            if variant.endswith("*"):
                prefixes.add(variant[:-1])
            elif " " in variant:
                phrases.add(tuple(variant.split(" ")))
            else:
                words.add(variant)
    ordered = tuple(sorted(phrases, key=lambda p: (-len(p), p)))
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in ordered:
        by_first.setdefault(phrase[0], []).append(phrase)
    return WordList(
        words=frozenset(words),
        prefixes=tuple(sorted(prefixes)),
        phrases=ordered,
        _by_first={k: tuple(v) for k, v in by_first.items()},
    )


def _check_entry(path: Path, number: int, entry: str) -> None:
    star = entry.find("*")
    if star == -1:
        return
    if star != len(entry) - 1 or " " in entry:
        raise DictionaryError(f"{path}:{number}: '*' only ends a single-word prefix: {entry!r}")
    if star < MIN_PREFIX_LENGTH:
        raise DictionaryError(
            f"{path}:{number}: prefix {entry!r} shorter than {MIN_PREFIX_LENGTH} characters"
        )


@functools.cache
def word_list(name: str) -> WordList:
    """Load ``dictionaries/<name>.txt`` (e.g. ``"context/payment_uk"``)."""
    path = _resolve(name, ".txt")
    entries: list[str] = []
    seen: dict[str, int] = {}
    for number, columns in _lines(path):
        entry = columns[0]
        _check_entry(path, number, entry)
        if entry in seen:
            raise DictionaryError(f"{path}:{number}: duplicate entry {entry!r} (line {seen[entry]})")
        seen[entry] = number
        entries.append(entry)
    return _build(entries)


@functools.cache
def merged_word_list(*names: str) -> WordList:
    """One :class:`WordList` over several files, e.g. all languages of a category."""
    entries: list[str] = []
    for name in names:
        wl = word_list(name)
        entries.extend(wl.words)
        entries.extend(p + "*" for p in wl.prefixes)
        entries.extend(" ".join(p) for p in wl.phrases)
    return _build(entries)


@functools.cache
def mapping(name: str) -> dict[str, str]:
    """Load a ``key<TAB>value`` file; keys are lowercase, ``ё``-spellings also folded.

    The returned dict is shared between callers: treat it as read-only.
    """
    path = _resolve(name, ".txt")
    result: dict[str, str] = {}
    for number, columns in _lines(path):
        if len(columns) != 2:
            raise DictionaryError(f"{path}:{number}: expected 'key<TAB>value', got {columns[0]!r}")
        key, value = columns
        if key in result:
            raise DictionaryError(f"{path}:{number}: duplicate key {key!r}")
        result[key] = value
    for key, value in list(result.items()):
        result.setdefault(_fold(key), value)
    return result


def _atoms(entry: str) -> list[str]:
    """Regex pieces of one entry: a space matches any whitespace run, a dot also
    swallows the spaces after it ("д.р." matches "д. р."), a slash may be padded."""
    atoms: list[str] = []
    for i, ch in enumerate(entry):
        if ch == " ":
            atoms.append(r"\s+")
        elif ch == "/":
            atoms.append(r"\s*/\s*")
        else:
            atoms.append(re.escape(ch))
            if ch == "." and i + 1 < len(entry) and entry[i + 1] != " ":
                atoms.append(r"\s*")
    return atoms


def _emit(node: dict[str, Any]) -> str:
    branches = [atom + _emit(child) for atom, child in sorted(node.items()) if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # an entry ends here: the rest is optional; greedy "?" still prefers the longer entry
    return f"(?:{body})?" if "" in node else body


def entries_pattern(entries: Iterable[str], *, reverse: bool = False) -> str:
    """Regex matching any of ``entries`` in raw text, factored as a trie (an anchored
    match costs one step per character, not one per entry).

    With ``reverse=True`` the pattern matches the entries in reversed text
    (``text[::-1]``), for looking backwards from a position with an anchored match.
    Callers add boundaries and flags (usually ``re.IGNORECASE``).
    """
    trie: dict[str, Any] = {}
    for entry in entries:
        atoms = _atoms(re.sub(r"\s*/\s*", "/", " ".join(entry.split())))
        node = trie
        for atom in reversed(atoms) if reverse else atoms:
            node = node.setdefault(atom, {})
        node[""] = {}
    return "(?:" + _emit(trie) + ")"


@functools.cache
def json_data(name: str) -> Any:
    """Parse ``dictionaries/<name>.json``.  Shared between callers: treat as read-only."""
    path = _resolve(name, ".json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DictionaryError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from exc
    except UnicodeDecodeError as exc:
        raise DictionaryError(f"{path}: not valid UTF-8 ({exc.reason})") from exc
