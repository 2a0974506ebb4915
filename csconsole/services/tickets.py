"""Ticket use cases. Each is one transaction: check the rules, append the event(s), update the row.

A refusal raises a DomainError with a plain message and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from csconsole.domain import clock
from csconsole.domain.errors import BadInput, NotFound, RuleViolation, StaleTicket, StaleTickets
from csconsole.domain.rules import (
    Agent,
    check_active,
    check_can_escalate,
    check_can_reassign,
    check_can_reply,
    check_can_take,
    check_can_transfer,
    check_status_change,
    require_text,
)
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.tier import tier_of
from csconsole.domain.words import Channel, EventKind, Priority, Status, Tier, parse_enum
from csconsole.services.changes import Change, TicketChange
from csconsole.store import directory, queries, registry, table_dump
from csconsole.store.ledger import Ledger, load_state
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store


def ticket_state(ledger: Ledger, ticket_id: int, expected_seq: int | None = None) -> TicketState:
    """The ticket's state inside a write; StaleTicket when it moved past ``expected_seq``."""
    state = load_state(ledger.store, ticket_id)
    if state is None:
        raise NotFound(f"no ticket with id {ticket_id}")
    if expected_seq is not None and state.last_seq != expected_seq:
        raise StaleTicket(
            f"ticket {ticket_id} changed since you looked at it (someone acted on it); refresh and try again"
        )
    return state


def active_agent(ledger: Ledger, actor_id: int) -> Agent:
    agent = directory.agent(ledger.store, actor_id)
    check_active(agent)
    return agent


def record(ledger: Ledger, state: TicketState, events: Sequence[Event]) -> TicketChange:
    """Append ``events`` to one ticket and say what changed."""
    before_holder, before_status = state.holder, state.status
    seqs = tuple(ledger.record(state, event) for event in events)
    return TicketChange(state.ticket_id, seqs, before_holder, state.holder, before_status, state.status)


@unit_of_work
def create_ticket(
    store: Store,
    *,
    actor_id: int | None,
    customer: str,
    subject: str,
    channel: str,
    priority: str,
    queue_id: int,
    ref: str | None = None,
    at: str | None = None,
) -> Change:
    when = at or clock.now_text()
    name = require_text(customer, "the customer")
    text = require_text(subject, "a subject")
    channel_value = parse_enum(Channel, channel, "channel").value
    priority_value = parse_enum(Priority, priority, "priority").value
    with store.atomic():
        ledger = Ledger(store)
        if actor_id is not None:
            active_agent(ledger, actor_id)
        found = directory.customer_by_name(store, name)
        known = found or registry.add_customer(ledger, name, when)
        if not directory.queue_exists(store, queue_id):
            raise NotFound(f"no queue with id {queue_id}")
        ticket_id = ledger.new_ticket_id()
        reference = (ref or f"CS-{ticket_id:06d}").strip()
        if queries.ref_taken(store, reference):
            raise BadInput(f"a ticket with reference {reference} already exists")
        data: dict[str, object] = {"customer": known.id, "subject": text, "channel": channel_value,
                                   "priority": priority_value, "queue": queue_id}
        if found is not None and tier_of(found.since, found.resolved_tickets, when) is Tier.LOYAL:
            data["tier"] = Tier.LOYAL.value  # fixed at creation: the SLA targets a loyal customer is owed
        created = Event(ticket_id, EventKind.CREATED, when, actor_id, data)
        state = ledger.open_ticket(ticket_id, reference, created)
        change = TicketChange(ticket_id, (created.seq or 0,), state.holder, state.holder, "new", state.status)
    return Change("create", (change,))


@unit_of_work
def take(store: Store, ticket_id: int, *, actor_id: int, at: str | None = None) -> Change:
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        state = ticket_state(ledger, ticket_id)
        check_can_take(state, actor)
        if state.owner_id == actor.id:
            raise RuleViolation(f"{actor.name} already owns ticket {ticket_id}")
        event = Event(ticket_id, EventKind.TAKE, at or clock.now_text(), actor.id,
                      {"queue": state.queue_id, "owner": actor.id})
        return Change("take", (record(ledger, state, [event]),))


@unit_of_work
def transfer(
    store: Store,
    ticket_id: int,
    *,
    actor_id: int,
    queue_id: int,
    owner_id: int | None = None,
    note: str,
    at: str | None = None,
) -> Change:
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        state = ticket_state(ledger, ticket_id)
        text = check_can_transfer(state, actor, note)
        if not directory.queue_exists(store, queue_id):
            raise NotFound(f"no queue with id {queue_id}")
        if owner_id is not None:
            active_agent(ledger, owner_id)
        if (queue_id, owner_id) == state.holder:
            raise RuleViolation(f"ticket {ticket_id} is already there")
        event = Event(ticket_id, EventKind.TRANSFER, at or clock.now_text(), actor.id,
                      {"queue": queue_id, "owner": owner_id, "note": text})
        return Change("transfer", (record(ledger, state, [event]),))


@unit_of_work
def reassign(
    store: Store,
    ticket_ids: Sequence[int],
    *,
    actor_id: int,
    to_id: int,
    reason: str,
    expected_seqs: Mapping[int, int] | None = None,
    at: str | None = None,
) -> Change:
    """Give one or many tickets a new owner, in one transaction. Tickets already with ``to`` are skipped.

    ``expected_seqs`` (ticket id → last event seq the caller saw) refuses the whole change when any of
    those tickets changed since: undo uses it so it never overwrites someone else's later action. The
    refusal (StaleTickets) names every ticket that changed and the others, which the caller may then
    reassign alone (the console offers "reassign the other N").
    """
    if not ticket_ids:
        raise BadInput("no tickets to reassign")
    when = at or clock.now_text()
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        target = active_agent(ledger, to_id)
        changes: list[TicketChange] = []
        stale: list[tuple[int, str]] = []
        for ticket_id in dict.fromkeys(ticket_ids):
            expected = (expected_seqs or {}).get(ticket_id)
            state = ticket_state(ledger, ticket_id)
            if expected is not None and state.last_seq != expected:
                stale.append((ticket_id, table_dump.ticket_ref(store, ticket_id)))
                continue
            if stale:
                continue  # refused anyway; only the rest of the stale ones are worth finding
            text = check_can_reassign(state, actor, reason)
            if state.owner_id == target.id:
                continue
            event = Event(ticket_id, EventKind.REASSIGN, when, actor.id,
                          {"queue": state.queue_id, "owner": target.id, "reason": text})
            changes.append(record(ledger, state, [event]))
        if stale:
            stale_ids = {ticket_id for ticket_id, _ in stale}
            raise StaleTickets(stale, [t for t in dict.fromkeys(ticket_ids) if t not in stale_ids])
        if not changes:
            raise RuleViolation(f"{target.name} already owns {'that ticket' if len(ticket_ids) == 1 else 'those tickets'}")
        return Change("reassign", tuple(changes))


@unit_of_work
def contact(store: Store, ticket_id: int, *, note: str = "", at: str | None = None) -> Change:
    """The customer reached out again. A resolved or closed ticket is reopened first (DESIGN §2)."""
    when = at or clock.now_text()
    with store.atomic():
        ledger = Ledger(store)
        state = ticket_state(ledger, ticket_id)
        events = []
        if state.is_done or state.status == Status.PENDING:
            events.append(Event(ticket_id, EventKind.STATUS, when, None,
                                {"status": Status.OPEN.value, "note": "customer contacted us again"}))
        events.append(Event(ticket_id, EventKind.CONTACT, when, None, {"note": note.strip()}))
        return Change("contact", (record(ledger, state, events),))


@unit_of_work
def reply(store: Store, ticket_id: int, *, actor_id: int, note: str, at: str | None = None) -> Change:
    text = require_text(note, "the reply")
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        state = ticket_state(ledger, ticket_id)
        check_can_reply(state)
        event = Event(ticket_id, EventKind.REPLY, at or clock.now_text(), actor.id, {"note": text})
        return Change("reply", (record(ledger, state, [event]),))


@unit_of_work
def set_status(
    store: Store, ticket_id: int, *, actor_id: int, status: str, note: str = "", at: str | None = None
) -> Change:
    """Resolve, close, set pending or reopen. Only the owner or a supervisor may resolve or close."""
    target = parse_enum(Status, status, "status")
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        state = ticket_state(ledger, ticket_id)
        check_status_change(state, actor, target)
        event = Event(ticket_id, EventKind.STATUS, at or clock.now_text(), actor.id,
                      {"status": target.value, "note": note.strip()})
        return Change(f"status:{target.value}", (record(ledger, state, [event]),))


@unit_of_work
def escalate(
    store: Store, ticket_id: int, *, actor_id: int, priority: str, note: str, at: str | None = None
) -> Change:
    level = parse_enum(Priority, priority, "priority")
    text = require_text(note, "a note saying why it is escalated")
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        state = ticket_state(ledger, ticket_id)
        check_can_escalate(state)
        event = Event(ticket_id, EventKind.ESCALATE, at or clock.now_text(), actor.id,
                      {"priority": level.value, "note": text})
        return Change("escalate", (record(ledger, state, [event]),))


@unit_of_work
def add_note(store: Store, ticket_id: int, *, actor_id: int, note: str, at: str | None = None) -> Change:
    text = require_text(note, "the note")
    with store.atomic():
        ledger = Ledger(store)
        actor = active_agent(ledger, actor_id)
        state = ticket_state(ledger, ticket_id)
        event = Event(ticket_id, EventKind.NOTE, at or clock.now_text(), actor.id, {"note": text})
        return Change("note", (record(ledger, state, [event]),))
