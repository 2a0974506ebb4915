"""Undo for the console and the command line: a correction recorded as a new audited event.

``revert`` appends one ``revert`` event per ticket naming the events it takes back; the ticket is then
what its standing events make it (an undone reassign is no bounce, no ping-pong, no step on the path),
and redo is the revert of that revert. Refused as a whole when any ticket changed since: an undo never
overwrites someone else's later action.

The ``restore_*`` functions are the older way (new moves back, counted as handoffs) and go once the
console's undo stack uses ``revert``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from csconsole.domain import clock
from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.rules import (
    Agent,
    check_can_escalate,
    check_can_reassign,
    check_can_revert,
    check_can_transfer,
    check_status_change,
)
from csconsole.domain.ticket import Event, Holder, TicketState
from csconsole.domain.words import EventKind, Priority, Status, parse_enum
from csconsole.services.changes import Change, TicketChange
from csconsole.services.tickets import active_agent, record, ticket_state
from csconsole.store import queries
from csconsole.store.ledger import Ledger, load_events
from csconsole.store.store import Store


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


def restore_holders(
    store: Store,
    holders: Mapping[int, Holder],
    *,
    actor_id: int,
    expected_seqs: Mapping[int, int],
    note: str,
    at: str | None = None,
) -> Change:
    """Move each ticket back to its holder: a ``reassign`` when the owner is an agent and the actor may
    supervise, otherwise a ``transfer`` (the only event that can leave a ticket without an owner)."""
    if not holders:
        raise BadInput("nothing to undo")
    when = at or clock.now_text()
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        changes: list[TicketChange] = []
        for ticket_id, (queue_id, owner_id) in holders.items():
            state = ticket_state(ledger, ticket_id, expected_seqs.get(ticket_id))
            if owner_id is not None and actor.role.may_supervise and queue_id == state.queue_id:
                kind, data = EventKind.REASSIGN, {"queue": queue_id, "owner": owner_id,
                                                  "reason": check_can_reassign(state, actor, note)}
            else:
                kind, data = EventKind.TRANSFER, {"queue": queue_id, "owner": owner_id,
                                                  "note": check_can_transfer(state, note)}
            if state.holder == (queue_id, owner_id):
                continue
            event = Event(ticket_id, kind, when, actor.id, data)
            changes.append(record(ledger, state, [event]))
        if not changes:
            raise RuleViolation("those tickets are already where the undo would put them")
        return Change("restore", tuple(changes))


def _restore_one(
    store: Store, ticket_id: int, actor_id: int, expected_seq: int, action: str,
    build: Callable[[TicketState, Agent], Event],
) -> Change:
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        state = ticket_state(ledger, ticket_id, expected_seq)
        return Change(action, (record(ledger, state, [build(state, actor)]),))


def restore_status(
    store: Store, ticket_id: int, *, actor_id: int, status: str, expected_seq: int, note: str,
    at: str | None = None,
) -> Change:
    """Set a ticket's status back, refusing when the ticket changed since ``expected_seq``."""
    target = parse_enum(Status, status, "status")
    if target == Status.NEW:
        target = Status.OPEN  # a ticket cannot go back to new; open is the nearest honest state

    def build(state: TicketState, actor: Agent) -> Event:
        check_status_change(state, actor, target)
        return Event(ticket_id, EventKind.STATUS, at or clock.now_text(), actor.id,
                     {"status": target.value, "note": note})

    return _restore_one(store, ticket_id, actor_id, expected_seq, f"status:{target.value}", build)


def restore_priority(
    store: Store, ticket_id: int, *, actor_id: int, priority: str, expected_seq: int, note: str,
    at: str | None = None,
) -> Change:
    """Put a ticket's priority back (an ``escalate`` event to the earlier level), refusing when it changed
    since ``expected_seq``."""
    level = parse_enum(Priority, priority, "priority")

    def build(state: TicketState, actor: Agent) -> Event:
        check_can_escalate(state)
        return Event(ticket_id, EventKind.ESCALATE, at or clock.now_text(), actor.id,
                     {"priority": level.value, "note": note})

    return _restore_one(store, ticket_id, actor_id, expected_seq, "escalate", build)
