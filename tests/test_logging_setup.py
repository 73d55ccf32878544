"""ai_service.logging_setup and logging.yaml: JSON lines, request ids, masking, LOG_LEVEL."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_service.logging_setup import (
    JsonFormatter,
    MaskingFilter,
    apply_level,
    configure_logging,
    fallback_config,
    load_logging_config,
    mask_value,
    request_id_var,
    resolve_config_path,
    safe,
)

REPO = Path(__file__).resolve().parents[1]
LOGGING_YAML = REPO / "logging.yaml"
MARKER = re.compile(r"<masked sha256:[0-9a-f]{8} len=\d+>")
SERVER_LOGGERS = ("gunicorn.error", "gunicorn.access", "uvicorn.error", "uvicorn.access",
                  "httpx", "httpcore", "elastic_transport", "ai_service")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging() changes process-wide state; put it back for the other tests."""
    saved = {name: (lg.handlers[:], lg.level, lg.propagate, lg.disabled)
             for name in ("", *SERVER_LOGGERS) for lg in [logging.getLogger(name or None)]}
    flags = (logging._srcfile, logging.logThreads, logging.logMultiprocessing)  # type: ignore[attr-defined]
    yield
    logging._srcfile, logging.logThreads, logging.logMultiprocessing = flags  # type: ignore[attr-defined]
    for name, (handlers, level, propagate, disabled) in saved.items():
        lg = logging.getLogger(name or None)
        lg.handlers[:] = handlers
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_lines_are_json_with_the_contract_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(str(LOGGING_YAML), "INFO")
    logging.getLogger("ai_service.http").info("request", extra={"endpoint": "/process", "status": 200})
    logging.getLogger("ai_service.http").debug("not at INFO")
    [line] = lines(capsys)
    assert list(line)[:5] == ["timestamp", "level", "logger", "message", "request_id"]
    assert line["level"] == "INFO" and line["logger"] == "ai_service.http" and line["message"] == "request"
    assert line["request_id"] == "-" and isinstance(line["pid"], int)
    assert line["endpoint"] == "/process" and line["status"] == 200
    assert datetime.fromisoformat(line["timestamp"]).utcoffset() is not None


@pytest.mark.parametrize("options", [{}, {"rename_fields": {"levelname": "severity", "endpoint": "route"}},
                                     {"static_fields": {"service": "ai-service"}}, {"prefix": "@json "}])
def test_the_formatter_writes_what_python_json_logger_writes(options: dict[str, Any]) -> None:
    # format() builds the usual record itself (the access log's cost); it must equal the base class.
    formatter = JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s %(process)s", **options)
    record = logging.LogRecord("ai_service.http", logging.INFO, "x.py", 1, "request %s", ("done",), None)
    record.__dict__.update(endpoint="/process", status=200, request_id="r1", _ai_masked=True, color_message="x")
    expected = super(JsonFormatter, formatter).format(record)
    assert formatter.format(record) == expected
    assert "color_message" not in expected and "_ai_masked" not in expected
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert json.loads(formatter.format(record).removeprefix("@json "))["exc_info"].endswith("ValueError: boom")


def test_fields_a_format_names_are_collected_and_others_skipped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON formats show no call site or thread, so the logging module stops collecting them
    (a stack walk per line); a LOG_CONFIG whose format names them still gets them."""
    configure_logging(str(LOGGING_YAML), "INFO")
    record = logging.getLogger("ai_service.x").makeRecord("x", logging.INFO, "f.py", 1, "m", None, None)
    assert record.threadName is None and record.processName is None
    config = load_logging_config(str(LOGGING_YAML), "INFO")
    config["formatters"]["json"]["fmt"] += " %(funcName)s %(lineno)d %(threadName)s"
    path = tmp_path / "logging.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    configure_logging(str(path), "INFO")
    logging.getLogger("ai_service.http").info("request")
    [line] = lines(capsys)
    assert line["funcName"] == "test_fields_a_format_names_are_collected_and_others_skipped"
    assert line["lineno"] > 1 and line["threadName"] == "MainThread"


def test_request_id_follows_each_task(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(str(LOGGING_YAML), "INFO")
    log = logging.getLogger("ai_service.test")

    async def handle(request_id: str) -> None:
        request_id_var.set(request_id)
        await asyncio.sleep(0)  # interleave the two requests
        await asyncio.to_thread(log.info, "in a worker thread")  # to_thread copies the context
        log.info("done")

    async def main() -> None:
        await asyncio.gather(handle("req-a"), handle("req-b"))

    asyncio.run(main())
    log.info("outside any request")
    got = [(line["request_id"], line["message"]) for line in lines(capsys)]
    assert sorted(got[:4]) == [("req-a", "done"), ("req-a", "in a worker thread"),
                               ("req-b", "done"), ("req-b", "in a worker thread")]
    assert got[4] == ("-", "outside any request")


def test_payment_text_names_and_ids_are_masked_at_info(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(str(LOGGING_YAML), "INFO")
    text = "Оплата Петренку Олександру РНОКПП 3124509879"
    logging.getLogger("ai_service.test").info(
        "screened %s for list %s: %d matches, ref 1234567, iban UA213223130000026007233566001",
        text, safe("ua_nsdc_persons"), 2,
        extra={"text": text, "query": "Ковриков Роман", "names": ["Іван", "Петро"], "endpoint": "/process"})
    [line] = lines(capsys)
    output = json.dumps(line, ensure_ascii=False)
    for secret in ("Петренку", "3124509879", "Ковриков", "Іван", "26007233566001"):
        assert secret not in output
    assert line["message"].startswith(f"screened {mask_value(text)} for list ua_nsdc_persons: 2 matches")
    assert "ref 1234567," in line["message"]  # 7 digits: not an identifier
    assert line["text"] == mask_value(text) and MARKER.fullmatch(line["query"])
    assert all(MARKER.fullmatch(v) for v in line["names"]) and line["endpoint"] == "/process"


def test_mask_value_is_stable_and_reveals_only_hash_and_length() -> None:
    value = "Петренко Олександр Васильович"
    digest = hashlib.sha256(value.encode()).hexdigest()[:8]
    assert mask_value(value) == f"<masked sha256:{digest} len={len(value)}>"
    assert mask_value(value) == mask_value(value) != mask_value(value + " ")


def test_debug_is_masked_too_unless_configured(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(str(LOGGING_YAML), "DEBUG")
    logging.getLogger("ai_service.test").debug("token %s", "Петренко")
    [line] = lines(capsys)
    assert line["level"] == "DEBUG" and "Петренко" not in line["message"]

    dev = MaskingFilter(mask_from_level="INFO")  # logging.yaml: `mask_from_level: INFO`
    debug = logging.LogRecord("t", logging.DEBUG, __file__, 1, "token %s", ("Петренко",), None)
    info = logging.LogRecord("t", logging.INFO, __file__, 1, "token %s", ("Петренко",), None)
    assert dev.filter(debug) and dev.filter(info)
    assert debug.getMessage() == "token Петренко"
    assert info.getMessage() == f"token {mask_value('Петренко')}"


def test_records_are_masked_once_and_bad_arguments_never_leak() -> None:
    masking = MaskingFilter()
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "id %s", ("31245098791",), None)
    masking.filter(record)
    first = record.getMessage()
    masking.filter(record)  # a second handler sees the same record
    assert record.getMessage() == first == f"id {mask_value('31245098791')}"

    broken = logging.LogRecord("t", logging.ERROR, __file__, 1, "%s and %s", ("Петренко",), None)
    masking.filter(broken)
    assert "Петренко" not in broken.getMessage() and "unformattable" in broken.getMessage()

    try:
        raise ValueError("invalid РНОКПП 3124509879")
    except ValueError:
        failed = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    masking.filter(failed)
    assert failed.exc_text and f"ValueError: {mask_value('invalid РНОКПП 3124509879')}" in failed.exc_text
    assert "3124509879" not in failed.exc_text and 'raise ValueError("invalid' in failed.exc_text  # source kept

    as_dict = logging.LogRecord("t", logging.INFO, __file__, 1, {"text": "Петренко", "n": "acc 12345678"}, None, None)
    masking.filter(as_dict)
    assert as_dict.msg == {"text": mask_value("Петренко"), "n": f"acc {mask_value('12345678')}"}


def test_exception_messages_are_masked_in_chained_and_grouped_tracebacks() -> None:
    # The secrets reach the exceptions as values: source lines (shown in tracebacks) are code.
    token, name, payer = "петренку", "Петренку Олександру", "Кабанченко"

    def fail(word: str, full: str) -> None:
        try:
            {}[word]
        except KeyError as exc:
            raise RuntimeError(f"cannot normalize {full}\nsecond line: {full}") from exc

    try:
        try:
            fail(token, name)
        except RuntimeError as exc:
            raise ExceptionGroup(f"batch failed for {payer}", [exc, StopIteration()]) from None
    except ExceptionGroup:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    MaskingFilter().filter(record)
    text = record.exc_text or ""
    for secret in ("петренку", "Петренку", "Олександру", "Кабанченко"):
        assert secret not in text
    assert f"KeyError: {mask_value(repr(token))}" in text
    assert "RuntimeError: <masked sha256:" in text and "ExceptionGroup: <masked sha256:" in text
    assert "The above exception was the direct cause of the following exception:" in text
    assert "StopIteration" in text and "Traceback (most recent call last):" in text
    assert ", in fail" in text and "{}[word]" in text  # frames and source lines stay readable


def test_server_lines_keep_arguments_and_access_lines_are_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(str(LOGGING_YAML), "INFO")
    logging.getLogger("uvicorn.error").info("Uvicorn running on %s", "http://0.0.0.0:8000")
    request_id_var.set("req-7")
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "10.0.0.1:5123", "POST",
                                             "/process?acct=26007233566001", "1.1", 200)
    server, access = lines(capsys)
    assert server["message"] == "Uvicorn running on http://0.0.0.0:8000"
    assert access["message"] == '10.0.0.1:5123 - "POST /process HTTP/1.1" 200'
    assert (access["client"], access["method"], access["path"], access["status"]) == (
        "10.0.0.1:5123", "POST", "/process", 200)
    assert access["request_id"] == "req-7"


def test_log_level_override_keeps_quieter_libraries_quiet() -> None:
    config = apply_level(load_logging_config(str(LOGGING_YAML)), "debug")
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["httpx"]["level"] == "WARNING"
    assert config["loggers"]["uvicorn.error"]["level"] == "INFO"
    config = load_logging_config(str(LOGGING_YAML), "WARNING")
    assert {cfg["level"] for cfg in config["loggers"].values()} == {"WARNING"}
    with pytest.raises(ValueError, match="LOG_LEVEL"):
        apply_level(fallback_config(), "verbose")


def test_missing_file_falls_back_to_json_with_a_warning(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    configure_logging(str(tmp_path / "absent.yaml"), "INFO")
    logging.getLogger("ai_service.test").info("still JSON %s", "Петренко")
    warning, info = lines(capsys)
    assert warning["level"] == "WARNING" and "absent.yaml not found" in warning["message"]
    assert info["message"] == f"still JSON {mask_value('Петренко')}"


def test_config_path_from_env_or_repo_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOG_CONFIG", raising=False)
    assert resolve_config_path(None) == LOGGING_YAML  # relative default, found beside the package
    custom = tmp_path / "custom.yaml"
    custom.write_text(yaml.safe_dump(fallback_config()))
    monkeypatch.setenv("LOG_CONFIG", str(custom))
    assert resolve_config_path(None) == custom


def test_fallback_mirrors_logging_yaml() -> None:
    shipped, fallback = load_logging_config(str(LOGGING_YAML)), fallback_config()
    for section in ("formatters", "filters", "handlers", "loggers"):
        assert set(shipped[section]) == set(fallback[section]), section
    for name, handler in shipped["handlers"].items():
        assert handler["filters"] == fallback["handlers"][name]["filters"], name
    assert shipped["root"] == fallback["root"]
