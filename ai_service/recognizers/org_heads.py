"""Organisations named around a head noun, with no legal form: ``Астраханський державний
університет``, ``Іранська кіберполіція``, ``Правоохоронні сили Ісламської Республіки Іран``,
``Інститут фізики напівпровідників ім. А.В. Ржанова``, ``Ministry of Defence``.

The head nouns are the ``"position": "head"`` entries of ``names/legal_forms.json``
(all case forms). The name is the head with the adjectives written before it and
the genitive complement after it; it must start with a capital letter, so a common
noun in running text (``оплата навчання в університеті``) names nothing.
"""

from __future__ import annotations

from functools import lru_cache

from ai_service.pipeline.document import ContextSpan, Token
from ai_service.text.dictionaries import json_data

MAX_BEFORE = 5  # adjectives and names before the head
MAX_AFTER = 14  # tokens of the complement after it
# Words that join or introduce parts of a complement (наук і досліджень, центр з підводної
# техніки, міністерство у справах, Ministry of Defence); stop words elsewhere.
_LINKS = frozenset({"і", "й", "та", "и", "з", "із", "зі", "у", "в", "с", "со", "по", "при", "для",
                    "of", "for", "and", "the", "de", "del", "la", "el"})
# English links after which a capitalised word goes on with the name unless it is a known given name
# (Holy Land Foundation for Relief and Development; Fund for John Smith names two).
_EN_LINKS = frozenset({"for", "and", "the"})
_NAMED_AFTER = frozenset({"імені", "имени", "ім", "им"})
# Links after which a capitalised word, a country too, goes on with the name (Bank of America,
# Ministry of Defence of Ukraine); not "for", "and": Fund for John Smith names two.
OF_LINKS = frozenset({"of", "de", "del"})
# Context words that may be part of a name: a country or city, a bank's own name (Банку ВТБ).
_NAME_CONTEXT = frozenset({"address", "bank_name"})
# Parts of speech a complement word may have (nouns and adjectives in the genitive).
_NOMINAL = frozenset({"NOUN", "ADJF", "ADJS", "PRTF", "NUMR", "None"})


@lru_cache(maxsize=1)
def head_forms() -> frozenset[str]:
    """The ``abbr`` values of head entries (what the context layer puts in span.value)."""
    return frozenset(f["abbr"] for f in json_data("names/legal_forms.json") if f.get("position") == "head")


@lru_cache(maxsize=1)
def head_dictionary_forms() -> frozenset[str]:
    """Head nouns as a dictionary writes them, lower case: the nominative of a Ukrainian or Russian
    head (університет, not університеті), every form of one that does not decline (компані, company)."""
    out: set[str] = set()
    for f in json_data("names/legal_forms.json"):
        if f.get("position") == "head":
            out.add(f["abbr"].lower())
            if f.get("language") not in ("uk", "ru"):
                out.update(v.lower() for v in f["variants"])
    return frozenset(out)


def head_indexes(spans: list[ContextSpan]) -> frozenset[int]:
    heads = head_forms()
    return frozenset(j for s in spans if s.category == "legal_form" and s.value in heads
                     for j in range(s.first, s.last + 1))


def _capitalised(tok: Token) -> bool:
    return tok.kind == "word" and tok.text[:1].isupper()


def _adjective(tok: Token) -> bool:
    return tok.morph is not None and tok.morph.common_pos in ("ADJF", "PRTF")


def _glued(tokens: list[Token], j: int) -> bool:
    return 0 < j < len(tokens) - 1 and tokens[j - 1].end == tokens[j].start and tokens[j].end == tokens[j + 1].start


def before_head(tokens: list[Token], h: int, taken: set[int] | frozenset[int], caseless: bool = False) -> int:
    """Index where the name headed at ``h`` starts (``h`` itself when nothing precedes)."""
    picked: list[int] = []
    j = h - 1
    while j >= 0 and len(picked) < MAX_BEFORE and j not in taken:
        tok = tokens[j]
        if tok.kind != "word" or tok.context not in (None, "bank_name"):  # VTB Bank
            break
        if not (_capitalised(tok) or _adjective(tok)
                or (caseless and tok.morph is not None and not tok.morph.known_common)):
            break
        picked.append(j)
        j -= 1
    # The name starts at its first capitalised word: "державний" alone starts nothing. With
    # ``caseless`` (no capitals, the head in its dictionary form) the words before the head name it
    # when one of them may be a name (самарський державний медичний університет), not when all are
    # common words (державний медичний університет).
    if caseless and any(tokens[k].morph is not None and tokens[k].morph.forms and not tokens[k].morph.known_common
                        for k in picked):
        return picked[-1]
    while picked and not _capitalised(tokens[picked[-1]]):
        picked.pop()
    return picked[-1] if picked else h


def complement(tokens: list[Token], j: int, heads: frozenset[int], taken: set[int] | frozenset[int]) -> int:
    """Index of the last token of the genitive complement starting at ``j`` (``j - 1`` if none)."""
    last = j - 1
    n = len(tokens)
    prev: Token | None = None
    count = 0
    while j < n and count < MAX_AFTER and j not in taken:
        tok = tokens[j]
        low = tok.text.lower()
        if tok.kind == "word":
            if j in heads:
                ok = True  # "Російської академії наук": another head in the genitive
            elif low in _LINKS or low in _NAMED_AFTER:
                nxt = tokens[j + 1] if j + 1 < n else None
                ok = nxt is not None and nxt.kind == "word" and (
                    nxt.context is None or j + 1 in heads
                    or (low in OF_LINKS and _capitalised(nxt) and nxt.context in _NAME_CONTEXT))
            elif tok.context is not None and tok.context not in _NAME_CONTEXT:
                break
            elif _capitalised(tok):
                # A capitalised word continues the name after a capitalised word, an
                # honorific "імені" or an initial, or as an adjective (Сибірського відділення);
                # after a lower-case noun it is someone else (… студента Петренка) — unless it is a
                # common noun, no name (Міністерство оборони Республіки Білорусь).
                ok = (_adjective(tok) or prev is None or _capitalised(prev) or prev.text == "."
                      or (tok.morph is not None and tok.morph.known_common and str(tok.morph.common_pos) in _NOMINAL)
                      or prev.text.lower() in _NAMED_AFTER or prev.text.lower() in OF_LINKS or len(prev.text) == 1
                      or (prev.text in _EN_LINKS and tok.script == "latn" and not (tok.morph is not None and tok.morph.known_given)))
            else:
                ok = tok.morph is None or not tok.morph.known_common or str(tok.morph.common_pos) in _NOMINAL
            if not ok:
                break
            if low not in _LINKS and low not in _NAMED_AFTER:
                last = j
        elif tok.text == "." and prev is not None and (len(prev.text) == 1 or prev.text.lower() in _NAMED_AFTER):
            pass  # ім. А.В. Ржанова
        elif tok.text == "-" and (_glued(tokens, j) or j + 1 in heads):
            pass  # Приватна установа – організація додаткової освіти
        else:
            break
        prev = tok
        count += 1
        j += 1
    return last
