"""A brake on password guessing that slows a guesser down but never locks the team out.

Each key (the account and client address, or a browser that has signed in
before, see ``auth.py``) gets a few attempts for free; after that every
attempt must wait a delay that doubles from :data:`BASE_DELAY` up to
:data:`MAX_DELAY`. Attempts during the wait are refused without checking the
password and do not lengthen it, so once the short wait is over the right
password works again. A hard ban would not do: behind a reverse proxy every
user shares one address, and one guesser would lock everyone out.

Without REDIS_URL the records live in the process: losing them on restart
costs nothing. Memory stays bounded: keys are forgotten :data:`FORGET_AFTER`
seconds after their last attempt, and beyond :data:`MAX_KEYS` the oldest go
first. With REDIS_URL, :class:`SharedLoginThrottle` keeps them in Redis, so a
guesser alternating between instances behind a load balancer gets no extra
tries (``redis_store.py``).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable, List

from bot.workspace.redis_store import RedisStore, StoreUnavailable

FREE_ATTEMPTS = 3  # typos cost nothing
BASE_DELAY = 1.0
MAX_DELAY = 30.0
FORGET_AFTER = 15 * 60
MAX_KEYS = 10_000


@dataclass
class _Record:
    attempts: int = 0
    not_before: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Counts recent unsuccessful login attempts per key and says how long to wait."""

    def __init__(
        self,
        free_attempts: int = FREE_ATTEMPTS,
        base_delay: float = BASE_DELAY,
        max_delay: float = MAX_DELAY,
        forget_after: float = FORGET_AFTER,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_attempts = free_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.forget_after = max(forget_after, max_delay)
        self.max_keys = max_keys
        self._clock = clock
        self._records: OrderedDict[Hashable, _Record] = OrderedDict()  # oldest attempt first
        self._lock = threading.Lock()

    def admit(self, key: Hashable) -> float:
        """0 if ``key`` may try a password now, else the seconds it must still wait.

        An admitted attempt counts as a failure until :meth:`succeeded` says
        otherwise, so parallel guesses cannot all slip through the free attempts.
        """
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            record = self._records.get(key)
            if record is not None and now < record.not_before:
                return record.not_before - now
            record = self._records.pop(key, None) or _Record()
            record.attempts += 1
            record.not_before = now + self.delay(record.attempts)
            record.last = now
            self._records[key] = record
            return 0.0

    def succeeded(self, key: Hashable) -> None:
        """The right password was given: ``key`` starts afresh."""
        with self._lock:
            self._records.pop(key, None)

    def delay(self, attempts: int) -> float:
        """The wait after ``attempts`` unsuccessful attempts in a row."""
        over = attempts - self.free_attempts
        if over <= 0:
            return 0.0
        return min(self.max_delay, self.base_delay * 2 ** min(over - 1, 32))

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def _forget_old(self, now: float) -> None:
        cutoff = now - self.forget_after
        while self._records:
            key, record = next(iter(self._records.items()))
            if record.last >= cutoff and len(self._records) < self.max_keys:
                break
            del self._records[key]


# Checks the wait and counts the attempt in one step, so parallel guesses on
# several instances cannot all slip through the free attempts. Redis's own
# clock times the waits: instances need not agree on the time.
# KEYS: attempts, wait. ARGV: forget_after, then the wait after each attempt
# (ms), the last one repeating.
_ADMIT = """
local wait = redis.call('PTTL', KEYS[2])
if wait > 0 then return wait end
local attempts = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local delay = tonumber(ARGV[math.min(attempts, #ARGV - 1) + 1])
if delay > 0 then redis.call('SET', KEYS[2], '1', 'PX', delay) end
return 0
"""


class SharedLoginThrottle(LoginThrottle):
    """The same throttle with its records in Redis, shared by every workspace instance.

    Each key has an attempt counter that expires ``forget_after`` seconds after
    the last counted attempt, and while a wait runs, a marker that expires when
    it ends. ``clock`` only times the in-process fallback.

    If Redis does not answer, the throttle falls back to the in-process record
    of :class:`LoginThrottle`, which is what a single instance always had.
    Refusing every login would lock the team out for as long as the outage
    lasts, which this throttle exists never to do; admitting every attempt
    would hand a guesser unlimited tries for as long as they can keep Redis
    away. The fallback only multiplies their tries by the number of instances.
    """

    def __init__(self, store: RedisStore, **limits) -> None:
        super().__init__(**limits)
        self._store = store
        self._admit = store.client.register_script(_ADMIT)
        self._args = [round(self.forget_after * 1000), *self._delays_ms()]

    def admit(self, key: Hashable) -> float:
        try:
            wait_ms = self._store.run(
                lambda client: self._admit(self._keys(key), self._args, client)
            )
        except StoreUnavailable:
            return super().admit(key)
        return wait_ms / 1000

    def succeeded(self, key: Hashable) -> None:
        super().succeeded(key)  # a record kept while Redis was away
        with contextlib.suppress(StoreUnavailable):  # logged; the shared record expires anyway
            self._store.run(lambda client: client.delete(*self._keys(key)))

    def _keys(self, key: Hashable) -> List[str]:
        name = "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
        return [self._store.key("throttle", part, name) for part in ("attempts", "wait")]

    def _delays_ms(self) -> List[int]:
        """The wait after attempts 1, 2, ... up to where :meth:`delay` stops growing."""
        delays = (self.delay(attempts) for attempts in range(1, self.free_attempts + 34))
        return [max(1, round(delay * 1000)) if delay > 0 else 0 for delay in delays]


def login_throttle(store: RedisStore | None = None, **limits) -> LoginThrottle:
    """The throttle for one workspace instance: shared through ``store`` when there is one."""
    return LoginThrottle(**limits) if store is None else SharedLoginThrottle(store, **limits)
