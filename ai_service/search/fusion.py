"""Reciprocal rank fusion of the retrievers' ranked lists — shared by both backends so
that the embedded index and Elasticsearch rank candidates the same way."""

from __future__ import annotations

from dataclasses import dataclass, field

RRF_K = 60


@dataclass(slots=True)
class RankFusion:
    """Per-query retrieval state: ranked entity positions per retriever."""

    ranked: dict[str, list[int]] = field(default_factory=dict)

    def add(self, retriever: str, positions: list[int]) -> None:
        got = self.ranked.setdefault(retriever, [])
        for p in positions:
            if p not in got:  # lists are short (<= ~40)
                got.append(p)

    def fused(self) -> list[tuple[int, float, list[str]]]:
        """(entity position, RRF score, retrievers) best first."""
        scores: dict[int, float] = {}
        by: dict[int, list[str]] = {}
        for retriever, positions in self.ranked.items():
            for rank, pos in enumerate(positions):
                scores[pos] = scores.get(pos, 0.0) + 1.0 / (RRF_K + rank + 1)
                by.setdefault(pos, []).append(retriever)
        order = sorted(scores, key=scores.__getitem__, reverse=True)
        return [(p, scores[p], by[p]) for p in order]
