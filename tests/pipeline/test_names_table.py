"""Table-driven name extraction and normalization (issue 3, SPEC §2 layers 2–7, SPEC §7).

Every row is a realistic payment description (uk, ru, en or mixed) with mostly
invented but plausible names, and what a careful Ukrainian/Russian-speaking
compliance analyst expects from it — not what the pipeline happens to output.

Person tables — rows ``(text, names, roles, gender)``:

- ``names``  — ``[p.normalized for p in doc.persons]``, in text order;
- ``roles``  — one tuple per person: the role of every part, in order
  (``S`` surname, ``G`` given, ``P`` patronymic, ``I`` initial);
- ``gender`` — ``None`` (not checked), one value for every person, or a tuple
  with one value (or ``None``) per person.

The person tables, one per bullet of issue 3:

``DECLENSION_UK`` / ``DECLENSION_RU``  cases → nominative (nom/gen/dat/acc/instr/loc/voc),
                                       feminine surnames, invariable surnames, common-noun traps
``DIMINUTIVES``                        diminutive → full name of the same language,
                                       gender-ambiguous ones resolved by surname/patronymic
``GROUPING``                           several persons per text, input order kept
``INITIALS_HYPHENS_APOSTROPHES``       ``О. В.`` initials, hyphenated names, every apostrophe form
``SCRIPTS_AND_CASE``                   Latin in Cyrillic and back, ALL-CAPS and lower-case input
``TITLES``                             titles/positions/suffixes dropped (attributes checked apart)
``PERSON_IN_BOILERPLATE``              a person surrounded by payment boilerplate

Other tables: ``TITLE_ATTRIBUTES`` (the dropped title is kept in ``titles``),
``SOLE_PROPRIETORS`` (ФОП / ИП: a person with ``legal_form``, no organisation),
``NO_PERSON`` (pure boilerplate and organisations: ``doc.persons == []``) and
``ORGANIZATIONS`` (``[(legal_form, core)]`` in text order; the legal form is the
dictionary abbreviation even when the text spells it out, the core is written
as in the text without its quotes).

Policies these expectations rely on (SPEC §7 unless said otherwise):

- word order of the input is kept within a person; output stays in the input's
  script and language (``Павлу`` is ``Павло`` in uk, ``Павел`` in ru);
- casing: ALL-CAPS and lower-case names come out in title case
  (golden ``behavior_case_policy``: ``иван ПЕТРОВ`` → ``Иван Петров``);
- initials are ``О. В.``; apostrophes of any form become ``'`` (SPEC §2);
- ``ё`` is kept where written (``Семёну`` → ``Семён``). Rows avoid names whose
  dictionary lemma adds a ``ё`` the text did not write (``Петр``/``Пётр``):
  the golden ``ru_context_words`` pins that spelling, this file does not;
- ``Кравець`` (decided here): as a surname it declines for a man
  (``Кравцю``/``Кравця`` → ``Кравець``) and is invariable for a woman
  (``Кравець Ользі`` → ``Кравець Ольга``) — standard Ukrainian grammar for
  consonant-final surnames, like ``Мельник``/``Коваль``; the same in Russian
  (``Кравцу`` → ``Кравец``);
- gender is checked where the text shows it (given name, patronymic or a
  gendered surname form with a given name), never for a bare surname with initials.
"""

from __future__ import annotations

from typing import Any

import pytest

S, G, P, I = "surname", "given", "patronymic", "initial"
M, F = "male", "female"

_LATIN = dict(zip(
    "абвгґдеєёжзиіїйклмнопрстуфхцчшщьюяыэъ'’ʼ`",
    ["a", "b", "v", "h", "g", "d", "e", "ye", "yo", "zh", "z", "y", "i", "yi", "j", "k", "l", "m", "n", "o",
     "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "yu", "ya", "y", "e", "", "", "", "", ""],
))


def _ascii(text: str) -> str:
    """A readable ASCII id: pytest escapes non-ASCII ids into ``\\u…`` soup."""
    out = []
    for ch in text:
        low = ch.lower()
        lat = _LATIN.get(low, ch if ch.isascii() else "")
        out.append(lat.capitalize() if ch != low else lat)
    return "".join(out).replace(" ", "_")[:60]


def row(tag: str, text: str, names: list[str], roles: list[tuple[str, ...]],
        gender: str | tuple[str | None, ...] | None = None) -> Any:
    return pytest.param(text, names, roles, gender, id=f"{tag}:{_ascii(text)}")


# --- cases → nominative, Ukrainian -------------------------------------------------------------

DECLENSION_UK = [
    row("uk-dat-issue", "Переказ коштів Петренку Олександру Васильовичу",
        ["Петренко Олександр Васильович"], [(S, G, P)], M),
    row("uk-dat-issue", "Переказ коштів Сергієві Жадану", ["Сергій Жадан"], [(G, S)], M),
    row("uk-dat-enko-issue", "Переказ Іваненку Тарасу за ремонт", ["Іваненко Тарас"], [(S, G)], M),
    row("uk-dat-surname-only", "Переказ Іваненку", ["Іваненко"], [(S,)]),
    row("uk-instr-issue", "Договір позики з Коваленком Андрієм Миколайовичем",
        ["Коваленко Андрій Миколайович"], [(S, G, P)], M),
    row("uk-instr-surname-only", "Розрахунок з Коваленком", ["Коваленко"], [(S,)]),
    row("uk-acc-f-issue", "Оплата навчання за Наталію Ковальську", ["Наталія Ковальська"], [(G, S)], F),
    row("uk-dat-f-trap-issue", "Переказ коштів Олені Петренко", ["Олена Петренко"], [(G, S)], F),
    row("uk-gen-m", "Аліменти від Бондаренка Олега Івановича", ["Бондаренко Олег Іванович"], [(S, G, P)], M),
    row("uk-gen-f", "Повернення боргу від Ковальської Наталії Іванівни",
        ["Ковальська Наталія Іванівна"], [(S, G, P)], F),
    row("uk-instr-f", "Розрахунок з Ковальською Іриною Петрівною",
        ["Ковальська Ірина Петрівна"], [(S, G, P)], F),
    row("uk-instr-f-invariable", "Договір з Ганною Литвиненко", ["Ганна Литвиненко"], [(G, S)], F),
    row("uk-dat-f-invariable", "Переказ коштів Шевченко Оксані Петрівні",
        ["Шевченко Оксана Петрівна"], [(S, G, P)], F),
    row("uk-dat-m-enko", "Переказ коштів Шевченку Остапу Романовичу",
        ["Шевченко Остап Романович"], [(S, G, P)], M),
    row("uk-gen-m-enko", "Зарахування від Шевченка Остапа", ["Шевченко Остап"], [(S, G)], M),
    row("uk-dat-shvili", "Переказ Дзидзишвілі Георгію Давидовичу",
        ["Дзидзишвілі Георгій Давидович"], [(S, G, P)], M),
    row("uk-gen-f-shvili", "Оплата від Дзидзишвілі Тамари", ["Дзидзишвілі Тамара"], [(S, G)], F),
    row("uk-dat-m-kravets", "Переказ коштів Кравцю Івану Петровичу", ["Кравець Іван Петрович"], [(S, G, P)], M),
    row("uk-gen-m-kravets", "Аліменти від Кравця Андрія Олеговича", ["Кравець Андрій Олегович"], [(S, G, P)], M),
    row("uk-dat-f-kravets", "Переказ коштів Кравець Ользі Іванівні", ["Кравець Ольга Іванівна"], [(S, G, P)], F),
    row("uk-nom-f-kravets", "Отримувач Кравець Ольга Іванівна", ["Кравець Ольга Іванівна"], [(S, G, P)], F),
    row("uk-dat-trap-vovk", "Переказ Миколі Вовку за роботу", ["Микола Вовк"], [(G, S)], M),
    row("uk-dat-trap-zayets", "Переказ коштів Олегу Зайцю", ["Олег Заєць"], [(G, S)], M),
    row("uk-dat-trap-vira", "Переказ Вірі Лисиці", ["Віра Лисиця"], [(G, S)], F),
    row("uk-dat-trap-nadiya", "Допомога Надії Коваль", ["Надія Коваль"], [(G, S)], F),
    row("uk-gen-trap-lev", "Повернення коштів від Лева Гнатюка", ["Лев Гнатюк"], [(G, S)], M),
    row("uk-gen-trap-solovey", "Повернення боргу від Солов'я Тараса", ["Соловей Тарас"], [(S, G)], M),
    row("uk-dat-ovi", "Переказ коштів Гнатюкові Ярославу", ["Гнатюк Ярослав"], [(S, G)], M),
    # A surname no dictionary knows: the dative of Карамян, not of Карамянов (that would be Карамянову).
    row("uk-dat-ovi-unknown", "Компенсація витрат Карамянові Вахтангові", ["Карамян Вахтанг"], [(S, G)], M),
    row("uk-instr-f-unknown", "Згідно угоди з Поливянною Ольгою Леонідівною", ["Поливянна Ольга Леонідівна"],
        [(S, G, P)], F),
    row("uk-dat-skyi", "Переказ Вишневському Ростиславу Ігоровичу",
        ["Вишневський Ростислав Ігорович"], [(S, G, P)], M),
    row("uk-gen-f-ska", "Оплата від Вишневської Галини", ["Вишневська Галина"], [(S, G)], F),
    row("uk-dat-adj-surname", "Переказ коштів Остапу Білому", ["Остап Білий"], [(G, S)], M),
    row("uk-dat-m-koval", "Переказ коштів Ковалю Петру", ["Коваль Петро"], [(S, G)], M),
    row("uk-dat-f-melnyk", "Переказ коштів Мельник Ірині Степанівні", ["Мельник Ірина Степанівна"], [(S, G, P)], F),
    row("uk-dat-m-melnyk", "Переказ коштів Мельнику Тарасу Степановичу",
        ["Мельник Тарас Степанович"], [(S, G, P)], M),
    row("uk-dat-g-p-s", "Переказ коштів Оксані Миколаївні Гребенюк",
        ["Оксана Миколаївна Гребенюк"], [(G, P, S)], F),
    row("uk-dat-pavlo", "Переказ коштів Павлу Остапчуку", ["Павло Остапчук"], [(G, S)], M),
    row("uk-dat-ihor", "Переказ коштів Ігорю Сидоренку", ["Ігор Сидоренко"], [(G, S)], M),
    row("uk-instr-m", "Угода з Григорієм Тимошенком", ["Григорій Тимошенко"], [(G, S)], M),
    row("uk-acc-m", "Оплата навчання за Дмитра Савчука", ["Дмитро Савчук"], [(G, S)], M),
    row("uk-acc-m-ko", "Страховий внесок за Юрія Бойка", ["Юрій Бойко"], [(G, S)], M),
    # Not "Мельникові": that is also the locative of the Russian-type surname Мельников.
    row("uk-loc-m", "Документи залишено при Андрієві Коваленкові", ["Андрій Коваленко"], [(G, S)], M),
    row("uk-voc-m", "Тарасе Шевчуку, повертаю борг", ["Тарас Шевчук"], [(G, S)], M),
    row("uk-voc-m-enko", "Олександре Петренку, дякую за допомогу", ["Олександр Петренко"], [(G, S)], M),
    row("uk-voc-f", "Маріє Гнатюк, переказ за оренду", ["Марія Гнатюк"], [(G, S)], F),
    row("uk-voc-kozlove-issue", "Іване Козлове, повертаю борг", ["Іван Козлов"], [(G, S)], M),
    row("uk-nom-order-gs", "Отримувач Олександр Петренко", ["Олександр Петренко"], [(G, S)], M),
    row("uk-nom-order-sg", "Отримувач Петренко Олександр", ["Петренко Олександр"], [(S, G)], M),
    row("uk-nom-f-uk", "Одержувач: Ковальчук Марія", ["Ковальчук Марія"], [(S, G)], F),
    row("uk-nom-f-3", "Отримувач: Литвиненко Ганна Степанівна",
        ["Литвиненко Ганна Степанівна"], [(S, G, P)], F),
]

# --- cases → nominative, Russian ---------------------------------------------------------------

DECLENSION_RU = [
    row("ru-gen-f-issue", "Перевод от Аллы Борисовны Пугачевой", ["Алла Борисовна Пугачева"], [(G, P, S)], F),
    row("ru-gen-f-issue", "Перевод средств от Марии Ивановны Петровой",
        ["Мария Ивановна Петрова"], [(G, P, S)], F),
    row("ru-mixed-case-f-issue", "Перевод средств Анна Ивановой", ["Анна Иванова"], [(G, S)], F),
    row("ru-loc-kozlove-issue", "Сведения о плательщике Козлове Андрее Викторовиче",
        ["Козлов Андрей Викторович"], [(S, G, P)], M),
    row("ru-loc-f", "Справка о Петровой Анне", ["Петрова Анна"], [(S, G)], F),
    row("ru-dat-m", "Перевод средств Смирнову Алексею Викторовичу",
        ["Смирнов Алексей Викторович"], [(S, G, P)], M),
    row("ru-dat-m-2", "Перевод средств Игорю Козлову", ["Игорь Козлов"], [(G, S)], M),
    row("ru-instr-m", "Договор с Волковым Игорем Сергеевичем", ["Волков Игорь Сергеевич"], [(S, G, P)], M),
    row("ru-instr-m-skiy", "Договор с Вишневским Игорем", ["Вишневский Игорь"], [(S, G)], M),
    row("ru-gen-m", "Оплата за обучение Кузнецова Дмитрия", ["Кузнецов Дмитрий"], [(S, G)], M),
    row("ru-gen-m-3", "Перевод по поручению Егорова Михаила Юрьевича",
        ["Егоров Михаил Юрьевич"], [(S, G, P)], M),
    row("ru-gen-f", "Перевод от Соколовой Натальи Петровны", ["Соколова Наталья Петровна"], [(S, G, P)], F),
    row("ru-gen-f-gs", "Оплата от Ольги Медведевой", ["Ольга Медведева"], [(G, S)], F),
    row("ru-dat-f", "Перевод средств Морозовой Елене Андреевне",
        ["Морозова Елена Андреевна"], [(S, G, P)], F),
    row("ru-dat-f-gs", "Перевод Елене Соколовой", ["Елена Соколова"], [(G, S)], F),
    row("ru-instr-f", "Расчет с Лебедевой Ириной", ["Лебедева Ирина"], [(S, G)], F),
    row("ru-acc-f", "Оплата за Новикову Ольгу Сергеевну", ["Новикова Ольга Сергеевна"], [(S, G, P)], F),
    row("ru-dat-m-enko", "Перевод средств Шевченко Ивану Петровичу",
        ["Шевченко Иван Петрович"], [(S, G, P)], M),
    row("ru-dat-f-enko", "Перевод Шевченко Ольге", ["Шевченко Ольга"], [(S, G)], F),
    row("ru-dat-m-skiy", "Перевод средств Вишневскому Олегу", ["Вишневский Олег"], [(S, G)], M),
    row("ru-dat-f-skaya", "Перевод средств Вишневской Марине Олеговне",
        ["Вишневская Марина Олеговна"], [(S, G, P)], F),
    row("ru-dat-m-kravets", "Перевод средств Кравцу Сергею", ["Кравец Сергей"], [(S, G)], M),
    row("ru-dat-f-kravets", "Перевод средств Кравец Ольге Ивановне", ["Кравец Ольга Ивановна"], [(S, G, P)], F),
    row("ru-dat-dze", "Перевод средств Гоголадзе Давиду", ["Гоголадзе Давид"], [(S, G)], M),
    row("ru-dat-yo-kept", "Перевод средств Семёну Белову", ["Семён Белов"], [(G, S)], M),
    row("ru-gen-yo-kept", "Оплата от Фёдорова Артёма", ["Фёдоров Артём"], [(S, G)], M),
    row("ru-dat-trap-vera", "Перевод Вере Синицыной", ["Вера Синицына"], [(G, S)], F),
    row("ru-dat-trap-roza", "Перевод средств Розе Тимофеевой", ["Роза Тимофеева"], [(G, S)], F),
    row("ru-dat-pavel", "Возврат долга Павлу Орлову", ["Павел Орлов"], [(G, S)], M),
    row("ru-dat-lev", "Платеж Льву Гусеву", ["Лев Гусев"], [(G, S)], M),
    row("ru-dat-ilich", "Перевод средств Ильину Никите Ильичу", ["Ильин Никита Ильич"], [(S, G, P)], M),
    row("ru-dat-zaytsev", "Перевод средств Зайцеву Олегу", ["Зайцев Олег"], [(S, G)], M),
    row("ru-nom", "Получатель Сидоров Андрей Викторович", ["Сидоров Андрей Викторович"], [(S, G, P)], M),
]

# --- diminutives → full names of the same language ---------------------------------------------

DIMINUTIVES = [
    row("uk-dim-issue", "Сашко Ткачук, переказ за оренду", ["Олександр Ткачук"], [(G, S)], M),
    row("uk-dim-issue", "Вовчик Бондар, повернення боргу", ["Володимир Бондар"], [(G, S)], M),
    row("uk-dim-gen", "Переказ від Вовчика Бондаря", ["Володимир Бондар"], [(G, S)], M),
    row("uk-dim-issue", "Переказ коштів для Дашеньки Ковальчук", ["Дарія Ковальчук"], [(G, S)], F),
    row("ru-dim-issue", "Перевод средств для Дашеньки Смирновой", ["Дарья Смирнова"], [(G, S)], F),
    row("uk-dim-gen", "Переказ від Юрка Гнатюка", ["Юрій Гнатюк"], [(G, S)], M),
    row("uk-dim", "Марійка Литвин, оплата гуртка", ["Марія Литвин"], [(G, S)], F),
    row("uk-dim-dat", "Переказ коштів Тарасику Мельнику", ["Тарас Мельник"], [(G, S)], M),
    row("uk-dim-gen", "Переказ від Наталки Бойко", ["Наталія Бойко"], [(G, S)], F),
    row("uk-ambig-f", "Отримувач: Женя Ковальська", ["Євгенія Ковальська"], [(G, S)], F),
    row("uk-ambig-m", "Отримувач: Женя Ковальський", ["Євген Ковальський"], [(G, S)], M),
    row("uk-ambig-f", "Отримувач: Саша Вишневська", ["Олександра Вишневська"], [(G, S)], F),
    row("uk-ambig-m-patr", "Отримувач: Саша Олегович Мельник", ["Олександр Олегович Мельник"], [(G, P, S)], M),
    row("uk-ambig-f-patr", "Отримувач: Валя Степанівна Гнатюк",
        ["Валентина Степанівна Гнатюк"], [(G, P, S)], F),
    row("uk-ambig-m-patr", "Отримувач: Валя Іванович Кравчук", ["Валентин Іванович Кравчук"], [(G, P, S)], M),
    row("ru-ambig-f", "Перевод средств: Саша Петрова", ["Александра Петрова"], [(G, S)], F),
    row("ru-ambig-m", "Перевод средств: Саша Петров", ["Александр Петров"], [(G, S)], M),
    row("ru-ambig-f", "Получатель Женя Соколова", ["Евгения Соколова"], [(G, S)], F),
    row("ru-ambig-m", "Получатель Женя Соколов", ["Евгений Соколов"], [(G, S)], M),
    row("ru-ambig-f", "Получатель Валя Иванова", ["Валентина Иванова"], [(G, S)], F),
    row("ru-ambig-m", "Получатель Валя Иванов", ["Валентин Иванов"], [(G, S)], M),
    row("ru-dim", "Перевод средств Вова Сидоров", ["Владимир Сидоров"], [(G, S)], M),
    row("ru-dim-gen", "Перевод от Маши Кузнецовой", ["Мария Кузнецова"], [(G, S)], F),
    row("ru-dim", "Перевод средств Дима Орлов", ["Дмитрий Орлов"], [(G, S)], M),
    row("ru-dim-dat", "Возврат долга Наташе Волковой", ["Наталья Волкова"], [(G, S)], F),
    row("ru-dim-yo", "Перевод средств Серёже Белову", ["Сергей Белов"], [(G, S)], M),
    row("en-dim-issue", "Payment to Bill R. Gates", ["William R. Gates"], [(G, I, S)], M),
    row("en-dim", "Payment to Bob Harrington for consulting", ["Robert Harrington"], [(G, S)], M),
    row("en-dim", "Wire transfer from Mike Thornton", ["Michael Thornton"], [(G, S)], M),
    row("en-dim", "Payment to Liz Carter, invoice 45", ["Elizabeth Carter"], [(G, S)], F),
    row("en-dim", "Refund to Jim Walsh", ["James Walsh"], [(G, S)], M),
    row("uk-full-name-kept", "Отримувач: Надія Бондар", ["Надія Бондар"], [(G, S)], F),
    row("ru-full-name-kept", "Получатель Любовь Смирнова", ["Любовь Смирнова"], [(G, S)], F),
]

# --- several persons per text, input order -----------------------------------------------------

GROUPING = [
    row("ru-two-issue", "Иван Петров и Анна Сергеева", ["Иван Петров", "Анна Сергеева"], [(G, S), (G, S)], (M, F)),
    row("mixed-two-issue", "John Smith та Олена Петренко", ["John Smith", "Олена Петренко"],
        [(G, S), (G, S)], (M, F)),
    row("uk-two-issue", "Переказ від Петра Ковальчука на користь Марії Ковальчук",
        ["Петро Ковальчук", "Марія Ковальчук"], [(G, S), (G, S)], (M, F)),
    row("uk-two-3parts", "Переказ від Бондаренка Олега Івановича на користь Мельник Ірини Петрівни",
        ["Бондаренко Олег Іванович", "Мельник Ірина Петрівна"], [(S, G, P), (S, G, P)], (M, F)),
    row("ru-two-initials", "Перевод от Смирнова А.В. в пользу Кузнецовой Е.П.",
        ["Смирнов А. В.", "Кузнецова Е. П."], [(S, I, I), (S, I, I)]),
    row("en-two", "Payment from John Carter to Mary O'Neil", ["John Carter", "Mary O'Neil"],
        [(G, S), (G, S)], (M, F)),
    row("ru-two-comma", "Иванов И.И., Петров П.П.", ["Иванов И. И.", "Петров П. П."], [(S, I, I), (S, I, I)]),
    row("uk-two-comma", "Сидоренко Олег, Гнатюк Марія", ["Сидоренко Олег", "Гнатюк Марія"],
        [(S, G), (S, G)], (M, F)),
    row("uk-two-no-separator", "Петренко О.В. Іваненко С.М.", ["Петренко О. В.", "Іваненко С. М."],
        [(S, I, I), (S, I, I)]),
    row("uk-two-and", "Петренко О.В. та Іваненко С.М.", ["Петренко О. В.", "Іваненко С. М."],
        [(S, I, I), (S, I, I)]),
    row("uk-two-initials-first", "О.В. Петренко, С.М. Іваненко", ["О. В. Петренко", "С. М. Іваненко"],
        [(I, I, S), (I, I, S)]),
    row("uk-two-same-surname", "Аліменти від Петренка Івана для Петренко Софії",
        ["Петренко Іван", "Петренко Софія"], [(S, G), (S, G)], (M, F)),
    # a town after a name is no part of it (a street type before it is: 221B Baker Street)
    row("en-before-town", "Payment to Ivan Petrenko London office", ["Ivan Petrenko"], [(G, S)], M),
    row("mixed-two", "Олександр Шевчук та John Baker, оренда", ["Олександр Шевчук", "John Baker"],
        [(G, S), (G, S)], (M, M)),
    row("ru-two-dat", "Перевод средств Ивану Петрову и Марии Сидоровой", ["Иван Петров", "Мария Сидорова"],
        [(G, S), (G, S)], (M, F)),
    row("uk-payer-beneficiary", "Платник Коваль Андрій Петрович, отримувач Коваль Ірина Андріївна",
        ["Коваль Андрій Петрович", "Коваль Ірина Андріївна"], [(S, G, P), (S, G, P)], (M, F)),
    row("uk-two-f", "Оплата від Ганни Литвин за Софію Литвин", ["Ганна Литвин", "Софія Литвин"],
        [(G, S), (G, S)], F),
    row("uk-three", "Оплата за навчання дітей: Іван Коваль, Петро Мельник, Ольга Бойко",
        ["Іван Коваль", "Петро Мельник", "Ольга Бойко"], [(G, S), (G, S), (G, S)], (M, M, F)),
    row("en-two-and", "Sarah Connor and Kyle Reese, rent", ["Sarah Connor", "Kyle Reese"], [(G, S), (G, S)], (F, M)),
]

# --- initials, hyphenated names, apostrophes ---------------------------------------------------

INITIALS_HYPHENS_APOSTROPHES = [
    row("uk-init-issue", "Аліменти від Петренко О.П.", ["Петренко О. П."], [(S, I, I)]),
    row("uk-init-after-issue", "Оплата послуг Петренко О.В.", ["Петренко О. В."], [(S, I, I)]),
    row("uk-init-before-issue", "Оплата послуг О.В. Петренко", ["О. В. Петренко"], [(I, I, S)]),
    row("ru-init-double-dot-issue", "Перевод средств И.. И. Петров", ["И. И. Петров"], [(I, I, S)]),
    row("uk-init-before-dat", "Переказ коштів О.В. Петренку", ["О. В. Петренко"], [(I, I, S)]),
    row("uk-init-after-dat", "Переказ коштів Петренку О.В.", ["Петренко О. В."], [(S, I, I)]),
    row("ru-init-after-dat", "Перевод средств Иванову И.И.", ["Иванов И. И."], [(S, I, I)]),
    row("uk-init-single", "Переказ О. Іваненку", ["О. Іваненко"], [(I, S)]),
    row("uk-init-f", "Переказ Ковальчук М.І.", ["Ковальчук М. І."], [(S, I, I)]),
    row("uk-init-spaced", "Оплата Коваль О. В.", ["Коваль О. В."], [(S, I, I)]),
    row("uk-given-plus-init", "Переказ коштів Петренку Олександру В.", ["Петренко Олександр В."], [(S, G, I)], M),
    row("en-init-before", "Payment to J. R. Smith", ["J. R. Smith"], [(I, I, S)]),
    row("en-init-after", "Payment to Smith J.R.", ["Smith J. R."], [(S, I, I)]),
    row("uk-hyphen-init-issue", "Переказ коштів Іванов-Петренко С.В.", ["Іванов-Петренко С. В."], [(S, I, I)]),
    row("uk-hyphen-dat", "Переказ Іванову-Петренку Степану", ["Іванов-Петренко Степан"], [(S, G)], M),
    row("ru-hyphen-issue", "Перевод средств Анна Петрова-Сидорова", ["Анна Петрова-Сидорова"], [(G, S)], F),
    row("ru-hyphen-dat", "Перевод средств Петровой-Сидоровой Анне", ["Петрова-Сидорова Анна"], [(S, G)], F),
    row("uk-hyphen-given-gen", "Оплата від Анни-Марії Коваль", ["Анна-Марія Коваль"], [(G, S)], F),
    row("en-hyphen", "Payment to Sarah Hughes-Whitfield", ["Sarah Hughes-Whitfield"], [(G, S)], F),
    row("en-apos-straight", "Payment to Sean O'Connor", ["Sean O'Connor"], [(G, S)], M),
    row("en-apos-curly", "Payment to Sean O\u2019Connor", ["Sean O'Connor"], [(G, S)], M),
    row("en-apos-curly-d", "Wire to Marco D\u2019Angelo", ["Marco D'Angelo"], [(G, S)], M),
    row("uk-apos-curly-dat", "Переказ коштів Олександру О\u2019Коннору", ["Олександр О'Коннор"], [(G, S)], M),
    row("uk-apos-dat-f-issue", "Переказ коштів Мар'яні Григор'євій", ["Мар'яна Григор'єва"], [(G, S)], F),
    row("uk-apos-gen-issue", "Повернення боргу від Григор'єва Степана", ["Григор'єв Степан"], [(S, G)], M),
    row("uk-apos-modifier", "Оплата від Мар\u02bcяни Д\u02bcяченко", ["Мар'яна Д'яченко"], [(G, S)], F),
    row("uk-apos-backtick", "Переказ Мар`яні Коваль", ["Мар'яна Коваль"], [(G, S)], F),
    row("uk-apos-left-quote", "Оплата від Мар\u2018яни Ковальчук", ["Мар'яна Ковальчук"], [(G, S)], F),
    row("uk-apos-adj-surname", "Переказ П\u2019ятницькому Ігорю", ["П'ятницький Ігор"], [(S, G)], M),
]

# --- Latin in Cyrillic and back; ALL-CAPS and lower case ----------------------------------------

SCRIPTS_AND_CASE = [
    row("latin-in-uk", "Переказ коштів John Smith за консультацію", ["John Smith"], [(G, S)], M),
    row("latin-in-ru", "Перевод средств Michael Brown по договору 15", ["Michael Brown"], [(G, S)], M),
    row("latin-translit-in-uk", "Оплата Oleksandr Petrenko згідно рахунку", ["Oleksandr Petrenko"], [(G, S)]),
    row("en-translit", "Payment to Oleksandr Petrenko", ["Oleksandr Petrenko"], [(G, S)]),
    row("cyrillic-in-en", "Payment to Олена Петренко for services", ["Олена Петренко"], [(G, S)], F),
    row("cyrillic-in-en", "Invoice 15 paid by Іван Коваль", ["Іван Коваль"], [(G, S)], M),
    row("uk-caps", "ПЕРЕКАЗ КОШТІВ ПЕТРЕНКУ ОЛЕКСАНДРУ ВАСИЛЬОВИЧУ",
        ["Петренко Олександр Васильович"], [(S, G, P)], M),
    row("uk-caps-f", "ОПЛАТА ЗА НАВЧАННЯ КОВАЛЬ МАРІЯ ІВАНІВНА", ["Коваль Марія Іванівна"], [(S, G, P)], F),
    row("uk-caps-init", "АЛІМЕНТИ ВІД ПЕТРЕНКО О.П.", ["Петренко О. П."], [(S, I, I)]),
    row("uk-caps-name-in-mixed", "Переказ коштів ОЛЕНІ ПЕТРЕНКО", ["Олена Петренко"], [(G, S)], F),
    row("uk-lower", "переказ коштів петренку олександру", ["Петренко Олександр"], [(S, G)], M),
    row("ru-lower", "перевод средств иванову ивану ивановичу", ["Иванов Иван Иванович"], [(S, G, P)], M),
    row("ru-lower-yo", "перевод средств семёну белову", ["Семён Белов"], [(G, S)], M),
    row("ru-caps-hyphen", "ПЕРЕВОД СРЕДСТВ ПЕТРОВОЙ-СИДОРОВОЙ АННЕ", ["Петрова-Сидорова Анна"], [(S, G)], F),
    row("en-caps", "PAYMENT TO JOHN SMITH", ["John Smith"], [(G, S)], M),
    row("en-caps-apos", "PAYMENT TO SEAN O'CONNOR", ["Sean O'Connor"], [(G, S)], M),
    row("en-lower", "payment to john smith", ["John Smith"], [(G, S)], M),
]

# --- titles, positions, suffixes dropped ---------------------------------------------------------

TITLES = [
    row("uk-title-issue", "Президент України Володимир Зеленський", ["Володимир Зеленський"], [(G, S)], M),
    row("uk-position", "Оплата послуг, директор Бондаренко С.М.", ["Бондаренко С. М."], [(S, I, I)]),
    row("uk-position-dat", "Переказ коштів директору Савчуку Олегу", ["Савчук Олег"], [(S, G)], M),
    row("uk-position-2w", "Генеральний директор Коваль Ігор Петрович", ["Коваль Ігор Петрович"], [(S, G, P)], M),
    row("uk-position-acct", "Бухгалтер Ірина Ковальчук, аванс", ["Ірина Ковальчук"], [(G, S)], F),
    row("uk-pan-dat", "Переказ пану Степану Гнатюку", ["Степан Гнатюк"], [(G, S)], M),
    row("uk-pani-dat", "Переказ коштів пані Олені Гнатюк", ["Олена Гнатюк"], [(G, S)], F),
    row("uk-pan-voc", "Пане Олеже, оплата за ремонт", ["Олег"], [(G,)], M),
    row("ru-gospodin-dat", "Перевод господину Петрову Андрею", ["Петров Андрей"], [(S, G)], M),
    row("ru-grazhdanin", "Получатель: гражданин Иванов Иван", ["Иванов Иван"], [(S, G)], M),
    row("en-mr", "Payment to Mr. John Carter", ["John Carter"], [(G, S)], M),
    row("en-mrs", "Payment to Mrs. Anna Clarke", ["Anna Clarke"], [(G, S)], F),
    row("en-dr", "Payment to Dr. Emily Watson", ["Emily Watson"], [(G, S)], F),
    row("en-prof", "Payment to Prof. Alan Whitmore", ["Alan Whitmore"], [(G, S)], M),
    row("en-jr", "Payment to Robert Miles Jr.", ["Robert Miles"], [(G, S)], M),
]

# --- a person inside payment boilerplate ---------------------------------------------------------

PERSON_IN_BOILERPLATE = [
    row("uk-month", "Аліменти за березень від Петренко О.П.", ["Петренко О. П."], [(S, I, I)]),
    row("uk-invoice-vat", "Оплата згідно рахунку №118 від 05.02.2024 Савчуку Олегу Ігоровичу, у т.ч. ПДВ 20%",
        ["Савчук Олег Ігорович"], [(S, G, P)], M),
    row("uk-amount-address", "Переказ коштів 1500,00 грн Гнатюк Марії за оренду квартири, м. Київ, вул. Шевченка 12",
        ["Гнатюк Марія"], [(S, G)], F),
    row("ru-amount-contract", "Перевод средств 5000 руб. Соколову Игорю по договору №7 от 01.02.2024",
        ["Соколов Игорь"], [(S, G)], M),
    row("en-invoice-amount", "Payment for invoice INV-2024-117 to Daniel Cooper, USD 1,200.00",
        ["Daniel Cooper"], [(G, S)], M),
    row("uk-month-surname-lyutyi", "Зарплата за лютий Мельнику Тарасу", ["Мельник Тарас"], [(S, G)], M),
    row("uk-month-surname-lystopad", "Оплата за листопад Ковальчук Ользі", ["Ковальчук Ольга"], [(S, G)], F),
    row("ru-ids", "Перевод Волкову Игорю, паспорт МТ 123456, ИНН 7707083893", ["Волков Игорь"], [(S, G)], M),
    row("uk-bank", "Переказ коштів на картку ПриватБанку Гнатюку Ярославу", ["Гнатюк Ярослав"], [(S, G)], M),
    row("uk-org-and-person", "Оплата ТОВ «Ромашка» для Коваль Ірини", ["Коваль Ірина"], [(S, G)], F),
    row("ru-org-and-person", "ООО «Вектор» директор Иван Сидоров", ["Иван Сидоров"], [(G, S)], M),
    row("uk-account", "Комунальні послуги за квітень, платник Бондар Ірина, особовий рахунок 102938",
        ["Бондар Ірина"], [(S, G)], F),
    row("en-month-street", "Rent for May, tenant Laura Bennett, 12 Oak Street", ["Laura Bennett"], [(G, S)], F),
    row("ru-invoice-vat", "Оплата по счету №12 от Егорова М.Ю., НДС не облагается", ["Егоров М. Ю."], [(S, I, I)]),
    row("uk-refund", "Повернення коштів за товар, Олексієнко Віра", ["Олексієнко Віра"], [(S, G)], F),
]

PERSON_TABLES = (DECLENSION_UK + DECLENSION_RU + DIMINUTIVES + GROUPING + INITIALS_HYPHENS_APOSTROPHES
                 + SCRIPTS_AND_CASE + TITLES + PERSON_IN_BOILERPLATE)


@pytest.mark.parametrize("text,names,roles,gender", PERSON_TABLES)
def test_persons(process, text: str, names: list[str], roles: list[tuple[str, ...]],
                 gender: str | tuple[str | None, ...] | None) -> None:
    doc = process(text)
    got = [p.normalized for p in doc.persons]
    assert got == names, f"{text!r}: persons"
    got_roles = [tuple(part.role for part in p.parts) for p in doc.persons]
    assert got_roles == roles, f"{text!r}: roles of {got}"
    if gender is None:
        return
    expected = (gender,) * len(names) if isinstance(gender, str) else gender
    for person, exp in zip(doc.persons, expected):
        if exp is not None:
            assert person.gender == exp, f"{text!r}: gender of {person.normalized!r}"


# --- dropped titles are kept as attributes -------------------------------------------------------

TITLE_ATTRIBUTES = [
    pytest.param(text, name, title, id=f"{_ascii(title)}:{_ascii(text)}") for text, name, title in [
        ("Президент України Володимир Зеленський", "Володимир Зеленський", "президент"),
        ("Оплата послуг, директор Бондаренко С.М.", "Бондаренко С. М.", "директор"),
        ("Переказ пану Степану Гнатюку", "Степан Гнатюк", "пан"),
        ("Пане Олеже, оплата за ремонт", "Олег", "пан"),
        ("Перевод господину Петрову Андрею", "Петров Андрей", "господин"),
        ("Payment to Mr. John Carter", "John Carter", "mr"),
        ("Payment to Dr. Emily Watson", "Emily Watson", "dr"),
        ("Payment to Robert Miles Jr.", "Robert Miles", "jr"),
    ]
]


@pytest.mark.parametrize("text,name,title", TITLE_ATTRIBUTES)
def test_title_kept_as_attribute(process, text: str, name: str, title: str) -> None:
    doc = process(text)
    assert [p.normalized for p in doc.persons] == [name], f"{text!r}: persons"
    titles = doc.persons[0].titles
    assert any(t.casefold().startswith(title) for t in titles), f"{text!r}: titles {titles}"


# --- ФОП / ИП: a person trading as an entrepreneur, not an organisation --------------------------

SOLE_PROPRIETORS = [
    pytest.param(text, name, form, id=f"{form}:{_ascii(text)}") for text, name, form in [
        ("Оплата ФОП Петренко О.В. за ремонт", "Петренко О. В.", "ФОП"),
        ("Переказ коштів ФОП Коваленку Андрію Миколайовичу", "Коваленко Андрій Миколайович", "ФОП"),
        ("Фізична особа-підприємець Гнатюк Ярослав Петрович", "Гнатюк Ярослав Петрович", "ФОП"),
        ("Оплата ИП Сидоров А.А. по счету 3", "Сидоров А. А.", "ИП"),
        ("Оплата ИП Кузнецовой Елене Сергеевне", "Кузнецова Елена Сергеевна", "ИП"),
    ]
]


@pytest.mark.parametrize("text,name,form", SOLE_PROPRIETORS)
def test_sole_proprietor_is_a_person(process, text: str, name: str, form: str) -> None:
    doc = process(text)
    assert [p.normalized for p in doc.persons] == [name], f"{text!r}: persons"
    assert doc.persons[0].legal_form == form
    assert doc.organizations == [], f"{text!r}: {[(o.legal_form, o.core) for o in doc.organizations]}"


# --- pure boilerplate and organisations: no person ----------------------------------------------

NO_PERSON = [
    pytest.param(text, id=_ascii(text)) for text in [
        "Оплата за комунальні послуги за березень 2024",
        "Переказ коштів згідно рахунку №125 від 01.03.2024, у т.ч. ПДВ 20%",
        "Оплата за договором оренди №45/2 від 15.02.2024",
        "Поповнення картки, ІПН 3124509879",
        "Сплата податку на доходи фізичних осіб",
        "Комісія банку за обслуговування рахунку",
        "Оплата за квартиру, вул. Шевченка 12, кв. 5, м. Київ",
        "Оплата за газ, особовий рахунок 12345678, м. Львів, вул. Франка 5",
        "Зарплата за лютий 2024",
        "Оплата за листопад",
        "Оплата згідно договору поставки №17 від 03.03.2024, сума 12500,00 UAH",
        "Оплата за навчання, 2 семестр, група КН-21",
        "ПОВЕРНЕННЯ КОШТІВ ЗА ТОВАР",
        "Оплата за букет ромашок",
        "Оплата ТОВ «Ромашка» за квіти",
        "Оплата ТОВ Рога и Копыта",
        "Кафе «Сашко», оплата за обід",
        "Оплата ПП «Василько» за саджанці",
        "Перевод средств по счету №15 от 10.04.2024 без НДС",
        "Оплата по счету-фактуре №12, сумма 1500,00 грн",
        "Перевод по договору займа №3 от 01.02.2024, 50000 руб.",
        "Оплата за май 2024 года",
        "Оплата за квартиру, ул. Пушкина 10, г. Москва",
        "Перевод средств, паспорт МТ 123456, ИНН 7707083893",
        "Перевод собственных средств между счетами",
        "Оплата ООО «Ромашка» по счету 15",
        "Оплата ООО «Вектор» и ЗАО «Лютик»",
        "Payment for invoice 4512 dated 12 March 2024, VAT included",
        "Transfer of funds under contract 17/B, USD 1500",
        "Payment for services rendered, EUR 250.00, IBAN DE89370400440532013000",
        "Payment to Acme Trading LLC for invoice INV-2024-05",
        "Salary for March 2024",
        "Rent payment, 221B Baker Street, London",
    ]
]


@pytest.mark.parametrize("text", NO_PERSON)
def test_no_person(process, text: str) -> None:
    doc = process(text)
    assert doc.persons == [], f"{text!r}: {[p.normalized for p in doc.persons]}"


# --- organisations: legal form + core ------------------------------------------------------------

ORGANIZATIONS = [
    pytest.param(text, orgs, id=_ascii(text)) for text, orgs in [
        ("Оплата ТОВ «Укрспецторг» згідно рах. 15", [("ТОВ", "Укрспецторг")]),
        ("Переказ ТзОВ «Галицькі смаколики» за продукти", [("ТзОВ", "Галицькі смаколики")]),
        ("Оплата ПП «Будмайстер-Захід» за матеріали", [("ПП", "Будмайстер-Захід")]),
        ("Оплата ПАТ «Укрнафта» за пальне", [("ПАТ", "Укрнафта")]),
        ("Погашення кредиту АТ «Ощадбанк»", [("АТ", "Ощадбанк")]),
        ("Оплата КП «Київтеплоенерго» за опалення", [("КП", "Київтеплоенерго")]),
        ("Оплата ТОВ «ЕКО-ПРОДУКТ» за товар", [("ТОВ", "ЕКО-ПРОДУКТ")]),
        ("Оплата Товариство з обмеженою відповідальністю «Світанок-Агро»", [("ТОВ", "Світанок-Агро")]),
        ("Оплата Публічне акціонерне товариство «Укртелеком»", [("ПАТ", "Укртелеком")]),
        ("Переказ ТОВ Агросвіт за добрива", [("ТОВ", "Агросвіт")]),
        ('Оплата ТОВ "Агросвіт" за добрива', [("ТОВ", "Агросвіт")]),
        ("Оплата ТОВ \u201cАгросвіт\u201d за добрива", [("ТОВ", "Агросвіт")]),
        ("Оплата ТОВ \u201eАгросвіт\u201c за добрива", [("ТОВ", "Агросвіт")]),
        ("Оплата ТОВ Рога и Копыта", [("ТОВ", "Рога и Копыта")]),
        ("Оплата ТОВ «Ромашка» для Коваль Ірини", [("ТОВ", "Ромашка")]),
        ("Переказ від ТОВ «Альфа» на користь ПП «Бета-Сервіс»", [("ТОВ", "Альфа"), ("ПП", "Бета-Сервіс")]),
        ("Кафе «Сашко», оплата за обід", [("Кафе", "Сашко")]),
        ("Перевод ООО «Вектор Плюс» по счету 7", [("ООО", "Вектор Плюс")]),
        ("Оплата ЗАО «Северный ветер» по договору 12", [("ЗАО", "Северный ветер")]),
        ("Оплата по договору с Обществом с ограниченной ответственностью «Радуга»", [("ООО", "Радуга")]),
        ("Оплата ООО «Вектор» и ЗАО «Лютик»", [("ООО", "Вектор"), ("ЗАО", "Лютик")]),
        ("Payment to Blue River Logistics LLC, invoice 331", [("LLC", "Blue River Logistics")]),
        ("Green Field Consulting Ltd invoice 77", [("Ltd", "Green Field Consulting")]),
        ("Payment to Müller Maschinenbau GmbH", [("GmbH", "Müller Maschinenbau")]),
        ("Settlement between Acme Trading Ltd and Northwind Traders LLC",
         [("Ltd", "Acme Trading"), ("LLC", "Northwind Traders")]),
    ]
]


@pytest.mark.parametrize("text,orgs", ORGANIZATIONS)
def test_organizations(process, text: str, orgs: list[tuple[str, str]]) -> None:
    doc = process(text)
    assert [(o.legal_form, o.core) for o in doc.organizations] == orgs, f"{text!r}: organizations"
