"""The text forms of schedules, as the command line takes them and as csconsole shows and stores them.

``--hours "mon-fri 09:00-17:00; sat 10:00-14:00"``: groups split by ``;``, each ``DAYS INTERVALS``.
DAYS is a comma list of days and day ranges (``mon,wed``, ``mon-fri``, ``fri-mon`` wraps), INTERVALS a
comma list of ``HH:MM-HH:MM``; an end at or before the start runs past midnight into the next day, and
``24:00`` ends a day. ``24/7`` is open all week. ``--timezone`` is an IANA key, ``--holidays`` a country or
``COUNTRY-SUBDIVISION`` of the ``holidays`` package (``none`` for no holidays), ``--closed`` a comma list
of ``YYYY-MM-DD`` (``none`` for no closed days). Each bad part raises one ``BadInput`` line naming it.

``format_hours`` writes the canonical form: each set of days with the same intervals once, Monday first,
runs of days as ranges; ``parse_hours(format_hours(week)) == week``.
"""

from __future__ import annotations

import re
from datetime import date

from csconsole.domain.errors import BadInput
from csconsole.domain.schedule import (
    ALL_WEEK,
    DAY_MINUTES,
    DAY_NAMES,
    Interval,
    Schedule,
    Week,
    holiday_region,
    zone,
)

ALWAYS_TEXT = "24/7"
NONE_TEXT = "none"
_GROUP = re.compile(r"^([A-Za-z][A-Za-z,\-\s]*?)\s+(\d.*)$")
_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_hours(text: str) -> Week:
    """Weekly opening hours from their text form (see the module)."""
    groups = [group.strip() for group in text.split(";") if group.strip()]
    if not groups:
        raise BadInput(f'bad hours "{text}": no opening hours given (e.g. mon-fri 09:00-17:00)')
    if groups == [ALWAYS_TEXT]:
        return ALL_WEEK
    days: list[list[Interval]] = [[] for _ in DAY_NAMES]
    for group in groups:
        match = _GROUP.match(group)
        if match is None:
            raise BadInput(f'bad hours "{group}": expected DAYS HH:MM-HH:MM (e.g. mon-fri 09:00-17:00)')
        intervals = [_interval(group, part.strip()) for part in match.group(2).split(",")]
        for day in _days(group, match.group(1)):
            days[day].extend(intervals)
    return _normalised(text, days)


def format_hours(week: Week) -> str:
    """The canonical text of ``week``."""
    if week == ALL_WEEK:
        return ALWAYS_TEXT
    groups: dict[tuple[Interval, ...], list[int]] = {}
    for day, intervals in enumerate(week):
        if intervals:
            groups.setdefault(intervals, []).append(day)
    return "; ".join(
        f"{_format_days(days)} {','.join(_format_interval(i) for i in intervals)}"
        for intervals, days in groups.items()
    )


def parse_timezone(text: str) -> str:
    return str(zone(text.strip()).key)


def parse_holidays(text: str) -> str | None:
    """``DE``, ``de-by`` → the canonical region; ``none`` (or nothing) → no public holidays."""
    if text.strip().lower() in ("", NONE_TEXT):
        return None
    return holiday_region(text)


def parse_closed(text: str) -> frozenset[date]:
    """``2026-12-31,2027-01-02`` → the business's own closed days; ``none`` (or nothing) → none."""
    if text.strip().lower() in ("", NONE_TEXT):
        return frozenset()
    days: set[date] = set()
    for part in (piece.strip() for piece in text.split(",")):
        try:
            if not _DATE.match(part):
                raise ValueError
            days.add(date.fromisoformat(part))
        except ValueError:
            raise BadInput(f'bad closed day "{part}": expected YYYY-MM-DD') from None
    return frozenset(days)


def format_closed(days: frozenset[date]) -> str:
    return ",".join(day.isoformat() for day in sorted(days)) or NONE_TEXT


def parse_schedule(
    hours: str | None, timezone: str | None = None, holidays: str | None = None, closed: str | None = None
) -> Schedule | None:
    """A schedule from its four texts; None (the 24/7 clock) when nothing closes the desk. Holidays or
    closed days without hours mean open around the clock except on them."""
    week = ALL_WEEK if hours is None else parse_hours(hours)
    schedule = Schedule(
        week,
        parse_timezone(timezone) if timezone is not None else "UTC",
        parse_holidays(holidays) if holidays is not None else None,
        parse_closed(closed) if closed is not None else frozenset(),
    )
    return None if schedule.always_open else schedule


def schedule_texts(schedule: Schedule | None) -> dict[str, str]:
    """The four canonical texts of ``schedule``; ``parse_schedule(**schedule_texts(s)) == s``."""
    if schedule is None:
        return {"hours": ALWAYS_TEXT, "timezone": "UTC", "holidays": NONE_TEXT, "closed": NONE_TEXT}
    return {
        "hours": format_hours(schedule.week),
        "timezone": schedule.timezone,
        "holidays": schedule.holidays or NONE_TEXT,
        "closed": format_closed(schedule.closed),
    }


def describe_schedule(schedule: Schedule | None) -> str:
    """One line for a person: ``mon-fri 09:00-17:00 (Europe/Berlin), holidays DE-BY, closed 2026-12-31``."""
    if schedule is None:
        return "24/7"
    texts = schedule_texts(schedule)
    line = f"{texts['hours']} ({schedule.timezone})"
    if schedule.holidays:
        line += f", holidays {schedule.holidays}"
    if schedule.closed:
        line += f", closed {texts['closed']}"
    return line


# --- helpers -------------------------------------------------------------------------------------------


def _day(group: str, name: str) -> int:
    word = name.strip().lower()
    if word in DAY_NAMES:
        return DAY_NAMES.index(word)
    if word in _FULL_NAMES:
        return _FULL_NAMES.index(word)
    raise BadInput(f'bad hours "{group}": unknown day "{name.strip()}" (expected {", ".join(DAY_NAMES)})')


def _days(group: str, text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        if not part.strip():
            raise BadInput(f'bad hours "{group}": a day is missing in "{text.strip()}"')
        first, dash, last = part.partition("-")
        if not dash:
            days.append(_day(group, first))
            continue
        start, end = _day(group, first), _day(group, last)
        days.extend((start + step) % 7 for step in range((end - start) % 7 + 1))
    return days


def _minutes(group: str, hours: str, minutes: str, as_end: bool) -> int:
    hour, minute = int(hours), int(minutes)
    if hour == 24 and minute == 0:
        if not as_end:
            raise BadInput(f'bad hours "{group}": 24:00 can only end an interval')
        return DAY_MINUTES
    if hour > 23 or minute > 59:
        raise BadInput(f'bad hours "{group}": no such time "{hours}:{minutes}"')
    return hour * 60 + minute


def _interval(group: str, text: str) -> Interval:
    match = _INTERVAL.match(text)
    if match is None:
        raise BadInput(f'bad hours "{group}": expected HH:MM-HH:MM, got "{text}"')
    start = _minutes(group, match.group(1), match.group(2), as_end=False)
    end = _minutes(group, match.group(3), match.group(4), as_end=True)
    if end == start:
        raise BadInput(f'bad hours "{group}": "{text}" is empty')
    return Interval(start, end if end > start else end + DAY_MINUTES)


def _normalised(text: str, days: list[list[Interval]]) -> Week:
    """Sort each day, merge touching intervals, refuse overlaps (a day's own, or the night before's)."""
    week: list[tuple[Interval, ...]] = []
    for day, intervals in enumerate(days):
        merged: list[Interval] = []
        for interval in sorted(intervals):
            if merged and interval.start < merged[-1].end:
                raise _overlap(text, merged[-1], interval, day)
            if merged and interval.start == merged[-1].end and _one_interval(merged[-1].start, interval.end):
                merged[-1] = Interval(merged[-1].start, interval.end)
            else:
                merged.append(interval)
        week.append(tuple(merged))
    for day, day_intervals in enumerate(week):
        spill = [i for i in day_intervals if i.end > DAY_MINUTES]
        following = week[(day + 1) % 7]
        for night in spill:
            for interval in following:
                if interval.start < night.end - DAY_MINUTES:
                    raise _overlap(text, night, interval, (day + 1) % 7)
    return tuple(week)


def _one_interval(start: int, end: int) -> bool:
    """Whether touching intervals can merge into one that ``HH:MM-HH:MM`` still writes."""
    return end - start < DAY_MINUTES or (start, end) == (0, DAY_MINUTES)


def _overlap(text: str, first: Interval, second: Interval, day: int) -> BadInput:
    return BadInput(
        f'bad hours "{text}": {_format_interval(first)} and {_format_interval(second)} overlap on {DAY_NAMES[day]}'
    )


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _format_interval(interval: Interval) -> str:
    end = interval.end if interval.end <= DAY_MINUTES else interval.end - DAY_MINUTES
    return f"{_clock(interval.start)}-{_clock(end)}"


def _format_days(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}" for run in runs
    )
