"""The rules of DESIGN §2. Each check raises RuleViolation with a plain message, or returns None."""

from __future__ import annotations

from dataclasses import dataclass

from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.ticket import TicketState
from csconsole.domain.words import Role, Status

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


def check_can_transfer(ticket: TicketState, note: str | None) -> str:
    if ticket.status == Status.CLOSED:
        raise RuleViolation(f"ticket {ticket.ticket_id} is closed and cannot be transferred")
    return require_text(note, "a transfer note (say what was done and what is next)")


def check_can_reassign(ticket: TicketState, actor: Agent, reason: str | None) -> str:
    if not actor.role.may_supervise:
        raise RuleViolation(f"{actor.name} is an {actor.role.value}; only a supervisor or manager may reassign")
    if ticket.status == Status.CLOSED:
        raise RuleViolation(f"ticket {ticket.ticket_id} is closed and cannot be reassigned")
    return require_text(reason, "a reason for the reassignment")


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
