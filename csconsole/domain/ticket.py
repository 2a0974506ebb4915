"""A ticket's derived state, folded from its events (DESIGN §1).

``apply`` is the one definition of every derived number: the store calls it for each appended event
(incremental) and ``rebuild`` folds all events of a ticket with it. Pure Python: no Qt, no SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from csconsole.domain.sla_clock import SlaClocks
from csconsole.domain.sla_policy import EMPTY_BOOK, PolicyBook
from csconsole.domain.words import BOOKKEEPING_KINDS, OPEN_STATUSES, EventKind, Status

Holder = tuple[int, int | None]  # (queue id, owner id or None)

DONE = tuple(s.value for s in Status if s not in OPEN_STATUSES)  # resolved, closed
# The statuses as plain text for the hot path (an enum member's ``.value`` is a property call).
_NEW, _OPEN, _RESOLVED, _CLOSED = Status.NEW.value, Status.OPEN.value, Status.RESOLVED.value, Status.CLOSED.value
_HOLDER_KINDS = (EventKind.TAKE.value, EventKind.TRANSFER.value, EventKind.REASSIGN.value)
_CONTACT, _REPLY, _STATUS, _ESCALATE = (
    EventKind.CONTACT.value, EventKind.REPLY.value, EventKind.STATUS.value, EventKind.ESCALATE.value)


@dataclass(slots=True)
class Event:
    """One immutable fact: about a ticket, or (``ticket_id`` None) about the floor's records
    (domain/registry.py). ``actor`` None on a ticket's event means the customer."""

    ticket_id: int | None
    kind: str
    at: str
    actor: int | None
    data: dict[str, Any]
    seq: int | None = None


@dataclass(slots=True)
class TicketState:
    """Everything the ticket row holds that events determine."""

    ticket_id: int
    ref: str = ""  # not a derived column (written once with the row); the events say it all the same
    customer_id: int = 0
    subject: str = ""
    channel: str = ""
    created_at: str = ""
    priority: str = "normal"
    status: str = Status.NEW.value
    queue_id: int = 0
    owner_id: int | None = None
    bounces: int = 0
    pingpongs: int = 0
    contacts: int = 0
    first_response_at: str | None = None
    resolved_at: str | None = None
    closed_at: str | None = None
    closed_by: int | None = None
    path: list[Holder] = field(default_factory=list)
    last_seq: int = 0
    updated_at: str = ""
    sla: SlaClocks = field(default_factory=SlaClocks)  # first reply, next reply, resolution (sla_clock.py)

    # The row's SLA figures, read from the clocks: the earliest due time of a live clock (breached from
    # then), when the ticket is at risk, and how many clocks stopped past their due time.
    @property
    def sla_due_at(self) -> str | None:
        return self.sla.due_at

    @property
    def sla_risk_at(self) -> str | None:
        return self.sla.risk_at

    @property
    def sla_breaches(self) -> int:
        return self.sla.breaches

    @property
    def holder(self) -> Holder:
        return (self.queue_id, self.owner_id)

    @property
    def taken(self) -> bool:
        """The path starts at the first take (or the first event that gives the ticket an owner)."""
        return bool(self.path)

    @property
    def is_done(self) -> bool:
        return self.status in DONE


def reverted_seqs(events: Sequence[Event]) -> frozenset[int]:
    """The seqs of events taken back by a ``revert`` that itself stands.

    A revert names earlier events of its ticket (``data["reverts"]``); reverting a revert (redo) makes
    them stand again. Reverts only name earlier events, so one backwards pass decides every event.
    """
    if not any(event.kind == EventKind.REVERT for event in events):
        return frozenset()
    reverted: set[int] = set()
    for event in reversed(events):
        if event.kind == EventKind.REVERT and event.seq not in reverted:
            reverted.update(int(seq) for seq in event.data.get("reverts", ()))
    return frozenset(reverted)


def effective(events: Sequence[Event]) -> list[Event]:
    """The events that shape the ticket: neither taken back nor a revert (DESIGN §1: an undo is a
    correction, not a handoff the customer lived through), nor bookkeeping."""
    reverted = reverted_seqs(events)
    return [event for event in events
            if event.kind != EventKind.REVERT and event.kind not in BOOKKEEPING_KINDS and event.seq not in reverted]


Witness = Callable[[Event, "TicketState"], None]


def fold(ticket_id: int, events: Sequence[Event], book: PolicyBook = EMPTY_BOOK,
         witness: Witness | None = None) -> TicketState:
    """The state a ticket's events, in order, lead to. Reverted events count for nothing: bounces,
    ping-pongs, path, contacts, status and clocks are what they were before the mistake; only
    ``last_seq`` and ``updated_at`` move on to the last event of all (bookkeeping aside).

    Each event's clocks count under the SLA policy in force at its seq (``book``), and every policy edit
    after it re-times them as it did live (``SlaClocks.catch_up``). ``witness`` hears every event with the
    ticket's state just before it, as ``replay`` gives them, in the same pass where it can (a ticket
    without reverts).
    """
    state = TicketState(ticket_id)
    revert = EventKind.REVERT
    corrected = False
    for event in events:
        if event.kind == revert:
            corrected = True
            break
    shaping: Sequence[Event] = events  # without reverts: every event, bookkeeping applying as nothing
    if corrected:
        if witness is not None:
            for event, before in replay(ticket_id, events, book):
                witness(event, before)
            witness = None
        shaping = effective(events)
    if witness is None:
        for event in shaping:
            apply(state, event, book)
    else:
        for event in shaping:
            witness(event, state)
            apply(state, event, book)
    state.sla.catch_up(book)
    if corrected:  # the reverts and what they took back still date the ticket
        for event in events:
            if event.kind == EventKind.REF_RECORDED:
                state.ref = str(event.data["ref"])
        last = next((e for e in reversed(events) if e.kind not in BOOKKEEPING_KINDS), None)
        if last is not None:
            state.updated_at = last.at
            if last.seq is not None:
                state.last_seq = last.seq
    return state


def unreadable(ticket_id: int, events: Sequence[Event], book: PolicyBook = EMPTY_BOOK) -> tuple[Event, str] | None:
    """The first event whose data its kind cannot use (a ``take`` naming no queue...), and why; None when
    ``fold`` can take them all. For the audit of a log someone wrote by hand."""
    state = TicketState(ticket_id)
    for index, event in enumerate(events):
        try:
            if event.kind == EventKind.REVERT:
                state = fold(ticket_id, events[: index + 1], book)
            else:
                apply(state, event, book)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            return event, f"its data cannot be read as a {event.kind} ({type(error).__name__}: {error})"
    return None


def replay(ticket_id: int, events: Sequence[Event],
           book: PolicyBook = EMPTY_BOOK) -> Iterator[tuple[Event, TicketState]]:
    """Each event with the ticket's state just before it, as it stood then (reverts included).

    For walks that judge each event against its moment (audit findings); the state yielded is live
    and advances after the caller resumes.
    """
    state = TicketState(ticket_id)
    for index, event in enumerate(events):
        yield event, state
        if event.kind == EventKind.REVERT:
            state = fold(ticket_id, events[: index + 1], book)
        else:
            apply(state, event, book)


def apply(state: TicketState, event: Event, book: PolicyBook = EMPTY_BOOK) -> bool:
    """Advance ``state`` by one event. Returns True when the event was a handoff (a bounce).

    A ``revert`` cannot be applied to a state alone (it needs the events it takes back): fold the
    ticket's events instead, as the ledger does when it appends one.
    """
    kind = event.kind
    if kind == EventKind.REVERT:
        raise ValueError("a revert changes a ticket only through fold() over its events")
    data = event.data
    if kind in BOOKKEEPING_KINDS:
        if kind == EventKind.REF_RECORDED:
            state.ref = str(data["ref"])
        return False
    at = event.at
    handoff = False
    if kind == EventKind.CREATED:
        state.ref = data.get("ref", state.ref)
        state.customer_id = data["customer"]
        state.subject = data["subject"]
        state.channel = data["channel"]
        state.priority = data["priority"]
        state.queue_id = data["queue"]
        state.created_at = at
        state.status = _NEW
        state.contacts = 1
    elif kind in _HOLDER_KINDS:
        handoff = _move(state, (data["queue"], data["owner"]))
    elif kind == _CONTACT:
        state.contacts += 1
    elif kind == _REPLY:
        if state.first_response_at is None:
            state.first_response_at = at
    elif kind == _STATUS:
        _set_status(state, data["status"], at, event.actor)
    elif kind == _ESCALATE:
        if data.get("priority"):
            state.priority = data["priority"]
    state.sla.apply(event, book)
    if event.seq is not None:
        state.last_seq = event.seq
    state.updated_at = at
    return handoff


def _move(state: TicketState, new: Holder) -> bool:
    """Move the ticket to ``new``; count the handoff and the ping-pong when there is one."""
    queue_id, owner_id = new
    if not state.path:
        state.queue_id, state.owner_id = queue_id, owner_id
        if owner_id is not None:
            state.path.append(new)
            if state.status == _NEW:
                state.status = _OPEN
        return False
    if new == state.holder:
        return False
    back_to_queue = queue_id != state.queue_id and any(q == queue_id for q, _ in state.path)
    back_to_owner = (
        owner_id is not None
        and owner_id != state.owner_id
        and any(o == owner_id for _, o in state.path)
    )
    state.bounces += 1
    if back_to_queue or back_to_owner:
        state.pingpongs += 1
    state.queue_id, state.owner_id = queue_id, owner_id
    state.path.append(new)
    if state.status == _NEW and owner_id is not None:
        state.status = _OPEN
    return True


def _set_status(state: TicketState, status: str, at: str, actor: int | None) -> None:
    state.status = status
    if status == _RESOLVED:
        state.resolved_at = at
    elif status == _CLOSED:
        state.closed_at = at
        state.closed_by = actor
        if state.resolved_at is None:
            state.resolved_at = at
    else:  # reopened or back to work
        state.resolved_at = None
        state.closed_at = None
        state.closed_by = None
