"""Short human texts for durations and times, shared by the table, the queues panel and the detail pane."""

from __future__ import annotations

from datetime import datetime

from csconsole.domain import clock
from csconsole.ui.wording import plural


def _minutes(earlier: str, later: str) -> float:
    """clock.minutes_between, with the C parser: the table formats hundreds of these per page."""
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds() / 60.0


def span(minutes: float) -> str:
    """12m, 3h 05m, 4d 2h, 1y 3mo: two units at most, so columns stay narrow."""
    m = int(abs(minutes))
    if m < 60:
        return f"{m}m"
    if m < 24 * 60:
        return f"{m // 60}h {m % 60:02d}m"
    days = m // (24 * 60)
    if days < 60:
        return f"{days}d {(m // 60) % 24}h"
    if days < 365:
        return f"{days // 30}mo"
    return f"{days // 365}y {(days % 365) // 30}mo"


def tenure(since: str, now: str) -> str:
    """How long someone has been a customer, in the unit a person would say: 12 days, 5 months, 3 years 2 months."""
    days = int(_minutes(since, now) // (24 * 60))
    if days < 60:
        return plural(days, "{0} day", "{0} days")
    months = days * 12 // 365
    if months < 24:
        return plural(months, "{0} month", "{0} months")
    years, rest = divmod(months, 12)
    text = plural(years, "{0} year", "{0} years")
    return f"{text} {plural(rest, '{0} month', '{0} months')}" if rest else text


def age(since: str | None, now: str) -> str:
    return span(_minutes(since, now)) if since else ""


def countdown(due: str | None, now: str) -> str:
    """Time left on the SLA clock, or how late it is."""
    if not due:
        return "—"
    left = _minutes(now, due)
    return f"{span(left)} left" if left > 0 else f"{span(left)} late"


def local_day(at: str) -> str:
    """A due time as a person plans by it, in the user's local time: ``Thu 03 Dec 14:54``."""
    return clock.from_text(at).astimezone().strftime("%a %d %b %H:%M")


def local_time(at: str) -> str:
    """The store's UTC text shown in the user's local time, to the minute."""
    return clock.from_text(at).astimezone().strftime("%Y-%m-%d %H:%M")
