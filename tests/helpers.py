"""Test helpers importable from any test module (``from tests.helpers import …``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
LISTS_DIR = SHARED_DATA / "lists"


def shared_path(*parts: str) -> Path:
    """A file under ../shared/data, or skip the test saying what is missing."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data file {path} is not present (tests read ../shared/data beside the repo)")
    return path


def run(coro):
    return asyncio.run(coro)
