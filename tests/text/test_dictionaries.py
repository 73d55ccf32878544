"""The curated dictionaries: they load, hold their key entries and keep the curation rules."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pymorphy3
import pytest

from ai_service.text import dictionaries as d
from ai_service.text.dictionaries import (
    DICTIONARIES_DIR,
    DictionaryError,
    entries_pattern,
    json_data,
    mapping,
    merged_word_list,
    word_list,
)
from tests.helpers import shared_path

LANGS = ("uk", "ru", "en")
TAB_FILES = {"context/id_markers", "context/dob_markers", "identifiers/iban_lengths"} | {
    f"names/given_{lang}" for lang in LANGS
}
# word lists and JSON live in subfolders; top-level files (README.md, warmup.txt) are not dictionaries
WORD_LISTS = sorted(DICTIONARIES_DIR.glob("*/*.txt"))
CONTEXT_CATEGORIES = ("payment", "beneficiary", "boilerplate", "months", "stopwords", "bank", "address")


def _name(path: Path) -> str:
    return path.relative_to(DICTIONARIES_DIR).with_suffix("").as_posix()


def _context_lists() -> list[str]:
    names = [f"context/{c}_{lang}" for c in CONTEXT_CATEGORIES for lang in LANGS]
    return names + ["context/currency", "context/bank_names", "names/titles", "names/suffixes"]


def _given() -> dict[str, str]:
    given: dict[str, str] = {}
    for lang in LANGS:
        given.update(mapping(f"names/given_{lang}"))
    return given


# ------------------------------------------------------------------ loading


@pytest.mark.parametrize("path", WORD_LISTS, ids=_name)
def test_every_word_list_loads(path: Path) -> None:
    wl = word_list(_name(path))
    assert wl.words or wl.phrases
    if _name(path) in TAB_FILES or "months" in path.name:
        assert mapping(_name(path))


@pytest.mark.parametrize("path", sorted(DICTIONARIES_DIR.glob("*/*.json")), ids=_name)
def test_every_json_file_loads(path: Path) -> None:
    assert json_data(_name(path))


@pytest.mark.parametrize(
    ("name", "examples"),
    [
        ("context/payment_uk", ["оплата", "оплатою", "переказ", "перерахування", "поповнення", "сплата", "платіж",
                                "повернення", "аліменти", "зарплата", "допомога", "перераховано", "заробітна плата"]),
        ("context/payment_ru", ["перевод", "оплата", "платеж", "платёж", "перечисление", "перечислено", "возврат",
                                "зарплата", "алименты", "материальная помощь"]),
        ("context/payment_en", ["payment", "transfer", "salary", "refund", "wire transfer"]),
        ("context/beneficiary_uk", ["від", "на користь", "одержувач", "отримувачу", "платника"]),
        ("context/beneficiary_ru", ["от", "в пользу", "получатель", "получателю", "плательщик"]),
        ("context/beneficiary_en", ["beneficiary", "on behalf of", "to", "from", "for"]),
        ("context/boilerplate_uk", ["згідно", "рахунок", "рах.", "договір", "дог.", "№", "пдв", "без пдв", "у т.ч.",
                                    "послуги", "товари", "за"]),
        ("context/boilerplate_ru", ["согласно", "счет", "счёт", "договор", "ндс", "в т.ч.", "услуги"]),
        ("context/boilerplate_en", ["invoice", "inv", "contract", "vat", "services", "as per"]),
        ("context/months_uk", ["березень", "березня", "березні", "січня", "грудня"]),
        ("context/months_ru", ["март", "января", "декабря"]),
        ("context/months_en", ["march", "feb", "december"]),
        ("context/stopwords_uk", ["і", "та", "або", "що", "від", "до", "цей"]),
        ("context/stopwords_ru", ["и", "или", "что", "от", "до", "этот"]),
        ("context/stopwords_en", ["the", "and", "of", "to", "with"]),
        ("context/bank_uk", ["банк", "мфо", "картка", "картки", "iban"]),
        ("context/bank_en", ["bank", "card", "account", "iban"]),
        ("context/address_uk", ["вул.", "м.", "обл.", "р-н", "буд.", "кв."]),
        ("context/address_ru", ["ул.", "г.", "область", "кв."]),
        ("context/address_en", ["street", "str.", "city"]),
        ("context/currency", ["грн", "гривень", "uah", "usd", "$", "руб", "eur"]),
        ("context/dob_markers", ["д.р.", "д/н", "дата народження", "народився", "народилася", "р.н.", "дата рождения",
                                 "г.р.", "родился", "dob", "d.o.b.", "born", "date of birth", "b."]),
        ("names/titles", ["пан", "пані", "панові", "господин", "госпожа", "г-н", "mr", "mrs", "ms", "dr", "prof",
                          "директор", "президент", "депутат", "ген. директор", "ceo", "громадянин"]),
        ("names/suffixes", ["jr", "sr", "ii", "iii", "iv", "esq", "phd"]),
    ],
)
def test_key_examples_present(name: str, examples: list[str]) -> None:
    wl = word_list(name)
    for example in examples:
        tokens = tuple(example.split(" "))
        assert wl.matches(example) if len(tokens) == 1 else wl.match_phrase(tokens) == len(tokens), example


def test_id_markers_map_to_known_types() -> None:
    markers = mapping("context/id_markers")
    assert set(markers.values()) == {"rnokpp", "edrpou", "inn", "ogrn", "iban", "passport", "tax_id",
                                     "registration", "other", "bic"}
    expected = {"рнокпп": "rnokpp", "іпн": "rnokpp", "єдрпоу": "edrpou", "код єдрпоу": "edrpou", "инн": "inn",
                "огрн": "ogrn", "огрнип": "ogrn", "iban": "iban", "паспорт": "passport", "passport": "passport",
                "tax id": "tax_id", "tin": "tax_id", "ідентифікаційний код": "tax_id", "инн/кпп": "inn", "swift": "bic"}
    for marker, kind in expected.items():
        assert markers[marker] == kind


def test_dob_marker_positions() -> None:
    positions = mapping("context/dob_markers")
    assert set(positions.values()) == {"before", "both"}
    assert positions["г.р."] == positions["р.н."] == "both"
    assert positions["born"] == "before"


def test_months_cover_every_month_per_language() -> None:
    ambiguous = {k: int(v) for k, v in mapping("context/months_ambiguous").items()}
    for lang in LANGS:
        months = {k: int(v) for k, v in mapping(f"context/months_{lang}").items()}
        script = re.compile(r"[a-z]" if lang == "en" else r"[а-яіїєґё]")
        numbers = set(months.values()) | {n for k, n in ambiguous.items() if script.match(k)}
        assert numbers == set(range(1, 13)), lang
    assert ambiguous["may"] == 5 and ambiguous["марта"] == 3 and ambiguous["листопада"] == 11


# ------------------------------------------------------------------ curation rules


@pytest.mark.parametrize("name", _context_lists())
def test_context_words_are_not_given_names(name: str) -> None:
    given = _given()
    wl = word_list(name)
    assert sorted(w for w in wl.words if w in given) == []
    assert sorted(g for g in given if wl.prefixes and g.startswith(wl.prefixes)) == []


@pytest.mark.parametrize("lang", LANGS)
def test_stopwords_keep_names_out(lang: str) -> None:
    stop = word_list(f"context/stopwords_{lang}")
    for name in ("роман", "віра", "надія", "вера", "надежда", "слава", "will", "may", "ким", "тому", "ли", "де", "al"):
        assert not stop.matches(name), name


def test_prefixes_are_long_enough() -> None:
    for path in WORD_LISTS:
        for prefix in word_list(_name(path)).prefixes:
            assert len(prefix) >= d.MIN_PREFIX_LENGTH, (path.name, prefix)


@pytest.fixture(scope="module")
def morph() -> dict[str, pymorphy3.MorphAnalyzer]:
    return {lang: pymorphy3.MorphAnalyzer(lang=lang) for lang in ("uk", "ru")}


def test_prefixes_never_start_a_known_name(morph: dict[str, pymorphy3.MorphAnalyzer]) -> None:
    names = {"Name", "Surn", "Patr"}
    for name in _context_lists():
        for prefix in word_list(name).prefixes:
            for analyzer in morph.values():
                hits = {p.word for p in analyzer.iter_known_word_parses(prefix) if names & p.tag.grammemes}
                assert not hits, (name, prefix, sorted(hits)[:5])


def _listed_person_tokens() -> set[str]:
    persons = json.loads(shared_path("lists", "ua_nsdc", "persons.json").read_text(encoding="utf-8"))
    tokens = {t for p in persons for t in re.findall(r"[\w'’-]+", f"{p['name']} {p.get('name_en') or ''}".lower())}
    with shared_path("lists", "ofac_sdn", "sdn.csv").open(encoding="utf-8", errors="replace") as fh:
        for row in csv.reader(fh):
            if len(row) > 2 and row[2].strip() == "individual":
                tokens.update(re.findall(r"[\w'-]+", row[1].lower()))
    return tokens


def test_prefixes_never_start_a_listed_name() -> None:
    tokens = _listed_person_tokens()
    for name in _context_lists():
        prefixes = word_list(name).prefixes
        assert sorted(t for t in tokens if prefixes and t.startswith(prefixes)) == [], name


def test_place_names_are_no_listed_person_s_name() -> None:
    # A place is context (no name): never a word of a listed person's name (Caracas, Lahore are surnames too).
    tokens = _listed_person_tokens()
    for lang in LANGS:
        hits = sorted(w for w in word_list(f"context/address_{lang}").words if w in tokens)
        assert hits == {"en": ["uk"]}.get(lang, []), lang  # UK: as it was (VILLANUEVA MADRID took Madrid out)


def test_street_types_are_address_words() -> None:
    # The words before a street type are the street's name; it must be an address word itself.
    streets, address = word_list("context/street_types_en"), word_list("context/address_en")
    assert streets.words and streets.words <= address.words


def test_name_syllables_are_context_words() -> None:
    # The list only takes words out of the stop / address lists, between name words.
    context = word_list("context/stopwords_en").words | word_list("context/address_en").words
    syllables = word_list("context/name_syllables").words
    assert syllables and syllables <= context


def test_oplat_stem_is_spelled_out_not_a_prefix() -> None:
    payment = word_list("context/payment_uk")
    assert payment.matches("Оплатою") and not payment.matches("Оплатов")
    assert payment.matches("перерахувати") and payment.matches("ПЕРЕРАХУВАННЯМ")


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(("lang", "minimum"), [("uk", 400), ("ru", 400), ("en", 600)])
def test_given_names(lang: str, minimum: int) -> None:
    given = mapping(f"names/given_{lang}")
    assert len({k.replace("ё", "е") for k in given}) >= minimum
    assert set(given.values()) <= {"m", "f", "u"}


def test_given_names_examples() -> None:
    uk, ru, en = (mapping(f"names/given_{lang}") for lang in LANGS)
    assert (uk["олександр"], uk["наталія"], uk["віра"], uk["в'ячеслав"]) == ("m", "f", "f", "m")
    assert (ru["пётр"], ru["петр"], ru["надежда"], ru["любовь"]) == ("m", "m", "f", "f")
    assert all(en[n] == "m" for n in ("muhammad", "mohammed", "ahmed", "ali", "william", "robert"))
    assert (en["mary"], en["sam"], en["jean"]) == ("f", "u", "u")


@pytest.mark.parametrize(("lang", "minimum"), [("uk", 250), ("ru", 400), ("en", 200)])
def test_diminutives_shape_and_targets(lang: str, minimum: int) -> None:
    dims = json_data(f"names/diminutives_{lang}")
    given = mapping(f"names/given_{lang}")
    assert len(dims) >= minimum
    for key, value in dims.items():
        assert key == key.lower() and "ё" not in key, key
        targets = {"": value} if isinstance(value, str) else value
        assert set(targets) in ({""}, {"male", "female"}), key
        for sex, name in targets.items():
            assert name[0].isupper() and name[1:] == name[1:].lower(), (key, name)
            gender = given.get(name.lower())
            assert gender is not None, f"{key} -> {name}: not in given_{lang}.txt"
            assert sex == "" or gender in (sex[0], "u"), (key, sex, name, gender)


@pytest.mark.parametrize("lang", LANGS)
def test_diminutives_never_map_a_full_name_away(lang: str) -> None:
    dims = json_data(f"names/diminutives_{lang}")
    given = mapping(f"names/given_{lang}")
    full_names = sorted(k for k in dims if given.get(k) in ("m", "f"))
    assert full_names == [], "full given names must stay themselves"


def _genders(value: str | dict[str, str], given: dict[str, str]) -> set[str]:
    if isinstance(value, dict):
        return {"m", "f"}
    return {given[value.lower()]}


def test_diminutive_gender_agrees_across_languages() -> None:
    """A diminutive spelled the same in Ukrainian and Russian (Саша, Вова, Люся) names
    people of the same gender in both dictionaries."""
    uk, ru = json_data("names/diminutives_uk"), json_data("names/diminutives_ru")
    given_uk, given_ru = mapping("names/given_uk"), mapping("names/given_ru")
    shared = set(uk) & set(ru)
    assert len(shared) > 20
    for key in shared:
        assert _genders(uk[key], given_uk) == _genders(ru[key], given_ru), key


TRAPS = {
    # common nouns, adjectives, company-like words (SPEC §1: ООО «Ромашка» is not Роман)
    "ромашка", "мила", "милая", "люба", "галка", "галочка", "мишка", "поля", "тоня", "софа", "параша",
    "василек", "валентинка", "калина", "лиса", "зайка", "котик", "сонечко", "тема", "мира",
    "света", "сережка", "серёжка", "тая", "art", "rich", "rod", "herb", "norm", "chuck",
    "cliff", "kit", "penny", "sue", "dot", "dolly", "kitty", "sandy", "will", "may", "cat", "ginger",
    # names in their own right: never mapped away
    "роза", "надежда", "надія", "вера", "віра", "любовь", "любов", "слава", "злата", "олесь", "олекса",
}
# common words in one language only: uk миша = mouse, вовка = wolf, сонечка = sun (gen.); ru рая = paradise (gen.)
LANG_TRAPS = {"uk": {"миша", "вовка", "сонечка", "нема"}, "ru": {"рая", "нема"}, "en": set()}


@pytest.mark.parametrize("lang", LANGS)
def test_diminutive_traps_are_not_keys(lang: str) -> None:
    dims = json_data(f"names/diminutives_{lang}")
    assert sorted((TRAPS | LANG_TRAPS[lang]) & set(dims)) == []
    context = set()
    for name in _context_lists():
        context |= word_list(name).words
    assert sorted(k for k in dims if k in context) == []


def test_diminutive_examples() -> None:
    uk, ru, en = (json_data(f"names/diminutives_{lang}") for lang in LANGS)
    assert (uk["сашко"], uk["вовчик"], uk["дашенька"], uk["петрик"], uk["оксанка"]) == (
        "Олександр", "Володимир", "Дарія", "Петро", "Оксана")
    assert uk["женя"] == {"male": "Євген", "female": "Євгенія"}
    assert uk["саша"] == {"male": "Олександр", "female": "Олександра"}
    assert uk["валя"] == {"male": "Валентин", "female": "Валентина"}
    assert (ru["вова"], ru["дашенька"], ru["петя"], ru["алеша"]) == ("Владимир", "Дарья", "Пётр", "Алексей")
    assert ru["шура"] == {"male": "Александр", "female": "Александра"}
    assert (en["bill"], en["bob"], en["liz"]) == ("William", "Robert", "Elizabeth")
    assert en["sam"] == {"male": "Samuel", "female": "Samantha"}


def test_legal_forms() -> None:
    forms = json_data("names/legal_forms")
    by_abbr = {(f["abbr"], f["language"]): f for f in forms}
    for form in forms:
        assert {"abbr", "variants", "language", "kind"} <= set(form) <= {
            "abbr", "variants", "language", "kind", "position", "category"}
        assert form.get("position", "suffix") in ("suffix", "head")
        assert form.get("category", "business") == "business"
        assert form["language"] in {"uk", "ru", "en", "intl"} and form["kind"] in {"organization", "person"}
        assert form["variants"] and all(v == v.lower() and v == " ".join(v.split()) for v in form["variants"])
    for lang in ("uk", "ru", "en", "intl"):
        variants = [v for f in forms if f["language"] == lang for v in f["variants"]]
        assert len(variants) == len(set(variants)), f"a {lang} variant belongs to two legal forms"
    assert by_abbr["ФОП", "uk"]["kind"] == by_abbr["ИП", "ru"]["kind"] == by_abbr["ИЧП", "ru"]["kind"] == "person"
    assert by_abbr["ПП", "uk"]["kind"] == by_abbr["ТОВ", "uk"]["kind"] == by_abbr["ООО", "ru"]["kind"] == "organization"
    assert "товариству з обмеженою відповідальністю" in by_abbr["ТОВ", "uk"]["variants"]
    assert "фізичної особи-підприємця" in by_abbr["ФОП", "uk"]["variants"]
    assert "обществом с ограниченной ответственностью" in by_abbr["ООО", "ru"]["variants"]
    heads = {v for f in forms if f.get("position") == "head" for v in f["variants"]}
    # Head nouns come with their case forms: the name is found in any case the payment uses.
    assert {"університет", "університету", "університетом", "консерваторія", "сили", "силами", "министерства",
            "ministry", "організейшн"} <= heads
    suffixes = {f["abbr"] for f in forms if f.get("position") == "suffix"}
    assert {"Inc", "Ltd", "GmbH", "AG"} <= suffixes and not {"ТОВ", "ООО", "LLC"} & suffixes
    abbrs = {f["abbr"] for f in forms}
    assert {"ТОВ", "ТзОВ", "ПАТ", "ПрАТ", "АТ", "ВАТ", "ЗАТ", "КП", "ДП", "ГО", "БФ", "ЗАО", "ОАО", "ПАО", "АО",
            "НКО", "LLC", "Ltd", "Inc", "Corp", "Co", "GmbH", "AG", "SA", "PLC", "LLP", "LP", "JSC", "OJSC",
            "CJSC", "BV", "NV", "SRL", "SpA"} <= abbrs
    given, stop = _given(), merged_word_list(*(f"context/stopwords_{lang}" for lang in LANGS))
    assert [v for f in forms for v in f["variants"] if v in given or stop.matches(v)] == []
    # consumers index the abbreviation too: it must not be a function word (БО = бо "because")
    assert [f["abbr"] for f in forms if stop.matches(f["abbr"]) or f["abbr"].lower() in given] == []


# ------------------------------------------------------------------ loader behaviour


def test_word_list_matching() -> None:
    wl = d._build(["оплата", "перерахув*", "на користь", "у т.ч.", "платёж"])
    assert wl.matches("ОПЛАТА") and wl.matches("Перерахування") and not wl.matches("оплатов")
    assert wl.matches("платеж") and wl.matches("платёж")  # ё-folded spelling indexed too
    assert word_list("context/boilerplate_ru").matches("СЧЁТ") and word_list("context/payment_ru").matches("Платеж")
    assert wl.match_phrase(["переказ", "на", "користь", "іванова"], 1) == 2
    assert wl.match_phrase(["у", "т.ч.", "пдв"]) == 2 and wl.match_phrase(["на"]) == 0
    assert wl.max_phrase_length == 2


def test_merged_word_list_spans_languages() -> None:
    merged = merged_word_list("context/payment_uk", "context/payment_ru", "context/payment_en")
    assert merged.matches("переказ") and merged.matches("перевод") and merged.matches("payment")
    assert merged.match_phrase(["wire", "transfer"]) == 2


def test_entries_pattern_matches_spacing_variants_and_reversed_text() -> None:
    entries = ["д.р.", "дата народження", "инн / кпп", "р/р"]
    forward = re.compile(entries_pattern(entries) + "$", re.IGNORECASE)
    for text in ("д. р.", "Д.Р.", "дата  народження", "ИНН/КПП", "р / р"):
        assert forward.match(text), text
    backward = re.compile(entries_pattern(entries, reverse=True) + "$", re.IGNORECASE)
    assert backward.match("д. р."[::-1]) and backward.match("инн/кпп"[::-1])
    assert not forward.match("д.р")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("оплата\nОплата\n", "bad.txt:2: entries are lowercase"),
        ("оплата\nоплата\n", "bad.txt:2: duplicate entry"),
        ("# comment\nпер*\n", "bad.txt:2: prefix 'пер*' shorter than 4"),
        ("оп*лата\n", "bad.txt:1: '*' only ends"),
        ("a\tb\tc\n", "bad.txt:1: expected 'entry'"),
    ],
)
def test_malformed_word_lists_fail_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, message: str
) -> None:
    (tmp_path / "bad.txt").write_text(content, encoding="utf-8")
    monkeypatch.setattr(d, "DICTIONARIES_DIR", tmp_path)
    with pytest.raises(DictionaryError, match=re.escape(message)):
        d.word_list.__wrapped__("bad")


def test_malformed_mapping_and_json_fail_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "map.txt").write_text("key\tvalue\nlonely\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"a": 1,\n "b": }\n', encoding="utf-8")
    monkeypatch.setattr(d, "DICTIONARIES_DIR", tmp_path)
    with pytest.raises(DictionaryError, match=r"map\.txt:2: expected 'key<TAB>value'"):
        d.mapping.__wrapped__("map")
    with pytest.raises(DictionaryError, match=r"bad\.json:2: invalid JSON"):
        d.json_data.__wrapped__("bad")
    with pytest.raises(DictionaryError, match="not found"):
        d.word_list.__wrapped__("missing")
