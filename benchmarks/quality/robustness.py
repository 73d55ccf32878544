"""The payment-text set rewritten the ways real payment descriptions are typed: all
capitals, all lower case, punctuation dropped (``Соловйов С А``, ``о.в. мольський``,
``wire transfer to flight travel llc``). Same names, same expected matches; only the
writing changes, so any drop from the plain set is the pipeline's brittleness.

    report = await evaluate_robustness(service, limit=1500, seed=7)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ai_service.service import ScreeningService
from benchmarks.quality.payment_texts import evaluate_payment_texts, payment_cases

_PUNCTUATION = re.compile(r"[.,;:\"«»“”()]")

REWRITES: dict[str, Callable[[str], str]] = {
    "upper_case": str.upper,
    "lower_case": str.lower,
    "no_punctuation": lambda text: " ".join(_PUNCTUATION.sub(" ", text).split()),
}


async def evaluate_robustness(service: ScreeningService, *, limit: int = 1500, seed: int = 7) -> dict:
    """Recall and false-alert rate of the payment set under each rewrite (a third positives)."""
    out: dict = {}
    cases = payment_cases(service, limit=limit, seed=seed)  # generated once: only the writing differs
    for name, rewrite in REWRITES.items():
        r = await evaluate_payment_texts(service, rewrite=rewrite, cases=cases)
        out[name] = {key: r[key] for key in ("positives", "negatives", "recall", "false_alert_rate")}
        out[name]["misses"] = r["misses"][:5]
    return out
