"""Session fixtures shared by the test suite."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def pipeline():
    """A pipeline with no search backend: layers 1–7 and the decision."""
    from ai_service.pipeline.orchestrator import Pipeline

    return Pipeline(lambda: None)


@pytest.fixture(scope="session")
def process(pipeline):
    def _process(text: str, language: str = "auto"):
        return asyncio.run(pipeline.process(text, language))

    return _process


# -- the whole suite's logs, grepped for payment data ---------------------------------
# Every INFO+ record of the in-process app during the run goes through the production
# formatter and masking into one file (a copy of the record: other handlers see it
# unchanged); at the end that file and every *.log a test left in its temp dir (the
# services started as subprocesses) must hold none of the names and identifiers the
# tests screen. A hit fails the run.
SUITE_LOG_SENTINELS = ("Петренк", "Ковриков", "Вигаданк", "Іваненк", "Шевченк", "Кабанченко", "Пугачев",
                       "Medvedchuk", "3124509879", "2839403975", "782611846337", "2918407716")


class _SuiteLogHandler(logging.Handler):
    def __init__(self, path: Path) -> None:
        from ai_service.logging_setup import JsonFormatter, MaskingFilter, RequestIdFilter

        super().__init__(logging.INFO)
        self.stream = path.open("a", encoding="utf-8")
        self.masking = (RequestIdFilter(), MaskingFilter())
        self.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s %(process)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            copy = logging.makeLogRecord(dict(record.__dict__))
            for f in self.masking:
                f.filter(copy)
            self.stream.write(self.format(copy) + "\n")
        except Exception:
            self.handleError(record)

    def close(self) -> None:
        # Tests that reconfigure logging close every root handler and put them back
        # afterwards: stay open until the session ends (``finish``).
        self.stream.flush()

    def finish(self) -> None:
        self.stream.close()
        super().close()


def pytest_configure(config: pytest.Config) -> None:
    path = Path(tempfile.mkdtemp(prefix="ai-service-suite-log-")) / "suite.log"
    handler = _SuiteLogHandler(path)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    config._suite_log = (handler, path)  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    handler, path = getattr(session.config, "_suite_log", (None, None))
    if handler is None:
        return
    logging.getLogger().removeHandler(handler)
    handler.finish()
    files = [path]
    basetemp = session.config._tmp_path_factory.getbasetemp() if hasattr(session.config, "_tmp_path_factory") else None
    if basetemp is not None and basetemp.exists():
        files += sorted(basetemp.rglob("*.log"))
    hits = []
    for f in files:
        try:
            text = f.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if any(s in line for s in SUITE_LOG_SENTINELS):
                hits.append(f"{f}:{n}: {line[:300]}")
    lines = sum(1 for _ in path.open(encoding="utf-8")) if path.exists() else 0
    print(f"\nsuite log grep: {len(files)} log files, {lines} in-process lines, {len(hits)} with payment data")
    if hits:
        print("payment data in logs:\n" + "\n".join(hits[:20]))
        session.exitstatus = 1
