"""The rules of DESIGN §2. Each check raises RuleViolation with a plain message, or returns None."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.ticket import Event, TicketState, effective, reverted_seqs
from csconsole.domain.words import EventKind, Role, Status

# What an undo may take back: moves, status changes, escalations, and an undo itself (redo). Replies,
# contacts and notes happened with the customer; recovery steps and evaluations keep their own record.
REVERTIBLE_KINDS = frozenset({
    EventKind.TAKE, EventKind.TRANSFER, EventKind.REASSIGN, EventKind.STATUS, EventKind.ESCALATE,
    EventKind.REVERT,
})

# The short list a supervisor picks a reassignment reason from; free text may follow.
REASSIGN_REASONS: tuple[str, ...] = (
    "Ping-pong: one owner until resolved",
    "Owner absent or off shift",
    "Needs a specialist",
    "Load balancing",
    "Customer asked for another rep",
    "Escalated to senior",
)


@dataclass(frozen=True, slots=True)
class Agent:
    id: int
    name: str
    role: Role
    queue_id: int | None = None
    active: bool = True


def require_text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput(f"{what} is required")
    return text


def check_can_take(ticket: TicketState, actor: Agent) -> None:
    if ticket.status == Status.CLOSED:
        raise RuleViolation(f"ticket {ticket.ticket_id} is closed; a new contact reopens it")
    if ticket.owner_id is not None and ticket.owner_id != actor.id:
        raise RuleViolation(
            f"ticket {ticket.ticket_id} already has an owner, who is the customer's single point of "
            "contact; ask a supervisor to reassign it"
        )


def check_can_transfer(ticket: TicketState, actor: Agent, note: str | None) -> str:
    """A transfer moves forward a ticket the actor holds (or one nobody owns); a colleague's ticket is
    moved by its owner, or by a supervisor's reassign: an agent cannot take it over by transferring it."""
    if ticket.status == Status.CLOSED:
        raise RuleViolation(f"ticket {ticket.ticket_id} is closed and cannot be transferred")
    if not actor.role.may_supervise and ticket.owner_id not in (None, actor.id):
        raise RuleViolation(
            f"ticket {ticket.ticket_id} is a colleague's: its owner transfers it, or a supervisor reassigns it"
        )
    return require_text(note, "a transfer note (say what was done and what is next)")


def check_can_reassign(ticket: TicketState, actor: Agent, reason: str | None) -> str:
    if not actor.role.may_supervise:
        raise RuleViolation(f"{actor.name} is an {actor.role.value}; only a supervisor or manager may reassign")
    if ticket.status == Status.CLOSED:
        raise RuleViolation(f"ticket {ticket.ticket_id} is closed and cannot be reassigned")
    return require_text(reason, "a reason for the reassignment")


def check_can_give_roles(actor: Agent | None, *, has_supervisors: bool) -> None:
    """Roles are given by a supervisor or manager; only a floor that has none yet takes its first roles
    from the import that sets it up."""
    if actor is None and has_supervisors:
        raise RuleViolation("a roles file gives people their roles: name the supervisor or manager who gives "
                            "it (--as NAME); only a store's first supervisors come without one")
    if actor is not None and not actor.role.may_supervise:
        raise RuleViolation(f"{actor.name} is an {actor.role.value}; only a supervisor or manager gives roles")


def check_can_finish(ticket: TicketState, actor: Agent, status: Status) -> None:
    """Only the owner or a supervisor/manager may resolve or close."""
    if actor.role.may_supervise or actor.id == ticket.owner_id:
        return
    verb = "close" if status == Status.CLOSED else "resolve"
    raise RuleViolation(
        f"{actor.name} does not own ticket {ticket.ticket_id}; only its owner or a supervisor may {verb} it"
    )


def check_status_change(ticket: TicketState, actor: Agent, status: Status) -> None:
    if status.value == ticket.status:
        raise RuleViolation(f"ticket {ticket.ticket_id} is already {status.value}")
    if status.is_done:
        check_can_finish(ticket, actor, status)
    if ticket.status == Status.CLOSED and status != Status.OPEN:
        raise RuleViolation(f"ticket {ticket.ticket_id} is closed; only reopening it is possible")
    if status == Status.NEW:
        raise RuleViolation("a ticket cannot go back to new")


def check_active(actor: Agent) -> None:
    if not actor.active:
        raise RuleViolation(f"{actor.name} is not an active agent")


def check_can_revert(
    events: Sequence[Event], seqs: Collection[int], actor: Agent, label: str = ""
) -> list[Event]:
    """The events of one ticket that ``actor`` may take back, in order; RuleViolation otherwise.

    Only the ticket's latest standing events may be taken back (a correction, not a rewrite of older
    history), and only by whoever did them or by a supervisor or manager. ``label`` names the ticket
    in refusals (its reference); by default its number.
    """
    if not seqs:
        raise BadInput("nothing to undo")
    by_seq = {event.seq: event for event in events}
    ticket = label or f"{events[0].ticket_id if events else 0}"
    missing = sorted(seq for seq in seqs if seq not in by_seq)
    if missing:
        raise RuleViolation(f"event {missing[0]} is not part of ticket {ticket}")
    reverted = reverted_seqs(events)
    targets = [by_seq[seq] for seq in sorted(seqs)]
    for event in targets:
        if event.seq in reverted:
            raise RuleViolation(f"ticket {ticket}: that {event.kind} was already undone")
        if event.kind not in REVERTIBLE_KINDS:
            raise RuleViolation(f"ticket {ticket}: a {event.kind} cannot be undone")
        if event.actor != actor.id and not actor.role.may_supervise:
            raise RuleViolation(
                f"{actor.name} did not do that {event.kind} on ticket {ticket}; only who did it or a "
                "supervisor may undo it"
            )
    # What stands after the first target, reverts aside (an undone action and its undo cancel out).
    first = targets[0].seq or 0
    later = [e for e in effective(events) if (e.seq or 0) > first and e.seq not in seqs]
    if later:
        raise RuleViolation(
            f"ticket {ticket} changed since (a {later[0].kind} at {later[0].at[:16].replace('T', ' ')} UTC), "
            "so this cannot be undone; act on the ticket anew if it still needs it"
        )
    return targets


def check_can_reply(ticket: TicketState) -> None:
    if ticket.status == Status.CLOSED:
        raise RuleViolation(f"ticket {ticket.ticket_id} is closed; reopen it to reply")


def check_can_escalate(ticket: TicketState) -> None:
    """A priority changes only while the ticket is worked (escalating, or an undo putting it back)."""
    if ticket.is_done:
        raise RuleViolation(f"ticket {ticket.ticket_id} is {ticket.status}; reopen it before changing its priority")
