"""Rasa's Redis lock store, made to keep answering while Redis is down.

Several Rasa servers lock a conversation in Redis so that two of them never
answer one visitor's messages at the same time. Stock ``RedisLockStore``
raises on every turn while Redis is unreachable, so the whole site would
answer nothing but "sorry" until it is back, for the sake of a race that
needs one visitor's two messages to reach two instances at the same moment.

This store falls back to locks in its own process's memory (what Rasa's
in-memory lock store does) while Redis is down, says so once, leaves Redis
alone for a few seconds after a failure instead of making every turn wait
for a connection attempt, and goes back to Redis once it answers. During the
outage one instance still never answers a conversation twice at once.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Optional

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.serving.rasa_version import warn_if_untested

log = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 2.0  # Rasa's default, 10 s, would hold every turn that long
RETRY_AFTER_SECONDS = 5.0


class ResilientRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with an in-memory stand-in for Redis outages."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        warn_if_untested("ResilientRedisLockStore")
        settings = dict(endpoint_config.kwargs)
        settings.setdefault("socket_timeout", REDIS_TIMEOUT_SECONDS)
        super().__init__(host=endpoint_config.url or "localhost", **settings)
        self.stand_in = InMemoryLockStore()
        self._retry_at = 0.0
        self._outage_logged = False

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return self._in_redis_or_memory(
            lambda: super(ResilientRedisLockStore, self).get_lock(conversation_id),
            lambda: self.stand_in.get_lock(conversation_id),
        )

    def delete_lock(self, conversation_id: str) -> None:
        self._in_redis_or_memory(
            lambda: super(ResilientRedisLockStore, self).delete_lock(conversation_id),
            lambda: self.stand_in.delete_lock(conversation_id),
        )

    def save_lock(self, lock: TicketLock) -> None:
        self._in_redis_or_memory(
            lambda: super(ResilientRedisLockStore, self).save_lock(lock),
            lambda: self.stand_in.save_lock(lock),
        )

    def _in_redis_or_memory(self, in_redis: Callable[[], Any], in_memory: Callable[[], Any]):
        if time.monotonic() >= self._retry_at:
            try:
                result = in_redis()
            except redis.exceptions.RedisError as error:
                self._outage(error)
            else:
                self._recovered()
                return result
        return in_memory()

    def _outage(self, error: Exception) -> None:
        self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
        if not self._outage_logged:
            self._outage_logged = True
            log.warning(
                "Redis, the lock store, is unreachable (%s); conversations are locked in this "
                "server's memory until it is back.", str(error).splitlines()[0][:200],
            )  # fmt: skip

    def _recovered(self) -> None:
        if self._outage_logged:
            self._outage_logged = False
            self.stand_in.conversation_locks.clear()  # Redis holds the locks again
            log.warning("Redis, the lock store, is reachable again.")
