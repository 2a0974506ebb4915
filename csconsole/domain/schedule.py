"""A queue's business hours: weekly opening intervals in a time zone, public holidays, closed days.

A ``Schedule`` is plain data (build it from text with ``sla_spec.parse_schedule``); the arithmetic over
it lives in ``business_time``. No schedule at all means the 24/7 clock.

Rules, written once:
- Opening hours are local wall time in ``timezone``. An interval belongs to the day it starts on:
  ``fri 22:00-02:00`` is Friday 22:00 to Saturday 02:00, and a holiday or closed day shuts the
  intervals that *start* on it (a night that starts the evening before a holiday runs to its end).
- Public holidays come from the ``holidays`` package (observed days included, as businesses close
  on them), by country or country-subdivision: ``DE``, ``DE-BY``, ``US-CA``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

from csconsole.domain.errors import BadInput

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 1440


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """Open from ``start`` to ``end``, in minutes after the local midnight of the day it starts on.

    ``0 <= start < 1440`` and ``start < end <= start + 1440``; an ``end`` past 1440 runs into the next
    day (``22:00-02:00`` is ``Interval(1320, 1560)``), and 1440 is ``24:00``.
    """

    start: int
    end: int


Week = tuple[tuple[Interval, ...], ...]  # seven days, Monday first; each day's intervals sorted, disjoint

ALL_WEEK: Week = tuple((Interval(0, DAY_MINUTES),) for _ in DAY_NAMES)


@dataclass(frozen=True, slots=True)
class Schedule:
    week: Week
    timezone: str = "UTC"  # an IANA key, as ``zone()`` accepts it
    holidays: str | None = None  # "DE", "DE-BY": as ``holiday_region()`` returns it
    closed: frozenset[date] = frozenset()

    @property
    def always_open(self) -> bool:
        """Open around the clock with no day off: exactly the 24/7 clock, whatever the zone."""
        return self.week == ALL_WEEK and self.holidays is None and not self.closed


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or a BadInput naming it."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # not found, not a key, a folder (``Europe``)
        raise BadInput(f'unknown time zone "{name}"') from None


def holiday_region(text: str) -> str:
    """``de-by`` → ``DE-BY``: a country the ``holidays`` package knows, with one of its subdivisions."""
    country, _, subdivision = text.strip().partition("-")
    country = country.upper()
    import holidays  # on first use: 75 ms of every start-up otherwise, for a store that may have no schedule

    known = holidays.list_supported_countries()
    if country not in known:
        raise BadInput(f'unknown holiday country "{country or text}"')
    if not subdivision:
        return country
    for name in known[country]:
        if name.lower() == subdivision.lower():
            return f"{country}-{name}"
    names = ", ".join(known[country]) or "none"
    raise BadInput(f'unknown subdivision "{subdivision}" of {country} (known: {names})')


@lru_cache(maxsize=512)
def holiday_dates(region: str, year: int) -> frozenset[date]:
    """The public holidays of ``region`` (as ``holiday_region`` returns it) in ``year``, cached."""
    country, _, subdivision = region.partition("-")
    import holidays

    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))
