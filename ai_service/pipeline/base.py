"""The common shape of the nine layers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from ai_service.pipeline.document import Document


class Layer(ABC):
    """One pipeline step: reads what earlier layers wrote on the document and adds its own.

    ``run`` is async so that a layer may await (search) or offload CPU work
    (chunked tokenization) without blocking the event loop; the orchestrator
    times every layer and reports it under ``name``.
    """

    name: ClassVar[str]

    @abstractmethod
    async def run(self, doc: Document) -> None: ...

    def cache_info(self) -> dict[str, int | float]:
        """Size and hit figures of this layer's caches (for /stats and health)."""
        return {}

    def clear_cache(self) -> None:
        """Drop cached results (POST /admin/cache/clear)."""
