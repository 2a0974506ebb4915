"""SQL spelled from the domain's rules, in one place: what counts as open, what makes a customer loyal.

The domain owns each rule (``domain.words.OPEN_STATUSES``, ``domain.tier``); every query and partial index
that needs one takes its SQL from here, so the rule and its SQL cannot drift apart. The text of
``OPEN_SQL`` is also the WHERE of the partial indexes: a query uses such an index only when its condition
is spelled the same.
"""

from __future__ import annotations

from csconsole.domain import tier
from csconsole.domain.words import OPEN_STATUSES

OPEN_SQL = "(" + ",".join(f"'{status.value}'" for status in OPEN_STATUSES) + ")"


def loyal_sql(customers: str = "c") -> str:
    """True for a loyal customer of the table aliased ``customers``; takes ``loyal_params(now)``."""
    return f"({customers}.since <= ? OR {customers}.resolved_tickets >= ?)"


def loyal_params(now: str) -> tuple[str, int]:
    """The two parameters of ``loyal_sql``, in its order."""
    return (tier.loyal_since_cutoff(now), tier.LOYAL_RESOLVED)
