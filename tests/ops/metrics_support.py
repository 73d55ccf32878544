"""Support code for the metrics/Gunicorn tests (imported by name, so it is not a test module).

* ``app``: a minimal ASGI app wired like ai-service's HTTP layer, for running gunicorn.conf.py:
  GET /work records what a /process request records, GET /metrics renders the merged
  exposition, and each /work request logs one line carrying the request id.
* ``record_in_child``: the body of a spawned worker process in the multiprocess test.
"""

from __future__ import annotations

import logging
import os
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ai_service import metrics
from ai_service.logging_setup import request_id_var

log = logging.getLogger("ai_service.testapp")


async def work(request: Request) -> Response:
    started = time.perf_counter()
    token = request_id_var.set(request.headers.get("x-request-id", "-"))
    metrics.in_flight(1)
    try:
        metrics.observe_layers({layer: 0.00002 for layer in metrics.LAYERS})
        metrics.count_decision("clear")
        metrics.set_list_gauges([("demo", 3, 1_700_000_000.0)])
        log.info("screened %s", request.query_params.get("text", ""), extra={"status": 200})
        return JSONResponse({"pid": os.getpid()})
    finally:
        metrics.in_flight(-1)
        metrics.observe_request("/work", "GET", 200, time.perf_counter() - started)
        request_id_var.reset(token)


async def metrics_endpoint(request: Request) -> Response:
    body, content_type = metrics.render()
    return Response(body, headers={"content-type": content_type})


app = Starlette(routes=[Route("/work", work), Route("/metrics", metrics_endpoint)])


def record_in_child(requests: int, entities: int, circuit: str) -> None:
    """What one worker records; leaves one request in flight. Values are flushed at exit."""
    for _ in range(requests):
        metrics.observe_request("/process", "POST", 200, 0.003)
    metrics.observe_layers({"search": 0.0002})
    metrics.count_decision("high")
    metrics.set_list_gauges([("ofac_sdn", entities, 1_700_000_000.0 + entities)])
    metrics.set_circuit_state(circuit)
    metrics.in_flight(1)
