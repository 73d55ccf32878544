"""Layer 6: name readings from pymorphy3 (uk/ru) plus the project's name dictionaries."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def analyze(pipeline):
    return pipeline.layer("morphology").analyze


def _forms(info, role):
    return {(f.nominative, f.gender) for f in info.forms if f.role == role}


@pytest.mark.parametrize("word,lang,role,nominative,gender", [
    ("петренку", "uk", "surname", "петренко", "male"),
    ("олександру", "uk", "given", "олександр", "male"),
    ("васильовичу", "uk", "patronymic", "васильович", "male"),
    ("ковальську", "uk", "surname", "ковальська", "female"),
    ("пугачевой", "ru", "surname", "пугачева", "female"),  # no ё invented: the input had е
    ("борисовны", "ru", "patronymic", "борисовна", "female"),
    ("олені", "uk", "given", "олена", "female"),  # not only "олень": the name dictionary knows Олена
    ("роману", "uk", "given", "роман", "male"),
])
def test_readings(analyze, word, lang, role, nominative, gender):
    assert (nominative, gender) in _forms(analyze(word, lang), role)


def test_diminutive_resolves_to_full_name(analyze):
    assert ("олександр", "male") in _forms(analyze("сашко", "uk"), "given")


def test_common_words_have_no_name_reading(analyze):
    info = analyze("ремонт", "uk")
    assert info.known_common and not info.forms
    # common words joined by a hyphen are a common word, not an unknown surname
    info = analyze("гуманітарно-технічний", "uk")
    assert info.known_common and not info.forms
    assert "surname" in {f.role for f in analyze("нечуй-левицькому", "uk").forms}
    # a Ukrainian common word in a text read as Russian (no letter tells): still a common word
    assert analyze("державний", "ru").known_common


def test_unknown_word_is_a_surname_guess(analyze):
    info = analyze("зюзюкевичукас", "uk")
    assert "surname" in {f.role for f in info.forms}
    assert not any(f.source in ("morph", "dictionary") for f in info.forms)  # nothing known, only guessed
    assert not info.known_common


def test_given_names_written_back_from_latin_are_given_names(analyze):
    # Dmitri, Sergei transliterated back to Cyrillic: no dictionary spells them so, the name group does
    assert ("дмитри", "male") in _forms(analyze("дмитри", "uk"), "given")
    assert ("сергеи", "male") in _forms(analyze("сергеи", "ru"), "given")
    assert not _forms(analyze("ремонт", "uk"), "given")


def test_given_name_spelled_from_latin_keeps_the_person_whole(process):
    doc = process("Дмитри Алексеевич Лебедев - повернення позики згідно договору")
    assert [p.normalized for p in doc.persons] == ["Дмитри Алексеевич Лебедев"]


@pytest.mark.parametrize(("text", "person"), [
    ("Поповнення рахунку від Кітраря Леоніда Юрійовича", "Кітрар Леонід Юрійович"),
    ("Відшкодування витрат Кітрареві Леонідові Юрійовичеві", "Кітрар Леонід Юрійович"),
    ("Матеріальна допомога Бзовому Станіславові Анатолійовичеві", "Бзовий Станіслав Анатолійович"),
    ("Благодійний внесок від Колодезного Олександра Васильовича", "Колодезний Олександр Васильович"),
])
def test_unknown_surnames_in_oblique_cases_get_their_nominative(process, text, person):
    assert [p.normalized for p in process(text).persons] == [person]


def test_latin_names(analyze):
    assert ("viktor", "male") in _forms(analyze("viktor", "en"), "given")
    assert {f.role for f in analyze("medvedchuk", "en").forms} == {"surname"}


def test_cache_is_used(pipeline, process):
    layer = pipeline.layer("morphology")
    process("Петренку Олександру")
    doc = process("Петренку Олександру")
    assert doc.cache_hits.get("morphology", 0) >= 2
    assert layer.cache_info()["size"] > 0


@pytest.mark.parametrize("word,lang,readings", [
    ("безповоротної", "uk", {("безповоротна", "female")}),  # the Ukrainian tag set raised on Poss here
    ("крайньому", "uk", {("крайній", "male")}),
    ("мокрой", "ru", {("мокрая", "female")}),
    ("третьей", "ru", set()),  # an ordinal declines otherwise (третья): no reading rather than a wrong one
])
def test_an_adjective_s_readings_as_a_surname(analyze, word, lang, readings):
    info = analyze(word, lang)
    assert info.known_common
    assert {(f.nominative, f.gender) for f in info.adjective_surnames} == readings
    assert all(f.role == "surname" and f.source == "adjective" for f in info.adjective_surnames)


def test_every_word_of_the_context_dictionaries_is_read_without_error(analyze):
    # Any word of a payment text reaches the analyser: the dictionaries' words are the commonest.
    from pathlib import Path

    words = set()
    for path in Path("dictionaries/context").glob("*_[ur][ku].txt"):
        lang = path.stem.rsplit("_", 1)[1]
        for line in path.read_text(encoding="utf-8").splitlines():
            for word in line.split("\t")[0].split():
                if word and not word.startswith("#") and word.replace("-", "").replace("*", "").isalpha():
                    words.add((word.rstrip("*"), lang))
    assert len(words) > 1000
    for word, lang in sorted(words):
        analyze(word, lang)
        analyze(word.capitalize(), lang)


def test_adjectives_are_read_whichever_dictionary_loaded_last(analyze):
    # pymorphy3 shares one tag class, whose known grammemes are those of the dictionary loaded
    # last; after a Ukrainian one `"Poss" in tag` raises (a benchmark's own analyser did that).
    import pymorphy3

    pymorphy3.MorphAnalyzer(lang="uk")
    assert ("благодійна", "female") in {(f.nominative, f.gender)
                                        for f in analyze("благодійної", "uk").adjective_surnames}
    assert ("холодная", "female") in {(f.nominative, f.gender) for f in analyze("холодной", "ru").adjective_surnames}
