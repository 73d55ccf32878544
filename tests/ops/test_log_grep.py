"""Grep the logs for payment data (issue 7 acceptance): none at INFO, masked entities only in the audit log.

The app runs with logging.yaml exactly as deployed (JSON lines, masking filters), its
handlers pointed at a temporary file instead of stdout. Representative requests carry
names, РНОКПП/ІПН, IBANs and dates, in every endpoint and in error paths (a validation
error, an invalid batch slot, an unexpected exception inside the pipeline); afterwards
neither the raw strings nor the forms the pipeline normalized them to may appear in the
log file, and the audit log may hold them only as masked markers and hashes.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ai_service.audit import read_records
from ai_service.logging_setup import load_logging_config
from tests.api.conftest import make_client, wait_ready
from tests.helpers import REPO

ADMIN = "log-grep-admin-token"
TEXTS = [
    "Переказ коштів Вигаданку Олександру Васильовичу, РНОКПП 3112030334, д.н. 15.03.1985",
    "Оплата за договором Прикладенко Наталії Сергіївні ІПН 3305584222 IBAN UA21 3223 1300 0002 6007 2335 6600 1",
    "Перевод средств Придумановой Анне Игоревне, дата рождения 2 июля 1990 г., ИНН 7707083893",
    "Payment to John Examplesson, passport FA123456, born 1971-05-04, IBAN GB82WEST12345698765432",
    "Поповнення рахунку ТОВ «Тестове Підприємство» ЄДРПОУ 32855961 від 12.03.2024",
]
# The raw strings that must never be logged (besides every normalized form the API returns).
RAW = ["Вигаданку", "Олександру", "Васильовичу", "3112030334", "15.03.1985", "Прикладенко", "Наталії",
       "3305584222", "UA21 3223", "26007233566001", "Придумановой", "Анне", "7707083893", "Examplesson",
       "FA123456", "1971-05-04", "GB82WEST12345698765432", "Тестове Підприємство", "32855961", "12.03.2024"]
BOOM = "Кабанченко Любомир 2918407716"  # quoted by an unexpected exception inside the pipeline
LOGGERS = ("", "ai_service", "uvicorn.error", "uvicorn.access", "gunicorn.error", "gunicorn.access")
MARKER = re.compile(r"<masked (sha256|hmac):[0-9a-f]{8} len=\d+>")


@pytest.fixture()
def log_file(tmp_path: Path) -> Iterator[Path]:
    """logging.yaml at INFO with every handler writing to a temp file; restored afterwards."""
    saved = {name: (lg.handlers[:], lg.level, lg.propagate, lg.disabled)
             for name in LOGGERS for lg in [logging.getLogger(name or None)]}
    path = tmp_path / "service.log"
    config = load_logging_config(str(REPO / "logging.yaml"), "INFO")
    for handler in config["handlers"].values():
        handler.pop("stream", None)
        handler.update({"class": "logging.FileHandler", "filename": str(path), "encoding": "utf-8"})
    logging.config.dictConfig(config)
    try:
        yield path
    finally:
        for handler in logging.getLogger().handlers:
            handler.close()
        for name, (handlers, level, propagate, disabled) in saved.items():
            lg = logging.getLogger(name or None)
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate, lg.disabled = propagate, disabled


def _normalized_forms(body: dict[str, Any]) -> set[str]:
    """Every name, identifier and date value the pipeline derived from the text."""
    sig = body["signals"]
    out = {body["normalized_text"]}
    for p in sig["persons"]:
        out |= {p["text"], p["normalized"], p["dob"] or ""} | {x["normalized"] for x in p["parts"]}
        out |= {x["text"] for x in p["parts"]}
    out |= {o["text"] for o in sig["organizations"]} | {o["core"] for o in sig["organizations"]}
    out |= {i["value"] for i in sig["ids"]} | {d["value"] for d in sig["dates"]}
    # Single letters and initials ("О.") would match anywhere; they identify no one.
    return {s for s in out if len(s.strip(". ")) >= 4}


def _exercise(client, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    auth = {"Authorization": f"Bearer {ADMIN}"}
    secrets: set[str] = set(RAW) | set(BOOM.split())
    for text in TEXTS:
        body = client.post("/process", json={"text": text, "options": {"explain": True}}).json()
        secrets |= _normalized_forms(body)
    assert client.post("/process/batch", json={"texts": [*TEXTS[:2], 5, ""]}).status_code == 200
    for query in ("Вигаданко Олександр Васильович", "3112030334", "UA213223130000026007233566001"):
        assert client.post("/search", json={"query": query}).status_code == 200
    client.post("/compare", json={"a": "Придуманова Анна", "b": "Придуманова Ганна"})
    client.post("/analyze-complexity", json={"text": TEXTS[1]})
    client.post("/process", json={"text": TEXTS[0], "options": {"lists": ["no-such-list"]}})  # 422
    client.post("/process", json={"text": TEXTS[0], "language": "de"})  # 422
    client.post("/admin/cleared", headers=auth,
                json={"query": "Вигаданко Олександр Васильович", "list": "demo", "entity_id": "demo-ua-person-01",
                      "reason": "tested: Вигаданко is a namesake", "cleared_by": "analyst"})
    for component in ("search", "morphology"):
        client.post(f"/health/test/{component}", headers=auth)

    signals = client.app.state.service.pipeline.layer("signals")
    real_run = signals.run

    async def failing_run(doc):
        if "Кабанченко" in doc.original:  # a bug whose message quotes the payment text
            raise ValueError(f"cannot attach ids in {doc.original!r}")
        await real_run(doc)

    monkeypatch.setattr(signals, "run", failing_run)
    assert client.post("/process", json={"text": f"Оплата {BOOM}"}).status_code == 500
    return secrets


def test_no_payment_data_in_logs_and_only_masked_entities_in_the_audit_log(
        log_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = tmp_path / "audit.jsonl"
    with make_client({"ADMIN_TOKEN": ADMIN, "AUDIT_LOG_PATH": str(audit)}) as client:
        wait_ready(client)
        secrets = _exercise(client, monkeypatch)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    # The log really captured the run: a line per request with its id, and the 500's traceback.
    requests = [ln for ln in lines if ln["message"] == "request"]
    assert len(requests) >= 15 and all(ln["request_id"] != "-" for ln in requests)
    assert any(ln.get("exc_info") and "ValueError" in ln["exc_info"] for ln in lines)
    assert len(secrets) > len(RAW)  # normalized forms were collected too
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == [], f"payment data in the log: {leaked}"

    records, skipped = read_records(audit)
    assert skipped == 0 and len(records) >= 10
    raw_audit = audit.read_text(encoding="utf-8")
    assert sorted(s for s in secrets if s in raw_audit) == []
    for record in records:
        for person in record.get("entities", {}).get("persons", []):
            assert MARKER.fullmatch(person["name"])
            assert all(MARKER.fullmatch(i["value"]) for i in person["ids"])
        for ident in record.get("entities", {}).get("ids", []):
            assert MARKER.fullmatch(ident["value"])
        for date in record.get("entities", {}).get("dates", []):
            assert MARKER.fullmatch(date["value"])
        assert all(MARKER.fullmatch(m["query"]) for m in record["matches"] if "query" in m)
