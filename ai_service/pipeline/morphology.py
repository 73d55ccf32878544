"""Layer 6 — morphology: every name-capable token gets its possible name readings.

pymorphy3 (uk and ru dictionaries) gives the grammatical readings; this layer
keeps those that can be part of a person's name — given name, surname,
patronymic — with gender, case and nominative form. Given names the analyzer
does not tag (``Олені`` is tagged only as ``олень``/``олена`` nouns) are
recognised through the project's given-name dictionary, and diminutives resolve
to the full name of the same language (``Сашко`` → ``Олександр``). Which reading
wins is decided later, per person, by gender and case agreement (signals layer).
Results are cached per (token, language).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import pymorphy3

from ai_service.pipeline.base import Layer
from ai_service.pipeline.document import Document, MorphInfo, NameForm
from ai_service.text.dictionaries import json_data, mapping
from ai_service.text.name_shapes import feminine_adjective, patronymic_by_suffix, surname_by_suffix
from ai_service.text.translit import name_key, to_cyrillic

GENDERS = {"masc": "male", "femn": "female"}
DICT_GENDERS = {"m": "male", "f": "female"}
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2")
_SPECIFIC_LETTERS = re.compile("[іїєґыэъё]")

class NameLexicon:
    """Given names and diminutives per language, from ``dictionaries/names``."""

    def __init__(self) -> None:
        self.given: dict[str, dict[str, str]] = {}
        self.diminutives: dict[str, dict[str, object]] = {}
        for lang in ("uk", "ru", "en"):
            self.given[lang] = {k.lower(): DICT_GENDERS.get(v, "u") for k, v in mapping(f"names/given_{lang}").items()}
            self.diminutives[lang] = {k.lower(): v for k, v in json_data(f"names/diminutives_{lang}.json").items()}
        # Matching key -> gender of every UA/RU/Latin form of a given name: a Cyrillic spelling
        # no dictionary lists (Дмитри, Сергеи: Dmitri, Sergei written back in Cyrillic) is still one.
        forms = json_data("names/name_forms_uk_ru.json")
        self.given_keys = {name_key(form): gender for gender in ("male", "female")
                           for group in forms[gender] for form in group}

    def given_gender(self, word: str, lang: str) -> str | None:
        """'male' / 'female' / 'u' (either) when ``word`` is a given name in ``lang``."""
        return self.given.get(lang, {}).get(word)

    def given_gender_by_key(self, word: str) -> str | None:
        """'male' / 'female' when ``word`` spells a known given name, in any script."""
        return self.given_keys.get(name_key(word))

    def full_forms(self, word: str, lang: str) -> list[tuple[str, str | None]]:
        """Full names for a diminutive: [(full name lowercase, gender)]."""
        table = self.diminutives.get(lang, {})
        value = table.get(word)
        if value is None and "ё" in word:
            value = table.get(word.replace("ё", "е"))
        if value is None:
            return []
        if isinstance(value, str):
            full = value.lower()
            return [(full, self._gender_of(full, lang))]
        return [(str(v).lower(), DICT_GENDERS.get(k[0], k if k in ("male", "female") else None))
                for k, v in dict(value).items()]

    def _gender_of(self, name: str, lang: str) -> str | None:
        g = self.given_gender(name, lang)
        return g if g in ("male", "female") else None


class MorphologyLayer(Layer):
    name = "morphology"

    def __init__(self, cache_size: int = 100_000) -> None:
        self.analyzers = {"uk": pymorphy3.MorphAnalyzer(lang="uk"), "ru": pymorphy3.MorphAnalyzer(lang="ru")}
        self.lexicon = NameLexicon()
        self.analyze = lru_cache(maxsize=cache_size)(self._analyze)
        self.analyze_in = lru_cache(maxsize=cache_size)(self._analyze_in)

    async def run(self, doc: Document) -> None:
        self._settle_language(doc)
        before = self.analyze.cache_info()
        analyze = self.analyze
        for tok in doc.tokens:
            if tok.kind != "word" or tok.context is not None or tok.lang is None:
                continue
            tok.morph = analyze(tok.text.lower(), tok.lang)
        after = self.analyze.cache_info()
        doc.count_cache(self.name, after.hits - before.hits, after.misses - before.misses)

    def _settle_language(self, doc: Document) -> None:
        """With no uk/ru letters or words in the text, let the dictionaries vote.

        ``Сашка Пушкин`` has nothing Ukrainian or Russian in its letters; the Russian
        dictionary knows both words, the Ukrainian one only the first — read it as Russian.
        """
        scores = doc.language_scores
        if doc.requested_language != "auto" or scores.get("uk") or scores.get("ru"):
            return
        ambiguous = [t for t in doc.tokens if t.kind == "word" and t.script == "cyrl" and t.context is None
                     and not _SPECIFIC_LETTERS.search(t.text.lower())]
        if not ambiguous:
            return
        current = doc.cyrillic_language
        other = "ru" if current == "uk" else "uk"
        votes = {lang: sum(_trusted(self.analyze_in(t.text.lower(), lang)) for t in ambiguous)
                 for lang in (current, other)}
        if votes[other] > votes[current]:
            for t in ambiguous:
                t.lang = other
            doc.cyrillic_language = other
            if doc.language == current:
                doc.language = other

    def status(self) -> dict[str, object]:
        """For /health/detailed: the dictionaries in use and the DAWG backend (C or pure Python)."""
        dictionaries = {}
        for lang, analyzer in self.analyzers.items():
            meta = getattr(analyzer.dictionary, "meta", {})
            dictionaries[lang] = {"source_version": str(meta.get("source_version", "")),
                                  "lexemes": meta.get("source_lexemes_count")}
        # The compiled DAWG (pymorphy3[fast]) is 3-7x faster than the pure-Python fallback.
        bases = {c.__module__ for c in type(self.analyzers["uk"].dictionary.words).__mro__}
        return {"status": "up", "dictionaries": dictionaries,
                "dawg_backend": "dawg (C)" if "dawg" in bases else "dawg_python (pure Python)",
                "given_names": sum(len(v) for v in self.lexicon.given.values())}

    def cache_info(self) -> dict[str, int | float]:
        info = self.analyze.cache_info()
        return {"hits": info.hits, "misses": info.misses, "size": info.currsize, "maxsize": info.maxsize or 0}

    def clear_cache(self) -> None:
        self.analyze.cache_clear()
        self.analyze_in.cache_clear()

    def _analyze(self, word: str, lang: str) -> MorphInfo:
        if "-" in word.strip("-"):
            compound = self._analyze_compound(word, lang)
            if compound is not None:
                return compound
        if lang == "en" or lang not in self.analyzers:
            return self._analyze_latin(word)
        info = self.analyze_in(word, lang)
        if not _SPECIFIC_LETTERS.search(word) and not info.known_common:
            # No і/ї/є/ґ or ы/э/ъ/ё to tell the language: the other dictionary may know it.
            other = self.analyze_in(word, "ru" if lang == "uk" else "uk")
            if not _trusted(info) and _trusted(other):
                return other
            if other.known_common and other.common_pos == "ADJF" and all(f.source == "guess" for f in info.forms):
                # державний, аграрний in a text the Russian words make Russian: an adjective of the
                # other language, not an unknown surname of this one (nouns may be names: Чан, Хо).
                return other
            given = tuple(f for f in other.forms if f.role == "given" and f.source in ("morph", "dictionary"))
            if given and not any(f.role == "given" for f in info.forms):
                # "Павел" in a Ukrainian text: a surname to the Ukrainian dictionary, the
                # Russian given name to everyone else — keep both readings.
                return replace(info, forms=info.forms + given)
        return info

    def _analyze_compound(self, word: str, lang: str) -> MorphInfo | None:
        """Hyphenated names part by part: Марія-Анна (given), Петрова-Сидорова (surname)."""
        parts = [p for p in word.split("-") if p]
        infos = [self.analyze(p, "en" if p.isascii() else lang) for p in parts]
        forms: list[NameForm] = []
        givens = [[f for f in info.forms if f.role == "given" and f.source in ("morph", "dictionary")]
                  for info in infos]
        if all(givens):
            # A double given name takes its gender from the last part (Олександр-Марія is a woman).
            gender = next((f.gender for f in givens[-1] if f.gender), None)
            cases = frozenset.intersection(*(frozenset().union(*(f.cases for f in g)) for g in givens))
            nominative = "-".join(g[0].nominative for g in givens)
            forms.append(NameForm("given", gender, nominative, cases or frozenset({"nomn"}), "dictionary"))
        surnames = [[f for f in info.forms if f.role == "surname"] for info in infos]
        if all(surnames):
            for gender in ("male", "female", None):
                chosen = [next((f for f in fs if f.gender == gender), None) or
                          next((f for f in fs if f.gender is None), None) for fs in surnames]
                if any(c is None for c in chosen):
                    continue
                sources = {c.source for c in chosen if c is not None}
                source = "morph" if sources == {"morph"} else "predicted" if "guess" not in sources else "guess"
                cases = frozenset.intersection(*(c.cases for c in chosen if c is not None)) or frozenset({"nomn"})
                nominative = "-".join(c.nominative for c in chosen if c is not None)
                if all(f.nominative != nominative or f.gender != gender for f in forms):
                    forms.append(NameForm("surname", gender, nominative, cases, source))
        if not forms:
            if all(info.known_common and not info.forms for info in infos):
                # гуманітарно-технічний, науково-дослідний: common words joined are a common word.
                return MorphInfo(forms=(), known_common=True, lemma=word.lower(), common_reading=True,
                                 common_pos=infos[-1].common_pos)
            return None
        return MorphInfo(forms=tuple(forms), known_common=False, lemma=word)

    def _analyze_in(self, word: str, lang: str) -> MorphInfo:
        forms: dict[tuple[str, str | None, str, str], set[str]] = {}
        weight: dict[tuple[str, str | None, str, str], float] = {}
        known_common = False
        has_known = False
        common_pos: str | None = None
        lemma = word
        adjectives: list = []  # pymorphy3 Parse objects of the known adjective readings
        parses = self.analyzers[lang].parse(word)
        for p in parses:
            tag = p.tag
            gender = GENDERS.get(tag.gender or "")
            case = tag.case or "nomn"
            if tag.number == "plur" and ("Name" in tag or "Patr" in tag or "Surn" in tag):
                continue  # a person is one person: plural readings only mislead
            how = "morph" if p.is_known else "predicted"  # pymorphy guessed from the ending
            if "Patr" in tag:
                key = ("patronymic", gender, _nominative(p, word), how)
            elif "Surn" in tag:
                key = ("surname", gender, _nominative(p, word), how)
            elif "Name" in tag:
                full = self.lexicon.full_forms(p.normal_form, lang)
                if len(full) > 1 and gender is None:
                    # Common-gender diminutives (Саша, Женя, Валя): both full names, the
                    # person's other parts choose.
                    for name, g in full:
                        forms.setdefault(("given", g, name, how), set()).add(case)
                    continue
                key = ("given", gender, self._full_name(p.normal_form, lang, gender), how)
            elif tag.POS == "NOUN" and tag.number != "plur" and self.lexicon.full_forms(p.normal_form, lang):
                # Diminutives the analyzer knows only as nouns (Вовчику ← вовчик "wolf cub").
                for full, g in self.lexicon.full_forms(p.normal_form, lang):
                    forms.setdefault(("given", g, full, "dictionary"), set()).add(case)
                continue
            elif tag.POS == "NOUN" and self.lexicon.given_gender(p.normal_form, lang):
                # Names the analyzer only knows as common nouns (Олена, Марія).
                g = self.lexicon.given_gender(p.normal_form, lang)
                if g in ("male", "female") and gender not in (None, g):
                    continue
                key = ("given", gender or (g if g != "u" else None), p.normal_form, "dictionary")
            else:
                # Plural-only common readings (Коз = "of goats") do not make a capitalised
                # word common: as a name it is a surname far more often.
                if p.is_known and p.score >= 0.1 and not (tag.number == "plur" and tag.case in ("gent", "accs")):
                    has_known = True
                    common_pos = common_pos or str(tag.POS)
                if tag.POS == "ADJF" and p.is_known and gender and tag.number != "plur":
                    adjectives.append(p)
                continue
            forms.setdefault(key, set()).add(case)
            weight[key] = weight.get(key, 0.0) + p.score
        _drop_rare(forms, weight)
        if parses:
            lemma = parses[0].normal_form
        for full, gender in self.lexicon.full_forms(word, lang):
            forms.setdefault(("given", gender, full, "dictionary"), set()).add("nomn")
        if not has_known and not any(k[0] == "given" for k in forms):
            gender = self.lexicon.given_gender_by_key(word)
            if gender is not None:
                forms.setdefault(("given", gender, word, "dictionary"), set()).add("nomn")
        self._add_shape_readings(word, forms)
        if not forms:
            known_common = has_known
            if not known_common:
                # Unknown capitalised words are most often surnames (invariable ones too).
                forms[("surname", None, word, "guess")] = set(CASES)
        return MorphInfo(
            forms=tuple(NameForm(r, g, n, frozenset(c), s) for (r, g, n, s), c in forms.items()),
            known_common=known_common,
            lemma=lemma,
            common_reading=has_known,
            common_pos=common_pos,
            adjective_surnames=_adjective_surnames(adjectives, lang) if known_common else (),
        )

    @staticmethod
    def _add_shape_readings(word: str, forms: dict) -> None:
        """Readings the word's shape gives when the dictionary does not (see text/name_shapes)."""
        roles = {k[0] for k in forms if k[3] in ("morph", "dictionary")}
        patronymic = patronymic_by_suffix(word)
        if patronymic is not None:
            nominative, g, cases = patronymic
            if "patronymic" not in roles:
                forms.setdefault(("patronymic", g, nominative, "predicted"), set()).update(cases)
            if g == "male":
                # Агранович, Шуфрич: -ович surnames exist too (invariable for women).
                forms.setdefault(("surname", None, nominative, "guess"), set()).update(cases)
        if "surname" not in roles:
            for nominative, g, cases in surname_by_suffix(word):
                forms.setdefault(("surname", g, nominative, "predicted"), set()).update(cases)
            if any(k[0] == "surname" for k in forms):
                # An unknown surname may simply be written as it is (ХІАБАНІ, Модаррес): keep
                # that reading beside the analyzer's guesses so case agreement can choose it.
                forms.setdefault(("surname", None, word, "guess"), set()).update(CASES)

    def _full_name(self, nominative: str, lang: str, gender: str | None) -> str:
        """Full name for a diminutive lemma (Сашко → олександр); the parse's gender picks
        between the two readings of an ambiguous one (Сашка → александр / александра)."""
        full = self.lexicon.full_forms(nominative, lang)
        if len(full) == 1:
            return full[0][0]
        return next((name for name, g in full if g == gender and gender), nominative)

    def _analyze_latin(self, word: str) -> MorphInfo:
        forms: list[NameForm] = []
        g = self.lexicon.given_gender(word, "en")
        if g is None:
            # Transliterated Ukrainian/Russian given names (Viktor, Oleksandr, Serhii).
            for lang in ("uk", "ru"):
                g = self.lexicon.given_gender(to_cyrillic(word, lang), lang)
                if g is not None:
                    break
        full = self.lexicon.full_forms(word, "en")
        for name, gender in full:
            forms.append(NameForm("given", gender, name, frozenset({"nomn"}), "dictionary"))
        if g is not None and not full:
            forms.append(NameForm("given", g if g != "u" else None, word, frozenset({"nomn"}), "dictionary"))
        forms.append(NameForm("surname", None, word, frozenset({"nomn"}), "latin"))
        return MorphInfo(forms=tuple(forms), known_common=False, lemma=word)


# Possessive and ordinal adjectives (лисий → лисья, третий → третья). As a set, not `in tag`:
# the Ukrainian tag set knows no Poss and raises on it.
_IRREGULAR_FEMININE = frozenset({"Poss", "Anum"})


def _adjective_surnames(parses: list, lang: str) -> tuple[NameForm, ...]:
    """A known adjective's masculine and feminine singular readings as surnames, in the
    nominative of their gender (крайнему → крайний, мокрой → мокрая)."""
    cases: dict[tuple[str, str], set[str]] = {}
    for p in parses:
        gender = GENDERS[p.tag.gender]
        if gender == "female" and not _IRREGULAR_FEMININE.isdisjoint(p.tag.grammemes):
            continue  # лисья, третья: declined otherwise
        nominative = p.normal_form if gender == "male" else feminine_adjective(p.normal_form, lang)
        if nominative:
            cases.setdefault((gender, nominative), set()).add(p.tag.case or "nomn")
    return tuple(NameForm("surname", g, n, frozenset(c), "adjective") for (g, n), c in cases.items())


RARE_READING = 0.05  # pymorphy probability below which a reading is dropped …
COMMON_READING = 0.2  # … when the same role has a reading at least this likely


def _drop_rare(forms: dict, weight: dict) -> None:
    """Drop vanishingly rare readings (Дмитрия as a woman's name, p=0.02) when a
    likely one of the same role exists (the genitive of Дмитрий, p=0.78)."""
    for key, w in list(weight.items()):
        if w < RARE_READING and any(k[0] == key[0] and k != key and v >= COMMON_READING
                                    for k, v in weight.items()):
            forms.pop(key, None)


def _trusted(info: MorphInfo) -> bool:
    return any(f.source in ("morph", "dictionary") for f in info.forms)


def _nominative(parse: pymorphy3.analyzer.Parse, word: str) -> str:
    """Nominative singular keeping the parse's gender (Пугачевой → пугачева)."""
    if "Fixd" in parse.tag:
        return word
    inflected = parse.inflect({"nomn", "sing"}) or parse.inflect({"nomn"})
    form = inflected.word if inflected is not None else parse.normal_form
    if "ё" in form and "ё" not in word:
        form = form.replace("ё", "е")
    return form
