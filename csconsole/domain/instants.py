"""The store's UTC text ⇄ seconds since the Unix epoch, for the business-time arithmetic.

Every SLA computation works on epoch seconds (floats; whole seconds are exact) and meets the rest of
csconsole as the store's text (``domain/clock.py``): ``2026-03-02T09:00:00Z``. A fraction of a second,
when the text has one, is kept to the microsecond; whole seconds are written without one, as today.
"""

from __future__ import annotations

from datetime import datetime

from csconsole.domain import clock

_EPOCH = datetime(1970, 1, 1)
_MINUTES = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f"{s:02d}Z" for s in range(60)]
_DAYS: dict[int, str] = {}
_parse = datetime.fromisoformat


def to_seconds(text: str) -> float:
    """The store's UTC text → epoch seconds (exact for whole seconds)."""
    if text[-1:] == "Z":  # the store's own form: parsed in C, as UTC (the hot path of every clock)
        return _parse(text).timestamp()
    return (datetime.fromisoformat(text) - _EPOCH).total_seconds()


def to_text(seconds: float) -> str:
    """Epoch seconds → the store's UTC text, to the microsecond when not a whole second."""
    whole = int(seconds // 1)
    if whole == seconds:  # the hot path: tables instead of strftime
        day, rest = divmod(whole, 86400)
        prefix = _DAYS.get(day)
        if prefix is None:
            prefix = _DAYS[day] = clock.from_epoch(day * 86400)[:11]
        minute, second = divmod(rest, 60)
        return prefix + _MINUTES[minute] + _SECONDS[second]
    micros = round((seconds - whole) * 1_000_000)
    if micros == 1_000_000:
        return to_text(float(whole + 1))
    return f"{to_text(float(whole))[:-1]}.{micros:06d}Z"
