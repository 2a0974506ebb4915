"""Time as the store keeps it: UTC, ISO 8601, second precision, fixed width, so text order is time order."""

from __future__ import annotations

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


def parse_iso(text: str) -> str:
    """Any ISO 8601 time with an offset or ``Z`` → the store's UTC text. Naive times are refused."""
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise BadInput(f"not an ISO 8601 time: {text!r}") from None
    if moment.tzinfo is None:
        raise BadInput(f"time without an offset or Z: {text!r}")
    return to_text(moment)


def add_minutes(text: str, minutes: float) -> str:
    # Hot path (every SLA clock): naive arithmetic on the fixed format, no strptime/strftime.
    moment = datetime.fromisoformat(text[:-1]) + timedelta(minutes=minutes)
    return moment.replace(microsecond=0).isoformat() + "Z"


def add_minutes_pair(text: str, first: float, second: float) -> tuple[str, str]:
    """``text`` plus each of two durations: one parse for both (the SLA due and at-risk times)."""
    moment = datetime.fromisoformat(text[:-1])
    return (
        (moment + timedelta(minutes=first)).replace(microsecond=0).isoformat() + "Z",
        (moment + timedelta(minutes=second)).replace(microsecond=0).isoformat() + "Z",
    )


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
