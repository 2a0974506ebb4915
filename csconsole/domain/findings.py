"""Rule breaches found in recorded history (imported logs keep them as they happened; DESIGN §6).

They are audit findings, not errors: the history is kept, and the report lists what broke a rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from csconsole.domain.sla_policy import EMPTY_BOOK, PolicyBook
from csconsole.domain.ticket import Event, TicketState, replay
from csconsole.domain.words import EventKind, Role, Status


class RolesInTime(Protocol):
    """Who had which role when (``domain.registry.Registry``): an action is judged by the roles in force."""

    def role_at(self, agent_id: int, seq: int | None) -> Role | None: ...


Roles = Mapping[int, Role] | RolesInTime


def role_of(roles: Roles, agent_id: int | None, seq: int | None) -> Role | None:
    if agent_id is None:
        return None
    if isinstance(roles, Mapping):
        return roles.get(agent_id)
    return roles.role_at(agent_id, seq)


@dataclass(frozen=True)
class Finding:
    ticket_id: int
    seq: int | None
    at: str
    rule: str
    detail: str


def breaches(event: Event, state: TicketState, role: Role | None) -> Iterator[tuple[str, str]]:
    """The rules of DESIGN §2 that ``event`` broke, given the ticket's ``state`` just before it and the
    ``role`` its actor had then: (rule, why), none for most events."""
    supervises = role is not None and role.may_supervise
    kind = event.kind
    if kind == EventKind.TRANSFER:
        if not str(event.data.get("note") or "").strip():
            yield "transfer without a note", "a transfer must say what was done and what is next"
        if state.status == Status.CLOSED:
            yield "transfer of a closed ticket", "closed tickets cannot be transferred"
        if not supervises and state.owner_id not in (None, event.actor):
            yield ("transfer of a colleague's ticket by an agent",
                   "an agent moves only a ticket they hold or nobody owns; a colleague's is a supervisor's reassign")
    elif kind == EventKind.REASSIGN:
        if not supervises:
            yield "reassign by a non-supervisor", "only a supervisor or manager may reassign"
        if not str(event.data.get("reason") or "").strip():
            yield "reassign without a reason", "a reassignment needs a reason"
        if state.status == Status.CLOSED:
            yield "reassign of a closed ticket", "closed tickets cannot be reassigned"
    elif kind == EventKind.STATUS and event.data.get("status") in (Status.RESOLVED, Status.CLOSED):
        if not supervises and event.actor != state.owner_id:
            verb = "close" if event.data.get("status") == Status.CLOSED else "resolve"
            yield (f"{verb} by someone neither owner nor supervisor",
                   "only the owner or a supervisor may resolve or close a ticket")


def rule_breaches(
    ticket_id: int, events: Sequence[Event], roles: Roles, book: PolicyBook = EMPTY_BOOK
) -> list[Finding]:
    """Walk a ticket's events and name every one that broke a rule of DESIGN §2, each judged by the roles
    in force at its moment when ``roles`` knows them in time (a plain mapping: the roles of today)."""
    found: list[Finding] = []
    for event, state in replay(ticket_id, events, book):
        found += judge(ticket_id, event, state, roles)
    return found


def judge(ticket_id: int, event: Event, state: TicketState, roles: Roles) -> list[Finding]:
    """The rules ``event`` broke, judged by ``state``, the ticket as it stood just before it."""
    return [Finding(ticket_id, event.seq, event.at, rule, detail)
            for rule, detail in breaches(event, state, role_of(roles, event.actor, event.seq))]
