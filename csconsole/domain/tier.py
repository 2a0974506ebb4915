"""A customer's tier (DESIGN §1): ``loyal`` after two years with us or five resolved tickets, else
``standard``. The one definition; the store spells it in SQL from these names (store/fragments.py)."""

from __future__ import annotations

from csconsole.domain import clock
from csconsole.domain.words import Tier

LOYAL_YEARS = 2
LOYAL_RESOLVED = 5


def loyal_since_cutoff(now: str) -> str:
    """Customers whose ``since`` is on or before this time have been with us two years."""
    moment = clock.from_text(now)
    try:
        cutoff = moment.replace(year=moment.year - LOYAL_YEARS)
    except ValueError:  # 29 February
        cutoff = moment.replace(year=moment.year - LOYAL_YEARS, day=28)
    return clock.to_text(cutoff)


def tier_of(since: str, resolved_tickets: int, now: str) -> Tier:
    loyal = since <= loyal_since_cutoff(now) or resolved_tickets >= LOYAL_RESOLVED
    return Tier.LOYAL if loyal else Tier.STANDARD
