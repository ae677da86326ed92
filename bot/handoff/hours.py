"""Business hours of the sales team, and an honest "when will someone reply".

A visitor who asks for a person at 22:00 on a Friday must not be told "within
2 hours". The opening hours, holidays and typical response time live in
``hours.yml`` (or the file ``HANDOFF_HOURS`` names) because they change with
staffing, not with the code. All reasoning happens in the team's time zone
with :mod:`zoneinfo`, so daylight saving time moves the hours with the clocks.
The file is validated as a whole when loaded: a typo must stop with a message
naming the entry, not silently promise replies at midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Tuple

from bot.settings_file import read_settings_file

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
except ImportError:  # Python 3.8, which Rasa 3.6 still supports
    from backports.zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_HOURS_FILE = Path(__file__).resolve().parent / "hours.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHORT_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TOP_KEYS = {"timezone", "timezone_label", "response_time", "opening_hours", "holidays"}
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-\u2013]\s*(\d{1,2}):(\d{2})\s*$")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")
_CLOSED = ("closed", "", None)
# Far enough to cross any run of holidays; a year with no opening is a config error.
_SEARCH_DAYS = 400


class HoursError(ValueError):
    """The hours file is missing, not YAML, or describes impossible opening hours."""


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    zone_label: str  # how visitors know the zone, e.g. "UK time"
    response_time: timedelta  # typical first reply while the team is in
    opening: Mapping[int, Tuple[time, time]]  # weekday (Monday = 0) -> (open, close)
    holidays: FrozenSet[date]


def load_hours(path: Path | None = None) -> BusinessHours:
    """Read and validate the hours file (the packaged default when ``path`` is None)."""
    path = Path(path or DEFAULT_HOURS_FILE)
    return read_settings_file(path, "hours file", HoursError, parse_hours)


def parse_hours(document: Any) -> BusinessHours:
    if not isinstance(document, dict):
        raise HoursError(f"the file must be a mapping, got {_kind(document)}")
    _no_unknown_keys(document, "the file", _TOP_KEYS)
    zone = _zone(document.get("timezone"))
    label = document.get("timezone_label", zone.key)
    if not isinstance(label, str) or not label.strip():
        raise HoursError("timezone_label must be text, e.g. 'UK time'")
    return BusinessHours(
        zone=zone,
        zone_label=label.strip(),
        response_time=_duration(document.get("response_time")),
        opening=_opening(document.get("opening_hours")),
        holidays=_holidays(document.get("holidays", [])),
    )


def is_open(now: datetime, hours: BusinessHours) -> bool:
    """Whether the team is in at ``now`` (an aware datetime in any zone)."""
    local = _local(now, hours)
    interval = _interval_on(local.date(), hours)
    return interval is not None and interval[0] <= local.time() < interval[1]


def next_opening(now: datetime, hours: BusinessHours) -> datetime:
    """The first opening time after ``now``, in the team's zone, skipping holidays."""
    local = _local(now, hours)
    for offset in range(_SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        interval = _interval_on(day, hours)
        if interval is not None:
            start = datetime.combine(day, interval[0], tzinfo=hours.zone)
            if start > local:
                return start
    raise HoursError(f"no opening in the next {_SEARCH_DAYS} days; check the holidays")


def expected_reply(now: datetime, hours: BusinessHours) -> str:
    """What to tell a visitor who just asked for a person, honestly, in one sentence."""
    local = _local(now, hours)
    if is_open(local, hours):
        close = datetime.combine(local.date(), _interval_on(local.date(), hours)[1],
                                 tzinfo=hours.zone)  # fmt: skip
        if local + hours.response_time <= close:
            return ("A member of our sales team will reply by email within about "
                    f"{_duration_text(hours.response_time)}.")  # fmt: skip
        # Promising "2 hours" at 17:00 would be broken by the team going home.
        return (
            f"Our team is in until {_clock(close.time())} {hours.zone_label}, so expect "
            f"a reply by email later today or {_when(local, next_opening(local, hours))}."
        )
    away = "away today for a holiday" if local.date() in hours.holidays else "offline now"
    return (f"Our team is {away} (we're open {opening_summary(hours)} {hours.zone_label}); "
            f"expect a reply {_when(local, next_opening(local, hours))}.")  # fmt: skip


def opening_summary(hours: BusinessHours) -> str:
    """``Mon–Fri 9:00–17:30, Sat 10:00–13:00``: consecutive days with equal hours grouped."""
    groups: List[Tuple[int, int, Tuple[time, time]]] = []
    for day in sorted(hours.opening):
        interval = hours.opening[day]
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == interval:
            groups[-1] = (groups[-1][0], day, interval)
        else:
            groups.append((day, day, interval))
    return ", ".join(
        f"{_day_range(first, last)} {_clock(start)}\u2013{_clock(end)}"
        for first, last, (start, end) in groups
    )


def _day_range(first: int, last: int) -> str:
    if first == last:
        return _SHORT_NAMES[first]
    return f"{_SHORT_NAMES[first]}\u2013{_SHORT_NAMES[last]}"


def _when(local: datetime, opening: datetime) -> str:
    """``later this morning``, ``tomorrow morning``, ``on Monday morning`` or a date."""
    days = (opening.date() - local.date()).days
    part = "morning" if opening.hour < 12 else "afternoon" if opening.hour < 17 else "evening"
    if days == 0:
        return f"later this {part}" if part == "morning" else f"this {part}"
    if days == 1:
        return f"tomorrow {part}"
    name = _DAY_NAMES[opening.weekday()]
    if days < 7:
        return f"on {name} {part}"
    return f"on {name} {opening.day} {opening.strftime('%B')}"


def _interval_on(day: date, hours: BusinessHours) -> Tuple[time, time] | None:
    if day in hours.holidays:
        return None
    return hours.opening.get(day.weekday())


def _local(now: datetime, hours: BusinessHours) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime; naive times are ambiguous")
    return now.astimezone(hours.zone)


def _clock(value: time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def _duration_text(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours == 0 or (rest and minutes < 120):
        return f"{minutes} minutes"
    text = f"{hours} hour" + ("s" if hours > 1 else "")
    return f"{text} {rest} minutes" if rest else text


def _zone(value: Any) -> ZoneInfo:
    if not isinstance(value, str) or not value.strip():
        raise HoursError("timezone must name an IANA time zone, e.g. Europe/London")
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(f"timezone: unknown time zone {value!r}") from None


def _duration(value: Any) -> timedelta:
    # A bare number is refused: nobody can tell whether it means minutes or hours.
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise HoursError(f"response_time must be like 2h, 90m or 1h30m, got {value!r}")
    duration = timedelta(hours=int(match.group(1) or 0), minutes=int(match.group(2) or 0))
    if not timedelta(0) < duration <= timedelta(days=7):
        raise HoursError(f"response_time must be between 1m and 7 days, got {value!r}")
    return duration


def _opening(value: Any) -> Dict[int, Tuple[time, time]]:
    if not isinstance(value, dict):
        raise HoursError(f"opening_hours must map weekdays to hours, got {_kind(value)}")
    _no_unknown_keys(value, "opening_hours", set(WEEKDAYS))
    opening = {}
    for name, text in value.items():
        if text is not False and text not in _CLOSED:  # YAML reads `off` as False
            opening[WEEKDAYS.index(name)] = _interval(text, f"opening_hours.{name}")
    if not opening:
        raise HoursError("opening_hours: no day is open, so no reply could ever be promised")
    return opening


def _interval(value: Any, where: str) -> Tuple[time, time]:
    match = _INTERVAL.match(value) if isinstance(value, str) else None
    if not match:
        raise HoursError(f"{where} must be HH:MM-HH:MM or 'closed', got {value!r}")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise HoursError(f"{where}: {value!r} is not a time of day (00:00 to 23:59)")
    start, end = time(h1, m1), time(h2, m2)
    if start >= end:
        raise HoursError(f"{where}: opening {value!r} must end after it starts, the same day")
    return start, end


def _holidays(value: Any) -> FrozenSet[date]:
    if not isinstance(value, list):
        raise HoursError(f"holidays must be a list of dates, got {_kind(value)}")
    days = set()
    for i, entry in enumerate(value):
        if isinstance(entry, str):
            try:
                entry = date.fromisoformat(entry.strip())
            except ValueError:
                entry = None
        if not isinstance(entry, date) or isinstance(entry, datetime):
            raise HoursError(f"holidays[{i}] must be a date like 2026-12-25, got {value[i]!r}")
        days.add(entry)
    return frozenset(days)


def _no_unknown_keys(value: Mapping[Any, Any], where: str, allowed: set) -> None:
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise HoursError(
            f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}"
        )


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
