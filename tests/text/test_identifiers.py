"""Identifier validators (real check digits) and the identifier finder."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from ai_service.text.identifiers import (
    EdrpouValidator,
    IbanValidator,
    IdentifierMatch,
    InnValidator,
    OgrnValidator,
    PassportValidator,
    RnokppValidator,
    find_identifiers,
)
from tests.helpers import shared_path

# ------------------------------------------------------------------ validators

VALIDATOR_CASES = [
    # РНОКПП: weights -1,5,7,9,4,6,10,5,7, sum mod 11 mod 10
    (RnokppValidator, "3124509879", True),
    (RnokppValidator, "2839403975", True),  # the ITN of the NSDC supplement entry
    (RnokppValidator, "3124509878", False),
    (RnokppValidator, "312450987", False),
    (RnokppValidator, "0000000000", False),  # placeholder
    (RnokppValidator, "３１２４５０９８７９", False),  # full-width digits are not ASCII digits
    # ЄДРПОУ: weights 1..7 (7,1..6 between 30 and 60 million), second pass +2
    (EdrpouValidator, "32855961", True),
    (EdrpouValidator, "14360570", True),  # ПриватБанк
    (EdrpouValidator, "00032129", True),  # Ощадбанк
    (EdrpouValidator, "21560766", True),
    (EdrpouValidator, "38324133", True),
    (EdrpouValidator, "32855962", False),
    (EdrpouValidator, "1436057", False),
    # ИНН: 10 digits (organisation), 12 digits (person)
    (InnValidator, "7707083893", True),  # Сбербанк
    (InnValidator, "7830002293", True),
    (InnValidator, "500100732259", True),
    (InnValidator, "782611846337", True),
    (InnValidator, "7707083894", False),
    (InnValidator, "500100732258", False),
    # ОГРН (mod 11, starts 1 or 5) and ОГРНИП (mod 13, starts 3)
    (OgrnValidator, "1027700132195", True),
    (OgrnValidator, "1037739877295", True),
    (OgrnValidator, "304500116000157", True),
    (OgrnValidator, "1027700132194", False),
    (OgrnValidator, "304500116000158", False),
    (OgrnValidator, "7027700132195", False),
    # IBAN: country length and mod 97
    (IbanValidator, "UA213223130000026007233566001", True),
    (IbanValidator, "UA21 3223 1300 0002 6007 2335 6600 1", True),
    (IbanValidator, "GB82WEST12345698765432", True),
    (IbanValidator, "DE89370400440532013000", True),
    (IbanValidator, "UA213223130000026007233566002", False),
    (IbanValidator, "UA21322313000002600723356600", False),  # one digit short for UA (29)
    (IbanValidator, "QQ213223130000026007233566001", False),  # no such country
    # passports: shape only
    (PassportValidator, "АА123456", True),
    (PassportValidator, "КВ 123456", True),
    (PassportValidator, "123456789", True),  # UA ID card
    (PassportValidator, "4509 123456", True),  # RU
    (PassportValidator, "FA1234567", True),
    (PassportValidator, "АА12345", False),
    (PassportValidator, "ABCDEFGH", False),
]


@pytest.mark.parametrize(("validator", "value", "valid"), VALIDATOR_CASES)
def test_validators(validator: type, value: str, valid: bool) -> None:
    assert validator().validate(value) is valid


# ------------------------------------------------------------------ finder

# (text, [(type, value, valid, marker)]) — real-looking payment descriptions
FIND_CASES = [
    ("Оплата за послуги згідно рах. №45 від 12.03.2024, Петренку Олександру Васильовичу, РНОКПП 3124509879",
     [("rnokpp", "3124509879", True, "рнокпп")]),
    ("Поповнення рахунку ТОВ «Укрспецторг» ЄДРПОУ 32855961 у т.ч. ПДВ", [("edrpou", "32855961", True, "єдрпоу")]),
    ("Переказ Іванову І.І., ІПН: 3124509879", [("rnokpp", "3124509879", True, "іпн")]),
    ("повернення коштів, ідентифікаційний код 3124509879", [("rnokpp", "3124509879", True, "ідентифікаційний код")]),
    ("ФОП Петренко О.В., код ЄДРПОУ 3124509879", [("rnokpp", "3124509879", True, "код єдрпоу")]),
    ("ТОВ Ромашка, ідентифікаційний код 32855961", [("edrpou", "32855961", True, "ідентифікаційний код")]),
    ("РНОКПП 1234567890 (не перевірено)", [("rnokpp", "1234567890", False, "рнокпп")]),
    ("Оплата 2839403975", [("rnokpp", "2839403975", True, None)]),
    ("Виплата 3124509879 (РНОКПП)", [("rnokpp", "3124509879", True, "рнокпп")]),
    ("Переказ 1234567890 Петренко", [("rnokpp", "1234567890", False, None)]),
    ("Поповнення, 14360570, ПриватБанк", [("edrpou", "14360570", True, None)]),
    ("Перевод средств ООО «Вектор» ИНН 7707083893 КПП 770701001", [("inn", "7707083893", True, "инн")]),
    ("ИНН/КПП 7707083893/770701001", [("inn", "7707083893", True, "инн/кпп")]),
    ("Иванову И.И., ИНН 500100732259", [("inn", "500100732259", True, "инн")]),
    ("Иванову И.И., ИНН 2839403975", [("rnokpp", "2839403975", True, "инн")]),  # a РНОКПП written as "ИНН"
    ("Иванову И.И., ИНН 3124509879", [("inn", "3124509879", True, "инн")]),  # passes both: "ИНН" decides
    ("ООО Вектор ОГРН 1027700132195", [("ogrn", "1027700132195", True, "огрн")]),
    ("ИП Петров ОГРНИП 304500116000157", [("ogrn", "304500116000157", True, "огрнип")]),
    ("оплата, 1027700132195", [("ogrn", "1027700132195", True, None)]),
    ("перевод 500100732259", [("inn", "500100732259", True, None)]),
    ("IBAN UA21 3223 1300 0002 6007 2335 6600 1 від 12.03.2024",
     [("iban", "UA213223130000026007233566001", True, "iban")]),
    ("на р/р UA213223130000026007233566001 в АТ КБ ПриватБанк",
     [("iban", "UA213223130000026007233566001", True, "р/р")]),
    ("Зарахування на UA213223130000026007233566002", [("iban", "UA213223130000026007233566002", False, None)]),
    ("Payment to GB82 WEST 1234 5698 7654 32 for services", [("iban", "GB82WEST12345698765432", True, None)]),
    ("UA21 3223 1300 0002 6007 2335 6600 1 12 грн", [("iban", "UA213223130000026007233566001", True, None)]),
    ("паспорт серії АА № 123456, виданий Печерським РВ", [("passport", "АА123456", True, "паспорт")]),
    ("Паспорт AB123456: Сергій Іванов", [("passport", "AB123456", True, "паспорт")]),
    ("паспорт 4509 123456 выдан ОВД", [("passport", "4509123456", True, "паспорт")]),
    ("ID-картка 123456789, Коваленко М.", [("passport", "123456789", True, "id-картка")]),
    ("Passport No. FA1234567, tax id 3124509879",
     [("passport", "FA1234567", True, "passport"), ("rnokpp", "3124509879", True, "tax id")]),
    ("beneficiary John Smith TIN 123456789", [("tax_id", "123456789", False, "tin")]),
    ("ІПН платника ПДВ 123456789012", [("tax_id", "123456789012", False, "іпн платника пдв")]),
    ("ЄДРПОУ 32855961, IBAN UA213223130000026007233566001, директор Петренко О.В., ІПН 3124509879",
     [("edrpou", "32855961", True, "єдрпоу"), ("iban", "UA213223130000026007233566001", True, "iban"),
      ("rnokpp", "3124509879", True, "іпн")]),
    # foreign codes copied from lists: read whole, letters and hyphens included
    ("Wire transfer to VISION 20-20, S.A., tax ID 2107640-1-757913 under contract 376/2-23",
     [("tax_id", "2107640-1-757913", False, "tax id")]),
    ("tax ID CSI-000516-2U3 under", [("tax_id", "CSI-000516-2U3", False, "tax id")]),
    ("Salary ALVAREZ ALVAREZ, ID AAAW720613HMNLLN02", [("other", "AAAW720613HMNLLN02", False, "id")]),
    ("Beneficiary ISLAMIC REPUBLIC OF IRAN BROADCASTING, reg. no. 12428, invoice 8993",
     [("registration", "12428", False, "reg.no.")]),
    ("Salary CHU, Yeyou, ID 210222198202016639", [("other", "210222198202016639", False, "id")]),
    ("ID 3124509879", [("rnokpp", "3124509879", True, "id")]),  # a valid РНОКПП keeps its type
    ("Invoice ID 12345", []),  # a short number after a bare "ID" is no one's identity
    # negatives: invoice numbers, amounts, phones, accounts, dates, codes inside words
    ("Оплата згідно рахунку №12345678 від 01.02.2024", []),
    ("рах. № 14360570 від 01.02.2024", []),  # a valid ЄДРПОУ checksum, but an invoice number
    ("Invoice No. 3124509879", []),
    ("Оплата згідно рах. 1234567890 від 01.02.2024", []),
    ("по договору 3124509879", []),
    ("Invoice # 32855961", []),
    ("Оплата за товар, сума 1234567890,00 грн", []),
    ("сума 1 000 000,00 грн без ПДВ", []),
    ("Transfer to James Clark, incl. VAT 15682.26; value date", []),  # the VAT amount, not a VAT number
    ("tax id 12345.67 EUR", []),
    ("переказ 3124509879 грн", []),
    ("тел. 0501234567, Петренко", []),
    ("тел +380501234567", []),
    ("контакт 380501234567", []),
    ("Рахунок 26007233566001 в банку", []),
    ("р/р 26007233566001", []),
    ("Договір 12/3 від 12.03.1985, замовлення 12031985", []),  # 12031985 is a date, not an ЄДРПОУ
    ("поповнення 12345679", []),  # an 8-digit number with a bad ЄДРПОУ checksum
    ("артикул AB3124509879CD", []),
    ("номер 31245098791234 особового рахунку", []),
    ("ref 0.3124509879", []),
    ("Оплата послуг зв'язку без номерів", []),
    ("паспорт не надано", []),
    # SWIFT/BIC bank codes: letters, after their marker only (OFAC lists banks' BICs)
    ("Payment to JSC UKREXIMBANK, SWIFT EXBSUAUX, for invoice 55", [("bic", "EXBSUAUX", True, "swift")]),
    ("банк одержувача SWIFT/BIC: HAVIGB2L", [("bic", "HAVIGB2L", True, "swift/bic")]),
    ("Swift code boelkppy ref 12", [("bic", "BOELKPPY", True, "swift code")]),
    ("SWIFT DEUTDEFF500, IBAN DE89370400440532013000",
     [("bic", "DEUTDEFF500", True, "swift"), ("iban", "DE89370400440532013000", True, "iban")]),
    ("Taylor Swift concert tickets", []),
    ("SWIFT transfer fee", []),  # a word after the marker, not a code of the BIC shape
    ("HAVIGB2L", []),  # unmarked: any eight capitals would do
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES, ids=[c[0][:40] for c in FIND_CASES])
def test_find_identifiers(text: str, expected: list[tuple[str, str, bool, str | None]]) -> None:
    found = find_identifiers(text)
    assert [(m.type, m.value, m.valid, m.marker) for m in found] == expected


def test_spans_cover_the_value() -> None:
    text = "РНОКПП 3124509879; IBAN UA21 3223 1300 0002 6007 2335 6600 1, паспорт АА 123456"
    found = find_identifiers(text)
    assert [text[m.start : m.end] for m in found] == [
        "3124509879", "UA21 3223 1300 0002 6007 2335 6600 1", "АА 123456"]
    assert all(isinstance(m, IdentifierMatch) for m in found)


def test_a_bic_span_starts_at_its_marker() -> None:
    # "Swift" is a surname too: it is context (no name) only where a code follows it.
    text = "Transfer, SWIFT: KDBKKPPY"
    (bic,) = find_identifiers(text)
    assert text[bic.start : bic.end] == "SWIFT: KDBKKPPY"


def test_marker_case_and_spacing_do_not_matter() -> None:
    for text in ("рнокпп 3124509879", "РНОКПП:3124509879", "Рнокпп - 3124509879", "р н о к п п 3124509879"):
        found = find_identifiers(text)
        if text.startswith("р н"):  # spelled out letter by letter is not the marker
            assert [(m.type, m.marker) for m in found] == [("rnokpp", None)]
        else:
            assert [(m.type, m.marker) for m in found] == [("rnokpp", "рнокпп")]


def test_nsdc_supplement_itn_is_an_rnokpp() -> None:
    entry = json.loads(shared_path("lists", "ua_nsdc", "persons_supplement.json").read_text(encoding="utf-8"))
    itn = (entry[0] if isinstance(entry, list) else entry)["itn"]
    assert itn == "2839403975"
    for text in (f"Переказ {itn}", f"РНОКПП {itn}", f"ИНН {itn}"):
        found = find_identifiers(text)
        assert [(m.type, m.value, m.valid) for m in found] == [("rnokpp", itn, True)], text


def test_nsdc_person_itns_are_found_with_their_real_checksums() -> None:
    persons = json.loads(shared_path("lists", "ua_nsdc", "persons.json").read_text(encoding="utf-8"))
    itns = {p["itn"] for p in persons if p.get("itn") and p["itn"].isdigit()}
    ten = [i for i in itns if len(i) == 10]
    twelve = [i for i in itns if len(i) == 12]
    assert len(ten) > 500 and len(twelve) > 2000
    rnokpp, inn = RnokppValidator(), InnValidator()
    for itn in ten:
        found = find_identifiers(f"Оплата Петренку О.В., РНОКПП {itn}")
        assert [(m.type, m.value, m.valid) for m in found] == [("rnokpp", itn, rnokpp.validate(itn))]
    assert sum(rnokpp.validate(i) or inn.validate(i) for i in ten) / len(ten) > 0.97
    found_twelve = [find_identifiers(f"ИНН {itn}") for itn in twelve]
    assert all(f and f[0].type == "inn" for f in found_twelve)
    assert sum(f[0].valid for f in found_twelve) / len(twelve) > 0.99


def test_nsdc_company_codes() -> None:
    companies = json.loads(shared_path("lists", "ua_nsdc", "companies.json").read_text(encoding="utf-8"))
    inns = [c["tax_number"] for c in companies if (c.get("tax_number") or "").isdigit() and len(c["tax_number"]) == 10]
    ogrns = [c["reg_number"] for c in companies if (c.get("reg_number") or "").isdigit() and len(c["reg_number"]) == 13]
    assert len(inns) > 1000 and len(ogrns) > 1000
    assert sum(InnValidator().validate(i) for i in inns) / len(inns) > 0.99
    assert sum(OgrnValidator().validate(o) for o in ogrns) / len(ogrns) > 0.99
    for inn in inns[:300]:
        found = find_identifiers(f"Перевод ООО ИНН {inn}")
        assert found and found[0].value == inn and found[0].type in ("inn", "rnokpp")


def test_speed_on_a_typical_text() -> None:
    text = ("Оплата за послуги згідно рах. №45 від 12.03.2024, Петренку Олександру Васильовичу, "
            "РНОКПП 3124509879, сума 1 250,00 грн, у т.ч. ПДВ 208,33 грн. Договір 12/3 від 01.02.2024 р.")
    find_identifiers(text)
    best = min(_timed(find_identifiers, text, 200) for _ in range(5))
    assert best < 200e-6  # measured ≈ 20 µs; a generous bound that still catches a regex blow-up


def test_no_catastrophic_backtracking() -> None:
    for text in ("UA21 " + "1234 " * 2000, "1 " * 5000, "АА " * 3000 + "1" * 3000, "A1" * 4000):
        started = time.perf_counter()
        find_identifiers(text)
        assert time.perf_counter() - started < 0.5


def _timed(func: Callable[[str], object], text: str, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        func(text)
    return (time.perf_counter() - started) / repeat
