"""The one reader of "how long" and "since when" behind every ``--since`` and ``--older-than``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot import durations

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("45 min", timedelta(minutes=45)),
        ("1 minute", timedelta(minutes=1)),
        ("12h", timedelta(hours=12)),
        (" 48H ", timedelta(hours=48)),
        ("3 hrs", timedelta(hours=3)),
        ("7d", timedelta(days=7)),
        ("1 Day", timedelta(days=1)),
        ("180 days", timedelta(days=180)),
        ("2w", timedelta(weeks=2)),
        ("26 WEEKS", timedelta(weeks=26)),
        ("1wk", timedelta(weeks=1)),
    ],
)
def test_span_reads_a_number_and_a_unit(text, expected):
    assert durations.span(text) == expected


@pytest.mark.parametrize(
    "text", ["", "7", "d", "-1d", "1.5h", "6 months", "1y", "2w3d", "seven days", "9" * 20 + "w"]
)
def test_span_refuses_what_it_cannot_read_and_says_what_it_accepts(text):
    with pytest.raises(ValueError) as refused:
        durations.span(text)
    assert repr(text) in str(refused.value)
    assert "like 30m, 12h, 7d or 2w" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", datetime(2026, 3, 3, 12, tzinfo=timezone.utc)),
        ("2w", datetime(2026, 2, 24, 12, tzinfo=timezone.utc)),
        ("2 weeks ago", datetime(2026, 2, 24, 12, tzinfo=timezone.utc)),
        ("90 MIN", datetime(2026, 3, 10, 10, 30, tzinfo=timezone.utc)),
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=timezone.utc)),
        ("2026-03-01T08:30", datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)),
        (" 2026-03-01 08:30Z ", datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)),
        ("2026-03-01T10:30+02:00", datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)),
    ],
)
def test_since_reads_ages_and_iso_dates_as_utc(text, expected):
    moment = durations.since(text, now=NOW)
    assert moment == expected and moment.utcoffset() == timedelta(0)


def test_since_counts_back_from_the_current_time_by_default():
    before = datetime.now(timezone.utc)
    moment = durations.since("1h")
    assert before - timedelta(hours=1) <= moment <= datetime.now(timezone.utc) - timedelta(hours=1)


@pytest.mark.parametrize("text", ["", "soon", "yesterday", "2026-13-01", "7y", "1.5d", "99999999w"])
def test_since_refuses_what_it_cannot_read_and_says_what_it_accepts(text):
    with pytest.raises(ValueError, match="a date like 2026-03-01.* or an age like 7d or 2w"):
        durations.since(text, now=NOW)


def test_since_as_a_unix_timestamp_for_stores_that_keep_numbers():
    now = NOW.timestamp()
    assert durations.since_timestamp("7d", now=now) == now - 7 * 86400
    midnight_utc = datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert durations.since_timestamp("2026-03-01") == midnight_utc.timestamp()
