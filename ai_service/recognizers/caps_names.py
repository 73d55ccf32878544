"""Capitalised organisation names copied from sanctions lists into ordinary text.

Payments often paste a list entry as it is written there — ``RUELAS TORRES DRUG
TRAFFICKING ORGANIZATION``, ``AGRO Y COMERCIO DE SANTA BARBARA LAGROMER S. EN C.``,
``ONE CLASS PROPERTIES (PTY) LTD.`` — in a text that is otherwise normally cased. A
long run of upper-case words (with the connectors such names use) is read as one
organisation name, so it is neither cut into "persons" nor split at its legal form.
Short runs (a person's name in capitals) are left to the person recognizer.
"""

from __future__ import annotations

from ai_service.pipeline.document import ContextSpan, Token
from ai_service.recognizers.org_heads import head_forms
from ai_service.recognizers.organizations import OrgMatch
from ai_service.text.dictionaries import word_list

MIN_WORDS = 5  # capitalised words (connectors not counted) that make a run an organisation
MIN_WORDS_WITH_MARKER = 2  # … or this many when a legal form / organisation word is inside
_CONNECTORS = frozenset({"y", "de", "del", "la", "las", "los", "el", "of", "and", "the", "for", "e", "di",
                         "du", "des", "et", "da", "do", "dos", "en", "s", "c", "&", "in"})
_ORG_JOINERS = frozenset({"of", "and", "for", "the", "&"})
# Legal forms that are also names (Sal), so no legal form to the context layer: in capitals at the
# end of a run of capitals they close an organisation's name (ABAR PETROLEUM SERVICE SAL, DAMOUR 850 SAL).
_CLOSING_FORMS = frozenset({"sal"})
_INNER_PUNCT = frozenset({"&", "-", "(", ")", ".", "'", ","})
_MARKERS = word_list("names/org_markers").words


def _caps_word(tok: Token) -> bool:
    if not tok.text.isupper():  # most words: one C call instead of a list of letters
        return False
    letters = [c for c in tok.text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and (len(letters) > 1 or tok.text.lower() in _CONNECTORS)


def _joiner_inside_name(tokens: list[Token], i: int, j: int, legal: set[int]) -> bool:
    """``FOR`` after an organisation word or before a legal form, between capitalised words, joins
    the name (IDLEB COMPANY FOR SPINNING, POPULAR FRONT FOR THE LIBERATION OF PALESTINE) though it is
    the word that introduces a payee (payment for …); after a person's name in capitals it still
    ends the run (IVAN PETROV FOR CONSULTING services)."""
    nxt = j + 1
    if not (tokens[nxt].context == "beneficiary" and tokens[nxt].text.lower() in _ORG_JOINERS
            and nxt + 1 < len(tokens) and tokens[nxt + 1].kind == "word" and _caps_word(tokens[nxt + 1])):
        return False
    if any(k in legal or tokens[k].text.lower() in _MARKERS for k in range(i, nxt)):
        return True
    # … or before a legal form closing the capitals (DAMASCUS CHAM FOR MANAGEMENT LLC)
    k = nxt + 1
    while k < len(tokens) and tokens[k].kind == "word" and _caps_word(tokens[k]) and k not in legal:
        k += 1
    return k < len(tokens) and k in legal


def _place_joined(words: list[Token], content: list[Token]) -> bool:
    """``IN`` inside capitals names an organisation by its place (AL-QAIDA IN IRAQ) unless a given
    name says the words before it are a person somewhere (IVAN PETROV IN KYIV)."""
    return (any(t.text.lower() == "in" for t in words[1:-1])
            and not any(t.morph is not None and t.morph.known_given for t in content))


def _parenthesised_word(tokens: list[Token], i: int) -> bool:
    """(PVT), (PTY) after a name not written in capitals: a note inside that name, not the start
    of one (Euro Asia Cargo (PVT) LTD)."""
    return 0 < i < len(tokens) - 1 and tokens[i - 1].text == "(" and tokens[i + 1].text == ")"


MIN_ACRONYM = 3


def _acronym_inside(tokens: list[Token], i: int, end: int) -> bool:
    """``KHATIBA IMAM AL-BUKHARI (KIB)``: capitals followed by their own initials in parentheses are
    an organisation's name and abbreviation; a person is not written so."""
    for k in range(i + 1, end):
        if tokens[k - 1].text == "(" and tokens[k + 1].text == ")" and len(tokens[k].text) >= MIN_ACRONYM:
            words = [t for t in tokens[i : k - 1] if t.kind == "word" and t.text.lower() not in _CONNECTORS]
            return len(words) >= MIN_ACRONYM and _initials_of(tokens[k].text, words)
    return False


def _initials_of(acronym: str, words: list[Token]) -> bool:
    """Each letter of ``acronym`` starts one of ``words`` (or a hyphenated part of it), in order."""
    w = 0
    for letter in acronym:
        while w < len(words) and letter not in {part[:1] for part in words[w].text.split("-")}:
            w += 1
        if w == len(words):
            return False
        w += 1
    return True


def _letter(tok: Token) -> bool:
    return tok.kind == "word" and len(tok.text) == 1 and tok.text.isupper()


def _abbreviation_before(tokens: list[Token], i: int) -> int:
    """Start of a dotted or ampersand abbreviation written just before ``i``
    (``I.P.C. INTERNATIONAL``, ``I&S HOLDING``, ``T.F.M.C. THE FOOD``), else ``i``."""
    k = i - 1
    if (k > 0 and tokens[k].kind == "word" and len(tokens[k].text) > 1 and tokens[k].text.isupper()
            and tokens[k].text.lower() in _CONNECTORS):
        before = _abbreviation_before(tokens, k)  # THE between the abbreviation and the name
        return before if before < k else i
    if k < 0 or not (_letter(tokens[k]) or tokens[k].text == "."):
        return i
    while k > 0 and tokens[k - 1].end == tokens[k].start and (
            _letter(tokens[k - 1]) or tokens[k - 1].text in ".&" or _spelled_letter(tokens, k - 1)):
        k -= 1
    letters = sum(1 for j in range(k, i) if _letter(tokens[j]) or _spelled_letter(tokens, j))
    if k > 0 and _surname_before_initials(tokens, k, i):
        return i  # "Петренко О.В. ТОВ БУДСЕРВІС": a person's initials, then the company
    return k if letters >= 2 and (_letter(tokens[k]) or _spelled_letter(tokens, k)) else i


def _surname_before_initials(tokens: list[Token], k: int, i: int) -> bool:
    before = tokens[k - 1]
    return (before.kind == "word" and before.context is None and before.text[:1].isupper() and not before.text.isupper()
            and all(_letter(t) or t.text == "." for t in tokens[k:i]))


MAX_SPELLED_LETTER = 6  # Дабл'ю


def _spelled_letter(tokens: list[Token], j: int) -> bool:
    """``Бі.Дабл'ю.Ай.``: a Latin abbreviation's letters spelled out in Cyrillic, each glued to a dot."""
    tok = tokens[j]
    return (tok.kind == "word" and len(tok.text) <= MAX_SPELLED_LETTER and tok.text[:1].isupper()
            and j + 1 < len(tokens) and tokens[j + 1].text == "." and tokens[j + 1].start == tok.end)


def find_caps_names(tokens: list[Token], spans: list[ContextSpan], text: str) -> list[OrgMatch]:
    # ФОП / ИП are a person's forms: "ФОП ГАРТУНГ М. В." is a person, not a capitalised company.
    forms = [s for s in spans if s.category == "legal_form"]  # few; a long text has hundreds of spans
    legal = {j for s in forms if s.kind != "person" for j in range(s.first, s.last + 1)}
    heads = head_forms()  # organisation nouns (BANK, MINISTRY): a sign of a name, not its legal form
    form_only = {j for s in forms if s.kind != "person" and s.value not in heads for j in range(s.first, s.last + 1)}
    personal = {j for s in forms if s.kind == "person" for j in range(s.first, s.last + 1)}
    found: list[OrgMatch] = []
    i, n = 0, len(tokens)
    while i < n:
        if (not tokens[i].text.isupper()  # most words, numbers and marks: one C call
                or tokens[i].kind != "word" or not _caps_word(tokens[i]) or tokens[i].text.lower() in _CONNECTORS
                or i in personal or _parenthesised_word(tokens, i)):
            i += 1
            continue
        j = i
        last_word = i
        while j + 1 < n:
            nxt = tokens[j + 1]
            if nxt.kind == "word" and _caps_word(nxt) and (nxt.context not in ("payment", "beneficiary", "id_marker", "id") or (
                    # a payment word inside the run is a word of the name (GREEN CAR RENT LIMITED PARTNERSHIP)
                    nxt.context == "payment" and j + 2 < n and tokens[j + 2].kind == "word" and _caps_word(tokens[j + 2]))
                    or _joiner_inside_name(tokens, i, j, legal)):
                j += 1
                last_word = j
            elif nxt.kind == "number" or (nxt.kind == "punct" and nxt.text in _INNER_PUNCT) or (
                    # the letters of a dotted abbreviation inside the name (ARCHI CENTRE I.C.E. LIMITED)
                    _letter(nxt) and j + 2 < n and tokens[j + 2].text == "." and tokens[j + 2].start == nxt.end):
                j += 1
            else:
                break
        end = last_word
        while end + 1 < n and tokens[end + 1].text in (".", ")") and tokens[end + 1].start == tokens[end].end:
            end += 1  # keep "LTD." and "(PTY)" closing marks
        for s in forms:
            if i < s.first <= end + 1 and (s.value not in heads or tokens[s.first].text.isupper()):
                end = max(end, s.last)  # "CORRALES SAN IGNACIO S.P.R. DE R.L. DE C.V.": the form closes the name
        start = _abbreviation_before(tokens, i)
        words = [t for t in tokens[i : end + 1] if t.kind == "word"]
        content = [t for t in words if t.text.lower() not in _CONNECTORS]
        if all(k in form_only for k in range(i, end + 1) if tokens[k].kind == "word"):
            # Legal forms and nothing else (АТ КБ ПриватБанк, JSC CB PrivatBank): the name, if any,
            # is not in capitals; the legal-form reader takes it.
            i = end + 1
            continue
        marker = (any(k in legal for k in range(i, end + 1)) or any(t.text.lower() in _MARKERS for t in content)
                  or (len(content) > 1 and content[-1].text.lower() in _CLOSING_FORMS) or _acronym_inside(tokens, i, end))
        # English function words join organisation names, never a person's (ISLAMIC REPUBLIC OF IRAN
        # BROADCASTING); Spanish "de", "y" do both (DE LA CRUZ), so they prove nothing.
        joined = any(t.text.lower() in _ORG_JOINERS for t in words) or _place_joined(words, content)
        if len(content) >= MIN_WORDS or (marker and len(content) >= MIN_WORDS_WITH_MARKER) or (
                joined and len(content) >= MIN_WORDS_WITH_MARKER):
            cs, ce = tokens[start].start, tokens[end].end
            form = next((s.value for s in forms if i <= s.first <= end and s.value not in heads), None)
            found.append(OrgMatch(start, end, form, text[cs:ce].rstrip(",").strip(), cs, ce))
        i = max(end, i) + 1
    return found
