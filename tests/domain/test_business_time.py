"""Business-time arithmetic: intervals across midnight, daylight saving both ways, holidays, closed days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csconsole.domain import instants
from csconsole.domain.business_time import ALWAYS, BusinessCalendar, calendar_for
from csconsole.domain.schedule import Schedule
from csconsole.domain.sla_spec import parse_schedule


def calendar(hours: str, timezone: str = "UTC", holidays: str | None = None, closed: str | None = None):
    schedule = parse_schedule(hours, timezone, holidays, closed)
    assert schedule is not None
    return calendar_for(schedule)


OFFICE = calendar("mon-fri 09:00-17:00", "Europe/Berlin")


def test_no_schedule_is_the_24_7_clock_of_today() -> None:
    assert calendar_for(None) is ALWAYS
    assert parse_schedule("mon-sun 00:00-24:00", "Asia/Tokyo") is None  # open all week, no day off
    assert ALWAYS.add("2026-03-02T09:00:00Z", 240) == "2026-03-02T13:00:00Z"
    assert ALWAYS.add("2026-03-02T09:00:00Z", 11.25) == "2026-03-02T09:11:15Z"
    assert ALWAYS.elapsed("2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z") == 1440


def test_within_a_working_day_and_over_the_weekend() -> None:
    # Friday 16:00 in Berlin (15:00Z, winter time): one hour left that day, the rest on Monday.
    assert OFFICE.add("2026-03-06T15:00:00Z", 60) == "2026-03-06T16:00:00Z"
    assert OFFICE.add("2026-03-06T15:00:00Z", 120) == "2026-03-09T09:00:00Z"
    assert OFFICE.elapsed("2026-03-06T15:00:00Z", "2026-03-09T09:00:00Z") == 120


def test_a_due_time_at_closing_is_the_closing_time_not_the_next_opening() -> None:
    assert OFFICE.add("2026-03-06T08:00:00Z", 480) == "2026-03-06T16:00:00Z"  # Fri 09:00 + 8 h: Fri 17:00


def test_a_ticket_created_outside_hours_starts_counting_at_the_opening() -> None:
    saturday_noon = "2026-03-07T11:00:00Z"
    assert OFFICE.add(saturday_noon, 240) == "2026-03-09T12:00:00Z"  # Monday 13:00 Berlin
    assert OFFICE.elapsed(saturday_noon, "2026-03-09T08:00:00Z") == 0  # Monday 09:00: nothing yet
    assert OFFICE.add(saturday_noon, 0) == saturday_noon


def test_an_interval_across_midnight_belongs_to_the_day_it_starts_on() -> None:
    night = calendar("fri 22:00-02:00")
    friday_23 = "2026-03-06T23:00:00Z"
    assert night.add(friday_23, 180) == "2026-03-07T02:00:00Z"  # Saturday 02:00
    assert night.add(friday_23, 181) == "2026-03-13T22:01:00Z"  # next Friday night
    assert night.elapsed("2026-03-06T00:00:00Z", "2026-03-09T00:00:00Z") == 240


def test_sunday_night_runs_into_monday() -> None:
    night = calendar("sun 22:00-02:00")
    assert night.elapsed("2026-03-08T00:00:00Z", "2026-03-10T00:00:00Z") == 240
    assert night.add("2026-03-08T23:00:00Z", 120) == "2026-03-09T01:00:00Z"


def test_several_intervals_a_day() -> None:
    split = calendar("mon 09:00-12:00,13:00-17:00")
    assert split.add("2026-03-02T11:00:00Z", 90) == "2026-03-02T13:30:00Z"  # lunch is not counted
    assert split.elapsed("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z") == 420


def test_public_holidays_are_closed() -> None:
    bavaria = calendar("mon-fri 09:00-17:00", "Europe/Berlin", "DE-BY")
    # Epiphany (6 January) is a holiday in Bavaria, not in Berlin. 2026-01-05 is a Monday.
    assert bavaria.add("2026-01-05T15:00:00Z", 120) == "2026-01-07T09:00:00Z"
    berlin = calendar("mon-fri 09:00-17:00", "Europe/Berlin", "DE-BE")
    assert berlin.add("2026-01-05T15:00:00Z", 120) == "2026-01-06T09:00:00Z"
    # Independence Day 2026 is a Saturday: the US closes on Friday 3 July (observed).
    california = calendar("mon-fri 09:00-17:00", "America/Los_Angeles", "US-CA")
    assert california.elapsed("2026-07-03T00:00:00Z", "2026-07-04T12:00:00Z") == 0


def test_the_business_s_own_closed_days() -> None:
    closing = calendar("mon-fri 09:00-17:00", "UTC", closed="2026-12-31,2027-01-02")
    # Wednesday 30 December 16:00 + 2 h: Thursday 31 is closed, Friday 1 January is open (no holidays).
    assert closing.add("2026-12-30T16:00:00Z", 120) == "2027-01-01T10:00:00Z"


def test_a_closed_day_shuts_the_night_that_starts_on_it_not_the_one_before() -> None:
    closed_friday = calendar("fri 22:00-02:00", closed="2026-03-06")
    assert closed_friday.elapsed("2026-03-06T00:00:00Z", "2026-03-08T00:00:00Z") == 0
    closed_saturday = calendar("fri 22:00-02:00", closed="2026-03-07")
    assert closed_saturday.elapsed("2026-03-06T00:00:00Z", "2026-03-08T00:00:00Z") == 240


# Daylight saving: an instant is open when the wall clock reads opening hours then.

def test_spring_forward_skips_the_hour_that_does_not_exist_berlin() -> None:
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00Z).
    assert calendar("sun 01:00-04:00", "Europe/Berlin").elapsed("2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z") == 120
    assert calendar("sun 02:00-03:00", "Europe/Berlin").elapsed("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z") == 0
    night = calendar("sat 22:00-04:00", "Europe/Berlin")  # 21:00Z to 02:00Z: five real hours
    assert night.elapsed("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z") == 300


def test_spring_forward_new_york_an_opening_inside_the_gap_opens_at_the_jump() -> None:
    # 8 March 2026: 02:00 EST jumps to 03:00 EDT (07:00Z).
    early = calendar("sun 02:30-05:00", "America/New_York")
    assert early.add("2026-03-08T00:00:00Z", 1) == "2026-03-08T07:01:00Z"
    assert early.elapsed("2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z") == 120


def test_fall_back_counts_the_repeated_hour_twice_berlin() -> None:
    # 25 October 2026: 03:00 CEST falls back to 02:00 CET (01:00Z).
    night = calendar("sun 01:00-04:00", "Europe/Berlin")
    assert night.elapsed("2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z") == 240
    assert night.add("2026-10-24T12:00:00Z", 240) == "2026-10-25T03:00:00Z"  # 04:00 CET


def test_fall_back_new_york_an_interval_ending_in_the_repeated_hour() -> None:
    # 1 November 2026: 02:00 EDT falls back to 01:00 EST (06:00Z); 00:00-01:30 is shown twice in part.
    early = calendar("sun 00:00-01:30", "America/New_York")
    assert early.elapsed("2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z") == 120
    assert early.add("2026-11-01T04:00:00Z", 100) == "2026-11-01T06:10:00Z"  # 01:10 EST, the second time


def test_office_hours_keep_their_wall_time_across_a_change() -> None:
    # Friday before (CET) and Monday after (CEST): 09:00 local is 08:00Z, then 07:00Z.
    assert OFFICE.add("2026-03-27T15:00:00Z", 120) == "2026-03-30T08:00:00Z"


def test_sub_second_times_keep_their_fraction() -> None:
    assert ALWAYS.add("2026-03-02T09:00:00.250000Z", 1) == "2026-03-02T09:01:00.250000Z"
    assert OFFICE.add("2026-03-02T09:00:00.5Z", 0.5) == "2026-03-02T09:00:30.500000Z"
    assert instants.to_text(instants.to_seconds("2026-03-02T09:00:00Z")) == "2026-03-02T09:00:00Z"


def test_far_apart_instants_grow_the_calendar_both_ways() -> None:
    schedule = parse_schedule("mon-fri 09:00-17:00", "Europe/Berlin")
    assert isinstance(schedule, Schedule)
    fresh = BusinessCalendar(schedule)  # not the cached one: it starts from nothing here
    assert fresh.add("2026-03-06T15:00:00Z", 60) == "2026-03-06T16:00:00Z"
    assert fresh.add("2016-03-04T15:00:00Z", 60) == "2016-03-04T16:00:00Z"  # a Friday, ten years back
    assert fresh.add("2036-03-07T15:00:00Z", 120) == "2036-03-10T09:00:00Z"  # a Friday, ten years on
    assert fresh.elapsed("2016-03-04T15:00:00Z", "2016-03-04T16:00:00Z") == 60


# --- properties ------------------------------------------------------------------------------------------

SCHEDULES = [
    calendar("mon-fri 09:00-17:00", "Europe/Berlin", "DE-BY"),
    calendar("mon-fri 08:00-12:00,13:00-18:00; sat 10:00-14:00", "America/New_York", "US-NY", "2027-01-04"),
    calendar("mon-sun 22:00-02:00", "Europe/Berlin"),
    calendar("sun 01:00-04:00; wed 02:30-03:30", "America/New_York"),
    calendar("24/7", "Australia/Lord_Howe", "AU-NSW"),  # a half-hour DST change
    ALWAYS,
]
instants_2020s = st.integers(
    int(datetime(2020, 1, 1, tzinfo=UTC).timestamp()), int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
).map(instants.to_text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SCHEDULES), instants_2020s, st.integers(0, 30_000))
def test_elapsed_undoes_add(cal, start: str, minutes: int) -> None:
    due = cal.add(start, minutes)
    assert cal.elapsed(start, due) == minutes
    assert due >= start


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SCHEDULES), instants_2020s, st.integers(1, 5000), st.integers(1, 5000))
def test_add_is_additive_and_elapsed_chains(cal, start: str, first: int, second: int) -> None:
    assert cal.add(cal.add(start, first), second) == cal.add(start, first + second)
    middle = cal.add(start, first)
    end = cal.add(start, first + second)
    assert cal.elapsed(start, middle) + cal.elapsed(middle, end) == cal.elapsed(start, end)


def _wall_open(hours: str, timezone: str, moment: datetime) -> bool:
    """The rule stated plainly: the wall clock at ``moment`` reads opening hours of its day or the day before."""
    schedule = parse_schedule(hours, timezone)
    assert schedule is not None
    wall = moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    for back in (0, 1):
        day = (wall - timedelta(days=back)).date()
        since_midnight = (wall - datetime(day.year, day.month, day.day)).total_seconds() / 60
        if any(i.start <= since_midnight < i.end for i in schedule.week[day.weekday()]):
            return True
    return False


@pytest.mark.parametrize(("hours", "timezone", "day"), [
    ("sun 00:00-01:30,01:45-03:15", "America/New_York", "2026-11-01"),
    ("sat 23:30-02:30; sun 03:00-04:00", "America/New_York", "2026-03-07"),
    ("sat 22:00-02:30; sun 02:45-03:15", "Europe/Berlin", "2026-10-24"),
    ("mon-sun 01:00-02:30", "Australia/Lord_Howe", "2026-04-04"),
])
def test_open_minutes_equal_a_minute_by_minute_walk_of_the_wall_clock(hours: str, timezone: str, day: str) -> None:
    cal = calendar(hours, timezone)
    start = datetime.fromisoformat(day).replace(tzinfo=UTC) - timedelta(hours=12)
    walked = sum(_wall_open(hours, timezone, start + timedelta(minutes=m)) for m in range(3 * 1440))
    assert cal.elapsed(instants.to_text(start.timestamp()),
                       instants.to_text((start + timedelta(days=3)).timestamp())) == walked
