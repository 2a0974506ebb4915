"""The one event every screen listens to: what a commit changed, ours or another process's.

Built from the services' own ``Change`` (which tickets, which kinds of data). A commit seen only
through the live poll (another process, another console) cannot say what it changed on SQLite, so it
arrives as "unknown": every screen re-reads what it shows, as a commit always did before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from csconsole.services.changes import Change, Kind


@dataclass(frozen=True)
class Changes:
    kinds: frozenset[Kind] | None  # None: not known, assume every kind
    ticket_ids: frozenset[int] | None  # the tickets touched; None: not known (or too many to name)

    @classmethod
    def unknown(cls) -> Changes:
        return cls(None, None)

    @classmethod
    def of(cls, kinds: Iterable[Kind], ticket_ids: Iterable[int] | None = None) -> Changes:
        return cls(frozenset(kinds), None if ticket_ids is None else frozenset(ticket_ids))

    @classmethod
    def from_result(cls, result: Any, touches: Iterable[Kind] | None = None) -> Changes:
        """What a finished write reports: its Change (a service's result, or a result carrying one as
        ``.change``) plus the kinds the caller said it touches; without a Change, those kinds alone."""
        change = result if isinstance(result, Change) else getattr(result, "change", None)
        extra = frozenset(touches or ())
        if isinstance(change, Change):
            return cls(change.kinds | extra, frozenset(change.ticket_ids))
        return cls(extra, None) if touches is not None else cls.unknown()

    @property
    def is_unknown(self) -> bool:
        return self.kinds is None

    def touches(self, *kinds: Kind) -> bool:
        """Did this commit change any of ``kinds``? (Always yes when it is not known.)"""
        return self.kinds is None or not self.kinds.isdisjoint(kinds)

    def touches_ticket(self, ticket_id: int) -> bool:
        """Did it change this ticket? Yes when tickets changed and which ones is not known."""
        if not self.touches(Kind.TICKETS, Kind.RECOVERY, Kind.EVALUATIONS, Kind.SLA_TARGETS):
            return False
        return self.ticket_ids is None or ticket_id in self.ticket_ids
