"""Layers 1–7 (no search) on short payment texts, warm: p50/p95/p99 per text.

Issue 3's budget: normalization of a short text stays ≤ 1 ms p95 once morphology is
cached. Run:  .venv/bin/python benchmarks/normalization_latency.py [--rounds 200]
Prints a table, writes benchmarks/results/normalization_latency.json and exits 1
when the p95 budget is missed. Times are wall-clock per text on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ai_service.pipeline.document import Options  # noqa: E402
from ai_service.pipeline.orchestrator import Pipeline  # noqa: E402

BUDGET_P95_MS = 1.0
RESULTS = Path(__file__).resolve().parent / "results" / "normalization_latency.json"
TEXTS = [
    "Оплата за послуги згідно рах. №45 від 12.03.2024, Петренку Олександру Васильовичу, РНОКПП 3124509879",
    "Переказ коштів Коврикову Роману Валерійовичу",
    "Перевод средств Иванову И.И. д.р. 15.03.1985 по договору 12/3",
    "Поповнення рахунку ТОВ «Укрспецторг» ЄДРПОУ 32855961 у т.ч. ПДВ",
    "Payment for consulting services to Viktor Medvedchuk inv 55",
    "Аліменти від Петренко О.П. за березень",
    "Оплата ТОВ Рога и Копыта по счету 15 без НДС",
    "Передать Алле Борисовне Пугачевой, паспорт 4509 123456",
    "Допомога Олені Ковальській на лікування",
    "Переказ Сашкові Шевченку за ремонт квартири, вул. Хрещатик 1",
    "John Smith та Олена Петренко, договір 7/2024",
    "ФОП Іваненко С.В. оплата за товари, IBAN UA213223130000026007233566001",
    "Mr. William R. Gates Jr., invoice 2024-118, USD 1,500.00",
    "Повернення коштів Марії Ивановні Петровой",
    "Оплата за комунальні послуги за березень, особовий рахунок 123456",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(rounds: int) -> dict:
    pipeline = Pipeline(lambda: None)
    options = Options(search=False)
    for text in TEXTS:  # warm: morphology and dictionary caches filled, regexes compiled
        await pipeline.process(text, "auto", options)
    per_text: dict[str, list[float]] = {t: [] for t in TEXTS}
    layers: dict[str, list[float]] = {}
    for _ in range(rounds):
        for text in TEXTS:
            t0 = time.perf_counter()
            doc = await pipeline.process(text, "auto", options)
            per_text[text].append((time.perf_counter() - t0) * 1000)
            for name, sec in doc.timings.items():
                layers.setdefault(name, []).append(sec * 1000)
    everything = [v for vs in per_text.values() for v in vs]
    return {
        "rounds": rounds,
        "texts": len(TEXTS),
        "all": {"p50_ms": round(percentile(everything, 0.5), 4), "p95_ms": round(percentile(everything, 0.95), 4),
                "p99_ms": round(percentile(everything, 0.99), 4), "mean_ms": round(statistics.fmean(everything), 4)},
        "per_layer_mean_ms": {k: round(statistics.fmean(v), 4) for k, v in layers.items() if k != "total"},
        "per_text_p95_ms": {t[:60]: round(percentile(v, 0.95), 4) for t, v in per_text.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    result = asyncio.run(measure(args.rounds))
    result["budget_p95_ms"] = BUDGET_P95_MS
    result["machine"] = {"python": platform.python_version(), "platform": platform.platform(),
                         "processor": platform.processor() or platform.machine(), "cpus": __import__("os").cpu_count()}
    result["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    a = result["all"]
    print(f"layers 1-7, {result['texts']} texts x {result['rounds']} rounds, warm")
    print(f"p50 {a['p50_ms']:.3f} ms  p95 {a['p95_ms']:.3f} ms  p99 {a['p99_ms']:.3f} ms  (budget p95 <= {BUDGET_P95_MS} ms)")
    for name, ms in result["per_layer_mean_ms"].items():
        print(f"  {name:<13} {ms * 1000:8.1f} us")
    ok = a["p95_ms"] <= BUDGET_P95_MS
    print("PASS" if ok else "FAIL: p95 over budget")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
