"""The OpenAPI 3.1 document served at /openapi.json (written to match api/requests.py)."""

from __future__ import annotations

from typing import Any

from ai_service import __version__
from ai_service.selftest import COMPONENTS as SELF_TEST_COMPONENTS

_LISTS = {"anyOf": [{"type": "null"}, {"type": "array", "items": {"type": "string", "minLength": 1},
                                        "maxItems": 50}]}
_ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {}}},
    "request_id": {"type": "string"}}}
# null is accepted wherever requests.py reads it as "the default" (options, language, flags).
_OPTIONS = {"anyOf": [{"type": "null"}, {"type": "object", "properties": {
    "search": {"type": ["boolean", "null"], "default": True},
    "explain": {"type": ["boolean", "null"], "default": False},
    "lists": _LISTS,
    "threshold": {"anyOf": [{"type": "null"}, {"type": "number", "minimum": 0, "maximum": 1}]}}}]}
_LANGUAGE = {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["auto", "uk", "ru", "en"]}],
             "default": "auto"}
_MATCH = {"type": "object", "required": ["list", "entity_id", "entity_type", "name", "score", "matched_by"],
          "properties": {"list": {"type": "string"}, "entity_id": {"type": "string"},
                         "entity_type": {"type": "string"}, "name": {"type": "string"},
                         "score": {"type": "number", "minimum": 0, "maximum": 1},
                         "matched_by": {"type": "array", "items": {"type": "string"}},
                         "query": {"type": "string"}, "alias": {"type": "string"},
                         "explanation": {"type": "object"}}}
_PROCESS_RESPONSE = {"type": "object", "required": [
    "request_id", "language", "normalized_text", "tokens", "triggers", "signals", "matches", "decision",
    "timings_ms"], "properties": {
    "request_id": {"type": "string"}, "language": {"type": "string"},
    "normalized_text": {"type": "string"}, "tokens": {"type": "array", "items": {"type": "string"}},
    "triggers": {"type": "array", "items": {"type": "object"}},
    "signals": {"type": "object", "required": ["persons", "organizations", "ids", "dates"]},
    "matches": {"type": "array", "items": _MATCH},
    "decision": {"type": "object", "required": ["risk", "score", "reasons", "review_required",
                                                "required_additional_fields"], "properties": {
        "risk": {"type": "string", "enum": ["high", "medium", "low", "clear"]},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "review_required": {"type": "boolean"},
        "required_additional_fields": {"type": "array", "items": {"type": "string"}}}},
    "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}},
    "trace": {"type": "array"}}}

_SLOT_ERROR = {"type": "object", "required": ["error", "status"], "properties": {
    "error": _ERROR["properties"]["error"], "status": {"type": "integer", "minimum": 400, "maximum": 599}}}

_SELF_TEST = {"type": "object", "required": ["component", "status", "seconds", "details"], "properties": {
    "component": {"type": "string"}, "status": {"type": "string", "enum": ["pass", "fail", "skipped"]},
    "seconds": {"type": "number", "minimum": 0}, "details": {"type": "object"}, "reason": {"type": "string"}}}

_CLEARED_PAIR = {"type": "object", "required": ["query", "list", "entity_id"], "properties": {
    "query": {"type": "string", "minLength": 1, "maxLength": 500},
    "list": {"type": "string", "minLength": 1, "maxLength": 200},
    "entity_id": {"type": "string", "minLength": 1, "maxLength": 200},
    "reason": {"type": "string", "maxLength": 1000}, "cleared_by": {"type": "string", "maxLength": 1000}}}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _responses(ok: dict, *codes: int) -> dict:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}}}
    text = {400: "Malformed JSON", 401: "Missing or invalid credentials", 403: "Forbidden",
            413: "Body too large", 415: "Wrong content type", 422: "Schema violation",
            429: "Rate limit hit", 503: "Not ready", 409: "Reload failed", 404: "Not found"}
    for c in codes:
        out[str(c)] = {"description": text[c], "content": {"application/json": {"schema": _ERROR}}}
    return out


def _post(summary: str, body: dict, ok: dict, *codes: int) -> dict:
    return {"post": {"summary": summary, "requestBody": _body(body), "responses": _responses(ok, *codes)}}


def _get(summary: str, ok: dict | None = None, *codes: int) -> dict:
    return {"get": {"summary": summary, "responses": _responses(ok or {"type": "object"}, *codes)}}


def build_openapi(max_input_length: int, max_batch_size: int) -> dict:
    text = {"type": "string", "minLength": 1, "maxLength": max_input_length}
    name = {"type": "string", "minLength": 1, "maxLength": 500}
    entity_type = {"anyOf": [{"type": "null"}, {"type": "string", "enum": ["person", "organization"]}]}
    errs = (400, 401, 413, 415, 422, 429, 503)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ai-service", "version": __version__,
                 "description": "Screening of payment descriptions against sanctions lists."},
        "components": {"securitySchemes": {
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/process": _post("Screen one text", {"type": "object", "required": ["text"], "properties": {
                "text": text, "language": _LANGUAGE, "options": _OPTIONS}}, _PROCESS_RESPONSE, *errs),
            "/process/batch": _post("Screen several texts", {"type": "object", "required": ["texts"], "properties": {
                # An item that is not a valid text does not fail the batch: it gets an error in its slot.
                "texts": {"type": "array", "minItems": 1, "maxItems": max_batch_size,
                          "items": {"anyOf": [text, {}]},
                          "description": f"texts of 1..{max_input_length} characters; any other item is "
                                         "answered with an error object in its slot"},
                "language": _LANGUAGE, "options": _OPTIONS}},
                {"type": "object", "required": ["results"], "properties": {
                    "results": {"type": "array", "items": {"anyOf": [_PROCESS_RESPONSE, _SLOT_ERROR]}}}}, *errs),
            "/search": _post("Look a name or identifier up", {"type": "object", "required": ["query"], "properties": {
                "query": name, "entity_type": entity_type,
                "limit": {"anyOf": [{"type": "null"}, {"type": "integer", "minimum": 1, "maximum": 100}],
                          "default": 10}, "lists": _LISTS}},
                {"type": "object", "required": ["results"], "properties": {
                    "results": {"type": "array", "items": _MATCH}}}, *errs),
            "/compare": _post("Score two names", {"type": "object", "required": ["a", "b"], "properties": {
                "a": name, "b": name, "entity_type": entity_type}},
                {"type": "object", "required": ["score", "match", "explanation"], "properties": {
                    "score": {"type": "number", "minimum": 0, "maximum": 1}, "match": {"type": "boolean"},
                    "explanation": {"type": "object"}}}, 400, 401, 413, 415, 422, 429),
            "/analyze-complexity": _post("Profile a text through the pipeline",
                                         {"type": "object", "required": ["text"], "properties": {
                                             "text": text, "language": _LANGUAGE}},
                                         {"type": "object", "required": ["complexity", "reasons", "timings_ms"]},
                                         *errs),
            "/health": _get("Process is up"),
            "/health/live": _get("Liveness"),
            "/health/ready": _get("Readiness (lists loaded and searchable)", None, 503),
            "/health/startup": _get("Start-up probe", None, 503),
            "/health/detailed": _get("Components and figures"),
            "/health/test/{component}": {"post": {
                "summary": "Run one component's self-test (admin token); 503 when it fails",
                "security": [{"apiKey": []}, {"bearer": []}],
                "parameters": [
                    {"name": "component", "in": "path", "required": True,
                     "schema": {"type": "string", "enum": list(SELF_TEST_COMPONENTS)}},
                    {"name": "list", "in": "query", "required": False, "schema": {"type": "string"},
                     "description": "with entity_id: the list entry search/elasticsearch screen"},
                    {"name": "entity_id", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {**_responses(_SELF_TEST, 401, 403, 404, 422, 429),
                              "503": {"description": "The self-test failed",
                                      "content": {"application/json": {"schema": _SELF_TEST}}}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {
                "description": "Prometheus text exposition", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/stats": _get("Processing statistics", None, 401, 429),
            "/lists": _get("Loaded lists", None, 401, 429),
            "/admin/lists/reload": {"post": {"summary": "Reload lists (atomic swap)",
                                             "security": [{"apiKey": []}, {"bearer": []}],
                                             "responses": _responses({"type": "object"}, 401, 403, 409, 429)}},
            "/admin/cache/clear": {"post": {"summary": "Clear caches", "security": [{"apiKey": []}, {"bearer": []}],
                                            "responses": _responses({"type": "object"}, 401, 403, 429)}},
            "/admin/cleared": {
                "post": {"summary": "Remember a reviewed false positive (query name, list, entity)",
                         "security": [{"apiKey": []}, {"bearer": []}],
                         "requestBody": _body(_CLEARED_PAIR),
                         "responses": {**_responses({"type": "object"}, 400, 401, 403, 413, 415, 422),
                                       "201": {"description": "Stored"}}},
                "get": {"summary": "Cleared pairs", "security": [{"apiKey": []}, {"bearer": []}],
                        "responses": _responses({"type": "object"}, 401, 403)},
                "delete": {"summary": "Forget a cleared pair", "security": [{"apiKey": []}, {"bearer": []}],
                           "requestBody": _body(_CLEARED_PAIR),
                           "responses": _responses({"type": "object"}, 400, 401, 403, 404, 413, 415, 422)}},
            "/openapi.json": _get("This document"),
        },
    }
