"""Facts packed into the Remarks column of OFAC's legacy SDN CSV.

Remarks are ``;``-separated statements: ``DOB 07 Oct 1952``, ``alt. DOB circa
1955``, ``Passport 1084010 (Egypt)``, ``Tax ID No. 6164205270 (Russia)``,
``National ID No. …``, ``nationality Syria``, ``a.k.a. 'BNC'``, … . OFAC puts
its *weak* a.k.a.s in Remarks (the legacy files have no other place for them),
so those become weak names. Identifier labels map onto ``ID_TYPES``; a tax or
registration number of Russia or Ukraine with the right length is typed as the
national scheme (ИНН, ОГРН, РНОКПП, ЄДРПОУ).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ai_service.lists.dates import parse_date_phrase
from ai_service.lists.draft import digits_of

_LABELS: dict[str, str] = {
    # passports and travel documents
    "Passport": "passport", "Diplomatic Passport": "passport", "Passport Booklet": "passport",
    "British National Overseas Passport": "passport", "Travel Document": "passport",
    # tax numbers
    "Tax ID": "tax_id", "NIT": "tax_id", "RUC": "tax_id", "R.F.C.": "tax_id", "RFC": "tax_id",
    "RIF": "tax_id", "V.A.T.": "tax_id", "US FEIN": "tax_id", "Italian Fiscal Code": "tax_id",
    "C.U.I.T.": "tax_id", "RTN": "tax_id", "C.I.F.": "tax_id", "Paraguayan tax identification number": "tax_id",
    "Numero Unico de Identificacao Tributaria (NUIT)": "tax_id", "INN": "inn", "OGRN": "ogrn",
    # company / registry numbers
    "Registration ID": "registration", "Registration Number": "registration", "Company Number": "registration",
    "UK Company Number": "registration", "Commercial Registry Number": "registration",
    "Folio Mercantil": "registration", "Matricula Mercantil": "registration", "C.R.": "registration",
    "Trade License": "registration", "Business Registration Number": "registration",
    "Business Registration Document": "registration", "Public Registration Number": "registration",
    "Chamber of Commerce Number": "registration", "Certificate of Incorporation Number": "registration",
    "Legal Entity Number": "registration", "Enterprise Number": "registration", "Branch Unit Number": "registration",
    "Registered Charity": "registration", "Government Gazette Number": "registration",
    "Unified Social Credit Code (USCC)": "registration",
    "United Social Credit Code Certificate (USCCC)": "registration",
    "Dubai Chamber of Commerce Membership": "registration", "Business Number": "registration",
    "D-U-N-S Number": "registration",
    # personal and other identity numbers
    "National ID": "other", "Cedula": "other", "Identification Number": "other", "D.N.I.": "other",
    "C.U.R.P.": "other", "Personal ID Card": "other", "National Foreign ID Number": "other",
    "Electoral Registry": "other", "Driver's License": "other", "Credencial electoral": "other",
    "Kenyan ID": "other", "Residency Number": "other", "Turkish Identification Number": "other",
    "Numero de Identidad": "other", "Citizen's Card Number": "other", "SSN": "other", "I.F.E.": "other",
    "LE Number": "other", "C.U.I.P.": "other", "C.U.I.": "other", "Tazkira National ID Card": "other",
    "Moroccan Personal ID": "other", "Bosnian Personal ID": "other", "N.I.E.": "other",
    "Vessel Registration Identification": "other", "MMSI": "other", "SWIFT/BIC": "bic",
    "Cartilla de Servicio Militar Nacional": "other", "Birth Certificate Number": "other",
}  # fmt: skip
_LABEL = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(k) for k in sorted(_LABELS, key=len, reverse=True))
    + r")(?![A-Za-z])\s*(?:No\.?|Number|#)?\s*:?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_LABEL_TYPES = {k.lower(): v for k, v in _LABELS.items()}
_VALUE_END = re.compile(r"\s*\(|\s+(?:issued|expires)\b|,\s*(?:issued|expires)\b", re.IGNORECASE)
_COUNTRY = re.compile(r"\(([^()]+)\)")
_AKA = re.compile(r"^[afn]\.k\.a\.,?\s+['\"](?P<name>.+)['\"]$", re.IGNORECASE)
# Statements that never carry a name, date, country or number we use: skip them cheaply.
_SKIP = ("Linked To", "Additional Sanctions", "Gender", "POB", "Website", "Email", "Secondary sanctions",
         "Transactions Prohibited", "Executive Order", "Organization ", "Aircraft ", "Phone", "Telephone",
         "Fax", "CAATSA", "Digital Currency", "Former Vessel", "Target Type", "Scientific Studies")  # fmt: skip
_NATIONAL_SCHEMES = {
    ("russia", "tax_id", 10): "inn", ("russia", "tax_id", 12): "inn",
    ("russia", "registration", 13): "ogrn", ("russia", "registration", 15): "ogrn",
    ("ukraine", "tax_id", 10): "rnokpp", ("ukraine", "tax_id", 8): "edrpou",
    ("ukraine", "registration", 8): "edrpou",
}  # fmt: skip


@dataclass(slots=True)
class RemarkFacts:
    birth_dates: list[str] = field(default_factory=list)
    weak_names: list[str] = field(default_factory=list)
    ids: list[tuple[str, str]] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


def parse_remarks(text: str) -> RemarkFacts:
    facts = RemarkFacts()
    for part in text.strip().rstrip(".").split(";"):
        part = part.strip()
        if part[:5].lower() == "alt. ":
            part = part[5:].lstrip()
        if not part or part.startswith(_SKIP):
            continue
        if part.startswith("DOB "):
            facts.birth_dates.extend(parse_date_phrase(part[4:]))
        elif part.startswith(("nationality ", "citizen ")):
            facts.countries.append(part.split(" ", 1)[1].strip())
        elif (m := _AKA.match(part)) is not None:
            facts.weak_names.append(m.group("name").strip())
        elif (m := _LABEL.match(part)) is not None:
            _add_identifier(facts, _LABEL_TYPES[m.group("label").lower()], m.group("rest"))
    return facts


def _add_identifier(facts: RemarkFacts, id_type: str, rest: str) -> None:
    end = _VALUE_END.search(rest)
    value = (rest[: end.start()] if end else rest).strip(" .,:")
    if not value or not (id_type == "bic" or any(c.isdigit() for c in value)):
        return  # "Passport Booklet: see above" and the like carry no number (a BIC may be all letters)
    country_match = _COUNTRY.search(rest, end.start() if end else len(rest))
    country = country_match.group(1).strip().lower() if country_match else ""
    digits = digits_of(value)
    id_type = _NATIONAL_SCHEMES.get((country, id_type, len(digits)), id_type)
    facts.ids.append((id_type, digits if id_type in ("inn", "ogrn", "rnokpp", "edrpou") else value))
