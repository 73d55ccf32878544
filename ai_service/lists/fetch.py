"""A ``Fetch`` for the loader built on the app's pooled ``httpx.AsyncClient``.

404 becomes ``SourceNotFoundError`` (so optional companions such as OFAC's
alt.csv may be absent); other HTTP errors and network failures are retried a
few times, then raise; a body larger than ``max_bytes`` is refused rather than
read into memory without bound, and a body shorter than its Content-Length (a
dropped connection) is an error, never a silently truncated list.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable

import httpx

from ai_service.lists.errors import SourceNotFoundError

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
ATTEMPTS = 3
log = logging.getLogger("ai_service.lists.fetch")


class SourceTooLargeError(ValueError):
    pass


class DownloadError(ValueError):
    pass


def http_fetcher(
    client: httpx.AsyncClient, *, max_bytes: int = DEFAULT_MAX_BYTES, retry_delay: float = 0.5
) -> Callable[[str], Awaitable[bytes]]:
    async def fetch_once(url: str) -> bytes:
        async with client.stream("GET", url) as response:
            if response.status_code == 404:
                raise SourceNotFoundError(url)
            response.raise_for_status()
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise SourceTooLargeError(f"response larger than {max_bytes} bytes")
                chunks.append(chunk)
            declared = response.headers.get("content-length")
            # With compression the decoder itself fails on a cut stream (DecodingError).
            plain = not response.headers.get("content-encoding")
            if plain and declared is not None and declared.isdigit() and int(declared) != size:
                raise DownloadError(f"truncated download: {size} of {declared} bytes")
            return b"".join(chunks)

    async def fetch(url: str) -> bytes:
        last: Exception | None = None
        for attempt in range(ATTEMPTS):
            try:
                data = await fetch_once(url)
                log.info("downloaded list source: %d bytes, sha256 %s", len(data),
                         hashlib.sha256(data).hexdigest()[:12])
                return data
            except (SourceNotFoundError, SourceTooLargeError):
                raise
            except (httpx.TransportError, httpx.DecodingError, httpx.HTTPStatusError, DownloadError) as exc:
                last = exc
                if attempt + 1 < ATTEMPTS:
                    await asyncio.sleep(retry_delay * (attempt + 1))
        assert last is not None
        raise last

    return fetch
