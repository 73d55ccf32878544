"""The Gunicorn worker class of the service (``worker_class`` in ``gunicorn.conf.py``): Uvicorn's, plus

* the request-header timeout (``api/http_timeouts.py``, REQUEST_HEADER_TIMEOUT_SECONDS), which
  Uvicorn's own worker has no setting for;
* a replacement worker (Gunicorn's spawn counter, its ``age``, past the configured worker
  count: it replaces one that died or was recycled) is marked so that the application holds
  off accepting connections until its lists are loaded (``respawn.py``).
"""

from __future__ import annotations

import os
from typing import Any

from uvicorn_worker import UvicornWorker as _UvicornWorker

from ai_service.api.http_timeouts import header_timeout_protocol
from ai_service.config import ConfigError, Settings, load_settings
from ai_service.respawn import RESPAWN_ENV


def _header_timeout() -> float:
    try:
        return load_settings().request_header_timeout_seconds
    except ConfigError:  # the app names the bad variable when it starts; keep the default here
        return Settings().request_header_timeout_seconds


class UvicornWorker(_UvicornWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.http = header_timeout_protocol(_header_timeout())

    def init_process(self) -> None:
        # In the forked worker, before the application is imported and started.
        if self.age > self.cfg.workers:
            os.environ[RESPAWN_ENV] = "1"
        super().init_process()
