"""Spans of time and "since when" as people type them on the command line.

Every command that takes an age (``--since``, ``--older-than``) reads it here,
so ``2w`` means the same in all of them. A span is a whole number and a unit:

=========  ===============================================
minutes    ``m``, ``min``, ``mins``, ``minute``, ``minutes``
hours      ``h``, ``hr``, ``hrs``, ``hour``, ``hours``
days       ``d``, ``day``, ``days``
weeks      ``w``, ``wk``, ``wks``, ``week``, ``weeks``
=========  ===============================================

Spaces and case do not matter (``7d``, ``7 D``, ``7 days``). ``m`` is minutes,
as in ``30m``; months and years are refused rather than guessed, since their
length varies (write ``26w`` or ``365d``). A moment ("since") is a span back
from now, optionally followed by ``ago``, or an ISO date or date-time:
``2026-03-01`` is midnight UTC, a date-time without an offset is UTC too.
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta, timezone

_SPAN = re.compile(r"^(\d+)\s*([a-z]+)$", re.ASCII)
_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
}
SPAN_FORMS = "a whole number and a unit, like 30m, 12h, 7d or 2w (minutes, hours, days, weeks)"
SINCE_FORMS = "a date like 2026-03-01, a date-time like 2026-03-01T08:00 or an age like 7d or 2w"


def span(text: str) -> timedelta:
    """The span ``text`` names; a ValueError naming the accepted forms otherwise."""
    found = _read_span(text)
    if found is None:
        raise ValueError(f"cannot read {text!r} as a span of time: write {SPAN_FORMS}")
    return found


def since(text: str, now: datetime | None = None) -> datetime:
    """The moment ``text`` names, as an aware UTC datetime: an age back from ``now`` or a date."""
    cleaned = re.sub(r"\s*\bago$", "", (text or "").strip().casefold())
    age = _read_span(cleaned)
    try:
        if age is not None:
            return _utc(now or datetime.now(timezone.utc)) - age
        return _utc(datetime.fromisoformat(re.sub(r"z$", "+00:00", cleaned)))
    except (ValueError, OverflowError):  # not ISO, or before the year 1
        raise ValueError(f"cannot read {text!r} as a moment: write {SINCE_FORMS}") from None


def since_timestamp(text: str, now: float | None = None) -> float:
    """:func:`since` as a Unix timestamp, for stores that keep times as numbers."""
    moment = None if now is None else datetime.fromtimestamp(now, timezone.utc)
    return since(text, moment).timestamp()


def span_argument(text: str) -> timedelta:
    """:func:`span` for argparse's ``type=``: a bad value is a usage error, not a traceback."""
    return _as_argument(span, text)


def since_argument(text: str) -> datetime:
    """:func:`since` for argparse's ``type=``: a bad value is a usage error, not a traceback."""
    return _as_argument(since, text)


def _as_argument(parse, text: str):
    # argparse shows an ArgumentTypeError's own message; a plain ValueError it replaces
    # with "invalid value", which would hide the accepted forms.
    try:
        return parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _read_span(text: str) -> timedelta | None:
    match = _SPAN.match((text or "").strip().casefold())
    if not match or match.group(2) not in _UNITS:
        return None
    try:
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:  # more than about 2.7 million years
        return None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
