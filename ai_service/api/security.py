"""Who may call what: API keys for screening, the admin token for /admin/* and self-tests.

Health probes, /metrics and /openapi.json are open (probes and scrapers carry
no secrets). When ``API_KEYS`` is set every other route needs ``X-API-Key`` or
``Authorization: Bearer``. ``/admin/*`` and ``/health/test/*`` (self-tests run real
work on demand) always need ``ADMIN_TOKEN`` and are disabled (403) when it is unset.
Comparisons take constant time.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

from ai_service.errors import Forbidden, RateLimited, Unauthorized

PUBLIC_PATHS = frozenset({"/health", "/health/live", "/health/ready", "/health/startup",
                          "/health/detailed", "/metrics", "/openapi.json"})
ADMIN_ROOTS = ("/admin", "/health/test")


def access_class(path: str) -> str:
    """'public', 'admin' or 'api' for a request path."""
    if path in PUBLIC_PATHS:
        return "public"
    if path in ADMIN_ROOTS or path.startswith(tuple(f"{root}/" for root in ADMIN_ROOTS)):
        return "admin"
    return "api"


def _presented(headers: dict[bytes, bytes]) -> str | None:
    key = headers.get(b"x-api-key")
    if key:
        return key.decode("latin-1")
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return None


def _matches(presented: str, secrets: tuple[str, ...]) -> bool:
    ok = False
    for secret in secrets:  # check all, so timing does not tell which key is close
        ok |= hmac.compare_digest(presented.encode(), secret.encode())
    return ok


@dataclass
class Guard:
    api_keys: tuple[str, ...]
    admin_token: str | None

    def check(self, path: str, headers: dict[bytes, bytes]) -> str | None:
        """Raise for a refused request; return the caller's key (for rate limits)."""
        cls = access_class(path)
        if cls == "public":
            return None
        presented = _presented(headers)
        if cls == "admin":
            if not self.admin_token:
                raise Forbidden("admin endpoints are disabled: ADMIN_TOKEN is not set")
            if presented is None or not _matches(presented, (self.admin_token,)):
                raise Unauthorized("admin token required (X-API-Key or Authorization: Bearer)")
            return presented
        if self.api_keys:
            if presented is None:
                raise Unauthorized("API key required (X-API-Key or Authorization: Bearer)")
            if not _matches(presented, self.api_keys):
                raise Unauthorized("invalid API key")
        return presented


class TokenBucket:
    """Per-client token buckets: ``rate`` requests per minute, bursts up to ``rate``."""

    def __init__(self, per_minute: int, max_clients: int = 100_000) -> None:
        self.capacity = float(per_minute)
        self.refill = per_minute / 60.0
        self.max_clients = max_clients
        self.buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str) -> None:
        now = time.monotonic()
        tokens, last = self.buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.refill)
        if tokens < 1.0:
            self.buckets[client] = (tokens, now)
            raise RateLimited(max(1, int((1.0 - tokens) / self.refill + 0.999)))
        if len(self.buckets) >= self.max_clients and client not in self.buckets:
            self.buckets.clear()  # bounded memory under a flood of distinct clients
        self.buckets[client] = (tokens - 1.0, now)
