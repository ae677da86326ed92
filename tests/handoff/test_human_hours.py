"""Business hours: what a visitor who asks for a person is told about the reply time."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from zoneinfo import ZoneInfo

from bot.config import load_settings
from bot.handoff.hours import (
    DEFAULT_HOURS_FILE,
    HoursError,
    expected_reply,
    is_open,
    load_hours,
    next_opening,
    opening_summary,
    parse_hours,
)

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = {day: "09:00-17:30" for day in ("mon", "tue", "wed", "thu", "fri")}
DURING = "A member of our sales team will reply by email within about 2 hours."
OFFLINE = "Our team is offline now (we're open Mon\u2013Fri 9:00\u201317:30 UK time); "


def hours(**overrides):
    document = dict(timezone="Europe/London", timezone_label="UK time", response_time="2h",
                    opening_hours=dict(WEEKDAYS), holidays=[date(2026, 12, 25)])  # fmt: skip
    document.update(overrides)
    return parse_hours(document)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


# 2026-11-24 is a Tuesday; 2026-11-27 a Friday; 2026-11-28 a Saturday.
@pytest.mark.parametrize(
    "now, expected",
    [
        ("2026-11-24 10:00", DURING),
        ("2026-11-24 09:00", DURING),  # the opening minute counts as open
        ("2026-11-24 15:30", DURING),  # exactly 2 hours before closing
        ("2026-11-24 07:15", OFFLINE + "expect a reply later this morning."),
        ("2026-11-24 17:30", OFFLINE + "expect a reply tomorrow morning."),
        ("2026-11-24 22:00", OFFLINE + "expect a reply tomorrow morning."),
        ("2026-11-25 00:30", OFFLINE + "expect a reply later this morning."),
        ("2026-11-27 18:00", OFFLINE + "expect a reply on Monday morning."),
        ("2026-11-28 12:00", OFFLINE + "expect a reply on Monday morning."),
        ("2026-11-29 23:59", OFFLINE + "expect a reply tomorrow morning."),
    ],
)
def test_expected_reply_through_the_week(now, expected):
    assert expected_reply(london(now), hours()) == expected


def test_late_in_the_day_no_promise_the_closing_time_would_break():
    text = expected_reply(london("2026-11-27 16:45"), hours())
    assert text == ("Our team is in until 17:30 UK time, so expect a reply by email "
                    "later today or on Monday morning.")  # fmt: skip


def test_holidays_are_skipped_and_named():
    table = hours(holidays=["2026-12-25", date(2026, 12, 28)])
    # Thursday evening before Christmas: Fri 25 and Mon 28 are holidays.
    assert expected_reply(london("2026-12-24 18:00"), table).endswith("on Tuesday morning.")
    on_holiday = expected_reply(london("2026-12-25 11:00"), table)
    assert on_holiday.startswith("Our team is away today for a holiday (we're open Mon")
    assert not is_open(london("2026-12-25 11:00"), table)
    assert next_opening(london("2026-12-25 11:00"), table) == london("2026-12-29 09:00")


def test_a_long_closure_names_the_date():
    closed = [date(2026, 12, 21) + timedelta(days=i) for i in range(14)]
    text = expected_reply(london("2026-12-18 18:00"), hours(holidays=closed))
    assert text.endswith("expect a reply on Monday 4 January.")


def test_spring_forward_moves_the_hours_with_the_clocks():
    # Clocks went forward on Sunday 29 March 2026: 08:30 UTC is 09:30 in London.
    assert is_open(utc("2026-03-30 08:30"), hours())
    assert expected_reply(utc("2026-03-30 08:30"), hours()) == DURING
    assert not is_open(utc("2026-03-27 08:30"), hours())  # still GMT: 08:30 in London
    opening = next_opening(utc("2026-03-29 00:30"), hours())  # before the change
    assert opening == london("2026-03-30 09:00") and opening.utcoffset() == timedelta(hours=1)
    assert opening.astimezone(timezone.utc) == utc("2026-03-30 08:00")


def test_fall_back_moves_the_hours_with_the_clocks():
    # Clocks went back on Sunday 25 October 2026: 08:30 UTC is 08:30 in London again.
    assert is_open(utc("2026-10-23 08:30"), hours())  # BST: 09:30
    monday = utc("2026-10-26 08:30")
    assert not is_open(monday, hours())
    assert expected_reply(monday, hours()) == OFFLINE + "expect a reply later this morning."
    assert next_opening(monday, hours()).astimezone(timezone.utc) == utc("2026-10-26 09:00")
    # 16:45 UTC on Friday 23 October is 17:45 BST: closed, although 16:45 < 17:30.
    assert not is_open(utc("2026-10-23 16:45"), hours())


def test_now_may_be_given_in_any_zone_but_not_naive():
    new_york = datetime(2026, 11, 24, 5, 0, tzinfo=ZoneInfo("America/New_York"))  # 10:00 UK
    assert expected_reply(new_york, hours()) == DURING
    with pytest.raises(ValueError, match="aware"):
        expected_reply(datetime(2026, 11, 24, 10, 0), hours())


def test_other_response_times_and_weekend_hours_are_described():
    table = hours(response_time="90m", opening_hours=dict(WEEKDAYS, sat="10:00-13:00"))
    assert expected_reply(london("2026-11-28 10:30"), table).endswith("about 90 minutes.")
    assert opening_summary(table) == "Mon\u2013Fri 9:00\u201317:30, Sat 10:00\u201313:00"
    assert "within about 1 hour." in expected_reply(london("2026-11-24 10:00"),
                                                     hours(response_time="1h"))  # fmt: skip
    assert "about 2 hours 30 minutes" in expected_reply(london("2026-11-24 10:00"),
                                                        hours(response_time="2h30m"))  # fmt: skip
    split = hours(opening_hours={"mon": "09:00-12:00", "wed": "09:00-12:00", "thu": "14:00-18:00"})
    assert opening_summary(split) == (
        "Mon 9:00\u201312:00, Wed 9:00\u201312:00, Thu 14:00\u201318:00"
    )
    assert expected_reply(london("2026-11-25 13:00"), split).endswith("tomorrow afternoon.")


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(timezone="Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
        (dict(timezone=None), "timezone must name an IANA time zone"),
        (dict(timezone_label=""), "timezone_label must be text"),
        (dict(response_time=2), "response_time must be like 2h, 90m or 1h30m, got 2"),
        (dict(response_time="soon"), "response_time must be like"),
        (dict(response_time="0m"), "between 1m and 7 days"),
        (dict(opening_hours={"monday": "09:00-17:00"}), "opening_hours: unknown key(s) monday"),
        (dict(opening_hours={"mon": "9-17"}), "opening_hours.mon must be HH:MM-HH:MM"),
        (dict(opening_hours={"mon": "17:00-09:00"}), "must end after it starts"),
        (dict(opening_hours={"mon": "09:00-25:00"}), "not a time of day"),
        (dict(opening_hours={"sat": "closed", "sun": False}), "no day is open"),
        (dict(opening_hours=None), "opening_hours must map weekdays to hours"),
        (dict(holidays=["25/12/2026"]), "holidays[0] must be a date like 2026-12-25"),
        (dict(holidays="2026-12-25"), "holidays must be a list of dates"),
        (dict(opening="09:00-17:00"), "the file: unknown key(s) opening"),
    ],
)
def test_invalid_hours_are_refused_with_a_clear_message(overrides, message):
    with pytest.raises(HoursError) as error:
        hours(**overrides)
    assert message in str(error.value)


def test_every_weekday_on_holiday_for_a_year_is_an_error_not_a_hang():
    every_day = [date(2026, 11, 1) + timedelta(days=i) for i in range(500)]
    with pytest.raises(HoursError, match="no opening in the next"):
        expected_reply(london("2026-11-24 20:00"), hours(holidays=every_day))


def test_the_shipped_file_is_valid_and_means_weekdays_in_london():
    shipped = load_hours()
    assert shipped.zone.key == "Europe/London" and shipped.response_time == timedelta(hours=2)
    assert opening_summary(shipped) == "Mon\u2013Fri 9:00\u201317:30"
    assert date(2026, 12, 25) in shipped.holidays


def test_file_errors_name_the_file(tmp_path):
    broken = tmp_path / "hours.yml"
    broken.write_text("timezone: [unclosed\n")
    with pytest.raises(HoursError, match=r"hours\.yml: not valid YAML"):
        load_hours(broken)
    with pytest.raises(HoursError, match="cannot read the hours file"):
        load_hours(tmp_path / "missing.yml")
    broken.write_text(DEFAULT_HOURS_FILE.read_text().replace("Europe/London", "Europe/Londn"))
    with pytest.raises(HoursError, match=r"hours\.yml: timezone: unknown time zone"):
        load_hours(broken)


def test_handoff_hours_variable_is_read_relative_to_the_project(tmp_path):
    settings = load_settings({"BOT_PROJECT_DIR": str(tmp_path), "HANDOFF_HOURS": "ops/hours.yml"})
    assert settings.handoff_hours == tmp_path.resolve() / "ops" / "hours.yml"
    assert load_settings({"BOT_PROJECT_DIR": str(tmp_path)}).handoff_hours is None


def test_the_action_server_uses_edited_hours_without_a_restart(tmp_path, monkeypatch):
    from actions.wiring import business_hours

    hours = tmp_path / "hours.yml"
    hours.write_text(DEFAULT_HOURS_FILE.read_text())
    monkeypatch.setenv("BOT_PROJECT_DIR", str(tmp_path))
    monkeypatch.setenv("HANDOFF_HOURS", "hours.yml")
    assert business_hours().zone_label == "UK time"
    hours.write_text(
        DEFAULT_HOURS_FILE.read_text()
        .replace("Europe/London", "Europe/Dublin")
        .replace("UK time", "Irish time")
    )
    assert business_hours().zone == ZoneInfo("Europe/Dublin")
    assert business_hours().zone_label == "Irish time"
