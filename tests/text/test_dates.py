"""Dates and dates of birth in payment text."""

from __future__ import annotations

import csv
import datetime
import re
import time

import pytest

from ai_service.text.dates import DateMatch, find_dates
from tests.helpers import shared_path

# (text, [(value, kind, matched text, marker)]) — real-looking payment descriptions
CASES = [
    ("Оплата за послуги згідно рах. №45 від 12.03.2024, Петренку Олександру",
     [("2024-03-12", "date", "12.03.2024", None)]),
    ("Перевод средств Иванову И.И. д.р. 15.03.1985 по договору 12/3",
     [("1985-03-15", "dob", "15.03.1985", "д.р.")]),
    ("Петренко Олександр, д. р. 15.03.1985", [("1985-03-15", "dob", "15.03.1985", "д.р.")]),
    ("Коваленко М.В. д/н 01/02/1979", [("1979-02-01", "dob", "01/02/1979", "д/н")]),
    ("Шевченко Т.Г., дата народження: 09-03-1964", [("1964-03-09", "dob", "09-03-1964", "дата народження")]),
    ("народився 15 березня 1985 року в м. Київ", [("1985-03-15", "dob", "15 березня 1985 року", "народився")]),
    ("Олена Петренко, народилася 1 січня 1990 р.", [("1990-01-01", "dob", "1 січня 1990 р.", "народилася")]),
    ("дата народження: 15-го березня 1985 р.", [("1985-03-15", "dob", "15-го березня 1985 р.", "дата народження")]),
    ("родился 15 марта 1985 г.", [("1985-03-15", "dob", "15 марта 1985 г.", "родился")]),
    ("Сидоров П.П., дата рождения 7 ноября 1972 года", [("1972-11-07", "dob", "7 ноября 1972 года", "дата рождения")]),
    ("Иванов Иван 1985 г.р.", [("1985", "dob", "1985", "г.р.")]),
    ("Іванов Іван 1985 р.н., Київ", [("1985", "dob", "1985", "р.н.")]),
    ("Петров 15.03.1985 г. р.", [("1985-03-15", "dob", "15.03.1985", "г.р.")]),
    ("Петров 15.03.1985р.н.", [("1985-03-15", "dob", "15.03.1985", "р.н.")]),
    ("Іванов, д.р. 15.03.85", [("1985-03-15", "dob", "15.03.85", "д.р.")]),
    ("д.р. 1985", [("1985", "dob", "1985", "д.р.")]),
    ("д.р. 03.1985", [("1985-03", "dob", "03.1985", "д.р.")]),
    ("Payment to John Smith, DOB: March 15, 1985", [("1985-03-15", "dob", "March 15, 1985", "dob")]),
    ("Viktor Petrov born 15 March 1985", [("1985-03-15", "dob", "15 March 1985", "born")]),
    ("Fabio Fusco born 18 Dec. 1968 in Tunisia", [("1968-12-18", "dob", "18 Dec. 1968", "born")]),
    ("Ali Hassan, D.O.B. 1 Jan 1970", [("1970-01-01", "dob", "1 Jan 1970", "d.o.b.")]),
    ("date of birth 1985-03-15, passport FA1234567", [("1985-03-15", "dob", "1985-03-15", "date of birth")]),
    ("DOB:1985-03-15", [("1985-03-15", "dob", "1985-03-15", "dob")]),
    ("Ivan Petrov b. 1960", [("1960", "dob", "1960", "b.")]),
    ("Іван Петров (1980-01-01)", [("1980-01-01", "date", "1980-01-01", None)]),
    ("Оплата ТОВ \"ПРИВАТБАНК\" Ивану Петрову, 1980-01-01", [("1980-01-01", "date", "1980-01-01", None)]),
    ("Invoice 55 dated 15 May 2019", [("2019-05-15", "date", "15 May 2019", None)]),
    ("rent for March 2024", [("2024-03", "date", "March 2024", None)]),
    ("Оплата за березень 2024", [("2024-03", "date", "березень 2024", None)]),
    ("Оплата за листопад 2023 р.", [("2023-11", "date", "листопад 2023 р.", None)]),
    ("payment for may 2024", [("2024-05", "date", "may 2024", None)]),
    ("квартплата за декабрь 2023 г.", [("2023-12", "date", "декабрь 2023 г.", None)]),
    ("1st March 2020 invoice", [("2020-03-01", "date", "1st March 2020", None)]),
    ("за період з 01.01.2024 по 31.01.2024",
     [("2024-01-01", "date", "01.01.2024", None), ("2024-01-31", "date", "31.01.2024", None)]),
    ("Іванов 12.03.1985, д.р. 15.03.1985",
     [("1985-03-12", "date", "12.03.1985", None), ("1985-03-15", "dob", "15.03.1985", "д.р.")]),
    ("US style 03/15/1985", [("1985-03-15", "date", "03/15/1985", None)]),
    ("day first 12/03/1985", [("1985-03-12", "date", "12/03/1985", None)]),
    ("29.02.2024 оплата", [("2024-02-29", "date", "29.02.2024", None)]),
    # negatives: impossible dates, amounts, numbers, names that are months, versions
    ("31.02.1985", []),
    ("29.02.2023 оплата", []),
    ("tel 2024-13-45", []),
    ("сума 2024 грн", []),
    ("рах. 1985 від", []),
    ("рах 03.2024", []),
    ("15.03.85 договір", []),  # two-digit years only after a DOB marker
    ("пункт 1.2.10 договору", []),
    ("Theresa May 2019", []),
    ("Марта 1985", []),
    ("Листопад 2020", []),  # Листопад is also a surname
    ("сума 1 250,00 грн, рах. №45", []),
    ("Договір 12/3 від", []),
    ("15 березня", []),
    ("12.03.1850", []),
    ("ТОВ Ромашка 2000", []),
    ("номер 201903150012", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_find_dates(text: str, expected: list[tuple[str, str, str, str | None]]) -> None:
    found = find_dates(text)
    assert [(d.value, d.kind, text[d.start : d.end], d.marker) for d in found] == expected
    assert all(isinstance(d, DateMatch) for d in found)


def test_two_digit_years_take_the_latest_century_not_in_the_future() -> None:
    this_year = datetime.date.today().year % 100
    past, future = f"{this_year - 1:02d}", f"{(this_year + 1) % 100:02d}"
    assert find_dates(f"д.р. 01.01.{past}")[0].value == f"20{past}-01-01"
    assert find_dates(f"д.р. 01.01.{future}")[0].value == f"19{future}-01-01"


def test_every_un_date_of_birth_is_read_back() -> None:
    """UN-listed persons' DOBs (ISO in the file) written as a payment would write them."""
    path = shared_path("eval", "un_positives_untreated.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    dobs = {r["date_of_birth"] for r in rows}
    full = sorted(d for d in dobs if re.fullmatch(r"(19|20)\d\d-\d\d-\d\d", d))
    years = sorted(d for d in dobs if re.fullmatch(r"(19|20)\d\d", d))
    assert len(full) > 100 and len(years) > 20
    for iso in full:
        year, month, day = iso.split("-")
        for text in (f"д.р. {day}.{month}.{year}", f"DOB {iso}", f"{day}/{month}/{year} р.н."):
            assert [(d.value, d.kind) for d in find_dates(text)] == [(iso, "dob")], text
    for year in years:
        assert [(d.value, d.kind) for d in find_dates(f"Іванов {year} г.р.")] == [(year, "dob")]
        assert find_dates(f"рахунок {year}") == []


def test_negatives_us_dates_of_birth_round_trip() -> None:
    path = shared_path("eval", "negatives_us.csv")
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [next(reader) for _ in range(2000)]
    months = ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
              "жовтня", "листопада", "грудня"]
    for row in rows:
        iso = row["date_of_birth"]
        year, month, day = (int(p) for p in iso.split("-"))
        text = f"{row['full_name']}, народився {day} {months[month - 1]} {year} року"
        assert [(d.value, d.kind) for d in find_dates(text)] == [(iso, "dob")], text


def test_speed_without_dates() -> None:
    text = ("Оплата за послуги згідно рахунку №45, Петренку Олександру Васильовичу, РНОКПП 3124509879, "
            "сума 1 250,00 грн, у т.ч. ПДВ 208,33 грн. Договір 12/3, тел. +380501234567, дякуємо")
    assert find_dates(text) == []
    best = min(_timed(text, 300) for _ in range(5))
    assert best < 100e-6  # measured ≈ 5 µs; a generous bound that still catches a regex blow-up


def test_no_catastrophic_backtracking() -> None:
    for text in ("1985 " * 3000, "12.03." * 2000, "березня " * 2000 + "1985", "д.р. " * 2000 + "1985"):
        started = time.perf_counter()
        find_dates(text)
        assert time.perf_counter() - started < 0.5


def _timed(text: str, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        find_dates(text)
    return (time.perf_counter() - started) / repeat
