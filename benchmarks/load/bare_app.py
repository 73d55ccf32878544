"""The machine's ceiling: a bare Starlette + orjson endpoint, served by the same
Gunicorn + Uvicorn-worker stack as the service (``gunicorn -c gunicorn.conf.py
benchmarks.load.bare_app:app``). ``POST /process`` parses the JSON body and answers
a small JSON object — no screening — so its throughput under the same load tool
is what the server stack alone allows on this machine in the same minute.
"""

from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


class ORJSONResponse(Response):
    media_type = "application/json"

    def render(self, content: object) -> bytes:
        return orjson.dumps(content)


async def process(request: Request) -> Response:
    body = orjson.loads(await request.body())
    text = body.get("text", "") if isinstance(body, dict) else ""
    return ORJSONResponse({"characters": len(text), "decision": {"risk": "clear"}})


async def ready(request: Request) -> Response:
    return ORJSONResponse({"status": "ready"})


app = Starlette(routes=[Route("/process", process, methods=["POST"]),
                        Route("/health/ready", ready, methods=["GET"])])
