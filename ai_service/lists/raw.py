"""Raw bytes → Python values, with precise ``ListFormatError``s for broken sources.

Shared by the parsers so that an empty, truncated or mis-shaped file fails the
same way everywhere instead of yielding a silently shorter list.
"""

from __future__ import annotations

from typing import Any

import orjson

from ai_service.lists.errors import ListFormatError
from ai_service.lists.model import Entity


def require_content(data: bytes, list_name: str, fmt: str) -> None:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ListFormatError(list_name, fmt, f"expected bytes, got {type(data).__name__}")
    if not bytes(data).strip():
        raise ListFormatError(list_name, fmt, "empty file")


def decode_text(data: bytes, list_name: str, fmt: str) -> str:
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = f"not valid UTF-8 at byte {exc.start} (truncated or wrong encoding)"
        raise ListFormatError(list_name, fmt, reason) from None


def load_json_array(data: bytes, list_name: str, fmt: str) -> list[dict[str, Any]]:
    """A JSON document that must be a non-empty array of objects."""
    require_content(data, list_name, fmt)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        # orjson's message gives position only (line/column/char), never content.
        raise ListFormatError(list_name, fmt, f"invalid or truncated JSON: {exc}") from None
    if not isinstance(value, list):
        raise ListFormatError(list_name, fmt, f"top level is a JSON {_json_type(value)}, expected an array of objects")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ListFormatError(list_name, f"{fmt} item {index}", f"is a JSON {_json_type(item)}, expected an object")
    return value


def require_entities(entities: list[Entity], list_name: str, fmt: str) -> list[Entity]:
    if not entities:
        raise ListFormatError(list_name, fmt, "the file parsed but contains no entities")
    return entities


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number"
