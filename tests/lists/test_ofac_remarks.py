"""Facts parsed out of OFAC's Remarks column."""

from __future__ import annotations

from ai_service.lists.ofac_remarks import parse_remarks


def test_dates_names_countries_and_ids():
    facts = parse_remarks(
        "DOB 07 Oct 1952; alt. DOB Jan 1960; alt. DOB 1955 to 1957; POB Moscow, Russia; "
        "nationality Russia; citizen Ukraine; Gender Male; a.k.a. 'BNC'; a.k.a. 'ABU-'UMAR'; "
        "Passport 1084010 (Egypt) issued 01 Jan 2000 expires 01 Jan 2010; alt. Passport EX600377 (Ukraine); "
        "National ID No. 660000 73767 (Belgium); Tax ID No. 7701234567 (Russia); Tax ID No. 100036386 (Serbia); "
        "Registration ID 1027700000000 (Russia); Registration ID 01125591 (Ukraine); "
        "Tax ID No. 3124509879 (Ukraine); Cedula No. 16247821 (Colombia); NIT # 800146749-7 (Colombia); "
        "Linked To: SOMEONE ELSE; Website http://example.invalid."
    )
    assert facts.birth_dates == ["1952-10-07", "1960-01", "1955", "1956", "1957"]
    assert facts.weak_names == ["BNC", "ABU-'UMAR"]
    assert facts.countries == ["Russia", "Ukraine"]
    assert facts.ids == [
        ("passport", "1084010"),
        ("passport", "EX600377"),
        ("other", "660000 73767"),
        ("inn", "7701234567"),
        ("tax_id", "100036386"),
        ("ogrn", "1027700000000"),
        ("edrpou", "01125591"),
        ("rnokpp", "3124509879"),
        ("other", "16247821"),
        ("tax_id", "800146749-7"),
    ]


def test_bic_codes_may_be_all_letters():
    facts = parse_remarks("SWIFT/BIC KDBKKPPY; Secondary sanctions risk: North Korea; SWIFT/BIC HAVIGB2L.")
    assert facts.ids == [("bic", "KDBKKPPY"), ("bic", "HAVIGB2L")]


def test_statements_without_numbers_are_ignored():
    facts = parse_remarks("Passport Booklet: see above; Additional Sanctions Information - Secondary Sanctions")
    assert facts.ids == [] and facts.birth_dates == [] and facts.weak_names == []
