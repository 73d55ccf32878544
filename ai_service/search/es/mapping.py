"""The index template: one document per (entity, distinct name key).

Only built-in analysis (no plugins), so it installs on any Elasticsearch 8/9
cluster. Name keys arrive already folded by ``name_key`` (same function as
the embedded index); the normalizer and filters fold again as a safeguard
against documents written by other tools.
"""

from __future__ import annotations

from typing import Any

from ai_service.search.vectors import DIM

# Bump when the document shape or the mapping changes: the checksum includes it,
# so an upgraded service rebuilds instead of querying documents it cannot read.
SCHEMA_VERSION = 2  # 2: matching keys fold Cyrillic тс like Latin ts
MANAGED_BY = "ai-service"
TEMPLATE_PRIORITY = 500  # above the stack's built-in templates (priority 100)
NGRAM = 3


def template_name(alias: str) -> str:
    return f"{alias}-template"


def index_pattern(alias: str) -> str:
    return f"{alias}-*"


def index_template(alias: str) -> dict[str, Any]:
    """Keyword arguments of ``indices.put_index_template`` (``meta`` is ``_meta``)."""
    return {
        "index_patterns": [index_pattern(alias)],
        "priority": TEMPLATE_PRIORITY,
        "meta": {"managed_by": MANAGED_BY, "schema": SCHEMA_VERSION},
        "template": {"settings": settings(), "mappings": mappings()},
    }


def settings() -> dict[str, Any]:
    return {
        "number_of_shards": 1,  # tens of thousands of small documents: one shard is fastest
        "auto_expand_replicas": "0-1",  # a replica where a cluster has room, green on one node
        "analysis": {
            "normalizer": {"name_key": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
            "tokenizer": {
                "name_ngram": {"type": "ngram", "min_gram": NGRAM, "max_gram": NGRAM,
                               "token_chars": ["letter", "digit"]},
            },
            "analyzer": {
                "name_tokens": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase", "asciifolding"]},
                "name_ngram": {"type": "custom", "tokenizer": "name_ngram", "filter": ["lowercase", "asciifolding"]},
            },
        },
    }


def mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",  # a typo in the loader fails loudly instead of growing the mapping
        "_meta": {"managed_by": MANAGED_BY, "schema": SCHEMA_VERSION},
        "properties": {
            "list": {"type": "keyword"},
            "entity_id": {"type": "keyword"},
            "entity_type": {"type": "keyword"},
            "pos": {"type": "integer"},  # snapshot order: the embedded backend's tie-break
            "row": {"type": "integer"},  # 0 = the entity's head document (carries ids, dates)
            # Order-insensitive core-token key of one name: exact retrieval.
            "name_key": {"type": "keyword", "normalizer": "name_key"},
            # The same core tokens for BM25 (fuzzy) and character n-grams (spacing, vowels).
            "name_tokens": {
                "type": "text",
                "analyzer": "name_tokens",
                "fields": {"ngram": {"type": "text", "analyzer": "name_ngram"}},
            },
            "name_vector": {
                "type": "dense_vector",
                "dims": DIM,
                "index": True,
                "similarity": "cosine",
                # Full float vectors (not the int8 default): the SAME vectors as embedded.
                "index_options": {"type": "hnsw", "m": 16, "ef_construction": 100},
            },
            "ids": {"type": "keyword"},  # normalized identifier values (head document)
            "birth_dates": {"type": "keyword"},  # ISO, possibly partial ("1971")
            # What re-scoring needs, stored but not indexed: the entity and its aliases.
            "entity": {"type": "object", "enabled": False},
        },
    }
