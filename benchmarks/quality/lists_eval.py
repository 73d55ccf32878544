"""Evaluations on the public list-matching sets: UN positives (recall), US
negatives (false alerts), the OFAC portal scores (rank correlation of our
scorer with the official one) and the calibration curve built from the first two.

Every function takes a ``Client`` (in process or HTTP), so the figures measure
exactly what /search and /compare answer.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ai_service.config import Settings
from ai_service.lists.model import Entity
from ai_service.text.translit import name_key
from benchmarks.quality.common import EVAL_DIR, Client, Hit, Timer, read_csv

_DEFAULTS = Settings()
BANDS = {"high": _DEFAULTS.risk_high, "medium": _DEFAULTS.risk_medium, "low": _DEFAULTS.risk_low}  # shipped defaults
FALSE_ALERT_BUDGET = {"high": 0.005, "medium": 0.01, "low": 0.03}
THRESHOLDS = tuple(round(0.50 + i / 100, 2) for i in range(50))  # 0.50 .. 0.99
SHOWN = 20  # misses / offenders / disagreements listed in the report


@dataclass(frozen=True, slots=True)
class Positive:
    row: int  # 0-based data row of the eval files
    query: str  # the treated (typo'd / reordered) name
    listed: str  # the untreated name as the UN list spells it
    expected: frozenset[str]  # UN DATAIDs whose name has the untreated name's key


@dataclass(slots=True)
class Scored:
    """A section's summary (goes to quality.json) and the per-row scores (for calibration)."""

    summary: dict
    scores: list[float] = field(default_factory=list)


def order_free_key(name: str) -> str:
    return " ".join(sorted(name_key(name).split()))


def sample(items: Sequence, n: int | None, seed: int) -> list:
    """A fixed-seed subsample in the original order (all items when ``n`` is None or large)."""
    if n is None or n >= len(items):
        return list(items)
    keep = sorted(random.Random(seed).sample(range(len(items)), n))
    return [items[i] for i in keep]


# -- 1. UN positives -------------------------------------------------------------

def un_positives(un_entities: Iterable[Entity], eval_dir: Path = EVAL_DIR, *, limit: int | None = None,
                 seed: int = 7) -> tuple[list[Positive], list[dict]]:
    """Row-aligned (treated, untreated) pairs with the expected DATAIDs, and the
    rows whose untreated name no UN person carries (reported, not scored)."""
    ids_by_key: dict[str, set[str]] = {}
    for e in un_entities:
        if e.entity_type == "person":
            for name in e.names:
                ids_by_key.setdefault(order_free_key(name), set()).add(e.entity_id)
    treated = read_csv(eval_dir / "un_positives_treated.csv")
    untreated = read_csv(eval_dir / "un_positives_untreated.csv")
    if len(treated) != len(untreated):
        raise ValueError(f"UN positives are not row-aligned: {len(treated)} treated vs {len(untreated)} untreated")
    found: list[Positive] = []
    unmatched: list[dict] = []
    for i, (t, u) in enumerate(zip(treated, untreated)):
        ids = ids_by_key.get(order_free_key(u["full_name"]))
        if ids:
            found.append(Positive(i, t["full_name"], u["full_name"], frozenset(ids)))
        else:
            unmatched.append({"row": i, "untreated": u["full_name"], "treated": t["full_name"]})
    return sample(found, limit, seed), unmatched


def _rank(hits: list[Hit], expected: frozenset[str]) -> tuple[int | None, float]:
    for i, h in enumerate(hits):
        if h.list == "un" and h.entity_id in expected:
            return i + 1, h.score
    return None, 0.0


async def evaluate_un_positives(client: Client, positives: list[Positive], *, lists: frozenset[str] | None,
                                k: int = 10) -> Scored:
    """recall@1, recall@k and MRR of the expected UN person for each treated name.

    Two ranks per query: by position, and tie-aware (1 + hits scoring strictly
    higher). Over all lists the same person is often listed by SFMS/OFAC too and
    ties the UN entry at the same score, winning by load order: there the
    tie-aware rank is the meaningful one (and decides what counts as a miss).
    """
    timer = Timer()
    strict = lists is not None
    ranks: list[int | None] = []
    tied: list[int | None] = []
    scores: list[float] = []
    misses: list[dict] = []
    for p in positives:
        hits = await timer.timed(client.search(p.query, "person", lists=lists, limit=k))
        rank, score = _rank(hits, p.expected)
        tie_rank = None if rank is None else 1 + sum(h.score > score for h in hits)
        ranks.append(rank)
        tied.append(tie_rank)
        scores.append(score)
        if (rank if strict else tie_rank) != 1:
            misses.append({"row": p.row, "query": p.query, "expected": p.listed, "expected_ids": sorted(p.expected),
                           "expected_rank": rank, "expected_score": round(score, 4),
                           "got": hits[0].to_dict() if hits else None})
    n = len(positives)
    kinds = Counter("not_retrieved" if m["expected_rank"] is None else "outranked" for m in misses)
    summary = {
        "lists": sorted(lists) if lists is not None else "all",
        "n": n,
        "recall_at_1": _share(sum(r == 1 for r in ranks), n),
        "recall_at_1_tie_aware": _share(sum(r == 1 for r in tied), n),
        f"recall_at_{k}": _share(sum(r is not None for r in ranks), n),
        "mrr": _mrr(ranks),
        "mrr_tie_aware": _mrr(tied),
        "misses_counted_by": "position" if strict else "tie_aware_rank",
        "misses": len(misses),
        "miss_kinds": dict(kinds),
        "first_misses": misses[:SHOWN],
        "timing": timer.summary(),
    }
    return Scored(summary, scores)


def _mrr(ranks: list[int | None]) -> float:
    return round(sum(1.0 / r for r in ranks if r) / len(ranks), 4) if ranks else 0.0


# -- 2. US negatives --------------------------------------------------------------

def negatives(eval_dir: Path = EVAL_DIR, *, n: int | None = None, seed: int = 7) -> list[dict[str, str]]:
    return sample(read_csv(eval_dir / "negatives_us.csv"), n, seed)


async def evaluate_negatives(client: Client, rows: list[dict[str, str]], *, use_dob: bool) -> Scored:
    """Top score of each clean name against every loaded list; shares per band."""
    timer = Timer()
    scores: list[float] = []
    offenders: list[tuple[float, dict[str, str], Hit]] = []
    for row in rows:
        dob = (row.get("date_of_birth") or None) if use_dob else None
        hits = await timer.timed(client.search(row["full_name"], "person", limit=1, dob=dob))
        top = hits[0].score if hits else 0.0
        scores.append(top)
        if hits and top >= BANDS["low"]:
            offenders.append((top, row, hits[0]))
    offenders.sort(key=lambda o: -o[0])
    n = len(rows)
    ordered = sorted(scores)
    summary = {
        "n": n,
        "with_dob": use_dob,
        **{f"share_at_or_above_{band}": _share(sum(s >= t for s in scores), n, 5) for band, t in BANDS.items()},
        "count_at_or_above_medium": sum(s >= BANDS["medium"] for s in scores),
        "top_score_quantiles": {q: round(ordered[min(n - 1, int(n * float(q)))], 4) for q in ("0.5", "0.9", "0.99")}
        if n else {},
        "max_score": round(ordered[-1], 4) if n else 0.0,
        "medium_hits_by_list": dict(Counter(h.list for s, _, h in offenders if s >= BANDS["medium"]).most_common()),
        "top_offenders": [{"name": r["full_name"], "dob": r.get("date_of_birth"), "score": round(s, 4),
                           "matched": h.to_dict()} for s, r, h in offenders[:SHOWN]],
        "timing": timer.summary(),
    }
    return Scored(summary, scores)


# -- 3. OFAC portal rank correlation ----------------------------------------------

def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the average of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for m in range(i, j + 1):
            ranks[order[m]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: Pearson correlation of average ranks (correct with ties)."""
    return pearson(average_ranks(x), average_ranks(y))


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's tau-b (tie-corrected), O(n²) — the sets here have a few hundred rows."""
    concordant = discordant = ties_x = ties_y = 0
    n = len(x)
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return (concordant - discordant) / denom if denom else 0.0


def ofac_portal_rows(eval_dir: Path = EVAL_DIR) -> list[tuple[str, str, float]]:
    return [(r["query_name"], r["result_name"], float(r["ofac_score"]))
            for r in read_csv(eval_dir / "ofac_portal_scores.csv")]


async def evaluate_ofac_portal(client: Client, rows: list[tuple[str, str, float]]) -> dict:
    """Our /compare score against the portal's for the same (query, result) pairs.

    The portal gives -1 for pairs it did not return (below its cut-off); they
    stay in the headline as the lowest rank and are left out of a second figure.
    """
    timer = Timer()
    ours = [await timer.timed(client.compare(q, r)) for q, r, _ in rows]
    theirs = [s for _, _, s in rows]
    shown = [i for i, s in enumerate(theirs) if s >= 0]
    r_ours, r_theirs = average_ranks(ours), average_ranks(theirs)
    n = len(rows)
    gaps = sorted(range(n), key=lambda i: -abs(r_ours[i] - r_theirs[i]))
    return {
        "n": n,
        "not_returned_by_portal": n - len(shown),
        "spearman": round(spearman(ours, theirs), 4),
        "kendall_tau_b": round(kendall_tau_b(ours, theirs), 4),
        "spearman_returned_only": round(spearman([ours[i] for i in shown], [theirs[i] for i in shown]), 4),
        "largest_disagreements": [
            {"query": rows[i][0], "result": rows[i][1], "ofac_score": theirs[i], "our_score": round(ours[i], 4),
             "rank_gap": round((r_ours[i] - r_theirs[i]) / n, 3)} for i in gaps[:SHOWN]
        ],
        "timing": timer.summary(),
    }


# -- 4. Calibration -------------------------------------------------------------------

def calibration_curve(positive: Sequence[float], negative: Sequence[float],
                      thresholds: Iterable[float] = THRESHOLDS) -> list[dict]:
    """Precision / recall / false-alert rate per threshold.

    ``positive``: the expected entity's score per UN positive (0 when not found);
    ``negative``: the top score per clean name. Precision is at this benchmark's
    prevalence (few positives, many negatives), so read it relative to others.
    """
    out = []
    for t in thresholds:
        tp = sum(s >= t for s in positive)
        fp = sum(s >= t for s in negative)
        out.append({"threshold": t, "tp": tp, "fp": fp,
                    "precision": _share(tp, tp + fp) if tp + fp else 1.0,
                    "recall": _share(tp, len(positive)), "false_alert_rate": _share(fp, len(negative), 5)})
    return out


def operating_points(curve: list[dict], budget: dict[str, float] = FALSE_ALERT_BUDGET,
                     defaults: dict[str, float] = BANDS) -> dict:
    """Per band: the lowest threshold within its false-alert budget, and how the
    shipped default compares (at or above the point = within budget)."""
    by_t = {p["threshold"]: p for p in curve}
    out = {}
    for band, limit in budget.items():
        point = next((p for p in curve if p["false_alert_rate"] <= limit), None)
        default = defaults[band]
        at_default = by_t.get(round(default, 2))
        out[band] = {
            "max_false_alert_rate": limit,
            "threshold": point["threshold"] if point else None,
            "recall": point["recall"] if point else None,
            "false_alert_rate": point["false_alert_rate"] if point else None,
            "default": default,
            "default_at_or_above_point": point is not None and default >= point["threshold"],
            "default_recall": at_default["recall"] if at_default else None,
            "default_false_alert_rate": at_default["false_alert_rate"] if at_default else None,
        }
    return out


def recommend(points: dict) -> dict[str, float]:
    """Recommended bands: each operating point, kept in order high >= medium >= low."""
    high = points["high"]["threshold"] or 0.99
    medium = min(points["medium"]["threshold"] or high, high)
    low = min(points["low"]["threshold"] or medium, medium)
    return {"high": high, "medium": medium, "low": low}


def _share(count: int, total: int, digits: int = 4) -> float:
    return round(count / total, digits) if total else 0.0
