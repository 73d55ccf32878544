"""Organisations: a legal form plus a core name, quoted or not, in either order.

``ТОВ «Укрспецторг»``, ``ООО Рога и Копыта``, ``Acme Trading LLC``,
``Товариство з обмеженою відповідальністю "Альфа"``; a quoted name with no
legal form is an organisation too. Person-type forms (ФОП, ИП) are not
organisations: the signals layer attaches them to the person that follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ai_service.pipeline.document import ContextSpan, Token
from ai_service.text.dictionaries import json_data

MAX_CORE_TOKENS = 6
# Context inside an unquoted name that ends it.
_BREAKING_CONTEXT = frozenset({"payment", "beneficiary", "boilerplate", "id_marker", "dob_marker",
                               "month", "bank", "address", "currency", "legal_form", "title", "id", "date"})
_JOINERS = frozenset({"и", "і", "й", "та", "&", "and", "und", "-"})
# "університет імені Тараса Шевченка": the person after these words is the name's honoree.
_NAMED_AFTER = frozenset({"імені", "имени", "ім", "им"})


@dataclass(slots=True)
class OrgMatch:
    first: int  # token index range covered (legal form + core)
    last: int
    legal_form: str | None
    core: str
    core_start: int  # char offsets of the core name
    core_end: int


def _script_changes(tokens: list[Token], first: int, j: int) -> bool:
    """``ООО ПриватБанк Jean O'Connor``: a name in one script does not run on into another."""
    a, b = tokens[first].script, tokens[j].script
    return tokens[j].kind == "word" and a in ("cyrl", "latn") and b in ("cyrl", "latn") and a != b


def _person_starts(tokens: list[Token], j: int) -> bool:
    """A known given name followed by another capitalised word starts a person, not a name."""
    tok = tokens[j]
    if tok.morph is None or j + 1 >= len(tokens):
        return False
    given = any(f.role == "given" and f.source in ("morph", "dictionary") for f in tok.morph.forms)
    nxt = tokens[j + 1]
    return given and nxt.kind == "word" and nxt.text[:1].isupper() and nxt.context is None


def _closing_quote(tokens: list[Token], i: int) -> int | None:
    """The quote closing the one at ``i``; for nested quotes (ООО «Компания "Химпром"»,
    all written " after normalization) the last of a closing pair."""
    quotes = [j for j in range(i + 1, min(len(tokens), i + 16)) if tokens[j].text == '"']
    if not quotes or quotes[0] == i + 1:
        return None
    for a, b in zip(quotes, quotes[1:]):
        if len(quotes) >= 3 and b == a + 1 and tokens[b].start == tokens[a].end:
            return b
    return quotes[0]


def _unquoted_core(tokens: list[Token], i: int, step: int) -> list[int]:
    """Indexes of a name written without quotes, walking from ``i`` by ``step``."""
    picked: list[int] = []
    j = i
    while 0 <= j < len(tokens) and len(picked) < MAX_CORE_TOKENS:
        tok = tokens[j]
        named_after = picked and tokens[picked[-1]].text.lower() in _NAMED_AFTER
        if step > 0 and picked and not named_after and (_person_starts(tokens, j) or _script_changes(tokens, picked[0], j)):
            break
        # Descriptive words are part of a name read backwards from its suffix (Green Field
        # Consulting Ltd), and a bank word may be the whole name (ТОВ ПриватБанк).
        allowed = (tok.context not in _BREAKING_CONTEXT or (tok.context == "bank" and not picked)
                   or (step < 0 and tok.context == "boilerplate" and tok.text[:1].isupper()))
        if tok.kind == "word" and allowed:
            low = tok.text.lower()
            if low in _JOINERS or tok.context == "stop":
                nxt = j + step
                if picked and 0 <= nxt < len(tokens) and tokens[nxt].text[:1].isupper() and step > 0:
                    picked.append(j)
                    j = nxt
                    continue
                break
            if not (tok.text[:1].isupper() or tok.text.isupper()) and step < 0:
                break
            picked.append(j)
        elif tok.kind == "number" and picked and step > 0:
            picked.append(j)
        elif tok.text in ("&", "-") and picked:
            pass
        else:
            break
        j += step
    return sorted(picked)


@lru_cache(maxsize=1)
def suffix_forms() -> frozenset[str]:
    """Legal forms written after the name (``Acme Inc``, ``Siemens AG``)."""
    return frozenset(f["abbr"] for f in json_data("names/legal_forms.json") if f.get("position") == "suffix")


def _match(first: int, last: int, core: list[int], form: str | None, tokens: list[Token], text: str) -> OrgMatch:
    cs, ce = tokens[core[0]].start, tokens[core[-1]].end
    return OrgMatch(first, last, form, " ".join(text[cs:ce].replace('"', " ").split()), cs, ce)


def _with_form(tokens: list[Token], span: ContextSpan, text: str, owner: dict[int, OrgMatch]) -> OrgMatch | None:
    after = span.last + 1
    if span.value in suffix_forms():
        # A suffix closes the name before it: extend an organisation already read
        # (``LLC Apple Inc``) or read backwards; never swallow what follows.
        prev = owner.get(span.first - 1)
        if prev is not None:
            prev.last = span.last
            return prev
        core = _unquoted_core(tokens, span.first - 1, -1) if span.first > 0 else []
        return _match(core[0], span.last, core, span.value, tokens, text) if core else None
    if after < len(tokens) and tokens[after].text == '"':
        close = _closing_quote(tokens, after)
        if close is not None:
            core = [k for k in range(after + 1, close) if tokens[k].text != '"']
            return _match(span.first, close, core, span.value, tokens, text)
    core = _unquoted_core(tokens, after, 1)
    if core:
        return _match(span.first, core[-1], core, span.value, tokens, text)
    core = _unquoted_core(tokens, span.first - 1, -1) if span.first > 0 else []
    return _match(core[0], span.last, core, span.value, tokens, text) if core else None


def find_organizations(tokens: list[Token], spans: list[ContextSpan], text: str) -> list[OrgMatch]:
    found: list[OrgMatch] = []
    owner: dict[int, OrgMatch] = {}
    for span in spans:
        if span.category != "legal_form" or span.kind == "person" or span.first in owner:
            continue
        match = _with_form(tokens, span, text, owner)
        if match is not None:
            if all(m is not match for m in found):
                found.append(match)
            owner.update({k: match for k in range(match.first, match.last + 1)})
    taken = set(owner)
    # Quoted names without a legal form.
    i = 0
    while i < len(tokens):
        if tokens[i].text == '"' and i not in taken:
            close = _closing_quote(tokens, i)
            if close is not None and any(tokens[k].kind == "word" for k in range(i + 1, close)):
                if not any(k in taken for k in range(i, close + 1)):
                    cs, ce = tokens[i + 1].start, tokens[close - 1].end
                    found.append(OrgMatch(i, close, None, text[cs:ce], cs, ce))
                    taken.update(range(i, close + 1))
                i = close + 1
                continue
        i += 1
    found.sort(key=lambda m: m.first)
    return found
