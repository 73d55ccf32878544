"""Reading and validating request bodies: precise 4xx errors, never a 500.

Each endpoint's body is checked field by field; errors name the field and the
reason (422), a body that is not JSON is 400, a wrong content type 415, and a
body over the limit 413 — checked on Content-Length and again while reading.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from ai_service.errors import InvalidInput, MalformedJSON, PayloadTooLarge, UnsupportedMediaType
from ai_service.pipeline.document import Options

LANGUAGES = ("auto", "uk", "ru", "en")
ENTITY_TYPES = ("person", "organization")
MAX_LISTS = 50
MAX_QUERY_LENGTH = 500
MAX_SEARCH_LIMIT = 100
MAX_JSON_DEPTH = 1024  # orjson's own nesting limit


async def read_json(request: Request, limit: int) -> Any:
    ctype = request.headers.get("content-type", "")
    media = ctype.split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise UnsupportedMediaType(
            f"expected Content-Type application/json, got {media or 'none'}",
            details={"expected": "application/json", "got": media or None},
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body exceeds {limit} bytes", details={"limit_bytes": limit})
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes", details={"limit_bytes": limit})
    if not body:
        raise MalformedJSON("request body is empty; expected a JSON object")
    try:
        return orjson.loads(bytes(body))
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc):  # orjson stops at 1024 levels; say so rather than "invalid"
            raise MalformedJSON(f"request body nests arrays/objects deeper than {MAX_JSON_DEPTH} levels",
                                details={"reason": "too deeply nested", "max_depth": MAX_JSON_DEPTH}) from None
        raise MalformedJSON(f"request body is not valid JSON: {exc}") from None


def require_object(data: Any, field: str = "body") -> dict:
    if not isinstance(data, dict):
        raise InvalidInput(field, "must be a JSON object")
    return data


def text_field(data: dict, field: str, max_length: int) -> str:
    if field not in data:
        raise InvalidInput(field, "field required")
    value = data[field]
    return check_text(value, field, max_length)


def check_text(value: Any, field: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, "must be a string")
    if not value:
        raise InvalidInput(field, "must not be empty")
    if len(value) > max_length:
        raise InvalidInput(field, f"too long: {len(value)} characters, the limit is {max_length}")
    return value


def language_field(data: dict) -> str:
    value = data.get("language", "auto")
    if value is None:
        return "auto"
    if value not in LANGUAGES:
        raise InvalidInput("language", f"must be one of {', '.join(LANGUAGES)}")
    return value


def lists_field(value: Any, field: str) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput(field, "must be null or an array of list names")
    if len(value) > MAX_LISTS:
        raise InvalidInput(field, f"at most {MAX_LISTS} list names")
    return frozenset(value)


def _bool(opts: dict, name: str, default: bool) -> bool:
    value = opts.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidInput(f"options.{name}", "must be true or false")
    return value


def options_field(data: dict) -> Options:
    opts = data.get("options")
    if opts is None:
        return Options()
    if not isinstance(opts, dict):
        raise InvalidInput("options", "must be a JSON object")
    threshold = opts.get("threshold")
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
            raise InvalidInput("options.threshold", "must be null or a number between 0 and 1")
        threshold = float(threshold)
    return Options(
        search=_bool(opts, "search", True),
        explain=_bool(opts, "explain", False),
        lists=lists_field(opts.get("lists"), "options.lists"),
        threshold=threshold,
    )


def entity_type_field(data: dict) -> str | None:
    value = data.get("entity_type")
    if value is None:
        return None
    if value not in ENTITY_TYPES:
        raise InvalidInput("entity_type", f"must be null or one of {', '.join(ENTITY_TYPES)}")
    return value


def limit_field(data: dict) -> int:
    value = data.get("limit", 10)
    if value is None:
        return 10
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SEARCH_LIMIT:
        raise InvalidInput("limit", f"must be a whole number from 1 to {MAX_SEARCH_LIMIT}")
    return value


def texts_field(data: dict, max_batch: int) -> list[Any]:
    if "texts" not in data:
        raise InvalidInput("texts", "field required")
    texts = data["texts"]
    if not isinstance(texts, list):
        raise InvalidInput("texts", "must be an array of strings")
    if not texts:
        raise InvalidInput("texts", "must not be empty")
    if len(texts) > max_batch:
        raise InvalidInput("texts", f"too many texts: {len(texts)}, the limit is {max_batch}")
    return texts
