"""Session fixtures shared by the test suite."""

from __future__ import annotations

import asyncio

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
