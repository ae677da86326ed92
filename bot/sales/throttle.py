"""A brake on password guessing: too many wrong passwords from one address wait a while.

Kept in the process on purpose: unlike sessions, a limit that is per instance
still slows a guesser down, and losing it on restart costs nothing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable, Deque, Dict

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    """Counts recent failed logins per client address."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: Dict[str, Deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> bool:
        with self._lock:
            self._forget_old()
            return len(self._failures.get(client, ())) >= self.max_failures

    def failed(self, client: str) -> None:
        with self._lock:
            self._forget_old()
            self._failures.setdefault(client, deque()).append(self._clock())

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    def _forget_old(self) -> None:
        """Drop failures older than the window, and addresses with none left."""
        cutoff = self._clock() - self.window
        for client in list(self._failures):
            failures = self._failures[client]
            while failures and failures[0] < cutoff:
                failures.popleft()
            if not failures:
                del self._failures[client]
