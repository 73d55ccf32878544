"""Runs: maximal sequences of name-capable tokens and initials, the raw material of persons.

A token joins a run when it can be part of a name: not context, not inside an
organisation, with a name reading, written like a name (capitalised, or any case
in an all-caps/all-lower text). Three positional rules widen that, each for a
shape real payment texts have:

- next to an initial, a capitalised word is a surname even when it is also a
  common word or a single letter (``И. Коз``, ``А. К``, ``J. S``);
- a lower-case word with a known name reading joins a capitalised neighbour
  (``иван ПЕТРОВ``);
- ``?`` left by a broken encoding inside a name does not cut it (``John ??? Smith``).
"""

from __future__ import annotations

from bisect import bisect_left

from ai_service.pipeline.document import MorphInfo, NameForm, Token
from ai_service.recognizers.initials import find_initials, name_reading_word, surname_word
from ai_service.recognizers.persons import RunItem, lower_particle

TRUSTED_SOURCES = frozenset({"morph", "dictionary"})
ALL_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct"})


def _lower_may_join(tok: Token, neighbour: Token) -> bool:
    """A lower-case Latin word joins a name written in capitals (``ivan PETROV``); after a
    normally written name it is an English word that is also a given name (Michael Brown per
    request, John Smith will pay) unless another name word follows (Anna maria Lopez, see the
    caller); name particles join (Osama bin Laden). Cyrillic words have the dictionary's common
    readings instead."""
    return tok.script != "latn" or neighbour.text.isupper() or lower_particle(tok.text)


_SENTENCE_ENDS = frozenset({".", "!", "?"})


def sentence_capital(tokens: list[Token], first: int, items: list[RunItem], text: str) -> bool:
    """A lone Latin word capitalised only because it starts a sentence, followed by lower-case
    words (``Office supplies …``, ``Monthly rent …``, ``Please credit …``): English capitalises
    the first word, so the capital says nothing of a name. Known given names stay names."""
    if len(items) != 1 or items[0].initial:
        return False
    tok = items[0].token
    word = tok.text
    if tok.script != "latn" or len(word) < 2 or not word[0].isupper() or not word[1:].islower():
        return False
    if _given(tok):
        return False
    nxt = first + 1
    if nxt >= len(tokens) or tokens[nxt].kind != "word" or tokens[nxt].script != "latn" or not tokens[nxt].text.islower():
        return False
    if first == 0:
        return True
    prev = tokens[first - 1]
    return prev.text in _SENTENCE_ENDS or "\n" in text[prev.end : tok.start]


def _trusted(tok: Token) -> bool:
    return tok.morph is not None and any(f.source in TRUSTED_SOURCES for f in tok.morph.forms)


def name_capable(tok: Token, caseless: bool) -> bool:
    if tok.kind != "word" or tok.context is not None or tok.morph is None:
        return False
    if tok.morph.known_common or not tok.morph.forms or len(tok.text) < 2:
        return False
    if not caseless and tok.text.isupper() and len(tok.text) <= 3 and not _trusted(tok):
        return False  # КН, ЖК, BV: abbreviations in an otherwise normally written text
    # In a caseless text every Latin word outside the context dictionaries may be a name, as in
    # an all-capitals one (payment to dudal anton, salary march 2024 ghazi hammud al-ubaidi):
    # Latin words have no dictionary to vouch for them, and a lone one makes no person.
    return (tok.text[:1].isupper() or (caseless and (_trusted(tok) or tok.script == "latn"))
            or _particle_prefixed(tok.text))


def _short_caps_in_caps_name(tok: Token, run: list[RunItem], nxt: Token | None) -> bool:
    """``RAH SAHEL``, ``KIM JONG UN``, ``Emily LIU``, ``Yupeng CHI``: a two- or three-letter Latin word in capitals
    beside a longer Latin name word in capitals, or beside a known given name, is part of that name,
    not an abbreviation (Cyrillic ones, ЖК, КН, stay abbreviations)."""
    if not (tok.kind == "word" and tok.script == "latn" and tok.context is None and tok.morph is not None
            and 2 <= len(tok.text) <= 3 and tok.text.isupper()):
        return False
    prev = run[-1].token if run and not run[-1].initial else None
    return any(t is not None and t.script == "latn" and name_capable(t, False)
               and ((len(t.text) >= 4 and t.text.isupper()) or _given(t)) for t in (prev, nxt)) or (
        # Yupeng CHI: a given name in title case, then the surname in capitals
        prev is not None and prev.script == "latn" and len(prev.text) >= 3 and prev.text.istitle()
        and name_capable(prev, False) and (nxt is None or nxt.kind != "word" or nxt.context is not None))


def _caps_stop_word_surname(tok: Token, run: list[RunItem], nxt: Token | None) -> bool:
    """``Quan YOU``, ``Lee AN``: in a normally written text a short Latin word in capitals after a
    lone capitalised name word, with no capitalised word after it, is the surname the capitals
    mark, though it spells a common word (Anna AND Peter stays two people)."""
    return (len(run) == 1 and not run[0].initial and tok.kind == "word" and tok.script == "latn"
            and tok.context == "stop" and 2 <= len(tok.text) <= 3 and tok.text.isupper()
            and run[0].token.script == "latn" and run[0].token.text[:1].isupper()
            and not run[0].token.text.isupper() and (nxt is None or not nxt.text[:1].isupper()))


def _caps_common_word_surname(tok: Token, run: list[RunItem], nxt: Token | None) -> bool:
    """``БАГЕРІ Мохаммад-Багер``, ``Мохаммад БАГЕРІ``: in a normally written text a word in capitals
    beside a given name written normally is the surname the capitals mark, the way lists write
    it, though it also spells a common word (Багері: a dredger's locative)."""
    if not (tok.kind == "word" and tok.context is None and tok.morph is not None and tok.morph.known_common
            and len(tok.text) >= 4 and tok.text.isupper() and tok.text.replace("-", "").isalpha()):
        return False
    if not run:
        return nxt is not None and _normally_written_given(nxt) and name_capable(nxt, False)
    return (len(run) == 1 and not run[0].initial and _normally_written_given(run[0].token)
            and (nxt is None or nxt.kind != "word" or not nxt.text.isupper()))


def _normally_written_given(tok: Token) -> bool:
    return (tok.morph is not None and tok.text[:1].isupper() and not tok.text.isupper()
            and any(f.role == "given" for f in tok.morph.forms))


def _particle_prefixed(word: str) -> bool:
    """``al-Baghdadi``, ``bin-Laden``, ``ad-Din``: a lower-case particle joined to a capitalised name."""
    _, dash, rest = word.partition("-")
    return bool(dash) and rest[:1].isupper() and lower_particle(word)


def _particle_before_name(tokens: list[Token], i: int, skip: set[int], caseless: bool) -> bool:
    """A name particle at ``i`` followed by a name-capable word. One only: two (de la Cruz) would
    make the run longer than a person's parts."""
    tok, k = tokens[i], i + 1
    return (tok.kind == "word" and tok.context is None and "-" not in tok.text and lower_particle(tok.text.lower())
            and k < len(tokens) and k not in skip and name_capable(tokens[k], caseless))


def _given_by_position(tok: Token) -> MorphInfo:
    """A given name by its place: the analyser's given-name readings (Мадіною: Мадіна), if it
    predicted any, and the word as written in any case."""
    predicted = tuple(f for f in tok.morph.forms if f.role == "given") if tok.morph is not None else ()
    return MorphInfo(forms=(*predicted, NameForm("given", None, tok.text.lower(), ALL_CASES, "guess")),
                     known_common=False, lemma=tok.text.lower())


def _surname_by_position(tok: Token) -> MorphInfo:
    """A surname by its place: an adjective's readings as one (Крайньому → Крайній), and the
    word as written in any case."""
    adjective = tok.morph.adjective_surnames if tok.morph is not None else ()
    return MorphInfo(forms=(*adjective, NameForm("surname", None, tok.text.lower(), ALL_CASES, "guess")),
                     known_common=False, lemma=tok.text.lower())


def collect_runs(tokens: list[Token], skip: set[int], caseless: bool) -> list[tuple[int, list[RunItem]]]:
    """(index of the first token, items) for every run in the text."""
    runs: list[tuple[int, list[RunItem]]] = []
    n = len(tokens)
    # Where initials end, computed once: the loop asks about a token and about its neighbour.
    initials = find_initials(tokens, caseless)
    i = 0
    while i < n:
        start = i
        run: list[RunItem] = []
        while i < n and i not in skip:
            tok = tokens[i]
            if not run and (tok.kind != "word" or (tok.context is not None and (
                    (not tok.text[:1].isupper() and i not in initials) or tok.context == "legal_form"
                    or (tok.context != "stop" and i not in initials)))):
                # Every way into a run starts at a word (an initial's letter is one); a word
                # the context layer claimed can only start one as an initial or, capitalised
                # next to initials, as a stop-word-looking surname (the branches below).
                break
            end = initials.get(i) if tok.context != "legal_form" else None  # S.A., C.V.
            if end is not None:
                run.append(RunItem(tok, True, tokens[end - 1].end))
                i = end
                continue
            nxt = tokens[i + 1] if i + 1 < n and i + 1 not in skip else None
            if name_capable(tok, caseless) or (not caseless and _short_caps_in_caps_name(tok, run, nxt)):
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if not caseless and _caps_stop_word_surname(tok, run, nxt):
                tok.morph = _surname_by_position(tok)
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if not caseless and _caps_common_word_surname(tok, run, nxt):
                tok.morph = _surname_by_position(tok)
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if run and not run[-1].initial and _particle_before_name(tokens, i, skip, caseless):
                # "Osama bin Laden", "OSAMA BIN LADEN", "Jan de Vries": a particle inside a name.
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if (tok.kind == "word" and tok.context is None and tok.morph is not None
                    and not tok.text[:1].isupper() and _trusted(tok) and not tok.morph.common_reading
                    and ((run and not run[-1].initial and (
                            _lower_may_join(tok, run[-1].token) or (nxt is not None and name_capable(nxt, caseless))))
                         or (nxt is not None and name_capable(nxt, caseless) and _lower_may_join(tok, nxt)))):
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if (caseless and name_reading_word(tok) and not _has_role(tok, "patronymic")
                    and ((run and not run[-1].initial and _given(run[-1].token))
                         or (not run and nxt is not None and _given(nxt) and name_capable(nxt, caseless)))):
                # "john smith", "dudal anton", "занджірей мохаммад-алі": in a caseless text an unknown
                # word right after (or, starting a run, right before) a known given name is its surname.
                if not surname_word(tok):
                    tok.morph = _surname_by_position(tok)  # the analyser read it as a given name only
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            beside_initial = (run and run[-1].initial) or (i + 1) in initials
            # In a caseless text a stop word after initials is their surname only when the run has
            # none yet (А. К), not after one (ЗВЕРЕВА А.Ю. ПО СЧЕТУ): its capital says nothing there.
            if (tok.kind == "word" and (tok.context is None or (tok.context == "stop" and not (
                    caseless and any(not it.initial for it in run))))
                    and (tok.text[:1].isupper() or (caseless and beside_initial and name_reading_word(tok)))
                    and (beside_initial or _before_given_patronymic(tokens, i, skip, caseless)
                         or _after_given_patronymic(run))):
                tok.morph = _surname_by_position(tok)
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if (caseless and tok.kind == "word" and tok.context is None and tok.morph is not None
                    and (_before_given_patronymic(tokens, i, skip, caseless)
                         or (surname_word(tok) and _after_given_patronymic(run)))):
                # "нарусовій людмилі борисівні", "ип банах александр сергеевич": in a caseless text a
                # word before a given name and a patronymic is the surname, a common word too (Доля,
                # Банах), as it is when capitalised; its predicted readings stay.
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if (tok.kind == "word" and tok.context is None and run and not run[-1].initial
                    and (tok.text[:1].isupper() or (caseless and _plain_word(tok)))
                    and i + 1 < n and i + 1 not in skip and _patronymic_word(tokens[i + 1], caseless)):
                # "Фрідріхсон Надана Олександрівна", "амірханяна араік хачіковича": before a
                # patronymic stands a given name.
                tok.morph = _given_by_position(tok)
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if caseless and run and not run[-1].initial and _patronymic_word(tok, caseless):
                # "богатирьовою мадіною салманівною": in a caseless text a patronymic the dictionaries
                # do not know (its suffix predicts it) continues the name before it.
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if not run and _list_style_short_surname(tokens, i, skip, caseless):
                # "LIU, Cuiying": a short capitalised word before a comma and a normally
                # written name is a surname the way lists write it, not an abbreviation.
                tok.morph = _surname_by_position(tok)
                run.append(RunItem(tok, False, tok.end))
                i += 1
                continue
            if (tok.text == "'" and run and i + 1 < n and i + 1 not in skip and tokens[i + 1].start == tok.end
                    and name_capable(tokens[i + 1], caseless)):
                i += 1  # "Ahmad 'ALI": an apostrophe for the Arabic ʿayn starts the next part
                continue
            if (tok.context == "title" and run and not run[-1].initial and len(run[-1].token.text) > 1
                    and run[-1].token.text.isupper() and nxt is not None and nxt.text[:1].isupper()
                    and not nxt.text.isupper() and name_capable(nxt, caseless)):
                i += 1  # "ASHRAF Haji Muhammad": the lists' "SURNAME, title given names" without its comma
                continue
            if tok.text == "?" and run:
                k = i
                while k < n and tokens[k].text == "?":
                    k += 1
                if k < n and k not in skip and name_capable(tokens[k], caseless):
                    i = k
                    continue
            break
        if run:
            runs.append((start, run))
        else:
            i += 1
    return runs


# Common words that can double as surnames (Доля, Золотих, Коваль); verbs and function
# words cannot (Передать Алле Борисовне …).
_SURNAME_LIKE_POS = frozenset({"NOUN", "ADJF", "ADJS", "None"})


def _before_given_patronymic(tokens: list[Token], i: int, skip: set[int], caseless: bool) -> bool:
    """``Доля Людмила Петрівна``: a common word written before a known given name and a
    patronymic is the surname of the official "Surname Given Patronymic" order."""
    if i + 2 >= len(tokens) or i + 1 in skip or i + 2 in skip or len(tokens[i].text) < 2:
        return False  # a letter is no surname (РАСЧЕТ С НАДЕЖДОЙ СЕРГЕЕВНОЙ: a preposition)
    if tokens[i].morph is not None and str(tokens[i].morph.common_pos) not in _SURNAME_LIKE_POS and not (
            # Гуло: a verb's past form, capitalised inside a sentence, is a surname there
            tokens[i].morph.common_pos == "VERB" and tokens[i].text[:1].isupper() and i > 0
            and tokens[i - 1].text not in _SENTENCE_ENDS):
        return False
    given, patronymic = tokens[i + 1], tokens[i + 2]
    if caseless and _plain_word(given) and _patronymic_word(patronymic, caseless):
        return True  # "амірханяна араік хачіковича": a given name no dictionary knows, by position
    return (name_capable(given, caseless) and name_capable(patronymic, caseless)
            and _given(given) and _has_role(patronymic, "patronymic"))


def _plain_word(tok: Token) -> bool:
    """A word that may be a name no dictionary knows: no context, no common reading."""
    return (tok.kind == "word" and tok.context is None and tok.morph is not None and not tok.morph.known_common
            and len(tok.text) > 1 and tok.text.isalpha())


def _patronymic_word(tok: Token, caseless: bool) -> bool:
    """A patronymic: a name-capable word with that reading, or, in a caseless text, a plain word
    whose suffix predicts one (Хачіковича, Салманівною: no dictionary lists them)."""
    if not _has_role(tok, "patronymic"):
        return False
    return name_capable(tok, caseless) or (caseless and _plain_word(tok))


def _list_style_short_surname(tokens: list[Token], i: int, skip: set[int], caseless: bool) -> bool:
    tok = tokens[i]
    if (caseless or tok.kind != "word" or tok.context is not None or not tok.text.isupper()
            or not 2 <= len(tok.text) <= 3 or i + 2 >= len(tokens) or i + 2 in skip):
        return False
    comma, first = tokens[i + 1], tokens[i + 2]
    return comma.text == "," and name_capable(first, caseless) and not first.text.isupper()


def _after_given_patronymic(run: list[RunItem]) -> bool:
    """``Людмила Петрівна Доля``: the same, in the "Given Patronymic Surname" order."""
    return (len(run) >= 2 and not run[-1].initial and not run[-2].initial
            and _given(run[-2].token) and _has_role(run[-1].token, "patronymic"))


def join_inverted(tokens: list[Token], runs: list[tuple[int, list[RunItem]]],
                  caseless: bool = False) -> list[tuple[int, list[RunItem]]]:
    """``O'Connor, Sean`` / ``Петренко, Олександр``: one person written surname-comma-given.

    Joined only when a single surname-like word is followed by a comma and a run that
    starts with a known given name, so two listed surnames (``Петренко, Іваненко``)
    stay apart; in a caseless text, where the lists' capitals are gone, any Latin words
    (``jokic, miodrag``). Input order is kept.
    """
    joined: list[tuple[int, list[RunItem]]] = []
    starts = [t.start for t in tokens]
    for start, run in runs:
        if joined:
            prev_start, prev = joined[-1]
            last = prev[-1].token
            between = tokens[bisect_left(starts, last.end) : bisect_left(starts, run[0].token.start)]
            single = len(prev) == 1 and not prev[0].initial
            # "PONENTE PARRA, Miguel Antonio Jose": several capitalised surnames, the way lists write them
            listed = (1 < len(prev) <= 3 and all(it.token.text.isupper() and not it.initial for it in prev)
                      and _list_style(last, run[0].token) and len(run) <= 4)
            # Honorifics the list keeps after the comma (MOHAMMAD, Haji Baz) are titles, not a break.
            comma = bool(between) and between[0].text == "," and all(t.context == "title" for t in between[1:])
            if ((single or listed) and comma
                    and _has_role(last, "surname") and not run[0].initial
                    and len(run) <= (4 if listed or _list_style(last, run[0].token) else 3)
                    and (_given(run[0].token) and len(run) <= 2 or _list_style(last, run[0].token)
                         or (caseless and last.script == "latn" and run[0].token.script == "latn"))):
                joined[-1] = (prev_start, prev + run)
                continue
        joined.append((start, run))
    return joined


def _list_style(surname: Token, first: Token) -> bool:
    """``AHMAD, Fayyaz``: a capitalised surname, a comma, then a normally written name —
    the way sanctions lists (and payments copied from them) write a person."""
    return (surname.text.isupper() and len(surname.text) > 1 and first.text[:1].isupper()
            and not first.text.isupper())


def _has_role(tok: Token, role: str) -> bool:
    return tok.morph is not None and any(f.role == role for f in tok.morph.forms)


def _given(tok: Token) -> bool:
    return tok.morph is not None and tok.morph.known_given
