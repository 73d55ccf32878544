"""The payment set rewritten (benchmarks/quality/robustness.py): every rewrite screens the same
cases in another writing, and the service sees the rewritten text, not the original."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from ai_service.config import load_settings
from ai_service.service import ScreeningService
from benchmarks.quality.robustness import REWRITES, evaluate_robustness


@pytest.fixture(scope="module")
def demo_service() -> ScreeningService:
    service = ScreeningService(load_settings({}))  # LISTS unset: the bundled demo list
    asyncio.run(service.reload())
    return service


def test_rewrites_change_only_the_writing() -> None:
    text = 'Оплата ТОВ "Лазурна", рах. №12; Соловйов С.А.'
    assert REWRITES["upper_case"](text) == text.upper()
    assert REWRITES["lower_case"](text) == text.lower()
    assert REWRITES["no_punctuation"](text) == "Оплата ТОВ Лазурна рах №12 Соловйов С А"


def test_each_rewrite_screens_the_rewritten_texts(demo_service: ScreeningService) -> None:
    seen: list[str] = []

    async def process(text: str):  # noqa: ANN202 - records what the pipeline is given
        seen.append(text)
        return await demo_service.pipeline.process(text)

    stub = SimpleNamespace(generation=demo_service.generation, settings=demo_service.settings,
                           pipeline=SimpleNamespace(process=process))
    report = asyncio.run(evaluate_robustness(stub, limit=60))  # type: ignore[arg-type]
    assert set(report) == set(REWRITES)
    per_rewrite = len(seen) // len(REWRITES)
    assert per_rewrite == 60
    assert all(t == t.upper() for t in seen[:per_rewrite])
    assert all(t == t.lower() for t in seen[per_rewrite : 2 * per_rewrite])
    for r in report.values():
        assert (r["positives"], r["negatives"]) == (20, 40)
        # The demo list's fictional names are built for the service: a collapse means a brittle pipeline.
        assert r["recall"] >= 0.8 and r["false_alert_rate"] <= 0.1
