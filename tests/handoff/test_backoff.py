"""The retry schedule: doubling waits, capped, with a random half as jitter."""

from datetime import timedelta

import pytest

from bot.handoff.backoff import Backoff

BASE = timedelta(seconds=30)


@pytest.mark.parametrize(
    ("attempt", "ceiling"),
    [(1, 30), (2, 60), (3, 120), (4, 240), (8, 3600), (500, 3600)],
)
def test_ceiling_doubles_per_attempt_up_to_the_cap(attempt, ceiling):
    assert Backoff(base=BASE).ceiling(attempt) == timedelta(seconds=ceiling)


def test_jitter_waits_between_half_and_all_of_the_ceiling():
    assert Backoff(base=BASE, random=lambda: 0.0).delay(3) == timedelta(seconds=60)
    assert Backoff(base=BASE, random=lambda: 1.0).delay(3) == timedelta(seconds=120)
    delays = {Backoff(base=BASE).delay(3) for _ in range(200)}
    assert all(timedelta(seconds=60) <= d <= timedelta(seconds=120) for d in delays)
    assert len(delays) > 100  # notifications that failed together come back spread out
