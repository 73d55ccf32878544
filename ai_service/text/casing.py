"""Writing normalized name parts back in a reader's casing."""

from __future__ import annotations


def display_case(source: str, normalized: str, lang: str | None = None) -> str:
    """Case ``normalized`` like a name: keep deliberate mixed case from the source
    (``O'Connor``, ``McDonald``) when the word did not change, otherwise
    capitalise each hyphen-separated part (``Петрова-Сидорова``, ``Мар'яна``)."""
    if normalized.lower() == source.lower() and _deliberate_mixed_case(source):
        return source
    return "-".join(_capitalize_part(p, lang) for p in normalized.split("-"))


def _deliberate_mixed_case(word: str) -> bool:
    """``McDonald``, ``DiCaprio``, ``O'Connor`` — not ``ПАвлова`` (a slipped Shift key)."""
    if word.isupper() or word.islower() or len(word) < 2:
        return False
    return word[0].isupper() and not word[1].isupper()


def _capitalize_part(part: str, lang: str | None) -> str:
    if not part:
        return part
    head, sep, tail = part.partition("'")
    # One-letter prefixes (O'Connor, О'Коннор, Д'Артаньян) capitalise what follows; the
    # Ukrainian apostrophe before я/ю/є/ї is inside a word (П'ятницький, Мар'яна, Григор'єв).
    # Russian has no such apostrophe: there it always marks a prefix (Д'Яченко).
    inside_word = lang == "uk" and tail[:1].lower() in ("я", "ю", "є", "ї")
    if sep and len(head) == 1 and tail and not inside_word:
        return head.upper() + "'" + tail[:1].upper() + tail[1:].lower()
    return part[:1].upper() + part[1:].lower()
