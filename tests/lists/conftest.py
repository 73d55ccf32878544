"""Raw bytes of the shared list files (skipped with a reason when ../shared/data is absent)."""

from __future__ import annotations

import pytest

from tests.helpers import shared_path


def _read(*parts: str) -> bytes:
    return shared_path("lists", *parts).read_bytes()


@pytest.fixture(scope="session")
def nsdc_persons_bytes() -> bytes:
    return _read("ua_nsdc", "persons.json")


@pytest.fixture(scope="session")
def nsdc_supplement_bytes() -> bytes:
    return _read("ua_nsdc", "persons_supplement.json")


@pytest.fixture(scope="session")
def nsdc_companies_bytes() -> bytes:
    return _read("ua_nsdc", "companies.json")


@pytest.fixture(scope="session")
def sfms_bytes() -> bytes:
    return _read("ua_sfms", "terrorism_black_list.json")


@pytest.fixture(scope="session")
def ofac_bytes() -> tuple[bytes, bytes, bytes]:
    return _read("ofac_sdn", "sdn.csv"), _read("ofac_sdn", "alt.csv"), _read("ofac_sdn", "add.csv")


@pytest.fixture(scope="session")
def un_bytes() -> bytes:
    return _read("un", "consolidated.xml")
