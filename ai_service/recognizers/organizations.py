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
from ai_service.recognizers.org_heads import (OF_LINKS, before_head, complement, head_dictionary_forms, head_forms,
                                              head_indexes)
from ai_service.text.bank_names import bank_nominative
from ai_service.text.dictionaries import json_data

MAX_CORE_TOKENS = 6
MAX_QUOTED_TOKENS = 40  # long official names are quoted too
# Context inside an unquoted name that ends it.
_BREAKING_CONTEXT = frozenset({"payment", "beneficiary", "boilerplate", "id_marker", "dob_marker",
                               "month", "bank", "address", "currency", "legal_form", "title", "id", "date"})
_JOINERS = frozenset({"и", "і", "й", "та", "&", "and", "und", "енд", "энд", "-"})  # енд: "and" transliterated
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
    if j + 1 >= len(tokens) or tokens[j].morph is None or not tokens[j].morph.known_given:
        return False
    nxt = tokens[j + 1]
    return nxt.kind == "word" and nxt.text[:1].isupper() and nxt.context is None


def _party_follows(tokens: list[Token], j: int) -> bool:
    """After a joiner, a person is the other party, not the rest of the name: ``між ТОВ Вектор
    та Чирковим Віктором Вікторовичем``, ``… та Д.О. Кізіловим``, ``… та Віктором Чирковим``,
    ``… та Кніжонак Галиною``, ``… та Богатирьовою Мадіною Салманівною`` (told by the patronymic)."""
    if _initial_at(tokens, j) or _person_starts(tokens, j):
        return True
    k = j + 1
    if k >= len(tokens) or tokens[j].kind != "word" or tokens[k].start > tokens[j].end + 1:
        return False
    return (_initial_at(tokens, k) or _given_word(tokens[k]) or _patronymic(tokens[k])
            or (k + 1 < len(tokens) and _patronymic(tokens[k + 1])))


def _initial_at(tokens: list[Token], i: int) -> bool:
    tok = tokens[i]
    return (len(tok.text) == 1 and tok.text.isupper() and i + 1 < len(tokens) and tokens[i + 1].text == "."
            and tokens[i + 1].start == tok.end)


def _given_word(tok: Token) -> bool:
    return tok.kind == "word" and tok.text[:1].isupper() and tok.morph is not None and tok.morph.known_given


def _patronymic(tok: Token) -> bool:
    return tok.kind == "word" and tok.morph is not None and any(f.role == "patronymic" for f in tok.morph.forms)


def _quote_opened(tokens: list[Token], close: int) -> int | None:
    """The quote that the one at ``close`` closes, when it holds a word."""
    for k in range(close - 2, max(-1, close - MAX_QUOTED_TOKENS), -1):
        if tokens[k].text == '"' and _closing_quote(tokens, k) == close:
            return k
    return None


def _closing_quote(tokens: list[Token], i: int) -> int | None:
    """The quote closing the one at ``i``. Nested quotes (ООО «Компания "Химпром"»,
    all written " after normalization) are told apart by where the spaces are: an
    opening quote is glued to the word after it, a closing one to the word before."""
    depth = 0
    last: int | None = None
    for j in range(i + 1, min(len(tokens), i + MAX_QUOTED_TOKENS)):
        if tokens[j].text == ";":
            break  # a list item ends: an unclosed quote must not swallow the next payment line
        if tokens[j].text != '"':
            continue
        if j == i + 1:
            return None
        opening = (tokens[j].start > tokens[j - 1].end and j + 1 < len(tokens)
                   and tokens[j + 1].start == tokens[j].end and tokens[j + 1].kind == "word")
        if opening:
            depth += 1
        elif depth == 0:
            return j
        else:
            depth -= 1
            last = j
    return last  # "НПК "Композит": the outer quote was never closed


def _glued_dot(tokens: list[Token], j: int) -> bool:
    return (0 < j < len(tokens) - 1 and tokens[j - 1].end == tokens[j].start == tokens[j].end - 1
            and tokens[j + 1].start == tokens[j].end and tokens[j - 1].kind == tokens[j + 1].kind == "word")


def _unquoted_core(tokens: list[Token], i: int, step: int, heads: frozenset[int] = frozenset(),
                   caseless: bool = False) -> list[int]:
    """Indexes of a name written without quotes, walking from ``i`` by ``step``. Read backwards
    from a suffix form, a name is capitalised words, or in a caseless text any words up to a
    context word (``wire transfer to flight travel llc``)."""
    picked: list[int] = []
    j = i
    while 0 <= j < len(tokens) and len(picked) < MAX_CORE_TOKENS:
        tok = tokens[j]
        if step > 0 and j in heads:
            # ТОВ Інженерний центр з підводної техніки: the head and its complement belong to the name.
            picked.extend(range(j, _quoted_tail(tokens, complement(tokens, j + 1, heads, frozenset())) + 1))
            break
        named_after = picked and tokens[picked[-1]].text.lower() in _NAMED_AFTER
        if step > 0 and picked and not named_after and (_person_starts(tokens, j) or _script_changes(tokens, picked[0], j)):
            break
        # Descriptive words are part of a name read backwards from its suffix (Green Field
        # Consulting Ltd), and so are head nouns and titles there (havin bank limited, general
        # petroleum corporation); a bank word may be the whole name (ТОВ ПриватБанк).
        allowed = (tok.context not in _BREAKING_CONTEXT or (tok.context == "bank" and not picked)
                   or (step < 0 and tok.context in ("boilerplate", "bank") and tok.text[:1].isupper())
                   or (step < 0 and (j in heads or tok.context == "title")))
        if tok.kind == "word" and allowed:
            low = tok.text.lower()
            if low in _JOINERS or tok.context == "stop":
                nxt = j + step
                # A joiner inside a name (Рога и Копыта); backwards a capitalised stop word or a
                # joiner between capitalised words is a word of the name (Фотон Про ЛЛП, Сервіс
                # Іммобільє і Жестьон САС).
                inside = 0 <= nxt < len(tokens) and tokens[nxt].text[:1].isupper() and (
                    (step > 0 and picked and not _party_follows(tokens, nxt))
                    or (step < 0 and (tok.text[:1].isupper() or (picked and low in _JOINERS))
                        and tokens[nxt].kind == "word" and tokens[nxt].context is None))
                if inside:
                    picked.append(j)
                    j = nxt
                    continue
                break
            if not (caseless or tok.text[:1].isupper() or tok.text.isupper()) and step < 0 and not _capitalised_before(tokens, j):
                break
            picked.append(j)
        elif tok.kind == "number" and (_glued_number(tokens, j) or (
                picked if step > 0 else all(tokens[k].kind != "word" for k in picked))):
            picked.append(j)  # "Plant 5 Ltd"; read backwards next to the form ("VISION 20-20, S.A.") or in a word (2ГІС)
        elif step < 0 and tok.text == ")" and (opened := _parenthesis_opened(tokens, j)) is not None:
            picked.extend(range(opened, j + 1))  # Бонум Кепітал (Сайпрес) Лтд: a place or kind inside the name
            j = opened - 1
            continue
        elif tok.text in ("&", "-") and picked:
            pass
        elif tok.text == "." and picked and _glued_dot(tokens, j):
            pass  # Pravda.Ru, Вакуум.Ру: a dot inside the name
        elif step < 0 and tok.text == "." and j > 0 and len(tokens[j - 1].text) == 1 and tokens[j - 1].end == tok.start:
            pass  # I.P.C. INTERNATIONAL LIMITED: the letters of a dotted abbreviation follow
        else:
            break
        j += step
    picked.sort()
    while picked and tokens[picked[0]].kind != "word" and not _glued_number(tokens, picked[0]):
        picked.pop(0)  # a name starts with a word, not with the number before it (but 2ГІС, 3M do)
    if picked and tokens[picked[-1]].text == ")" and all(tokens[k].text != "(" for k in picked):
        picked.pop()  # (Acme) Ltd: the parenthesis was around the whole name
    return picked


MAX_LOWER_WORDS = 3  # lower-case words of a name between its capitalised first word and its form


def _capitalised_before(tokens: list[Token], j: int) -> bool:
    """A lower-case word read backwards from a suffix form belongs to the name when a capitalised
    word begins it a few words before: names are written with only their first word capitalised
    (Альфа кепітал маркетс ЛТД, Саксес авіейшен сервіс ФЗС), as Ukrainian spelling asks."""
    k = j
    while k >= 0 and j - k <= MAX_LOWER_WORDS and tokens[k].kind == "word" and tokens[k].context is None:
        if tokens[k].text[:1].isupper():
            return True
        k -= 1
    return False


MAX_PARENTHESISED_WORDS = 2


def _parenthesis_opened(tokens: list[Token], j: int) -> int | None:
    """Where the parenthesis closed at ``j`` opens, when it holds a capitalised word or two and
    nothing of the payment's own wording: (Сайпрес), (PVT), not (за послуги)."""
    k = j - 1
    while k >= 0 and j - 1 - k < MAX_PARENTHESISED_WORDS and tokens[k].kind == "word" and (
            tokens[k].context is None and tokens[k].text[:1].isupper()):
        k -= 1
    return k if 0 <= k < j - 1 and tokens[k].text == "(" else None


def _glued_number(tokens: list[Token], j: int) -> bool:
    """A number written together with the word after it: one word of the name (2ГІС Локал Серч)."""
    return (tokens[j].kind == "number" and j + 1 < len(tokens) and tokens[j + 1].kind == "word"
            and tokens[j].end == tokens[j + 1].start)


@lru_cache(maxsize=1)
def suffix_forms() -> frozenset[str]:
    """Legal forms written after the name (``Acme Inc``, ``Siemens AG``)."""
    return frozenset(f["abbr"] for f in json_data("names/legal_forms.json") if f.get("position") == "suffix")


def _match(first: int, last: int, core: list[int], form: str | None, tokens: list[Token], text: str) -> OrgMatch:
    cs, ce = tokens[core[0]].start, tokens[core[-1]].end
    return OrgMatch(first, last, form, " ".join(text[cs:ce].replace('"', " ").split()), cs, ce)


def _with_form(tokens: list[Token], span: ContextSpan, text: str, owner: dict[int, OrgMatch],
               heads: frozenset[int], caseless: bool = False) -> OrgMatch | None:
    after = span.last + 1
    if span.value in suffix_forms():
        # A suffix closes the name before it: extend an organisation already read
        # (``LLC Apple Inc``) or read backwards; never swallow what follows.
        prev = owner.get(span.first - 1) or (owner.get(span.first - 2) if tokens[span.first - 1].text == "," else None)
        if prev is not None:
            prev.last = span.last
            return prev
        before = span.first - 1
        if before > 0 and tokens[before].text == ",":
            before -= 1  # "VISION 20-20, S.A.", "Acme, Inc."
        core = _read_back(tokens, before, heads, caseless)
        return _match(core[0], span.last, core, span.value, tokens, text) if core else None
    if after < len(tokens) and tokens[after].text == '"':
        close = _closing_quote(tokens, after)
        if close is not None:
            core = [k for k in range(after + 1, close) if tokens[k].text != '"']
            return _match(span.first, close, core, span.value, tokens, text)
    core = _unquoted_core(tokens, after, 1, heads)
    if core:
        return _match(span.first, core[-1], core, span.value, tokens, text)
    before = span.first - 1
    if before > 0 and tokens[before].text == ",":
        before -= 1  # "OPTIMA, OOO": a form written after the name, list style
    core = _read_back(tokens, before, heads, caseless)
    return _match(core[0], span.last, core, span.value, tokens, text) if core else None


def _read_back(tokens: list[Token], before: int, heads: frozenset[int], caseless: bool) -> list[int]:
    """The name written before a legal form, ending at ``before``: unquoted words, or a quoted name
    with the words before its quotes (Bashkirske Vyrobnyche Obiednannia «Prohress» JSC — not a
    person beside a company called Prohress)."""
    if before < 0:
        return []
    opened = _quote_opened(tokens, before) if before > 0 and tokens[before].text == '"' else None
    if opened is None:
        return _unquoted_core(tokens, before, -1, heads, caseless)
    quoted = [k for k in range(opened + 1, before) if tokens[k].text != '"']
    prefix = _unquoted_core(tokens, opened - 1, -1, heads, caseless)
    if any(tokens[k].morph is not None and tokens[k].morph.known_given for k in prefix):
        prefix = []  # Петренко Іван «Ромашка» ТОВ: a person before the company, not its name
    return prefix + quoted


def _abbreviation_tail(tokens: list[Token], last: int) -> int:
    """Extend a name to its abbreviation in brackets right after it (… Республіки Іран (IRIB))."""
    k = last + 1
    if (k + 2 < len(tokens) and tokens[k].text == "(" and tokens[k + 2].text == ")"
            and tokens[k + 1].kind == "word" and tokens[k + 1].text.isupper() and len(tokens[k + 1].text) >= 2):
        return k + 2
    return last


def _quoted_tail(tokens: list[Token], last: int) -> int:
    """Extend a name to the quoted part right after it (центр з підводної техніки "Глибина")."""
    if last + 1 < len(tokens) and tokens[last + 1].text == '"':
        close = _closing_quote(tokens, last + 1)
        if close is not None:
            return close
    return last


def _headed(tokens: list[Token], span: ContextSpan, text: str, heads: frozenset[int], taken: set[int],
            caseless: bool = False) -> OrgMatch | None:
    """The name around a head noun (see ``org_heads``), or None for a common noun (lower case in
    a normally written text, or a lone head noun)."""
    h = span.first
    # Caseless, only a head in its dictionary form: a payment names its payee in the nominative
    # ("на рахунок самарський державний медичний університет"), prose does not ("в державному університеті").
    start = before_head(tokens, h, taken, caseless and tokens[h].text.lower() in head_dictionary_forms())
    after = span.last + 1
    if after < len(tokens) and tokens[after].text == '"':
        close = _closing_quote(tokens, after)  # Міжнародний фонд "Відродження"
        if close is not None and not any(k in taken for k in range(after, close + 1)):
            core = [k for k in range(start, close) if tokens[k].text != '"']
            return _match(start, close, core, None, tokens, text)
    last = _abbreviation_tail(tokens, _quoted_tail(tokens, complement(tokens, after, heads, taken)))
    if not (caseless or tokens[start].text[:1].isupper()) or (start == h and last == span.last):
        return None  # "в університеті", a lone "Інститут"
    return _match(start, last, list(range(start, last + 1)), None, tokens, text)


def _bank(tokens: list[Token], i: int, text: str, taken: set[int]) -> OrgMatch:
    """A bank's own name (Сбербанк, ВТБ, Sberbank of Russia): the word, and a Latin "of" phrase after
    it; not the capitalised words after it (… ПриватБанку Петренку Івану names a person too).
    Searched in the nominative: Сбербанка is Сбербанк."""
    last = i
    if (i + 2 < len(tokens) and tokens[i + 1].text.lower() in OF_LINKS and i + 2 not in taken
            and tokens[i + 2].text[:1].isupper() and tokens[i + 2].context in (None, "address")):
        last = i + 2
    match = _match(i, last, list(range(i, last + 1)), None, tokens, text)
    word = tokens[i].text
    match.core = bank_nominative(word) + match.core[len(word):]
    return match


def find_organizations(tokens: list[Token], spans: list[ContextSpan], text: str,
                       caseless: bool = False) -> list[OrgMatch]:
    found: list[OrgMatch] = []
    owner: dict[int, OrgMatch] = {}
    heads = head_indexes(spans)
    head_values = head_forms()
    for span in spans:
        if span.category != "legal_form" or span.kind == "person" or span.first in owner or span.value in head_values:
            continue
        match = _with_form(tokens, span, text, owner, heads, caseless)
        if match is not None:
            if all(m is not match for m in found):
                found.append(match)
            owner.update({k: match for k in range(match.first, match.last + 1)})
    # Names around a head noun, once the legal forms have taken theirs.
    headed: list[OrgMatch] = []
    for span in spans:
        if span.category == "legal_form" and span.value in head_values and span.first not in owner:
            match = _headed(tokens, span, text, heads, set(owner), caseless)
            if match is None:
                continue
            if headed and headed[-1].last + 1 >= match.first:
                # "Федеральна державна бюджетна установа науки | Фізико-технологічний інститут …": one name
                match = _match(headed[-1].first, match.last, list(range(headed[-1].first, match.last + 1)),
                               None, tokens, text)
                found.remove(headed.pop())
            headed.append(match)
            found.append(match)
            owner.update({k: match for k in range(match.first, match.last + 1)})
    taken = set(owner)
    # Banks named by their own name, with neither a legal form nor a head noun.
    for span in spans:
        if span.category == "bank_name" and span.first not in taken:
            match = _bank(tokens, span.first, text, taken)
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
