"""Time as the store keeps it: UTC, ISO 8601, second precision, fixed width, so text order is time order."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from csconsole.domain.errors import BadInput

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in csconsole is UTC-aware")
    return moment.astimezone(UTC).strftime(FORMAT)


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def now_text() -> str:
    return to_text(datetime.now(UTC))


# The store's text keeps its order only with four-digit years; beyond these a time cannot be right anyway.
FIRST_YEAR, LAST_YEAR = 1000, 9998
_STORE_TEXT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def parse_iso(text: str) -> str:
    """Any ISO 8601 time with an offset or ``Z`` → the store's UTC text. Naive times are refused."""
    return to_text(_parse(text))


def parse_iso_ordered(text: str) -> tuple[str, str]:
    """``parse_iso`` and an order key that keeps the sub-second part the store's text drops, so two
    times within one second still compare in their true order (``order_key`` of a store text is equal
    to the key of any time within its second's start)."""
    if _STORE_TEXT.fullmatch(text) and FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        try:
            datetime.fromisoformat(text[:-1])  # a real day and hour (no 30 February)
        except ValueError:
            pass
        else:
            return text, order_key(text)  # already the store's text: most of a large log
    moment = _parse(text).astimezone(UTC)
    text = moment.strftime(FORMAT)
    return text, f"{text[:-1]}.{moment.microsecond:06d}Z"


def order_key(text: str) -> str:
    """The order key of a time in the store's text (its second, with no fraction)."""
    return text[:-1] + ".000000Z"


def _parse(text: str) -> datetime:
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise BadInput(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise BadInput(f"time without an offset or Z: {text!r}")
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:  # 0001-01-01T00:00+01:00 or 9999-12-31T23:00-05:00: no UTC year to write
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput(f"time out of range: {text.strip()!r} (years {FIRST_YEAR} to {LAST_YEAR} in UTC)")
    return moment


def add_minutes(text: str, minutes: float) -> str:
    # Hot path (every SLA clock): naive arithmetic on the fixed format, no strptime/strftime.
    moment = datetime.fromisoformat(text[:-1]) + timedelta(minutes=minutes)
    return moment.replace(microsecond=0).isoformat() + "Z"


_DAYS: dict[int, str] = {}


def from_epoch(seconds: int) -> str:
    """Unix seconds → the store's text; cheap enough for the millions of events the demo writes."""
    day, rest = divmod(int(seconds), 86400)
    prefix = _DAYS.get(day)
    if prefix is None:
        prefix = _DAYS[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT")
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{prefix}{hours:02d}:{minutes:02d}:{secs:02d}Z"


def minutes_between(earlier: str, later: str) -> float:
    return (from_text(later) - from_text(earlier)).total_seconds() / 60.0
