"""Organisations: a legal form plus a core name, quoted or not, in either order.

``ТОВ «Укрспецторг»``, ``ООО Рога и Копыта``, ``Acme Trading LLC``,
``Товариство з обмеженою відповідальністю "Альфа"``; a quoted name with no
legal form is an organisation too. Person-type forms (ФОП, ИП) are not
organisations: the signals layer attaches them to the person that follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ai_service.pipeline.document import ContextSpan, Token

MAX_CORE_TOKENS = 6
# Context inside an unquoted name that ends it.
_BREAKING_CONTEXT = frozenset({"payment", "beneficiary", "boilerplate", "id_marker", "dob_marker",
                               "month", "bank", "address", "currency", "legal_form", "title", "id", "date"})
_JOINERS = frozenset({"и", "і", "й", "та", "&", "and", "und", "-"})


@dataclass(slots=True)
class OrgMatch:
    first: int  # token index range covered (legal form + core)
    last: int
    legal_form: str | None
    core: str
    core_start: int  # char offsets of the core name
    core_end: int


def _closing_quote(tokens: list[Token], i: int) -> int | None:
    for j in range(i + 1, min(len(tokens), i + 16)):
        if tokens[j].text == '"':
            return j if j > i + 1 else None
    return None


def _unquoted_core(tokens: list[Token], i: int, step: int) -> list[int]:
    """Indexes of a name written without quotes, walking from ``i`` by ``step``."""
    picked: list[int] = []
    j = i
    while 0 <= j < len(tokens) and len(picked) < MAX_CORE_TOKENS:
        tok = tokens[j]
        if tok.kind == "word" and tok.context not in _BREAKING_CONTEXT:
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


def find_organizations(tokens: list[Token], spans: list[ContextSpan], text: str) -> list[OrgMatch]:
    found: list[OrgMatch] = []
    taken: set[int] = set()
    for span in spans:
        if span.category != "legal_form" or span.kind == "person" or span.first in taken:
            continue
        after = span.last + 1
        match: OrgMatch | None = None
        if after < len(tokens) and tokens[after].text == '"':
            close = _closing_quote(tokens, after)
            if close is not None:
                cs, ce = tokens[after + 1].start, tokens[close - 1].end
                match = OrgMatch(span.first, close, span.value, text[cs:ce], cs, ce)
        if match is None:
            core = _unquoted_core(tokens, after, 1)
            if not core and span.first > 0:
                core = _unquoted_core(tokens, span.first - 1, -1)
                if core:
                    cs, ce = tokens[core[0]].start, tokens[core[-1]].end
                    match = OrgMatch(core[0], span.last, span.value, text[cs:ce], cs, ce)
            elif core:
                cs, ce = tokens[core[0]].start, tokens[core[-1]].end
                match = OrgMatch(span.first, core[-1], span.value, text[cs:ce], cs, ce)
        if match is not None:
            found.append(match)
            taken.update(range(match.first, match.last + 1))
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
