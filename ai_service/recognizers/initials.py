"""Initials in payment texts: ``О.``, ``Ж.-Б.``, and the ways people really type them —
lower case in a lower-case text (``соловйов с. а.``) and without dots (``Соловйов С А``).

``find_initials`` maps the index of each initial's letter to the index after it (its dots).
"""

from __future__ import annotations

from ai_service.pipeline.document import Token


def find_initials(tokens: list[Token], caseless: bool) -> dict[int, int]:
    """Where initials start and end (index after the letter and its dots) in ``tokens``."""
    # Every initial starts at a one-letter word: most texts have a few, many none.
    letters = [k for k, t in enumerate(tokens) if len(t.text) == 1 and t.kind == "word"]
    if not letters:
        return {}
    initials = {k: e for k in letters if (e := initial_end(tokens, k)) is not None}
    if caseless and tokens[0].text.islower():
        initials.update(_lower_initials(tokens, initials))
    initials.update(_dotless_initials(tokens, initials, caseless, letters))
    return initials


def _letter_dot(tokens: list[Token], k: int, n: int, lower: bool = False) -> int | None:
    """Index after ``X.`` (one capital letter, or with ``lower`` any letter, and its dots)
    starting at ``k``, or None."""
    if k >= n:
        return None
    tok = tokens[k]
    text = tok.text
    if len(text) != 1 or tok.kind != "word" or not (text.isupper() or (lower and text.islower())):
        return None  # cheapest test first: it runs per token
    j = k + 1
    while j < n and tokens[j].text == "." and tokens[j].start == tokens[j - 1].end:
        j += 1
    return j if j > k + 1 else None


def initial_end(tokens: list[Token], i: int, lower: bool = False) -> int | None:
    """Index after the initial starting at ``i`` (``О.``, ``И..``, ``Ж.-Б.``; with ``lower``
    also ``о.``), or None."""
    n = len(tokens)
    j = _letter_dot(tokens, i, n, lower)
    if j is None:
        return None
    # Compound initials of hyphenated given names: Ж.-Б., А.-М.-А.
    while j + 1 < n and tokens[j].text == "-" and tokens[j].start == tokens[j - 1].end:
        nxt = _letter_dot(tokens, j + 1, n, lower)
        if nxt is None or tokens[j + 1].start != tokens[j].end:
            break
        j = nxt
    return j


def surname_word(tok: Token | None) -> bool:
    """A word that may be the surname an initial stands beside: no context, a name reading."""
    return (tok is not None and tok.kind == "word" and tok.context is None and tok.morph is not None
            and not tok.morph.known_common and len(tok.text) > 1 and any(f.role == "surname" for f in tok.morph.forms))


def _lower_initials(tokens: list[Token], initials: dict[int, int]) -> dict[int, int]:
    """Initials written in lower case (``соловйов с. а.``, ``о.в. мольський``) in a lower-case
    text: a letter and a dot are initials only in a chain standing beside a name-like word,
    so that ``м. київ``, ``2024 р.`` and ``в т.ч. пдв`` stay abbreviations."""
    out: dict[int, int] = {}
    n, k = len(tokens), 0
    while k < n:
        chain: dict[int, int] = {}
        j = k
        while j < n and j not in initials and (e := initial_end(tokens, j, lower=True)) is not None:
            chain[j] = e
            j = e
        before, after = (tokens[k - 1] if k else None), (tokens[j] if j < n else None)
        if chain and (name_reading_word(before) or name_reading_word(after)):
            out.update(chain)
        k = j if chain else k + 1
    return out


def name_reading_word(tok: Token | None) -> bool:
    """A word with name readings only, of any role: the surname beside lower-case initials may be one
    the analyser reads as a given name (хабібі м., абді а.: Habibi, Abdi)."""
    return (tok is not None and tok.kind == "word" and tok.context is None and tok.morph is not None
            and not tok.morph.known_common and len(tok.text) > 1 and bool(tok.morph.forms))


def _name_word(tok: Token | None) -> bool:
    return (tok is not None and tok.kind == "word" and tok.context is None and len(tok.text) > 1
            and tok.text[:1].isupper() and tok.morph is not None and bool(tok.morph.forms))


def _dotless_initials(tokens: list[Token], initials: dict[int, int], caseless: bool,
                      letters: list[int]) -> dict[int, int]:
    """Initials written without dots (``Соловйов С А``, ``А ЗУЛЬКАДР``): one to three capital
    letters beside a capitalised name word. A lone letter that is also a word (В, А, І) counts
    only after a word of the text, not where a sentence may start with it, and never in an
    all-capitals text (ПЕТРЕНКУ І ТКАЧЕНКУ: "and")."""
    out: dict[int, int] = {}
    n = len(tokens)
    # Capital letters (``letters``: the one-letter words) not already initials and with no dot after.
    bare = [k for k in letters if k not in initials and tokens[k].text.isupper()
            and not (k + 1 < n and tokens[k + 1].text == ".")]
    at = 0
    while at < len(bare):
        k = j = bare[at]
        while at < len(bare) and bare[at] == j:  # a chain of adjacent ones: С А
            j += 1
            at += 1
        before, after = (tokens[k - 1] if k else None), (tokens[j] if j < n else None)
        lone_word = j - k == 1 and tokens[k].context is not None
        sentence_start = before is None or before.kind != "word"
        if j - k <= 3 and (_name_word(before) or _name_word(after)) and not (
                lone_word and (sentence_start or caseless)):
            out.update({m: m + 1 for m in range(k, j)})
    return out
