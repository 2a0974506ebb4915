"""The command line's text forms of schedules and targets: what they mean, every refusal, the round trip."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csconsole.domain.errors import BadInput
from csconsole.domain.schedule import ALL_WEEK, Interval, Schedule
from csconsole.domain.sla_policy import SlaPolicy
from csconsole.domain.sla_spec import (
    describe_schedule,
    format_hours,
    parse_closed,
    parse_holidays,
    parse_hours,
    parse_schedule,
    parse_timezone,
    schedule_texts,
)
from csconsole.domain.sla_targets import Targets, TargetTable, parse_targets

NINE_TO_FIVE = (Interval(540, 1020),)


def test_day_ranges_lists_and_several_intervals() -> None:
    week = parse_hours("mon-fri 09:00-17:00; sat 10:00-14:00")
    assert week == (*[NINE_TO_FIVE] * 5, (Interval(600, 840),), ())
    week = parse_hours("mon,wed 09:00-12:00,13:00-17:00")
    assert week[0] == week[2] == (Interval(540, 720), Interval(780, 1020))
    assert week[1] == ()


def test_across_midnight_24_00_and_the_whole_week() -> None:
    assert parse_hours("fri 22:00-02:00")[4] == (Interval(1320, 1560),)
    assert parse_hours("sat 18:00-24:00")[5] == (Interval(1080, 1440),)
    assert parse_hours("sat 18:00-00:00")[5] == (Interval(1080, 1440),)
    assert parse_hours("mon-sun 00:00-24:00") == parse_hours("24/7") == ALL_WEEK


def test_lenient_spelling_reads_the_same() -> None:
    assert parse_hours(" Monday-FRI 9:00 - 12:00, 12:00-17:00 ;") == parse_hours("mon-fri 09:00-17:00")
    assert parse_hours("fri-mon 10:00-11:00") == parse_hours("mon,fri,sat,sun 10:00-11:00")


@pytest.mark.parametrize(("text", "message"), [
    ("mon-fri 9-17", 'bad hours "mon-fri 9-17": expected HH:MM-HH:MM, got "9-17"'),
    ("", 'bad hours "": no opening hours given (e.g. mon-fri 09:00-17:00)'),
    (" ; ", 'bad hours " ; ": no opening hours given (e.g. mon-fri 09:00-17:00)'),
    ("09:00-17:00", 'bad hours "09:00-17:00": expected DAYS HH:MM-HH:MM (e.g. mon-fri 09:00-17:00)'),
    ("mon-fri", 'bad hours "mon-fri": expected DAYS HH:MM-HH:MM (e.g. mon-fri 09:00-17:00)'),
    ("mon-fry 09:00-17:00",
     'bad hours "mon-fry 09:00-17:00": unknown day "fry" (expected mon, tue, wed, thu, fri, sat, sun)'),
    ("mon,,tue 09:00-17:00", 'bad hours "mon,,tue 09:00-17:00": a day is missing in "mon,,tue"'),
    ("mon 09:00-17:60", 'bad hours "mon 09:00-17:60": no such time "17:60"'),
    ("mon 25:00-26:00", 'bad hours "mon 25:00-26:00": no such time "25:00"'),
    ("mon 24:00-02:00", 'bad hours "mon 24:00-02:00": 24:00 can only end an interval'),
    ("mon 09:00-09:00", 'bad hours "mon 09:00-09:00": "09:00-09:00" is empty'),
    ("mon 09:00-17:00,", 'bad hours "mon 09:00-17:00,": expected HH:MM-HH:MM, got ""'),
    ("mon 09:00-17:00,12:00-18:00",
     'bad hours "mon 09:00-17:00,12:00-18:00": 09:00-17:00 and 12:00-18:00 overlap on mon'),
    ("mon-fri 09:00-17:00; wed 16:00-18:00",
     'bad hours "mon-fri 09:00-17:00; wed 16:00-18:00": 09:00-17:00 and 16:00-18:00 overlap on wed'),
    ("sun 22:00-06:00; mon 05:00-07:00",
     'bad hours "sun 22:00-06:00; mon 05:00-07:00": 22:00-06:00 and 05:00-07:00 overlap on mon'),
])
def test_every_bad_hours_text_is_one_plain_line_naming_the_bad_part(text: str, message: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_hours(text)
    assert str(refused.value) == message


def test_time_zones() -> None:
    assert parse_timezone(" Europe/Berlin ") == "Europe/Berlin"
    for bad in ("Europe/Berln", "Europe", "", "../etc/passwd", "/usr/share/zoneinfo/UTC"):
        with pytest.raises(BadInput) as refused:
            parse_timezone(bad)
        assert str(refused.value) == f'unknown time zone "{bad.strip()}"'


def test_holiday_regions() -> None:
    assert parse_holidays("DE") == "DE"
    assert parse_holidays("de-by") == "DE-BY"
    assert parse_holidays("US-CA") == "US-CA"
    assert parse_holidays("none") is None
    with pytest.raises(BadInput, match=r'^unknown holiday country "XX"$'):
        parse_holidays("XX")
    with pytest.raises(BadInput, match=r'^unknown subdivision "ZZ" of DE \(known: BB, BE, BW, BY, '):
        parse_holidays("DE-ZZ")


def test_closed_days() -> None:
    assert parse_closed("2026-12-31, 2027-01-02,2026-12-31") == {date(2026, 12, 31), date(2027, 1, 2)}
    assert parse_closed("none") == frozenset()
    for bad in ("2026-13-01", "31.12.2026", "20261231", "2026-02-30"):
        with pytest.raises(BadInput) as refused:
            parse_closed(f"2026-12-24,{bad}")
        assert str(refused.value) == f'bad closed day "{bad}": expected YYYY-MM-DD'


def test_a_schedule_from_its_parts_and_back() -> None:
    schedule = parse_schedule("mon-fri 09:00-17:00; sat 10:00-14:00", "Europe/Berlin", "de-by", "2026-12-31")
    assert schedule == Schedule(parse_hours("mon-fri 09:00-17:00; sat 10:00-14:00"), "Europe/Berlin", "DE-BY",
                                frozenset({date(2026, 12, 31)}))
    texts = schedule_texts(schedule)
    assert texts == {"hours": "mon-fri 09:00-17:00; sat 10:00-14:00", "timezone": "Europe/Berlin",
                     "holidays": "DE-BY", "closed": "2026-12-31"}
    assert parse_schedule(**texts) == schedule
    assert describe_schedule(schedule) == (
        "mon-fri 09:00-17:00; sat 10:00-14:00 (Europe/Berlin), holidays DE-BY, closed 2026-12-31")


def test_no_hours_but_holidays_means_open_around_the_clock_except_on_them() -> None:
    schedule = parse_schedule(None, "Europe/Berlin", "DE")
    assert schedule is not None and schedule.week == ALL_WEEK
    assert parse_schedule(None) is None
    assert schedule_texts(None)["hours"] == "24/7"


def test_canonical_hours_group_days_with_the_same_intervals() -> None:
    week = parse_hours("wed 09:00-17:00; mon 09:00-17:00; tue 09:00-17:00; fri 09:00-17:00; sun 22:00-02:00")
    assert format_hours(week) == "mon-wed,fri 09:00-17:00; sun 22:00-02:00"


minutes_of_day = st.integers(0, 1439)


@st.composite
def weeks(draw: st.DrawFn) -> str:
    groups = []
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        if draw(st.booleans()):
            start = draw(st.integers(0, 22 * 60)) // 15 * 15
            length = draw(st.integers(1, 4 * 60)) // 15 * 15 or 15
            end = min(start + length, 1440)
            groups.append(f"{day} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    return "; ".join(groups) or "mon 09:00-17:00"


@given(weeks())
def test_hours_round_trip_through_their_canonical_text(text: str) -> None:
    week = parse_hours(text)
    assert parse_hours(format_hours(week)) == week
    assert format_hours(parse_hours(format_hours(week))) == format_hours(week)


# --- targets -----------------------------------------------------------------------------------------------


def test_targets_default_to_design_and_the_chosen_resolution_times() -> None:
    table = TargetTable()
    assert [table.resolve(p) for p in ("urgent", "high", "normal", "low")] == [
        Targets(15, 15, 240), Targets(60, 60, 480), Targets(240, 240, 1440), Targets(480, 480, 2400)]


def test_targets_override_in_part() -> None:
    table = parse_targets(["urgent:first=10,resolution=120", "low:next=600; normal:first=200"])
    assert table.resolve("urgent") == Targets(10, 15, 120)
    assert table.resolve("low") == Targets(480, 600, 2400)
    assert table.resolve("normal") == Targets(200, 240, 1440)
    assert table.to_text() == "urgent:first=10,resolution=120; normal:first=200; low:next=600"
    assert parse_targets([table.to_text()]) == table


def test_loyal_customers_never_get_a_slower_target_than_standard_ones() -> None:
    table = parse_targets(["high:first=30", "high@loyal:first=90,next=20,resolution=600"])
    # first=90 and resolution=600 would be slower than standard (30, 480): the standard ones hold.
    assert table.resolve("high", "loyal") == Targets(first=30, next=20, resolution=480)
    assert table.resolve("high", "standard") == Targets(first=30, next=60, resolution=480)
    tighter = parse_targets(["urgent@loyal:first=5"])
    assert tighter.resolve("urgent", "loyal") == Targets(5, 15, 240)
    # The rule holds for every priority and metric, whatever the table says.
    for priority in ("urgent", "high", "normal", "low"):
        loyal, standard = table.resolve(priority, "loyal"), table.resolve(priority, "standard")
        assert all(getattr(loyal, m) <= getattr(standard, m) for m in ("first", "next", "resolution"))


@pytest.mark.parametrize(("spec", "message"), [
    ("urgent", 'bad target "urgent": expected PRIORITY:first=MIN,next=MIN,resolution=MIN'),
    ("urgent:", 'bad target "urgent:": expected PRIORITY:first=MIN,next=MIN,resolution=MIN'),
    ("critical:first=5",
     'bad target "critical:first=5": unknown priority "critical" (expected urgent, high, normal, low)'),
    ("urgent@vip:first=5", 'bad target "urgent@vip:first=5": unknown tier "vip" (expected loyal, standard)'),
    ("urgent:firstt=5", 'bad target "urgent:firstt=5": unknown target "firstt" (expected first, next, resolution)'),
    ("urgent:first", 'bad target "urgent:first": expected NAME=MIN, got "first"'),
    ("urgent:first=0", 'bad target "urgent:first=0": first must be whole minutes from 1 to 525600, got "0"'),
    ("urgent:first=1.5", 'bad target "urgent:first=1.5": first must be whole minutes from 1 to 525600, got "1.5"'),
    ("urgent:first=-5", 'bad target "urgent:first=-5": first must be whole minutes from 1 to 525600, got "-5"'),
    ("urgent:first=999999",
     'bad target "urgent:first=999999": first must be whole minutes from 1 to 525600, got "999999"'),
    ("urgent:first=5,first=6", 'bad target "urgent:first=5,first=6": first is given twice'),
])
def test_every_bad_target_is_one_plain_line(spec: str, message: str) -> None:
    with pytest.raises(BadInput) as refused:
        parse_targets([spec])
    assert str(refused.value) == message


def test_a_target_given_twice_across_options_is_refused() -> None:
    with pytest.raises(BadInput, match=r'^bad target "urgent:first=6": urgent first is given twice$'):
        parse_targets(["urgent:first=5", "urgent:first=6"])


# --- a whole policy ----------------------------------------------------------------------------------------


def test_a_policy_round_trips_through_plain_texts_for_json() -> None:
    policy = SlaPolicy(parse_schedule("mon-fri 09:00-17:00", "Europe/Berlin", "DE-BY", "2026-12-31"),
                       parse_targets(["urgent:first=10", "urgent@loyal:first=5"]))
    stored = policy.to_dict()
    assert stored == {"hours": "mon-fri 09:00-17:00", "timezone": "Europe/Berlin", "holidays": "DE-BY",
                      "closed": "2026-12-31", "targets": "urgent:first=10; urgent@loyal:first=5"}
    assert SlaPolicy.from_dict(stored) == policy
    assert SlaPolicy.from_dict(SlaPolicy().to_dict()) == SlaPolicy()
    assert policy.describe() == ("mon-fri 09:00-17:00 (Europe/Berlin), holidays DE-BY, closed 2026-12-31; "
                                 "targets urgent:first=10; urgent@loyal:first=5")


def test_amending_a_policy_changes_only_the_parts_given() -> None:
    policy = SlaPolicy(parse_schedule("mon-fri 09:00-17:00", "Europe/Berlin"), parse_targets(["urgent:first=10"]))
    amended = policy.amended(holidays="DE-BY", targets=["urgent:resolution=120", "high:first=30"])
    assert amended.schedule == parse_schedule("mon-fri 09:00-17:00", "Europe/Berlin", "DE-BY")
    assert amended.targets.resolve("urgent") == Targets(10, 15, 120)
    assert amended.targets.resolve("high").first == 30
    assert policy.amended(hours="24/7").schedule is None
    with pytest.raises(BadInput, match="unknown time zone"):
        policy.amended(timezone="Mars/Olympus")
