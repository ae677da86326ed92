"""The Redis lock store: shared by Rasa servers, and still locking while Redis is down."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.serving import lock_store
from bot.serving.lock_store import ResilientRedisLockStore

pytestmark = pytest.mark.redis


def store_on(port: int) -> ResilientRedisLockStore:
    config = EndpointConfig(url="127.0.0.1", port=port, db=0, password="")
    return ResilientRedisLockStore(endpoint_config=config)


async def test_two_servers_queue_for_one_conversation(private_redis):
    first, second = store_on(private_redis.port), store_on(private_redis.port)
    order = []

    async def later_turn():
        async with second.lock("visitor", wait_time_in_seconds=0.02):
            order.append("second")

    async with first.lock("visitor"):
        assert private_redis.keys(), "the lock is in Redis, where the other server sees it"
        waiting = asyncio.create_task(later_turn())
        await asyncio.sleep(0.3)
        assert order == [], "the other server waited"
        order.append("first")
    await asyncio.wait_for(waiting, 5)
    assert order == ["first", "second"]
    assert private_redis.keys() == [], "no lock is left behind"


async def test_turns_go_on_while_redis_is_down_and_it_is_used_again_once_back(
    private_redis, caplog, monkeypatch
):
    monkeypatch.setattr(lock_store, "RETRY_AFTER_SECONDS", 0.0)
    store = store_on(private_redis.port)
    private_redis.stop()
    caplog.set_level(logging.WARNING, logger=lock_store.__name__)

    started = time.monotonic()
    for visitor in ("a", "b", "a"):
        async with store.lock(visitor):
            assert store.stand_in.get_lock(visitor) is not None, "locked in memory meanwhile"
    assert time.monotonic() - started < 5
    outage = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage) == 1, "said once, not once per turn"

    private_redis.start()
    async with store.lock("a"):
        assert private_redis.keys(), "back in Redis"
    assert any("reachable again" in r.getMessage() for r in caplog.records)


async def test_a_server_waits_for_a_turn_in_progress_during_the_outage(private_redis):
    store = store_on(private_redis.port)
    private_redis.stop()
    order = []

    async def later_turn():
        async with store.lock("visitor", wait_time_in_seconds=0.02):
            order.append("second")

    async with store.lock("visitor"):
        waiting = asyncio.create_task(later_turn())
        await asyncio.sleep(0.2)
        order.append("first")
    await asyncio.wait_for(waiting, 5)
    assert order == ["first", "second"]
