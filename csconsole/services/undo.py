"""Undo for the console and the command line: a correction recorded as a new audited event.

``revert`` appends one ``revert`` event per ticket naming the events it takes back; the ticket is then
what its standing events make it (an undone reassign is no bounce, no ping-pong, no step on the path),
and redo is the revert of that revert. Refused as a whole when any ticket changed since: an undo never
overwrites someone else's later action.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.rules import check_can_revert
from csconsole.domain.ticket import Event
from csconsole.domain.words import EventKind
from csconsole.services.changes import Change, TicketChange
from csconsole.services.tickets import active_agent, record, ticket_state
from csconsole.store import queries
from csconsole.store.ledger import Ledger, load_events
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store


@unit_of_work
def revert(
    store: Store, actions: Mapping[int, Collection[int]], *, actor_id: int, note: str = "", at: str | None = None
) -> Change:
    """Take back, on each ticket, the events its action appended (ticket id → their seqs), in one
    transaction. Redo is ``revert`` of the revert events this returns (``Change.tickets[i].seqs``)."""
    if not actions:
        raise BadInput("nothing to undo")
    when = at or clock.now_text()
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        changes: list[TicketChange] = []
        for ticket_id, seqs in actions.items():
            state = ticket_state(ledger, ticket_id)
            ref, _ = queries.ref_and_bounces(store, ticket_id)
            check_can_revert(load_events(store, ticket_id), seqs, actor, ref)
            event = Event(ticket_id, EventKind.REVERT, when, actor.id,
                          {"reverts": sorted(seqs), "note": note.strip()})
            changes.append(record(ledger, state, [event]))
        return Change("revert", tuple(changes))
