"""/process/batch shared with another worker: the same answers as screening it alone, whatever the peer does."""

from __future__ import annotations

import asyncio
import functools
import threading
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from ai_service import metrics
from ai_service.api import screening
from ai_service.batch_peers import PEER_DIR_ENV, PeerListener
from ai_service.config import load_settings
from ai_service.service import ScreeningService
from tests.api.conftest import make_client, wait_ready

TEXTS = [
    *(f"Оплата за послуги Петренку Олександру Васильовичу, рахунок {i}" for i in range(12)),
    *(f"Payment to Ivan Petrov for consulting, invoice {i}" for i in range(12)),
    42, "",  # invalid items keep their error slots wherever they are screened
    *(f"Переказ коштів ТОВ «Ромашка» за договором {i}" for i in range(14)),
]


class PeerWorker:
    """Another worker's side of batch sharing: its own service, its own loop, a listener under a made-up pid."""

    def __init__(self, directory: Path, env: dict[str, str], pid: int = 424242) -> None:
        self.directory, self.env, self.pid = directory, env, pid
        self.jobs = self.screened = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> PeerWorker:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(60)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _start(self) -> None:
        self.service = ScreeningService(load_settings(self.env))
        await self.service.start()
        while not self.service.ready:
            await asyncio.sleep(0.05)
        handler = functools.partial(screening.screen_shared, self.service)

        async def counted(job: dict) -> dict[int, Any]:
            self.jobs += 1
            results = await handler(job)
            self.screened += len(results)
            return results

        self.listener = PeerListener(str(self.directory), counted, pid=self.pid)
        await self.listener.start()

    async def _stop(self) -> None:
        await self.listener.stop()
        await self.service.stop()


def comparable(body: dict) -> list[dict]:
    out = []
    for item in body["results"]:
        item = dict(item)
        item.pop("timings_ms", None)
        out.append(item)
    return out


def shared_count(outcome: str) -> float:
    if not metrics.ENABLED:
        return 0.0
    return metrics.metric("BATCH_SHARED").labels(outcome)._value.get()


def post_batch(client: TestClient) -> dict:
    response = client.post("/process/batch", json={"texts": TEXTS, "options": {"explain": False}},
                           headers={"x-request-id": "batch-sharing-test"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture()
def sharing_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(PEER_DIR_ENV, str(tmp_path))
    with make_client({}) as client:
        wait_ready(client)
        yield client


def test_a_shared_batch_answers_as_one_worker_would(sharing_client: TestClient, tmp_path: Path) -> None:
    alone = post_batch(sharing_client)  # no peer in the directory yet: screened here
    before = shared_count("peer")
    with PeerWorker(tmp_path, {}) as peer:
        shared = post_batch(sharing_client)
        assert peer.jobs == 1 and abs(peer.screened - len(TEXTS) / 2) <= 4
    assert comparable(shared) == comparable(alone)
    assert shared["results"][24]["status"] == 422 and shared["results"][25]["status"] == 422
    assert [r.get("request_id") for r in shared["results"] if "request_id" in r] == \
        [f"batch-sharing-test-{i}" for i in range(len(TEXTS)) if i not in (24, 25)]
    if metrics.ENABLED:
        assert shared_count("peer") - before == pytest.approx(len(TEXTS) // 2, abs=4)


def test_a_peer_with_other_lists_declines_and_nothing_is_lost(sharing_client: TestClient, tmp_path: Path) -> None:
    alone = post_batch(sharing_client)
    other = Path(__file__).resolve().parents[2] / "demo" / "demo_list.ftm.json"
    before = shared_count("returned")
    with PeerWorker(tmp_path, {"LISTS": f"other=ftm:{other}"}) as peer:
        shared = post_batch(sharing_client)
        assert peer.jobs == 1 and peer.screened == 0  # it was asked, and said no
    assert comparable(shared) == comparable(alone)
    if metrics.ENABLED:
        assert shared_count("returned") - before > 0


def test_sharing_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PEER_DIR_ENV, str(tmp_path))
    with make_client({"BATCH_SHARING": "false"}) as client:
        wait_ready(client)
        assert not list(tmp_path.iterdir())  # no socket of its own
        with PeerWorker(tmp_path, {}) as peer:
            post_batch(client)
            assert peer.jobs == 0
