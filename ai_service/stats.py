"""In-process request statistics for GET /stats (per worker; Prometheus sums workers)."""

from __future__ import annotations

import time
from collections import Counter, deque

WINDOW = 5000  # latest latencies kept per endpoint for percentiles


class RequestStats:
    def __init__(self) -> None:
        self.started = time.time()
        self.requests: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.risks: Counter[str] = Counter()
        self.latencies: dict[str, deque[float]] = {}

    def record(self, endpoint: str, status: int, seconds: float) -> None:
        self.requests[endpoint] += 1
        if status >= 400:
            self.errors[f"{endpoint} {status}"] += 1
        window = self.latencies.get(endpoint)
        if window is None:
            window = self.latencies[endpoint] = deque(maxlen=WINDOW)
        window.append(seconds)

    def record_risk(self, risk: str) -> None:
        self.risks[risk] += 1

    def snapshot(self) -> dict:
        return {
            "uptime_seconds": round(time.time() - self.started, 1),
            "requests": dict(self.requests),
            "errors": dict(self.errors),
            "decisions": dict(self.risks),
            "latency_ms": {ep: percentiles(list(w)) for ep, w in self.latencies.items()},
        }


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    values.sort()
    n = len(values)

    def pick(q: float) -> float:
        return round(values[min(n - 1, int(q * n))] * 1000, 3)

    return {"count": n, "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": round(values[-1] * 1000, 3)}
