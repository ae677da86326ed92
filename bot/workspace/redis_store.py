"""The Redis database every workspace instance shares, when REDIS_URL is set.

Behind a load balancer, state kept in one process is only half a defence: a
guesser alternating between two instances gets twice the tries, and a session
signed out on one is still accepted by the other. The login throttle
(``throttle.py``) and the signed-out sessions (``revocation.py``) therefore
keep their records here, under :data:`KEY_PREFIX`, in the database named by
the URL (``redis://host:6379/2``).

The workspace must keep serving when Redis does not answer, so every call has a
short timeout, and after a failure Redis is left alone for
:data:`RETRY_AFTER` seconds: otherwise every page would wait for the timeout.
Callers get :class:`StoreUnavailable` and fall back to their own record.
"""

from __future__ import annotations

import logging
import time
from typing import Callable, TypeVar

import redis

log = logging.getLogger(__name__)

KEY_PREFIX = "footcare:workspace:"
TIMEOUT = 1.5  # seconds, for connecting and for each reply
RETRY_AFTER = 5.0

T = TypeVar("T")


class StoreUnavailable(Exception):
    """Redis did not answer, or failed recently and is being left alone for a moment."""


class RedisStore:
    """A Redis client, the prefix of our keys, and whether Redis answered lately."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = KEY_PREFIX,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.retry_after = retry_after
        self._clock = clock
        self._retry_at = 0.0

    @classmethod
    def from_url(cls, url: str, **kwargs) -> RedisStore:
        """A store on ``url``; connects on first use, not here."""
        client = redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
        return cls(client, **kwargs)

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def run(self, operation: Callable[[redis.Redis], T]) -> T:
        """``operation(client)``, or :class:`StoreUnavailable` if Redis fails or failed lately."""
        if self._clock() < self._retry_at:
            raise StoreUnavailable("Redis failed moments ago")
        try:
            return operation(self.client)
        except redis.RedisError as error:
            self._retry_at = self._clock() + self.retry_after
            log.warning("Redis unavailable, using this instance's records: %s", error)
            raise StoreUnavailable(str(error)) from error


def shared_store(url: str | None) -> RedisStore | None:
    """The store for REDIS_URL, or ``None`` without one (each instance keeps its own)."""
    return RedisStore.from_url(url) if url else None
