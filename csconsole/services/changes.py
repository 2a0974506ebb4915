"""What a service returns: the tickets it changed, before and after, the events it appended, and the
kinds of data the commit touched (so the console re-reads only the screens that show them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from csconsole.domain.ticket import Holder


class Kind(Enum):
    """The kinds of data a commit can change; each screen knows which of them it shows."""

    TICKETS = "tickets"  # rows, counts, holders, SLA clocks, the detail's history
    QUEUES = "queues"
    AGENTS = "agents"
    PINS = "pins"
    RECOVERY = "recovery"  # recovery cases and their steps
    EVALUATIONS = "evaluations"
    POLICIES = "policies"
    CHECKLISTS = "checklists"
    SLA_TARGETS = "sla_targets"
    PREFERENCES = "preferences"  # this console's settings that screens read (recovery triggers, ...)


@dataclass(frozen=True)
class TicketChange:
    ticket_id: int
    seqs: tuple[int, ...]  # events appended, in order
    before_holder: Holder
    after_holder: Holder
    before_status: str
    after_status: str

    @property
    def last_seq(self) -> int:
        return self.seqs[-1]


@dataclass(frozen=True)
class Change:
    action: str
    tickets: tuple[TicketChange, ...]
    kinds: frozenset[Kind] = field(default=frozenset({Kind.TICKETS}))  # every ticket event moves the ticket

    @property
    def ticket_ids(self) -> tuple[int, ...]:
        return tuple(t.ticket_id for t in self.tickets)

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(s for t in self.tickets for s in t.seqs)
