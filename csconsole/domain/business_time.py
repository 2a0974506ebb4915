"""Business-time arithmetic over a ``Schedule``: the instant N business minutes after another, and the
business minutes between two instants.

A schedule is compiled once (``calendar_for``, cached) into UTC-day buckets: for every UTC day, its open
stretches as epoch seconds and the business seconds counted before that day began (a prefix sum).
``elapsed`` is then two bucket look-ups and ``add`` one more bisection, whatever the span, with no time
zone work at query time. Buckets are built a year at a time, on demand, in both directions.

Daylight saving, decided here: an instant is open when the local wall clock, at that instant, reads a
time inside an opening interval (of the day the interval starts on). So
- wall times that do not exist (spring forward) are never open: ``01:00-04:00`` on that night is open 2
  real hours, an interval wholly inside the gap not at all, and one opening at 02:30 opens at the jump;
- wall times that happen twice (fall back) are open both times: ``01:00-04:00`` on that night is open 4
  real hours, the repeated hour counting twice as real elapsed time.
Business time is real elapsed time while open; the 24/7 clock is wall-clock UTC arithmetic, as before.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_left, bisect_right
from datetime import date, datetime
from functools import lru_cache

from csconsole.domain import instants
from csconsole.domain.schedule import Schedule, holiday_dates, zone

DAY = 86400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_CHUNK_DAYS = 366
_MAX_OFFSET = 26 * 3600  # beyond any UTC offset a zone has had
_SAMPLE = 3 * 3600
_SEARCH_LIMIT_DAYS = 366 * 50  # a week with opening hours finds one within days; this only stops a runaway


class Calendar(ABC):
    """Business time in epoch seconds (``*_s``, the hot path) and in the store's text and minutes."""

    @abstractmethod
    def add_s(self, start: float, seconds: float) -> float:
        """The earliest instant by which ``seconds`` business seconds have passed since ``start``."""

    @abstractmethod
    def elapsed_s(self, start: float, end: float) -> float:
        """Business seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""

    def add(self, start: str, minutes: float) -> str:
        return instants.to_text(self.add_s(instants.to_seconds(start), minutes * 60.0))

    def elapsed(self, start: str, end: str) -> float:
        """Business minutes from ``start`` to ``end``."""
        return self.elapsed_s(instants.to_seconds(start), instants.to_seconds(end)) / 60.0


class AlwaysOpen(Calendar):
    """The 24/7 clock: business time is wall-clock time."""

    def add_s(self, start: float, seconds: float) -> float:
        return start + seconds

    def elapsed_s(self, start: float, end: float) -> float:
        return end - start


ALWAYS = AlwaysOpen()


class BusinessCalendar(Calendar):
    """A compiled schedule. Its buckets grow by swapping in whole new lists, so threads may share it."""

    def __init__(self, schedule: Schedule) -> None:
        self._schedule = schedule
        self._zone = zone(schedule.timezone)
        # (UTC day number of bucket 0, business seconds counted before each bucket's day from a fixed
        # origin with one entry past the end, each bucket's open stretches as start, end, start, end...)
        self._buckets: tuple[int, list[float], list[tuple[float, ...]]] = (0, [0.0], [])

    def elapsed_s(self, start: float, end: float) -> float:
        return self._counted(end) - self._counted(start)

    def add_s(self, start: float, seconds: float) -> float:
        """The earliest instant whose count is ``count(start) + seconds`` (``start`` itself for 0): a due
        time that lands at a closing time is the closing time, not the next opening."""
        if seconds == 0:
            return start
        target = self._counted(start) + seconds
        _, cum, stretches_by_day = self._buckets
        index = bisect_left(cum, target) - 1
        grown = 0
        while index < 0 or index >= len(stretches_by_day):
            grown += _CHUNK_DAYS
            if grown > _SEARCH_LIMIT_DAYS:
                raise ValueError("no business hours within 50 years of the start")
            _, cum, stretches_by_day = self._grow(backwards=index < 0)
            index = bisect_left(cum, target) - 1
        left = target - cum[index]
        stretches = stretches_by_day[index]
        for k in range(0, len(stretches), 2):
            begin, finish = stretches[k], stretches[k + 1]
            if left <= finish - begin:
                return begin + left
            left -= finish - begin
        return stretches[-1]  # float rounding left a hair over: the day's last closing

    def _counted(self, moment: float) -> float:
        """Business seconds from the fixed origin to ``moment``."""
        day = int(moment // DAY)
        first, cum, stretches_by_day = self._buckets
        while not 0 <= day - first < len(stretches_by_day):
            first, cum, stretches_by_day = self._grow(backwards=day < first, around=day)
        counted = cum[day - first]
        stretches = stretches_by_day[day - first]
        for k in range(0, len(stretches), 2):
            begin = stretches[k]
            if moment <= begin:
                break
            finish = stretches[k + 1]
            counted += (finish if moment >= finish else moment) - begin
        return counted

    def _grow(self, backwards: bool, around: int = 0) -> tuple[int, list[float], list[tuple[float, ...]]]:
        """A year more buckets before the first or after the last (the first year around ``around``)."""
        first, cum, stretches_by_day = self._buckets
        if not stretches_by_day:
            first = around - _CHUNK_DAYS // 2
            days = self._build(first, first + _CHUNK_DAYS)
            grown = (first, _prefix(days, 0.0), days)
        elif backwards:
            days = self._build(first - _CHUNK_DAYS, first)
            totals = _prefix(days, 0.0)
            base = cum[0] - totals[-1]  # counts before the origin are negative: no count given moves
            grown = (first - _CHUNK_DAYS, [base + value for value in totals[:-1]] + cum, days + stretches_by_day)
        else:
            last = first + len(stretches_by_day)
            days = self._build(last, last + _CHUNK_DAYS)
            grown = (first, cum + _prefix(days, cum[-1])[1:], stretches_by_day + days)
        self._buckets = grown
        return grown

    def _build(self, first_day: int, end_day: int) -> list[tuple[float, ...]]:
        """Open stretches of UTC days [first_day, end_day), clipped to each day."""
        schedule = self._schedule
        lower, upper = first_day * DAY, end_day * DAY
        pieces = self._offset_pieces((first_day - 3) * DAY, (end_day + 3) * DAY)
        piece_starts = [piece[0] for piece in pieces]
        buckets: list[list[float]] = [[] for _ in range(end_day - first_day)]
        # Local dates whose intervals can reach these UTC days: offsets stay within a day, intervals too.
        for day_number in range(first_day - 2, end_day + 2):
            local = date.fromordinal(day_number + _EPOCH_ORDINAL)
            if local in schedule.closed or self._is_holiday(local):
                continue
            for interval in schedule.week[local.weekday()]:
                # The wall-clock interval written as if it were UTC; an offset piece maps it back.
                wall_start, wall_end = day_number * DAY + interval.start * 60, day_number * DAY + interval.end * 60
                k = max(bisect_right(piece_starts, wall_start - _MAX_OFFSET) - 1, 0)
                while k < len(pieces) and pieces[k][0] < wall_end + _MAX_OFFSET:
                    piece_start, piece_end, offset = pieces[k]
                    begin = max(piece_start, wall_start - offset, lower)
                    finish = min(piece_end, wall_end - offset, upper)
                    while begin < finish:
                        day = int(begin // DAY)
                        cut = min(finish, (day + 1) * DAY)
                        buckets[day - first_day] += (begin, cut)
                        begin = cut
                    k += 1
        return [tuple(_sorted_pairs(bucket)) for bucket in buckets]

    def _is_holiday(self, local: date) -> bool:
        region = self._schedule.holidays
        return region is not None and local in holiday_dates(region, local.year)

    def _offset_pieces(self, low: int, high: int) -> list[tuple[int, int, int]]:
        """[low, high) cut where the zone's UTC offset changes: (start, end, offset seconds) each.
        Sampled every three hours (no zone changes twice within that), each change found to the second."""
        def offset(moment: int) -> int:
            return int(datetime.fromtimestamp(moment, self._zone).utcoffset().total_seconds())  # type: ignore[union-attr]

        pieces: list[tuple[int, int, int]] = []
        start, current, moment = low, offset(low), low
        while moment < high:
            step = min(moment + _SAMPLE, high)
            if offset(step) == current:
                moment = step
                continue
            before, after = moment, step  # offset(before) == current != offset(after)
            while after - before > 1:
                middle = (before + after) // 2
                before, after = (middle, after) if offset(middle) == current else (before, middle)
            pieces.append((start, after, current))
            start, current, moment = after, offset(after), after
        pieces.append((start, high, current))
        return pieces


def _prefix(days: list[tuple[float, ...]], start: float) -> list[float]:
    totals = [start]
    for stretches in days:
        open_seconds = sum(stretches[k + 1] - stretches[k] for k in range(0, len(stretches), 2))
        totals.append(totals[-1] + open_seconds)
    return totals


def _sorted_pairs(flat: list[float]) -> list[float]:
    pairs = sorted(zip(flat[::2], flat[1::2], strict=True))
    merged: list[float] = []
    for begin, finish in pairs:
        if merged and begin <= merged[-1]:  # touching (an interval across a UTC midnight): one stretch
            merged[-1] = max(merged[-1], finish)
        else:
            merged += (begin, finish)
    return merged


@lru_cache(maxsize=64)
def calendar_for(schedule: Schedule | None) -> Calendar:
    """The compiled calendar of ``schedule`` (cached per schedule); ``ALWAYS`` for none or a 24/7 one."""
    if schedule is None or schedule.always_open:
        return ALWAYS
    return BusinessCalendar(schedule)
