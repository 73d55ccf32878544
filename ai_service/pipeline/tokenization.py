"""Layer 4 — tokenization with offsets; long texts in concurrent chunks.

Words keep inner apostrophes and hyphens (``O'Connor``, ``Петрова-Сидорова``);
digit runs and single punctuation marks are tokens of their own. Texts longer
than ``chunk_threshold`` are cut at whitespace (preferring sentence ends) and the
chunks are tokenized in worker threads so the event loop keeps serving; cuts
fall between tokens, so nothing is lost at a boundary.
"""

from __future__ import annotations

import asyncio
import re

from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import Document, Token

TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*(?:-[^\W\d_]+(?:'[^\W\d_]+)*)*|\d+|\S")
_CYR = re.compile("[\u0400-\u04ff]")
_LAT = re.compile("[A-Za-z\u00c0-\u024f]")
_UK = re.compile("[іїєґІЇЄҐ]")
_RU = re.compile("[ыэъёЫЭЪЁ]")


def _script(word: str) -> str:
    cyr = _CYR.search(word) is not None
    lat = _LAT.search(word) is not None
    if cyr and lat:
        return "mixed"
    if cyr:
        return "cyrl"
    if lat:
        return "latn"
    return "none"


def tokenize(text: str, offset: int = 0, cyrillic_language: str = "uk") -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    for m in TOKEN.finditer(text):
        word = m.group()
        first = word[0]
        if first.isdigit():
            append(Token(word, m.start() + offset, m.end() + offset, "number", "none"))
        elif first.isalpha():
            script = _script(word)
            if script == "latn":
                lang: str | None = "en"
            elif script == "none":
                lang = None
            elif _UK.search(word):
                lang = "uk"
            elif _RU.search(word):
                lang = "ru"
            else:
                lang = cyrillic_language
            append(Token(word, m.start() + offset, m.end() + offset, "word", script, lang))
        else:
            append(Token(word, m.start() + offset, m.end() + offset, "punct", "none"))
    return tokens


def split_chunks(text: str, size: int) -> list[tuple[int, str]]:
    """Cut ``text`` into pieces of about ``size`` chars at whitespace, preferring '. '."""
    chunks: list[tuple[int, str]] = []
    start, n = 0, len(text)
    while n - start > size:
        window = text[start : start + size]
        cut = max(window.rfind(". "), window.rfind("\n"))
        if cut < size // 2:
            cut = max(window.rfind(" "), window.rfind("\t"))
        if cut <= 0:
            # One enormous token: cut after it rather than inside it.
            m = re.compile(r"\s").search(text, start + size)
            cut = (m.start() if m else n) - start
        else:
            cut += 1
        chunks.append((start, text[start : start + cut]))
        start += cut
    if start < n:
        chunks.append((start, text[start:]))
    return chunks


class TokenizationLayer(Layer):
    name = "tokenization"

    def __init__(self, chunk_threshold: int = 1000) -> None:
        self.chunk_threshold = chunk_threshold

    async def run(self, doc: Document) -> None:
        text = doc.text
        if len(text) <= self.chunk_threshold:
            doc.tokens = tokenize(text, 0, doc.cyrillic_language)
            return
        chunks = split_chunks(text, self.chunk_threshold)
        loop = asyncio.get_running_loop()
        parts = await asyncio.gather(
            *(loop.run_in_executor(None, tokenize, chunk, off, doc.cyrillic_language) for off, chunk in chunks)
        )
        doc.tokens = [t for part in parts for t in part]
        doc.chunks = len(chunks)
