"""A brake on password guessing that slows a guesser down but never locks the team out.

Each key (the account and client address, or a browser that has signed in
before, see ``server.py``) gets a few attempts for free; after that every
attempt must wait a delay that doubles from :data:`BASE_DELAY` up to
:data:`MAX_DELAY`. Attempts during the wait are refused without checking the
password and do not lengthen it, so once the short wait is over the right
password works again. A hard ban would not do: behind a reverse proxy every
user shares one address, and one guesser would lock everyone out.

Kept in the process on purpose: unlike signed-out sessions, a limit per
instance still slows a guesser down, and losing it on restart costs nothing.
Memory stays bounded: keys are forgotten :data:`FORGET_AFTER` seconds after
their last attempt, and beyond :data:`MAX_KEYS` the oldest go first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable

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
