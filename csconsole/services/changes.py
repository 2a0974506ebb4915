"""What a service returns: the tickets it changed, before and after, and the events it appended."""

from __future__ import annotations

from dataclasses import dataclass

from csconsole.domain.ticket import Holder


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

    @property
    def ticket_ids(self) -> tuple[int, ...]:
        return tuple(t.ticket_id for t in self.tickets)

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(s for t in self.tickets for s in t.seqs)
