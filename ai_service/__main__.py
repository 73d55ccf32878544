"""``python -m ai_service``: start the service as SPEC §10 configures it.

SERVICE_WORKERS > 1 runs Gunicorn with Uvicorn workers (gunicorn.conf.py),
otherwise a single Uvicorn process; both on SERVICE_HOST:SERVICE_PORT.
``python -m ai_service lists load [--force]`` builds the Elasticsearch index and exits.
"""

from __future__ import annotations

import os
import sys

from ai_service.config import ROOT, ConfigError, load_settings


def main(argv: list[str]) -> int:
    if argv[:1] == ["lists"]:  # python -m ai_service lists load [--force]
        from ai_service.search.es.cli import main as lists_main

        return lists_main(argv[1:])
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if settings.service_workers > 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from ai_service.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
    if settings.service_workers > 1:
        args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "ai_service.app:app"]
        os.execv(sys.executable, args)
    # Imported only here: before the exec above it was 0.1 s (YAML, JSON logging) of start-up thrown away.
    from ai_service.logging_setup import configure_logging

    configure_logging(settings.log_config, settings.log_level)
    import uvicorn

    from ai_service.api.http_timeouts import header_timeout_protocol

    uvicorn.run(
        "ai_service.app:app",
        host=settings.service_host,
        port=settings.service_port,
        log_config=None,  # keep the JSON logging configured above
        access_log=False,  # the service middleware logs every request once, without payloads
        timeout_keep_alive=5,
        http=header_timeout_protocol(settings.request_header_timeout_seconds),  # Uvicorn bounds no headers
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
