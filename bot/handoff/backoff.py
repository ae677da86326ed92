"""When to try a failed delivery again: exponential backoff with jitter.

Doubling the wait stops a dead webhook from being hammered; the jitter keeps
notifications that failed together (the receiver was down for everyone) from
all coming back in the same second when it recovers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable


@dataclass(frozen=True)
class Backoff:
    """``base * 2**(attempt-1)``, capped, of which a random half is waited ("equal jitter")."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    random: Callable[[], float] = random.random

    def ceiling(self, attempt: int) -> timedelta:
        """The longest wait after failed attempt number ``attempt`` (1 for the first)."""
        exponent = min(max(attempt, 1) - 1, 32)  # 2**32 * base is beyond any cap
        return min(self.cap, self.base * (2**exponent))

    def delay(self, attempt: int) -> timedelta:
        ceiling = self.ceiling(attempt)
        return ceiling / 2 + ceiling / 2 * self.random()
