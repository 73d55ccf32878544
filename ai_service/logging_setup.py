"""JSON-lines logging with a request id on every line and payment data masked.

Masking policy (SPEC section 9: "payment text and names masked at INFO and above"): by
default every level is masked, DEBUG included, so turning LOG_LEVEL=DEBUG on in production
never leaks. A developer may set ``mask_from_level: INFO`` on the masking filter in
logging.yaml to see DEBUG payloads locally. What is masked, per record:

* message arguments (``log.info("screening %s", text)``) except numbers and values wrapped
  in ``safe()`` (list names, paths, error reasons that carry no payment data);
* the extra fields ``text``, ``query``, ``name``, ``names`` (and the same keys of a dict message);
* any run of 8 or more digits left in the final message;
* in an exception's traceback, every exception message (``KeyError: 'петренку'`` becomes
  ``KeyError: <masked …>``, chained and grouped exceptions included): an exception raised
  deep in the pipeline may quote the text it choked on. Types, files, lines and source
  lines stay readable, which is what finding the bug needs.

A masked value reads ``<masked sha256:1a2b3c4d len=57>``: equal inputs give equal markers,
so lines can be correlated without showing the data. Text baked into the format string itself
(f-strings) cannot be told apart from prose: pass payment data as arguments or extras.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import logging.config
import os
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
import yaml
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter
from pythonjsonlogger.orjson import orjson_default

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

MASKED_FIELDS = frozenset({"text", "query", "name", "names"})
DEFAULT_CONFIG_FILE = "logging.yaml"
_REPO_ROOT = Path(__file__).resolve().parents[1]
# Already-masked markers are matched first so their hex digits are never masked again.
_DIGITS = re.compile(r"<masked sha256:[0-9a-f]{8} len=\d+>|\d{8,}")
_PLAIN_TYPES = (int, float, type(None))
_TRACEBACKS = logging.Formatter()


def mask_value(value: str, key: bytes | None = None) -> str:
    """The marker for ``value``; with ``key`` (the audit log's AUDIT_HASH_KEY) a keyed HMAC,
    so a reader without the key cannot confirm a guessed name or date from the marker."""
    data = value.encode("utf-8", "surrogatepass")
    if key is None:
        return f"<masked sha256:{hashlib.sha256(data).hexdigest()[:8]} len={len(value)}>"
    return f"<masked hmac:{hmac.new(key, data, hashlib.sha256).hexdigest()[:8]} len={len(value)}>"


class SafeStr(str):
    """A log argument declared free of payment data; MaskingFilter leaves it alone."""


def safe(value: object) -> SafeStr:
    return SafeStr(value)


def _mask_any(value: Any) -> Any:
    if isinstance(value, (SafeStr, *_PLAIN_TYPES)):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_mask_any(v) for v in value]
    return mask_value(str(value))


def _mask_digits(message: str) -> str:
    return _DIGITS.sub(lambda m: m.group() if m.group()[0] == "<" else mask_value(m.group()), message)


# Traceback layout: frame, source and caret lines are indented; exception groups prefix
# their lines with "| " or "+"; everything else is a header, a chain separator, or an
# exception's own text ("Type: message", a message's further lines, notes).
_TB_PREFIX = re.compile(r"^(?:\s*[|+] )*")
_TB_STRUCTURE = frozenset({
    "", "Traceback (most recent call last):", "Exception Group Traceback (most recent call last):",
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:"})
_TB_TYPE_ONLY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*(?:Error|Exception|Warning|Exit|Interrupt|Iteration|Group)$")
_TB_TYPE_MESSAGE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*): (.*)$")


def mask_traceback(text: str) -> str:
    """A formatted traceback with every exception message masked (and digit runs, as anywhere)."""
    out = []
    for line in text.split("\n"):
        prefix = _TB_PREFIX.match(line).group()  # type: ignore[union-attr]  # always matches
        body = line[len(prefix):]
        if body.startswith((" ", "+-", "...")) or body.rstrip() in _TB_STRUCTURE or _TB_TYPE_ONLY.match(body):
            out.append(line)
            continue
        typed = _TB_TYPE_MESSAGE.match(body)
        out.append(prefix + (f"{typed.group(1)}: {mask_value(typed.group(2))}" if typed else mask_value(body)))
    return _mask_digits("\n".join(out))


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-") on every record that has none."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "request_id" not in record.__dict__:
            record.request_id = request_id_var.get()
        return True


class MaskingFilter(logging.Filter):
    def __init__(self, name: str = "", mask_from_level: str | int = logging.DEBUG,
                 mask_args: bool = True, fields: Iterable[str] = MASKED_FIELDS) -> None:
        super().__init__(name)
        self.mask_from = (mask_from_level if isinstance(mask_from_level, int)
                          else logging.getLevelNamesMapping()[mask_from_level.upper()])
        self.mask_args = mask_args
        self.fields = frozenset(fields)

    def filter(self, record: logging.LogRecord) -> bool:
        # The same record may pass several handlers; mask it once.
        if record.levelno < self.mask_from or record.__dict__.get("_ai_masked"):
            return True
        record._ai_masked = True
        attrs = record.__dict__
        for field in self.fields:
            if field in attrs and field != "name":  # record.name is the logger name
                attrs[field] = _mask_any(attrs[field])
        if isinstance(record.msg, Mapping):
            record.msg = {k: _mask_any(v) if k in self.fields
                          else _mask_digits(v) if isinstance(v, str) else v for k, v in record.msg.items()}
            return True
        args = record.args
        if args and self.mask_args:
            record.args = ({k: _mask_any(v) for k, v in args.items()} if isinstance(args, Mapping)
                           else tuple(_mask_any(a) for a in args))
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # malformed call: never echo its raw arguments
            message = f"{record.msg} <unformattable arguments masked>"
        record.msg, record.args = _mask_digits(message), None
        if record.exc_info:
            # Exception messages may quote the input: pre-render the traceback with ids masked
            # (formatters fall back to exc_text once exc_info is gone).
            record.exc_text = mask_traceback(_TRACEBACKS.formatException(record.exc_info))
            record.exc_info = None
        return True


class AccessFieldsFilter(logging.Filter):
    """Uvicorn access records: client/method/path/status fields; the query string is dropped
    (it could carry data; the API takes its input in bodies, which are never logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, full_path, version, status = args
            path = str(full_path).split("?", 1)[0]
            record.args = (client, method, path, version, status)
            record.client, record.method, record.status = client, method, status
            record.path = _mask_digits(path)
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: timestamp, level, logger, message, request_id, then extras."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("timestamp", True)  # UTC ISO-8601 from record.created
        kwargs.setdefault("json_ensure_ascii", False)  # keep Cyrillic readable
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "process": "pid"})
        super().__init__(*args, **kwargs)
        self._plain = self._plain_options()

    def format(self, record: logging.LogRecord) -> str:
        # The usual record (a text message, no exception or stack, the default options) is built
        # here directly: the same object the base class builds, for a third of its cost — the
        # access log pays it on every request. Anything else takes the base class's way.
        if (not self._plain or isinstance(record.msg, dict) or record.exc_info or record.exc_text
                or record.stack_info):
            return super().format(record)
        record.message = record.getMessage()
        attrs = record.__dict__
        rename = self.rename_fields
        log_data: dict[str, Any] = {"timestamp": None}
        for field in self._required_fields:
            log_data[rename.get(field, field)] = attrs.get(field)
        skip = self._skip_fields
        for key, value in attrs.items():
            if key not in skip and not key.startswith("_"):
                log_data[rename.get(key, key)] = value
        log_data["timestamp"] = datetime.fromtimestamp(record.created, tz=timezone.utc)
        log_data.pop("color_message", None)
        return self.jsonify_log_record(log_data)

    def _plain_options(self) -> bool:
        return (self.timestamp is True and not self.defaults and not self.static_fields and not self.prefix
                and not self.rename_fields_keep_missing and "asctime" not in self._required_fields
                and "timestamp" not in self.rename_fields and type(self).process_log_record is JsonFormatter.process_log_record)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        log_data["timestamp"] = None  # reserves the first position; filled by the base class
        super().add_fields(log_data, record, message_dict)
        log_data.pop("color_message", None)  # uvicorn's ANSI duplicate of the message

    def jsonify_log_record(self, log_data: dict[str, Any]) -> str:
        # orjson: ~15 us less per line than json.dumps, which matters with a line per request.
        try:
            return orjson.dumps(log_data, default=orjson_default, option=orjson.OPT_NON_STR_KEYS).decode()
        except (TypeError, orjson.JSONEncodeError):  # e.g. ints beyond 64 bits
            return super().jsonify_log_record(log_data)


def fallback_config() -> dict[str, Any]:
    """What logging.yaml configures, for when the file is missing."""
    fmt = "%(levelname)s %(name)s %(message)s %(request_id)s %(process)s"
    filters: dict[str, Any] = {
        "request_id": {"()": f"{__name__}.RequestIdFilter"},
        "masking": {"()": f"{__name__}.MaskingFilter"},
        "server_masking": {"()": f"{__name__}.MaskingFilter", "mask_args": False},
        "access_fields": {"()": f"{__name__}.AccessFieldsFilter"},
    }
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    server = {"level": "INFO", "handlers": ["server"], "propagate": False}
    access = {"level": "INFO", "handlers": ["access"], "propagate": False}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter", "fmt": fmt}},
        "filters": filters,
        "handlers": {"console": {**handler, "filters": ["request_id", "masking"]},
                     "server": {**handler, "filters": ["request_id", "server_masking"]},
                     "access": {**handler, "filters": ["access_fields", "request_id", "server_masking"]}},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {"uvicorn.error": dict(server), "gunicorn.error": dict(server),
                    "uvicorn.access": dict(access), "gunicorn.access": dict(access),
                    **{n: {"level": "WARNING"} for n in ("httpx", "httpcore", "elastic_transport", "pymorphy3")}},
    }


def resolve_config_path(config_path: str | None) -> Path:
    """LOG_CONFIG semantics: a relative path is tried from the working dir, then the repo root."""
    path = Path(config_path or os.environ.get("LOG_CONFIG") or DEFAULT_CONFIG_FILE)
    if not path.is_absolute() and not path.exists() and (_REPO_ROOT / path).exists():
        return _REPO_ROOT / path
    return path


def apply_level(config: dict[str, Any], level: str | None) -> dict[str, Any]:
    """LOG_LEVEL: the root logger takes it; named loggers keep a higher configured level."""
    if not level:
        return config
    mapping = logging.getLevelNamesMapping()
    wanted = mapping.get(level.strip().upper())
    if wanted is None:
        raise ValueError(f"LOG_LEVEL {level!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    config.setdefault("root", {})["level"] = logging.getLevelName(wanted)
    for logger_cfg in config.get("loggers", {}).values():
        current = mapping.get(str(logger_cfg.get("level", "NOTSET")).upper(), 0)
        logger_cfg["level"] = logging.getLevelName(max(current, wanted))
    return config


def load_logging_config(config_path: str | None = None, level: str | None = None) -> dict[str, Any]:
    """The dictConfig for ``config_path`` (or LOG_CONFIG) with the LOG_LEVEL override applied.

    Raises FileNotFoundError when the file is missing; configure_logging() falls back then.
    """
    with resolve_config_path(config_path).open(encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    if not isinstance(config, dict):
        raise ValueError("logging config must be a mapping (logging.config.dictConfig schema)")
    return apply_level(config, level if level is not None else os.environ.get("LOG_LEVEL"))


_SOURCE_FIELDS = ("pathname", "filename", "module", "funcName", "lineno")
_THREAD_FIELDS = ("thread", "threadName")
_LOGGING_SRCFILE = logging._srcfile  # type: ignore[attr-defined]  # what findCaller needs, to restore it


def collect_only_used_fields(config: Mapping[str, Any]) -> None:
    """Stop the logging module collecting record fields no configured formatter shows: the call
    site (a stack walk per record), the thread and the process name. With the JSON formats that
    is ~15 % of the cost of a log line, which the access log pays on every request (Logging
    HOWTO, "Optimization"). A LOG_CONFIG whose format names them gets them as before."""
    formats = " ".join(str(f.get("fmt", "")) + " " + str(f.get("format", ""))
                       for f in (config.get("formatters") or {}).values() if isinstance(f, Mapping))
    source = any(f"({n})" in formats for n in _SOURCE_FIELDS)
    logging._srcfile = _LOGGING_SRCFILE if source else None  # type: ignore[attr-defined]
    logging.logThreads = any(f"({n})" in formats for n in _THREAD_FIELDS)
    logging.logMultiprocessing = "(processName)" in formats


def configure_logging(config_path: str | None = None, level: str | None = None) -> None:
    """Apply logging.yaml (or LOG_CONFIG) with LOG_LEVEL; built-in JSON config if the file is missing."""
    try:
        config, missing = load_logging_config(config_path, level), None
    except FileNotFoundError as exc:
        missing = exc.filename or str(config_path)
        config = apply_level(fallback_config(), level if level is not None else os.environ.get("LOG_LEVEL"))
    logging.config.dictConfig(config)
    collect_only_used_fields(config)
    if missing:
        logging.getLogger(__name__).warning("logging config %s not found; using the built-in JSON config",
                                            safe(missing))
