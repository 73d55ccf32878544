"""Errors that reach clients: each has an HTTP status and a machine code (SPEC §3)."""

from __future__ import annotations

from typing import Any

import orjson


class ServiceError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class MalformedJSON(ServiceError):
    status_code = 400
    code = "malformed_json"


class Unauthorized(ServiceError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class MethodNotAllowed(ServiceError):
    status_code = 405
    code = "method_not_allowed"


class RequestTimeout(ServiceError):
    status_code = 408
    code = "request_timeout"

    @classmethod
    def json_body(cls, part: str, seconds: float, request_id: str | None) -> bytes:
        """The 408 answer's JSON for the request ``part`` (headers, body) not received in time:
        written by the protocol and the middleware themselves, below the app's error handlers."""
        exc = cls(f"the request {part} was not received within {seconds:g} seconds",
                  details={"timeout_seconds": seconds})
        return orjson.dumps({**exc.to_dict(), "request_id": request_id})


class PayloadTooLarge(ServiceError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(ServiceError):
    status_code = 415
    code = "unsupported_media_type"


class InvalidInput(ServiceError):
    """A schema violation: ``details`` names the field and the reason."""

    status_code = 422
    code = "validation_error"

    def __init__(self, field: str, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"{field}: {reason}", details={"field": field, "reason": reason})
        self.field = field
        self.reason = reason


class RateLimited(ServiceError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limit exceeded", details={"retry_after_seconds": retry_after})
        self.retry_after = retry_after


class NotReady(ServiceError):
    status_code = 503
    code = "not_ready"
