"""``python -m ai_service lists load [--force]``: build (or reuse) the
Elasticsearch index for LISTS and exit.

Meant for a deploy step or a Kubernetes Job before the service rolls out, so
workers find the index ready (their own ensure is then a no-op). Exit codes:
0 done (built, switched or unchanged), 1 the lists or the cluster failed,
2 bad configuration or usage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import httpx
import orjson

from ai_service.config import ConfigError, Settings, check_elasticsearch, load_settings
from ai_service.lists.config import sources_from_setting
from ai_service.lists.fetch import http_fetcher
from ai_service.lists.loader import load_sources
from ai_service.search.es.failover import describe_error
from ai_service.search.es.indexer import IndexState


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ai_service lists",
                                description="Manage the Elasticsearch index of the configured lists.")
    sub = p.add_subparsers(dest="command", required=True)
    load = sub.add_parser("load", help="build the index for LISTS (a no-op when unchanged), switch the alias, exit")
    load.add_argument("--force", action="store_true", help="build a new version even when the lists are unchanged")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)  # exits 2 on bad usage
    try:
        settings = load_settings()
        check_elasticsearch(settings)  # whatever SEARCH_BACKEND says: this command needs a cluster
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        state = asyncio.run(load(settings, force=args.force))
    except KeyboardInterrupt:
        print("interrupted: the live alias is unchanged", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"lists load failed: {describe_error(exc)}", file=sys.stderr)
        return 1
    print(orjson.dumps(state.to_dict()).decode())
    return 0


async def load(settings: Settings, *, force: bool = False, progress: bool | None = None) -> IndexState:
    from ai_service.search.es.client import build_client, bulk_client
    from ai_service.search.es.indexer import ensure_index

    limits = httpx.Limits(max_connections=settings.connection_pool_size)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(30.0, connect=5.0),
                                 follow_redirects=True) as http:
        fetch = http_fetcher(http, max_bytes=settings.list_download_max_bytes)
        snapshot = await load_sources(sources_from_setting(settings.lists), fetch=fetch)
    print(f"loaded {snapshot.total_entities:,} entities from {len(snapshot.lists)} lists", file=sys.stderr)
    client = build_client(settings)
    try:
        return await ensure_index(bulk_client(client, settings), snapshot, settings.es_index,
                                  keep=settings.es_keep_indices, force=force,
                                  wait_seconds=float(settings.es_bulk_timeout_seconds), progress=progress)
    finally:
        await client.close()
