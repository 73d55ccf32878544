"""Layers 2–7 end to end on payment texts: who and what the text names."""

from __future__ import annotations

import pytest

PERSON_CASES = [
    ("Переказ коштів Коврикову Роману Валерійовичу", ["Ковриков Роман Валерійович"]),
    ("Оплата за послуги згідно рах. №45 від 12.03.2024, Петренку Олександру Васильовичу, РНОКПП 3124509879",
     ["Петренко Олександр Васильович"]),
    ("Перевод средств Иванову И.И. д.р. 15.03.1985 по договору 12/3", ["Иванов И. И."]),
    ("Payment for consulting services to Viktor Medvedchuk inv 55", ["Viktor Medvedchuk"]),
    ("Аліменти від Петренко О.П.", ["Петренко О. П."]),
    ("Иван Петров и Анна Сергеева", ["Иван Петров", "Анна Сергеева"]),
    ("Анна Ивановой", ["Анна Иванова"]),
    ("Передать Алле Борисовне Пугачевой", ["Алла Борисовна Пугачева"]),
    ("Олені Петренко за навчання", ["Олена Петренко"]),
    ("Сергієві Жадану", ["Сергій Жадан"]),
    ("Ковриков", ["Ковриков"]),
    ("Оплата за комунальні послуги за березень, особовий рахунок 123456", []),
    ("Поповнення рахунку ТОВ «Укрспецторг» ЄДРПОУ 32855961 у т.ч. ПДВ", []),
    ("Оплата ТОВ Рога и Копыта", []),
    ("Оплата ООО «Ромашка» по счету 15", []),
]


@pytest.mark.parametrize("text,expected", PERSON_CASES)
def test_persons(process, text, expected):
    doc = process(text)
    assert [p.normalized for p in doc.persons] == expected


def test_roles_gender_and_offsets(process):
    text = "Переказ коштів Коврикову Роману Валерійовичу"
    doc = process(text)
    (person,) = doc.persons
    assert [part.role for part in person.parts] == ["surname", "given", "patronymic"]
    assert person.gender == "male"
    assert text[person.start:person.end] == "Коврикову Роману Валерійовичу"


def test_identifier_and_date_attach_to_the_person(process):
    doc = process("Оплата за послуги згідно рах. №45 від 12.03.2024, Петренку Олександру Васильовичу, "
                  "РНОКПП 3124509879")
    (person,) = doc.persons
    assert [(i.type, i.value) for i in person.ids] == [("rnokpp", "3124509879")]
    assert person.dob is None  # the invoice date is not a birth date
    assert [(d.value, d.kind) for d in doc.dates] == [("2024-03-12", "date")]


def test_date_of_birth_marker(process):
    doc = process("Перевод средств Иванову И.И. д.р. 15.03.1985 по договору 12/3")
    assert doc.persons[0].dob == "1985-03-15"


def test_adjacent_birth_date_is_read_as_dob(process):
    doc = process("Оплата Ковриков Роман Валерійович 09.08.1976 ІПН 782611846337")
    (person,) = doc.persons
    assert person.dob == "1976-08-09"
    assert [i.value for i in person.ids] == ["782611846337"]


@pytest.mark.parametrize("text,legal_form,core", [
    ("Поповнення рахунку ТОВ «Укрспецторг» ЄДРПОУ 32855961 у т.ч. ПДВ", "ТОВ", "Укрспецторг"),
    ("Оплата ТОВ Рога и Копыта", "ТОВ", "Рога и Копыта"),
    ("Оплата ООО «Ромашка» по счету 15", "ООО", "Ромашка"),
    ("Invoice 5 Acme Trading LLC", "LLC", "Acme Trading"),
    # a number written into the first word is part of the name; one before it is not
    ("Рахунок-фактура від 2ГІС Локал Серч Лімітед № 1442", "Ltd", "2ГІС Локал Серч"),
    ("Оплата ТОВ 3М Трейдинг за товар", "ТОВ", "3М Трейдинг"),
    # read back from a suffix form: lower-case words after a capitalised first one are the name's
    ("Payment to Альфа кепітал маркетс ЛТД under contract 5/22", "Ltd", "Альфа кепітал маркетс"),
    ("Оплата Саксес авіейшен сервіс ФЗС за транспортные услуги", "FZC", "Саксес авіейшен сервіс"),
    ("Оплата послуг Acme ЛТД", "Ltd", "Acme"),  # … but not the payment wording before it
    # a parenthesised word before the form is the name's (a place, a kind); a parenthesised phrase is not
    ("Рахунок-фактура від Аспро Марк (СіУай) Лімітед № 1442", "Ltd", "Аспро Марк (СіУай)"),
    ("Payment to Kinetic Asia Cargo (PVT) LTD inv 5", "Ltd", "Kinetic Asia Cargo (PVT)"),
    ("Оплата (за послуги) Acme Ltd", "Ltd", "Acme"),
    ("Оплата (Acme) Ltd", "Ltd", "Acme"),
    # Western forms as Ukrainian lists transliterate them
    ("Оплата за будматеріали Свіс Інтернешнл Ріел Істейт Портфоліо АГ, рах. 19", "AG",
     "Свіс Інтернешнл Ріел Істейт Портфоліо"),
    ("Оплата Папа Оскар Венчурс ГмбХ за товар", "GmbH", "Папа Оскар Венчурс"),
    # a quoted name with a form after it: the words before the quotes are the name's too
    ("Оплата за будматеріали Bashkirske Vyrobnyche Obiednannia «Prohress» JSC, рах. 19", "JSC",
     "Bashkirske Vyrobnyche Obiednannia Prohress"),
    # dotted and Latin American legal forms are forms, not initials
    ("Payment to URANTIA SERVICES S.A. inv 9216", "SA", "URANTIA SERVICES S.A."),
    ("Wire transfer to VISION 20-20, S.A., tax ID 2107640-1-757913", "SA", "VISION 20-20, S.A."),
    ("Wire transfer to CORRALES SAN IGNACIO S.P.R. DE R.L. DE C.V., tax ID CSI-000516-2U3", "S.P.R. de R.L.",
     "CORRALES SAN IGNACIO S.P.R. DE R.L. DE C.V."),
    ("Payment to I.P.C. INTERNATIONAL LIMITED inv 1403", "Ltd", "I.P.C. INTERNATIONAL LIMITED"),
    ("Перечисление средств на счет BANK SEPAH, рег. номер 4293", None, "BANK SEPAH"),
    ("Beneficiary ISLAMIC REPUBLIC OF IRAN BROADCASTING, reg. no. 1792", None, "ISLAMIC REPUBLIC OF IRAN BROADCASTING"),
    ("За поставку товару, одержувач Фотон Про ЛЛП, рах. №3353", "LLP", "Фотон Про"),
    ("Оплата ТОВ ''Радмір Груп'' згідно рах. №3515", "ТОВ", "Радмір Груп"),  # '' typed for a quote
    ("Передоплата ТОВ \"НПК \"Композит\" згідно договору", "ТОВ", "НПК Композит"),  # unclosed nesting
    # no legal form: a name headed by an organisation noun, in any case
    ("Передоплата Астраханська державна консерваторія згідно договору", None, "Астраханська державна консерваторія"),
    ("Рахунок-фактура від Невинномиський державний гуманітарно-технічний інститут № 1442", None,
     "Невинномиський державний гуманітарно-технічний інститут"),
    ("Оплата Волгоградський державний аграрний університет за транспортные услуги", None,
     "Волгоградський державний аграрний університет"),  # Russian words after it: Ukrainian ones still read
    ("Передоплата Правоохоронні сили Ісламської Республіки Іран згідно договору", None,
     "Правоохоронні сили Ісламської Республіки Іран"),
    ("Оплата Федеральна державна бюджетна установа науки Фізико-технологічний інститут імені К.А. Валієва "
     "Російської академії наук згідно рах. №2490", None,
     "Федеральна державна бюджетна установа науки Фізико-технологічний інститут імені К.А. Валієва "
     "Російської академії наук"),
    ("Передоплата ТОВ Інженерний центр з підводної техніки та технології \"Глибина\" згідно договору", "ТОВ",
     "Інженерний центр з підводної техніки та технології Глибина"),
    ("Одержувач Ісламік Революшенарі Гард Корпс Рісьорч Енд Селф-Сафішіенсі Джіхад Організейшн, рах. №4249", None,
     "Ісламік Революшенарі Гард Корпс Рісьорч Енд Селф-Сафішіенсі Джіхад Організейшн"),
    # a lower-case text: read back from a suffix form to the context word before the name
    ("wire transfer to flight travel llc under contract 772/5-22", "LLC", "flight travel"),
    ("payment to havin bank limited inv 7185", "Ltd", "havin bank"),  # a head noun inside the name
    ("wire transfer to general petroleum corporation under contract 201/4-23", "Corp", "general petroleum"),
    ("payment to optima, ooo inv 4025 dated 12.04.2022", "ООО", "optima"),  # a form after a comma
    ("оплата taloon company по счету №7437 от 28.07.2023", "Co", "taloon"),
    ("wire transfer to general directorate of military counterintelligence under contract 896/4-24", None,
     "directorate of military counterintelligence"),
    # ... and back from a head noun, when a word before it reads as a name (a place, a person)
    ("передоплата самарський державний медичний університет згідно договору №304/5-23", None,
     "самарський державний медичний університет"),
    ("на рахунок волгоградський державний соціально-педагогічний університет за договором", None,
     "волгоградський державний соціально-педагогічний університет"),
    ("за поставку товару, одержувач чайна хед аероспейс текнолоджі компані, рах. №5834", None,
     "чайна хед аероспейс текнолоджі компані"),  # a transliterated head does not decline
    # banks: stacked forms before the name (АТ КБ, JSC CB) are forms, never the name itself
    ("Оплата через АТ КБ ПриватБанк, одержувач Петренко Іван", "КБ", "ПриватБанк"),
    ("Перевод в ООО КБ Альфа-Банк по договору", "КБ", "Альфа-Банк"),
    ("Платіж на користь АКБ Промсвязьбанк згідно договору", "АКБ", "Промсвязьбанк"),
    ("Beneficiary bank: JSC CB PrivatBank, invoice 12", "CB", "PrivatBank"),
    # ... and "bank" is an organisation's head noun, in any case
    ("Payment to VTB Bank for services", None, "VTB Bank"),
    ("Payment to Bank Sepah, invoice 12", None, "Bank Sepah"),
    ("Погашення кредиту Банку ВТБ за договором 12/3", None, "Банку ВТБ"),  # a bank's name after the head
    ("Wire to Bank of America, invoice 7781", None, "Bank of America"),  # an "of" complement
    ("Payment to Ministry of Defence of Ukraine", None, "Ministry of Defence of Ukraine"),
    # a bank's own name is an organisation with no form or head noun, searched in the nominative
    ("Transfer to Sberbank of Russia, account 40702810", None, "Sberbank of Russia"),
    ("Переказ через Сбербанк згідно договору", None, "Сбербанк"),
    ("перевод на карту сбербанка согласно договору", None, "сбербанк"),
    ("Кредит Альфа-Банку за договором", None, "Альфа-Банк"),
    ("Оплата через Газпромбанк за поставку", None, "Газпромбанк"),
    # foreign forms in Cyrillic, joiners and dots inside names, companies as head nouns, an abbreviation
    ("За поставку товару, одержувач Сервіс Іммобільє і Жестьон САС, рах. №6189", "SAS", "Сервіс Іммобільє і Жестьон"),
    ("Передоплата Даріа енд Ко згідно договору №760/10-23", "Co", "Даріа"),
    ("Payment to Pravda.Ru LLC inv 1325", "LLC", "Pravda.Ru"),
    ("Payment to Elektroprivreda d.o.o. for energy", "d.o.o.", "Elektroprivreda"),  # Balkan LLC
    ("Payment to Kominveks DOO Beograd, reg. 20047038", "d.o.o.", "Kominveks"),
    ('Оплата Акціонерне товариство Авіаційна компанія "РусЛайн" згідно рах. №1159', "АТ", "Авіаційна компанія РусЛайн"),
    ("Оплата Телерадіокомпанія Ісламської Республіки Іран (IRIB) згідно рах. №5529", None,
     "Телерадіокомпанія Ісламської Республіки Іран (IRIB)"),
    ("Возврат аванса от Прайм Інжиніринг СА", "SA", "Прайм Інжиніринг"),  # S.A. in Cyrillic
    ("Возврат аванса от Термінал Холдинг Акцієнгезельшафт", "AG", "Термінал Холдинг"),  # a bank word in the name
    ("Payment to Plovdiv Trade EOOD for services", "EOOD", "Plovdiv Trade"),  # Bulgarian LLC
    # Co. Ltd and a transliterated "and" in Cyrillic; a Czech form in Cyrillic
    ("Рахунок-фактура від Бейцзін Евіейшн енд Аероспейс Сянхуей Текнолоджі Ко. Лтд № 1442", "Co",
     "Бейцзін Евіейшн енд Аероспейс Сянхуей Текнолоджі"),
    ("Оплата за будматеріали КейТіЕйч Груп спол. с.р.о., рах. 19", "s.r.o.", "КейТіЕйч Груп"),
    ("Payment to Євраз ПЛС under contract 5/22", "PLC", "Євраз"),
    # a capitalised common noun continues a head noun's complement; a name after a lower-case noun does not
    ("Рахунок-фактура від Міністерство оборони Республіки Білорусь № 1442", None,
     "Міністерство оборони Республіки Білорусь"),
])
def test_organizations(process, text, legal_form, core):
    doc = process(text)
    assert [(o.legal_form, o.core) for o in doc.organizations] == [(legal_form, core)]


@pytest.mark.parametrize("text,orgs,persons", [
    ("Оплата на картку ПриватБанку Петренку Івану", ["ПриватБанк"], ["Петренко Іван"]),
    ("Wire to Bank of America for John Smith", ["Bank of America"], ["John Smith"]),
    ("Переказ Банкову Івану Петровичу", [], ["Банков Іван Петрович"]),  # a surname, not a bank
])
def test_a_bank_name_stops_at_the_person_after_it(process, text, orgs, persons):
    doc = process(text)
    assert [o.core for o in doc.organizations] == orgs
    assert [p.normalized for p in doc.persons] == persons


@pytest.mark.parametrize("text,orgs,persons", [
    # a contract's two parties: the person after "та" is not the rest of the company's name
    ("Договір позики між ТОВ Вектор та Чирковим Віктором Вікторовичем", ["Вектор"], ["Чирков Віктор Вікторович"]),
    ("Договір позики між ТОВ Вектор та Шишковим О. Г.", ["Вектор"], ["Шишков О. Г."]),
    ("Договір позики між ТОВ Зоряний Сад та Д.О. Кізіловим", ["Зоряний Сад"], ["Д. О. Кізілов"]),
    ("Договір між ТОВ Зоряний Сад та Кніжонак Галиною", ["Зоряний Сад"], ["Кніжонак Галина"]),
    ("Оплата ТОВ Віра та Надія", ["Віра та Надія"], []),  # given names as a company's name
    ("Договір між ТОВ Вектор та Віктором Чирковим", ["Вектор"], ["Віктор Чирков"]),
    # a name no dictionary knows, told by its patronymic
    ("Договір позики між ТОВ Зоряний сад та Богатирьовою Мадіною Салманівною", ["Зоряний сад"],
     ["Богатирьова Мадіна Салманівна"]),
    ("Оплата ТОВ Рога та Копита", ["Рога та Копита"], []),  # a joiner inside a name stays there
    ("ТОВ Петренко та Партнери, оплата за послуги", ["Петренко та Партнери"], []),
])
def test_a_person_after_a_joiner_is_another_party(process, text, orgs, persons):
    doc = process(text)
    assert [o.core for o in doc.organizations] == orgs
    assert [p.normalized for p in doc.persons] == persons


@pytest.mark.parametrize("text,orgs,persons", [
    ("Payment to JSC UKREXIMBANK, SWIFT EXBSUAUX, for invoice 55", ["JSC UKREXIMBANK"], []),
    ("Payment to Taylor Swift for the concert", [], ["Taylor Swift"]),
])
def test_a_swift_code_is_the_bank_s_identifier_not_a_name(process, text, orgs, persons):
    doc = process(text)
    assert [o.core for o in doc.organizations] == orgs
    assert [p.normalized for p in doc.persons] == persons
    for org in doc.organizations:
        assert [(i.type, i.value) for i in org.ids] == [("bic", "EXBSUAUX")]


def test_an_unclosed_quote_ends_with_its_register_line(process):
    doc = process("11) Передоплата ТОВ «Розріз «Березівський» згідно договору №41/12-25, сума 47465.69 грн; "
                  "12) За поставку товару, одержувач ТОВ «Екопром Україна», рах. №6231")
    assert [(o.legal_form, o.core) for o in doc.organizations] == [("ТОВ", "Розріз Березівський"),
                                                                    ("ТОВ", "Екопром Україна")]


@pytest.mark.parametrize("text,persons", [
    ("Оплата навчання в університеті студента Петренка Івана", ["Петренко Іван"]),  # a common noun names nothing
    ("Оплата Університет", []),
])
def test_head_nouns_in_running_text_are_not_organisations(process, text, persons):
    doc = process(text)
    assert doc.organizations == []
    assert [p.normalized for p in doc.persons] == persons


@pytest.mark.parametrize("text,expected", [
    ("Invoice 4266 LIU, Cuiying consulting fee", ["Liu Cuiying"]),  # a short surname the way lists write it
    # a short Latin word in capitals beside a longer one is a name part; Cyrillic ones stay abbreviations
    ("Payment to RAH SAHEL inv 832 dated 12.03.2022", ["Rah Sahel"]),
    ("Transfer to KIM JONG UN ref 5", ["Kim Jong Un"]),
    ("Invoice settlement, beneficiary Emily LIU, ref 7781", ["Emily Liu"]),  # beside a known given name
    ("gift to Yupeng CHI", ["Yupeng Chi"]),  # or after a given name in title case, surname last in capitals
    # a capitalised syllable between name words is the name's, though English has it as a word
    ("gift to Pyong So HWANG", ["Pyong So Hwang"]),
    ("Payment to Won Uk Pae for consulting services", ["Won Uk Pae"]),
    ("Transfer to Ivan Petrov, UK branch", ["Ivan Petrov"]),
    ("Payment to Ivan Petrov INV 55", ["Ivan Petrov"]),  # a document word in capitals stays one
    ("Payment for IT services", []),
    ("Оплата за паркування ЖК ПЕТРЕНКО", ["Петренко"]),
    ("Оплата за товар, одержувач Павел Анатолиевич Попов, без ПДВ", ["Павел Анатолиевич Попов"]),  # ru name, uk text
    ("Крейельман Франк - возврат займа", ["Крейельман Франк"]),  # Франк: a given name, not the franc
    ("ФОП ГАРТУНГ М. В., оплата за консультаційні послуги", ["Гартунг М. В."]),  # a person's form, in capitals
    ("Transfer to Ahmad 'ALI per contract 595/5-23", ["Ahmad Ali"]),  # ʿayn written as an apostrophe
    ("Salary 2022 PONENTE PARRA, Miguel Antonio", ["Ponente Parra Miguel Antonio"]),  # list style, two surnames
    ("Payment to VILLANUEVA MADRID, Mario Ernesto for consulting services", ["Villanueva Madrid Mario Ernesto"]),
    ("Salary June 2022 Ivan Petrov", ["Ivan Petrov"]),  # a month before a year is the month
    # a dwelling names nothing after it, unlike a street or a town
    ("Оплата за квартиру Шевчуку Олегу Петровичу згідно договору оренди", ["Шевчук Олег Петрович"]),
    ("Оплата за офіс Коваленку Івану", ["Коваленко Іван"]),
    ("Оплата, вул. Шевченка 5, кв. 12, Іваненко Петро", ["Іваненко Петро"]),
    ("Payment to QUSAY SADDAM HUSSEIN AL-TIKRITI for services", ["Qusay Saddam Hussein Al-Tikriti"]),
    # a lineage (al-, bin, ben after the first word): one person of up to five words, "Ben" not Benjamin
    ("Invoice 6681 Bashar Sabawi Ibrahim Hasan Al-Tikriti, born 17.07.1970 consulting fee",
     ["Bashar Sabawi Ibrahim Hasan Al-Tikriti"]),
    ("Loan repayment Mohamed Ben Belgacem AOUADI agreement 774/3-22", ["Mohamed Ben Belgacem Aouadi"]),
    # lower case: a common word before a given name and a patronymic is the surname, as when capitalised
    ("ип банах александр сергеевич, оплата за консультационные услуги", ["Банах Александр Сергеевич"]),
    # given names, then the surname in capitals: one person of five parts
    ("Payment for services to Niamat Hama Rahim Hama SHARIF inv 1667", ["Niamat Hama Rahim Hama Sharif"]),
    # a given name no dictionary knows, before its patronymic: one person, not two
    ("Гайрабеков Лема Куйрійович; переказ власних коштів", ["Гайрабеков Лема Куйрійович"]),
    ("Виплата Гайрабекову Лемі Куйрійовичу", ["Гайрабеков Лемі Куйрійович"]),
    ("Оплата Іванову Петренко Олені Петрівні", ["Іванов", "Петренко Олена Петрівна"]),  # two surnames: two people
    # no preposition, no locative: the dative of Моргун, not the locative of Моргунов
    ("Компенсація витрат Моргунові Олегові Валерійовичеві", ["Моргун Олег Валерійович"]),
    ("Оплата при Петренкові Івані", ["Петренко Іван"]),  # after при the locative it is
    # in capitals a one-letter preposition before a given name and patronymic is no surname
    ("РАСЧЕТ С НАДЕЖДОЙ СЕРГЕЕВНОЙ ПО ДОГОВОРУ №903/6-23", ["Надежда Сергеевна"]),
    # an adjective as a surname, by its place, in the nominative of the person's gender
    ("Переказ Крайньому Андрію Анатолійовичу", ["Крайній Андрій Анатолійович"]),
    ("Выплата дивидендов Крайнему Андрею Анатольевичу", ["Крайний Андрей Анатольевич"]),
    ("Перевод Мокрой Алле Викторовне", ["Мокрая Алла Викторовна"]),
    ("Переказ Мокрій Аллі Вікторівні", ["Мокра Алла Вікторівна"]),  # the Ukrainian tag set has no Poss
    ("Оплата Третій Ірині Петрівні", ["Третя Ірина Петрівна"]),
    ("Платеж Крайнему А.А.", ["Крайний А. А."]),
    # a woman's given name the dictionary knows only as a man's case form: her patronymic decides
    ("Кошти для Орлової Алесі Олександрівни на лікування", ["Орлова Алесі Олександрівна"]),
    # a word in capitals beside a given name written normally: the surname, the way lists write it
    ("Платник БАГЕРІ Мохаммад-Багер, оплата комунальних послуг", ["Багері Мохаммад-Багер"]),
    # a verb's form inside a sentence before a given name and patronymic is a surname (at its start, not)
    ("Пану Гуло Ганні Володимирівні за ремонт автомобіля", ["Гуло Ганна Володимирівна"]),
    ("Передать Алле Борисовне Пугачевой", ["Алла Борисовна Пугачева"]),
])
def test_person_shapes_from_lists_and_other_languages(process, text, expected):
    assert [p.normalized for p in process(text).persons] == expected


def test_edrpou_attaches_to_the_organization(process):
    doc = process("Поповнення рахунку ТОВ «Укрспецторг» ЄДРПОУ 32855961 у т.ч. ПДВ")
    (org,) = doc.organizations
    assert [(i.type, i.value) for i in org.ids] == [("edrpou", "32855961")]


def test_sole_proprietor_is_a_person(process):
    doc = process("Оплата ФОП Петренко О.В. за ремонт")
    assert [p.normalized for p in doc.persons] == ["Петренко О. В."]
    assert doc.persons[0].legal_form == "ФОП"
    assert doc.organizations == []


def test_triggers_are_reported(process):
    doc = process("Оплата за послуги згідно рахунку, одержувач Петренко")
    types = {t.type for t in doc.triggers}
    assert {"payment", "boilerplate", "beneficiary"} <= types


def test_language(process):
    assert process("Переказ коштів Петренку").language == "uk"
    assert process("Перевод средств Иванову по договору").language == "ru"
    assert process("Payment for consulting services").language == "en"
    assert process("John Smith та Олена Петренко").language == "mixed"


def test_a_mans_genitive_beside_initials_is_also_searched_as_written(process):
    # "Бобра Т. В.": Бобер's genitive, or the surname Бобра; only a consonant-final one (Петренка: Петренко's)
    assert [(p.normalized, p.alternative) for p in process("Бобра Т. В.; переказ власних коштів").persons] \
        == [("Бобер Т. В.", "Бобра Т. В.")]
    assert [p.alternative for p in process("Переказ від Петренка О.В.").persons] == [None]
    assert [p.alternative for p in process("Переказ Бобра Тетяні Валентинівні").persons] == [None]


@pytest.mark.parametrize("text,expected,titles", [
    ("Президент України Володимир Зеленський", ["Володимир Зеленський"], ["Президент України"]),
    ("Переказ Вовчику Коваленку", ["Володимир Коваленко"], []),
    ("вул. Шевченка 5, м. Київ, Петренко", ["Петренко"], []),  # a street is not a payee
    ("получатель: гражданин РФ Петр Сергеев", ["Петр Сергеев"], ["гражданин"]),
    # the lists' "SURNAME, title given names" without its comma: one person, the title kept aside
    ("gift to ASHRAF Haji Muhammad", ["Ashraf Muhammad"], ["Haji"]),
    ("М. Лев", ["М. Лев"], []),  # "м." is also "місто", but here an initial
])
def test_titles_diminutives_addresses(process, text, expected, titles):
    doc = process(text)
    assert [p.normalized.replace("ё", "е") for p in doc.persons] == expected
    assert [t for p in doc.persons for t in p.titles] == titles


@pytest.mark.parametrize("text,core", [
    ("Payment to RUELAS TORRES DRUG TRAFFICKING ORGANIZATION inv 2582", "RUELAS TORRES DRUG TRAFFICKING ORGANIZATION"),
    ("Wire transfer to AGRO Y COMERCIO DE SANTA BARBARA LAGROMER S. EN C. under contract 3",
     "AGRO Y COMERCIO DE SANTA BARBARA LAGROMER S. EN C."),
    ("Payment to ONE CLASS PROPERTIES (PTY) LTD. inv 2325", "ONE CLASS PROPERTIES (PTY) LTD."),
    # a payment word and a dotted abbreviation inside the run are words of the name
    ("Wire from GREEN CAR RENT LIMITED PARTNERSHIP ref 9391", "GREEN CAR RENT LIMITED PARTNERSHIP"),
    ("Remittance to ARCHI CENTRE I.C.E. LIMITED (invoice 6870)", "ARCHI CENTRE I.C.E. LIMITED"),
    # an organisation word of a Spanish or French name marks the run as one (with AO: АО written in Latin)
    ("Оплата за будматеріали FUNDACION PARA LA PAZ DE CORDOBA, рах. 19", "FUNDACION PARA LA PAZ DE CORDOBA"),
    ("Оплата KRYMTETS, AO за транспортные услуги", "KRYMTETS, AO"),
    # a dotted abbreviation before THE starts the name (no person "C. The")
    ("Рахунок-фактура від T.F.M.C. THE FOOD MANAGEMENT CORPORATION LTD № 1442",
     "T.F.M.C. THE FOOD MANAGEMENT CORPORATION LTD"),
    ("Beneficiary I&S HOLDING COMPANY, S.A., prepayment for goods", "I&S HOLDING COMPANY, S.A."),  # S: a letter
    ("Beneficiary I.P.C. INTERNATIONAL LIMITED", "I.P.C. INTERNATIONAL LIMITED"),
    # letters spelled out in Cyrillic (B.W.I.): the abbreviation, not three one-word persons (Ай matched AAJ)
    ("Оплата Бі.Дабл'ю.Ай. БЛЕК-ВУД ЛІМІТЕД за транспортные услуги", "Бі.Дабл'ю.Ай. БЛЕК-ВУД ЛІМІТЕД"),
    # FOR after an organisation word joins the name; it is not the "for" of a payee
    ("Оплата IDLEB COMPANY FOR SPINNING за товар", "IDLEB COMPANY FOR SPINNING"),
    ("Payment to POPULAR FRONT FOR THE LIBERATION OF PALESTINE under contract 5",
     "POPULAR FRONT FOR THE LIBERATION OF PALESTINE"),
    ("Оплата SYRIAN COMPANY FOR METALS AND INVESTMENTS LLC за транспортные услуги",
     "SYRIAN COMPANY FOR METALS AND INVESTMENTS LLC"),
    ("Оплата DAMASCUS CHAM FOR MANAGEMENT LLC за транспортные услуги", "DAMASCUS CHAM FOR MANAGEMENT LLC"),
    # IN names an organisation by its place (a listed entity apart from AL-QAIDA itself)
    ("Оплата AL-QAIDA IN IRAQ за транспортные услуги", "AL-QAIDA IN IRAQ"),
    ("Payment to AL-QAIDA IN THE ARABIAN PENINSULA", "AL-QAIDA IN THE ARABIAN PENINSULA"),
    # a name followed by its own initials in parentheses is an organisation's
    ("Рахунок-фактура від KHATIBA IMAM AL-BUKHARI (KIB) № 1442", "KHATIBA IMAM AL-BUKHARI (KIB)"),
    # SAL (a Lebanese form, and a given name) closes a name in capitals
    ("Рахунок-фактура від DAMOUR 850 SAL № 1442", "DAMOUR 850 SAL"),
    ("Рахунок-фактура від ABAR PETROLEUM SERVICE SAL № 1442", "ABAR PETROLEUM SERVICE SAL"),
])
def test_capitalised_list_names_are_one_organisation(process, text, core):
    doc = process(text)
    assert [o.core for o in doc.organizations] == [core]
    assert doc.persons == []


@pytest.mark.parametrize("text,orgs,persons", [
    ("Payment to Holy Land Foundation for Relief and Development", ["Holy Land Foundation for Relief and Development"], []),
    ("Оплата Korean Committee for Space Technology за послуги", ["Korean Committee for Space Technology"], []),
    # a known given name after "for" is the person the payment is for
    ("Donation to Children Foundation for John Smith", ["Children Foundation"], ["John Smith"]),
    ("Payment to Acme Foundation for services rendered", ["Acme Foundation"], []),
])
def test_an_english_name_goes_on_after_for_and_the(process, text, orgs, persons):
    doc = process(text)
    assert [o.core for o in doc.organizations] == orgs
    assert [p.normalized for p in doc.persons] == persons


def test_a_person_s_initials_before_a_company_in_capitals_stay_the_person_s(process):
    doc = process("Оплата Петренко О.В. ТОВ БУДСЕРВІС")
    assert [p.normalized for p in doc.persons] == ["Петренко О. В."]
    assert [o.core for o in doc.organizations] == ["ТОВ БУДСЕРВІС"]


def test_a_person_before_a_quoted_company_stays_a_person(process):
    doc = process("Переказ Петренко Іван «Ромашка» ТОВ")
    assert [p.normalized for p in doc.persons] == ["Петренко Іван"]
    assert [o.core for o in doc.organizations] == ["Ромашка"]


def test_a_person_in_capitals_before_for_stays_a_person(process):
    doc = process("Payment to IVAN PETROV FOR CONSULTING services")
    assert [p.normalized for p in doc.persons] == ["Ivan Petrov"] and doc.organizations == []
    doc = process("Transfer to IVAN PETROV IN KYIV branch")  # … and before IN
    assert [p.normalized for p in doc.persons][:1] == ["Ivan Petrov"] and doc.organizations == []


def test_a_capitalised_person_stays_a_person(process):
    doc = process("Payment for services to ABDUL RAUF ZAKIR inv 5")
    assert [p.normalized for p in doc.persons] == ["Abdul Rauf Zakir"] and doc.organizations == []
    doc = process("Payment to SAL ROMANO for services")  # Sal first is a given name
    assert [doc.text[p.start:p.end] for p in doc.persons] == ["SAL ROMANO"] and doc.organizations == []
    doc = process("Payment for services to ABDUL RAUF ZAKIR (USA) inv 5")  # not his initials
    assert [p.normalized for p in doc.persons] == ["Abdul Rauf Zakir"] and doc.organizations == []
    doc = process("ОПЛАТА ПЕТРЕНКУ ОЛЕКСАНДРУ ВАСИЛЬОВИЧУ ЗА ПОСЛУГИ")  # an all-caps text is not a list name
    assert [p.normalized for p in doc.persons] == ["Петренко Олександр Васильович"]


# English texts capitalise their first word; lower-case English words that are also given
# names (per, will, may) and name particles written in lower case (bin, van, al-).
ENGLISH_CASES = [
    ("Office supplies reimbursement - David Miller", ["David Miller"]),
    ("Monthly rent for apartment 12, tenant Maria Gonzalez", ["Maria Gonzalez"]),
    ("Approved transfer to Sarah O'Connor for travel expenses", ["Sarah O'Connor"]),
    ("Gift for Peter Parker birthday. Please credit Linda Martinez", ["Peter Parker", "Linda Martinez"]),
    ("Refund of overpayment to Michael Brown per request", ["Michael Brown"]),
    ("Payment from John Smith will be refunded", ["John Smith"]),
    ("Payment to Anna maria Lopez", ["Anna Maria Lopez"]),
    ("Payment to Osama bin Laden", ["Osama bin Laden"]),
    ("OSAMA BIN LADEN payment", ["Osama Bin Laden"]),
    ("Payment to Abu Bakr al-Baghdadi", ["Abu Bakr al-Baghdadi"]),
    ("Transfer to Jan de Vries", ["Jan de Vries"]),
    # An honorific the list keeps after its comma does not cut the name.
    ("Beneficiary: MOHAMMAD, Haji Baz, payment for goods", ["Mohammad Baz"]),
    # A known given name opening the text is still a name; so is a capitalised word mid-sentence.
    ("Maria paid for the services", ["Maria"]),
    ("Payment to ivan PETROV for services", ["Ivan Petrov"]),
    # A short surname in capitals that spells a common word is still the surname (Quan YOU) ...
    ("Transfer to Quan YOU per contract 695/6-25", ["Quan You"]),
    # ... but a capitalised common word between two names joins nothing.
    ("Payment for Anna AND Peter", ["Anna", "Peter"]),
]


@pytest.mark.parametrize("text,expected", ENGLISH_CASES)
def test_english_sentence_capitals_and_particles(process, text, expected):
    assert [p.normalized for p in process(text).persons] == expected


@pytest.mark.parametrize("text,expected", [
    ("переказ коштів нарусовій людмилі борисівні", ["Нарусова Людмила Борисівна"]),
    ("переказ людмилі борисівні нарусовій", ["Людмила Борисівна Нарусова"]),
    # A known common word before the given name and patronymic stays out.
    ("оплата послуг людмилі борисівні", ["Людмила Борисівна"]),
    # Surname first before a known given name, in either script.
    ("payment to dudal anton for services", ["Dudal Anton"]),
    ("переказ дудалю антону", ["Дудаль Антон"]),
    ("одержувач занджірей мохаммад-алі, без пдв", ["Занджірей Мохаммад-Алі"]),  # read as a given name only
    ("rent payment john smith march", ["John Smith"]),
    # Any two Latin words outside the context dictionaries, as in an all-capitals text.
    ("salary september 2024 ghazi hammud al-ubaidi", ["Ghazi Hammud al-ubaidi"]),
    ("beneficiary: jokic, miodrag, payment for goods, ref 1862", ["Jokic Miodrag"]),
    # A patronymic no dictionary lists (its suffix predicts it) anchors a name no dictionary
    # knows: the word before it is the given name, the one before that the surname.
    ("оплата за навчання амірханяна араік хачіковича згідно договору", ["Амірханян Араік Хачікович"]),
    ("оплата згідно договору з богатирьовою мадіною салманівною", ["Богатирьова Мадіна Салманівна"]),
    ("одержувач виталий юрийовыч захарченко, без пдв", ["Виталий Юрийовыч Захарченко"]),
    # Without a patronymic, two unknown lower-case words stay words.
    ("оплата за навчання амірханяна араік згідно договору", []),
])
def test_caseless_unknown_surname_beside_given_name(process, text, expected):
    assert [p.normalized for p in process(text).persons] == expected


@pytest.mark.parametrize("text,expected", [
    ("соловйов с. а. - повернення позики", ["Соловйов С. А."]),
    ("оплата за послуги згідно рах. №4059 від 13.02.2024, о.в. мольський", ["О. В. Мольський"]),
    ("переказ андріанову м. м. на картковий рахунок", ["Андріанов М. М."]),
    # The surname beside them may be one the analyser reads only as a given name (Arabic names).
    ("оплата за навчання хабібі м. згідно договору №520/12-23", ["Хабібі М."]),
    ("переказ абді а. на картковий рахунок", ["Абді А."]),
    ("поповнення рахунку від алібабаєї м., сума 86183,24 грн", ["Алібабаєї М."]),
    ("оплата за навчання м. київ", []),
    # All capitals: the stop word after the initials is no part of the name.
    ("ОПЛАТА В ПОЛЬЗУ ЗВЕРЕВА А.Ю. ПО СЧЕТУ №7071", ["Зверев А. Ю."]),
    # Letters with dots that are abbreviations stay so: місто, рік, у тому числі.
    ("м. київ, оплата за 2024 р. в т.ч. пдв", []),
])
def test_lower_case_initials_beside_a_surname(process, text, expected):
    assert [p.normalized for p in process(text).persons] == expected


@pytest.mark.parametrize("text,expected", [
    ("Соловйов С А - повернення позики", ["Соловйов С. А."]),
    ("Оплата по счету №7503, получатель А ЗУЛЬКАДР", ["А. Зулькадр"]),
    ("Оплата Петренко О", ["Петренко О."]),
    ("ОПЛАТА ІВАНОВУ І І", ["Іванов І. І."]),
    # A letter that is a word stays a word: sentence start, "and" in capitals.
    ("В Києві оплата Петренку Івану", ["Петренко Іван"]),
    ("ПЕРЕКАЗ ПЕТРЕНКУ І ТКАЧЕНКУ", ["Петренко", "Ткаченко"]),
])
def test_initials_without_dots(process, text, expected):
    assert [p.normalized for p in process(text).persons] == expected


def test_a_lone_head_noun_in_a_lower_case_text_is_no_organisation(process):
    doc = process("оплата за навчання в університеті згідно договору")
    assert doc.organizations == [] and doc.persons == []
    # common adjectives before it name nothing either
    assert process("оплата за навчання в державному медичному університеті").organizations == []
