"""Persons from token runs: roles, splitting, gender and case agreement.

A run is a sequence of name-capable tokens and initials with nothing else
between them. Each token has readings (given / surname / patronymic, from the
morphology layer); a run is cut into persons so that nobody has two given names,
two surnames or two patronymics, and each person gets the role assignment that
scores best (known readings, canonical word orders). The nominative of every
part is then chosen to agree in gender — from the patronymic first, then the
given name, then the surname — and in grammatical case with the other parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from ai_service.pipeline.document import MorphInfo, NamePart, NameForm, PersonSignal, Token
from ai_service.recognizers.gender_reading import other_gender_reading
from ai_service.search.weak_tokens import particle_keys
from ai_service.text.casing import display_case
from ai_service.text.dictionaries import mapping

ROLE_WEIGHT = {("patronymic", "morph"): 3.0, ("patronymic", "predicted"): 2.5, ("patronymic", "guess"): 2.0,
               ("given", "morph"): 2.2, ("given", "dictionary"): 2.0, ("given", "predicted"): 1.0,
               ("surname", "morph"): 2.0, ("surname", "predicted"): 1.5, ("surname", "guess"): 1.0,
               ("surname", "latin"): 1.0, ("given", "latin"): 1.0, ("given", "guess"): 0.5}
CANONICAL_ORDERS = {("given", "patronymic", "surname"), ("surname", "given", "patronymic"),
                    ("given", "surname"), ("surname", "given"), ("given", "patronymic"),
                    ("given", "given", "surname"), ("given", "surname", "surname")}
MAX_INITIALS = 3
FALLBACK_SURNAME_WEIGHT = 0.3
FALLBACK_GIVEN_WEIGHT = 0.3
# "Кароль А.В.", "Іона Е.": a word before initials is where a surname is written; a given-name
# reading only the analyser knows (not in our given-name dictionaries) does not outweigh that.
SURNAME_BEFORE_INITIALS = 0.5


@dataclass(slots=True)
class RunItem:
    """One element of a run: a name token, or an initial (letter + its dots)."""

    token: Token
    initial: bool
    end: int  # end offset including the initial's dot


def _roles(item: RunItem) -> dict[str, float]:
    if item.initial:
        return {"initial": 1.0}
    best: dict[str, float] = {}
    for form in item.token.morph.forms if item.token.morph else ():
        w = ROLE_WEIGHT.get((form.role, form.source), 1.0)
        if w > best.get(form.role, 0.0):
            best[form.role] = w
    # Any name word can be someone's surname (Вілла Фредерік П'єр), at a low weight.
    best.setdefault("surname", FALLBACK_SURNAME_WEIGHT)
    return best


ItemKey = tuple[bool, str, str, "MorphInfo | None"]  # what an assignment reads of an item


def _assign(items: list[RunItem]) -> tuple[float, tuple[str, ...]] | None:
    """Best role assignment for one person, or None when none is valid.

    It reads only each item's initial flag, text, script and readings, and payees recur:
    cached on those (a fifth of the signals layer on short texts was this search).
    """
    return _assign_keys(tuple((it.initial, it.token.text, it.token.script, it.token.morph) for it in items))


@lru_cache(maxsize=16_384)
def _assign_keys(keys: tuple[ItemKey, ...]) -> tuple[float, tuple[str, ...]] | None:
    # Items rebuilt from the key alone, so that nothing else can leak into a cached answer.
    return _best_assignment([RunItem(Token(text, 0, 0, "word", script, morph=morph), initial, 0)
                             for initial, text, script, morph in keys])


def _best_assignment(items: list[RunItem]) -> tuple[float, tuple[str, ...]] | None:
    if _list_register(items) and not any(it.initial for it in items):
        caps = [it.token.text.isupper() for it in items]
        if caps in (sorted(caps, reverse=True), sorted(caps)):  # capitals first (or last), given names beside
            return float(len(items)), tuple("surname" if c else "given" for c in caps)
    options = [list(_roles(it).items()) for it in items]
    if any(not o for o in options):
        return None
    for option, nxt in zip(options, options[1:]):
        # A patronymic follows the given name: a word before one may be a given name no
        # dictionary knows (Гайрабеков Лема Куйрійович), at a low weight.
        if any(r == "patronymic" for r, _ in nxt) and all(r not in ("given", "initial") for r, _ in option):
            option.append(("given", FALLBACK_GIVEN_WEIGHT))
    best: tuple[float, tuple[str, ...]] | None = None
    for combo in product(*options):
        roles = tuple(r for r, _ in combo)
        named = [r for r in roles if r != "initial"]
        if roles.count("initial") > MAX_INITIALS:
            continue
        if len(named) != len(set(named)) and not (_middle_name(items, roles) or _foreign_parts(items, roles)):
            continue
        score = sum(w for _, w in combo)
        if tuple(named) in CANONICAL_ORDERS:
            score += 0.5
        if "initial" in roles and "surname" not in roles:
            score -= 1.5  # initials stand next to a surname (Смоляго Д. О.)
        if (roles[0] == "surname" and len(named) == 1 and len(roles) > 1 and not _dictionary_given(items[0])
                and all(r == "initial" for r in roles[1:])):
            score += SURNAME_BEFORE_INITIALS
        for a, b in zip(roles, roles[1:]):
            if a == "given" and b == "patronymic":
                score += 0.6
            if a == "patronymic" and b == "given":
                score -= 1.0
        if best is None or score > best[0]:
            best = (score, roles)
    return best


_LATIN_LONG_FORMS = (["given", "given", "surname"], ["given", "surname", "surname"], ["surname", "surname"])
# Registers write foreign names in Cyrillic as "Surname Given Given" (Вілла Фредерік П'єр).
_FOREIGN_REGISTER_FORM = ["surname", "given", "given"]


def _middle_name(items: list[RunItem], roles: tuple[str, ...]) -> bool:
    """``Mary Jane Watson``, ``John D'Angelo Smith``, ``J. D'Angelo O'Connor``: Latin-script
    names carry a middle name (or an unhyphenated double surname) before the surname."""
    named = [(it, r) for it, r in zip(items, roles) if r != "initial"]
    if [r for _, r in named] == _FOREIGN_REGISTER_FORM and len(named) == len(items):
        return True
    if [r for _, r in named] not in _LATIN_LONG_FORMS or any(it.token.script != "latn" for it, _ in named):
        return False
    # A known given name is not read as a second surname (John Smith | Mary Jones).
    return not any(r == "surname" and _known_given(it) for it, r in named)


def _foreign_parts(items: list[RunItem], roles: tuple[str, ...]) -> bool:
    """``Асанлу Мохаммад Тагі``, ``Вілла Фредерік П'єр``: names no dictionary knows may
    have more parts than a Slavic name; a role may repeat when every repeated part is
    unknown to the dictionaries and the name has no patronymic."""
    if "patronymic" in roles or len([r for r in roles if r != "initial"]) > 4:
        return False
    seen: dict[str, list[RunItem]] = {}
    for it, r in zip(items, roles):
        if r != "initial":
            seen.setdefault(r, []).append(it)
    repeated = [it for group in seen.values() if len(group) > 1 for it in group[1:]]
    return bool(repeated) and all(not _trusted_item(it) for it in repeated)


def _trusted_item(item: RunItem) -> bool:
    return any(f.source in ("morph", "dictionary") for f in (item.token.morph.forms if item.token.morph else ()))


@lru_cache(maxsize=1)
def _curated_given() -> frozenset[str]:
    return frozenset(k.lower() for lang in ("uk", "ru", "en") for k in mapping(f"names/given_{lang}"))


def _dictionary_given(item: RunItem) -> bool:
    """A given-name reading our own dictionaries hold (Олександр), not only the analyser (Кароль)."""
    return any(f.nominative in _curated_given() for f in _forms(item, "given"))


def _known_given(item: RunItem) -> bool:
    return item.token.morph is not None and item.token.morph.known_given


MAX_PARTS = 3
MAX_LISTED_PARTS = 5  # "PONENTE PARRA, Miguel Antonio Jose", "QUSAY SADDAM HUSSEIN AL-TIKRITI"


def _list_register(items: list[RunItem]) -> bool:
    """Latin capitalised surname(s) followed by normally written given names (the lists' register),
    or given names followed by the surname in capitals (Niamat Hama Rahim Hama SHARIF)."""
    texts = [it.token.text for it in items if not it.initial]
    if len(texts) <= 3 or not all(t.isascii() for t in texts):
        return False
    # … or all in capitals (QUSAY SADDAM HUSSEIN AL-TIKRITI): four or five parts are one person there too.
    if texts[0].isupper() and len(texts[0]) > 1:
        return not texts[-1].isupper() or all(t.isupper() for t in texts)
    return texts[-1].isupper() and len(texts[-1]) > 1


def _particle_chain(items: list[RunItem]) -> bool:
    """``Bashar Sabawi Ibrahim Hasan Al-Tikriti``, ``Abdullah bin Mohammed bin Saleh``: a Latin name of four
    or five words with a particle after its first (al-, bin, ibn) is one person's lineage; the last
    word is the family name."""
    if not 4 <= len(items) <= MAX_LISTED_PARTS:  # most persons: decided here
        return False
    texts = [it.token.text for it in items]
    return (not any(it.initial for it in items) and all(t.isascii() for t in texts)
            and any(t.lower().partition("-")[0] in _LINEAGE for t in texts[1:]))


# The lineage particles among weak_tokens.particle_keys(): "de", "van" join European names too, whose
# four words are more often two people.
_LINEAGE = frozenset({"al", "el", "bin", "ibn", "bint", "ben", "ould"})


def split_run(items: list[RunItem]) -> list[tuple[list[RunItem], tuple[str, ...]]]:
    """Cut a run into persons, extending each while a valid assignment exists."""
    people: list[tuple[list[RunItem], tuple[str, ...]]] = []
    current: list[RunItem] = []
    roles: tuple[str, ...] = ()
    if _particle_chain(items) and not _list_register(items):
        return [(items, ("given",) * (len(items) - 1) + ("surname",))]
    max_parts = MAX_LISTED_PARTS if _list_register(items) else MAX_PARTS
    taken_ahead = False  # the item was added with the one before it
    for i, item in enumerate(items):
        if taken_ahead:
            taken_ahead = False
            continue
        trial = _assign(current + [item]) if current else _assign([item])
        # Prefer starting a new person at an initial that follows a complete name
        # only when the initials cannot belong to the current one.
        if trial is not None and len([r for r in trial[1] if r != "initial"]) <= max_parts:
            current.append(item)
            roles = trial[1]
            continue
        if current and i + 1 < len(items):
            # A word that only the next one explains (a given name before its patronymic).
            ahead = _assign(current + [item, items[i + 1]])
            if ahead is not None and len([r for r in ahead[1] if r != "initial"]) <= max_parts:
                current += [item, items[i + 1]]
                roles = ahead[1]
                taken_ahead = True
                continue
        if current:
            people.append((current, roles))
        single = _assign([item])
        current, roles = ([item], single[1]) if single else ([], ())
    if current:
        people.append((current, roles))
    return people


def _forms(item: RunItem, role: str) -> list[NameForm]:
    return [f for f in (item.token.morph.forms if item.token.morph else ()) if f.role == role]


# How much a part's explicit gender says: a patronymic is decisive, a surname the least;
# a reading the analyzer only predicted from the ending, or an adjective read as a surname, counts half.
_EVIDENCE = {"patronymic": 3, "given": 2, "surname": 1}
_SOURCE_TRUST = {"morph": 1.0, "dictionary": 1.0, "predicted": 0.5, "adjective": 0.5}


def resolve_gender(items: list[RunItem], roles: tuple[str, ...], hint_case: str | None = None,
                   locative: bool = True) -> tuple[str | None, frozenset[str] | None]:
    """The gender, and the grammatical cases all parts can share for it.

    Each gender is tried: every part needs a reading of that gender (or an
    ungendered one), and the parts should agree in case — ``Саша Петрова`` is
    a woman in the nominative, not a man's name next to a genitive surname. A case
    the preceding preposition demands (``от Смирнова`` → genitive) and the
    nominative are preferred, then the explicit evidence of the parts. Without ``locative`` (no
    preposition before the name that takes it) the locative is no reading where another one is:
    ``Моргунові Олегові`` is the dative of Моргун, not the locative of Моргунов.
    """
    return _gender_of_readings(tuple(it.token.morph for it in items), roles, hint_case, locative)


@lru_cache(maxsize=16_384)
def _gender_of_readings(morphs: tuple[MorphInfo | None, ...], roles: tuple[str, ...],
                        hint_case: str | None, locative: bool) -> tuple[str | None, frozenset[str] | None]:
    # Only the readings and roles decide (cached: payees recur); items rebuilt from them alone.
    items = [RunItem(Token("", 0, 0, "word", "none", morph=m), False, 0) for m in morphs]
    # A given name no dictionary knows (read so only before a patronymic) has no readings to agree.
    named = [(it, r) for it, r in zip(items, roles) if r != "initial" and (r != "given" or _forms(it, r))]
    gender, common = _resolve(named, hint_case, locative)
    if gender is None and any(r == "surname" for _, r in named):
        # A woman's consonant-final surname does not decline; when it was declined as a
        # man's anyway (Кашпурові Тетяні), the given name and patronymic still decide.
        gender, common = _resolve([(it, r) for it, r in named if r != "surname"], hint_case, locative)
    if gender is None and any(r == "patronymic" for _, r in named):
        # A woman's given name the dictionary knows only as a man's case form (Алесі: Алесь's
        # locative, not Алеся's dative): the patronymic and surname still decide.
        gender, common = _resolve([(it, r) for it, r in named if r != "given"], hint_case, locative)
    return gender, (frozenset(common) if common is not None else None)


def _resolve(named: list[tuple[RunItem, str]], hint_case: str | None,
             locative: bool = True) -> tuple[str | None, set[str] | None]:
    best: tuple[tuple, str | None, set[str] | None] | None = None
    for gender in ("male", "female"):
        common: set[str] | None = None
        evidence = 0
        feasible = True
        for it, role in named:
            # A guessed surname's gender is only the analyzer's guess from the ending
            # (Дзидзишвілі): it may not overrule a known given name.
            fits = [f for f in _forms(it, role)
                    if f.gender in (gender, None) or (role == "surname" and f.source != "morph")]
            if not fits:
                feasible = False
                break
            evidence += _EVIDENCE[role] * max((_SOURCE_TRUST.get(f.source, 0.0) for f in fits
                                               if f.gender == gender), default=0.0)
            cases = set().union(*(f.cases for f in fits))
            common = cases if common is None else common & cases
        if not feasible or not evidence:
            continue
        common = common or set()
        if not locative and len(common) > 1:
            common.discard("loct")
        rank = (bool(common), hint_case in common if hint_case else False, "nomn" in common, evidence)
        if best is None or rank > best[0]:
            best = (rank, gender, common)
    if best is None:
        return None, None
    return best[1], best[2] or None


# A man's surname does not end like a woman's: the analyzer's predictor offers Крессова as a man's
# nominative for Крессові (the dative of Кресс), beside Кресс itself.
_FEMININE_SURNAME_ENDINGS = ("ова", "ева", "єва", "іна", "ина", "ська", "цька", "зька", "ская", "цкая")


def _choose_form(forms: list[NameForm], gender: str | None, cases: frozenset[str] | set[str] | None) -> NameForm:
    def rank(f: NameForm) -> tuple[int, int, int, int, int]:
        gender_ok = 2 if f.gender == gender and gender else (1 if f.gender is None else 0)
        shape_ok = not (f.gender == "male" and f.role == "surname" and f.nominative.endswith(_FEMININE_SURNAME_ENDINGS))
        case_ok = 1 if cases and f.cases & cases else 0
        source = {"morph": 3, "dictionary": 2, "predicted": 1}.get(f.source, 0)
        # A declined reading beats an indeclinable one that fits every case (Анне → Анна).
        return (gender_ok, shape_ok, case_ok, source, -len(f.cases))

    return max(forms, key=rank)


def _invariable_for_women(form: NameForm, gender: str) -> bool:
    """Кашпур, Рубель, Карапетян: a consonant-final man's surname is a woman's too."""
    return (gender == "female" and form.role == "surname" and form.nominative[-1:].isalpha()
            and form.nominative[-1] not in "аяоеєиіїуюйь" and not form.nominative.endswith(("ов", "ев", "єв", "ін", "ин", "їн")))


def lower_particle(word: str) -> bool:
    """``bin``, ``van``, ``al-Baghdadi``: a name particle (alone or hyphenated) written in lower case."""
    return word.partition("-")[0] in particle_keys()


def build_person(items: list[RunItem], roles: tuple[str, ...], text: str,
                 hint_case: str | None = None, locative: bool = True) -> PersonSignal:
    gender, common = resolve_gender(items, roles, hint_case, locative)
    if common and hint_case in common:
        common = {hint_case}
    forms_per_item = [_forms(it, role) for it, role in zip(items, roles)]
    person_gender = gender
    parts: list[NamePart] = []
    chosen: list[NameForm | None] = []  # each word's reading (None: an initial)
    chain = _particle_chain(items)
    for it, role, forms in zip(items, roles, forms_per_item):
        tok = it.token
        if role == "initial":
            span = text[tok.start : it.end]
            letters = [c.upper() for c in span if c.isalpha()]
            parts.append(NamePart(span, ".-".join(letters) + ".", "initial", tok.start, it.end))
            chosen.append(None)
            continue
        if not forms:
            # A role the token has no reading for (a surname by position): an unknown word's
            # predicted nominative (Харатьяна → Харатьян), else the word as written (Вілла).
            forms = [NameForm(role, f.gender, f.nominative, f.cases, f.source)
                     for f in (tok.morph.forms if tok.morph else ()) if f.source == "predicted"]
            forms.append(NameForm(role, None, tok.text.lower(), frozenset(), "guess"))
        form = _choose_form(forms, gender, common)
        if gender and form.gender and form.gender != gender and not _invariable_for_women(form, gender):
            # No reading of the person's gender (Путіна for a woman): keep the word as written.
            form = NameForm(role, gender, tok.text.lower(), form.cases, "guess")
        # Particles written in lower case stay so (Osama bin Laden, al-Baghdadi).
        # ... and so do the lineage words of a chain (Mohamed Ben Belgacem: "son of", not Benjamin).
        lineage = chain and tok.text.lower() in _LINEAGE
        normalized = tok.text if lower_particle(tok.text) or lineage else display_case(tok.text, form.nominative, tok.lang)
        parts.append(NamePart(tok.text, normalized, role, tok.start, tok.end))
        chosen.append(form)
        if person_gender is None and form.gender:
            person_gender = form.gender
    start, end = items[0].token.start, items[-1].end
    person = PersonSignal(parts=parts, start=start, end=end, gender=person_gender)
    # ... or when the words agree on no case (Ісмаїл КАНІ: КАНІ read as the locative of Кан): the
    # written form is searched too.
    person.guessed = (len(items) > 1 and not common) or any(
        it.token.script != "cyrl" or form.source not in ("morph", "dictionary")
        for it, form in zip(items, chosen) if form is not None)
    if "patronymic" not in roles:  # a patronymic tells the gender
        person.alternative = other_gender_reading(parts, items, chosen, forms_per_item, person_gender)
    return person


def is_person(items: list[RunItem], roles: tuple[str, ...]) -> bool:
    """Whether a role-assigned item group is a person worth reporting."""
    named = [(it, r) for it, r in zip(items, roles) if r != "initial"]
    if not named:
        return False
    has_initials = len(named) < len(items)
    if has_initials:
        return any(r == "surname" for _, r in named) or len(named) >= 1
    if len(named) >= 2:
        return True
    it, role = named[0]
    forms = it.token.morph.forms if it.token.morph else ()
    sources = {f.source for f in forms if f.role == role}
    if role in ("given", "patronymic"):
        return True
    # A lone surname: trusted when the analyzer tags it, or written like a name.
    return "morph" in sources or it.token.text[:1].isupper()
