"""The orchestrator: runs a text through the nine layers in order, timing each."""

from __future__ import annotations

import time
from collections.abc import Callable

from ai_service.cleared import ClearedStore
from ai_service.pipeline.base import Layer
from ai_service.pipeline.context import ContextLayer
from ai_service.pipeline.decision import DecisionLayer, RiskBands
from ai_service.pipeline.document import Document, Options
from ai_service.pipeline.language import LanguageLayer
from ai_service.pipeline.morphology import MorphologyLayer
from ai_service.pipeline.search import SearchLayer
from ai_service.pipeline.signals import SignalsLayer
from ai_service.pipeline.tokenization import TokenizationLayer
from ai_service.pipeline.unicode_norm import UnicodeLayer
from ai_service.pipeline.validation import ValidationLayer
from ai_service.search.base import SearchBackend

LAYER_NAMES = ("validation", "unicode", "language", "tokenization", "context",
               "morphology", "signals", "search", "decision")


class Pipeline:
    def __init__(
        self,
        backend: Callable[[], SearchBackend | None],
        *,
        max_input_length: int = 10_000,
        chunk_threshold: int = 1000,
        cache_size: int = 100_000,
        search_cache_size: int = 20_000,
        bands: RiskBands | None = None,
        cleared: ClearedStore | None = None,
    ) -> None:
        self.bands = bands or RiskBands()
        self.layers: list[Layer] = [
            ValidationLayer(max_input_length),
            UnicodeLayer(),
            LanguageLayer(),
            TokenizationLayer(chunk_threshold),
            ContextLayer(),
            MorphologyLayer(cache_size),
            SignalsLayer(),
            SearchLayer(backend, self.bands.low, cleared, search_cache_size),
            DecisionLayer(self.bands),
        ]
        assert tuple(layer.name for layer in self.layers) == LAYER_NAMES

    async def process(self, text: str, language: str = "auto", options: Options | None = None) -> Document:
        doc = Document(original=text, requested_language=language, options=options or Options())
        clock = time.perf_counter
        started = clock()
        timings = doc.timings
        for layer in self.layers:
            t0 = clock()
            await layer.run(doc)
            timings[layer.name] = clock() - t0
        timings["total"] = clock() - started
        return doc

    def layer(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    def cache_info(self) -> dict[str, dict[str, int | float]]:
        return {layer.name: info for layer in self.layers if (info := layer.cache_info())}

    def clear_caches(self) -> None:
        for layer in self.layers:
            layer.clear_cache()
