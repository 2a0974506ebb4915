"""Rule breaches found in recorded history (imported logs keep them as they happened; DESIGN §6).

They are audit findings, not errors: the history is kept, and the report lists what broke a rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from csconsole.domain.ticket import Event, TicketState, replay
from csconsole.domain.sla import SlaTargets
from csconsole.domain.words import EventKind, Role, Status


@dataclass(frozen=True)
class Finding:
    ticket_id: int
    seq: int | None
    at: str
    rule: str
    detail: str


def rule_breaches(
    ticket_id: int, events: Sequence[Event], roles: Mapping[int, Role], targets: SlaTargets | None = None
) -> list[Finding]:
    """Walk a ticket's events and name every one that broke a rule of DESIGN §2."""
    found: list[Finding] = []
    for event, state in replay(ticket_id, events, targets or SlaTargets()):
        found += judge(ticket_id, event, state, roles)
    return found


def judge(ticket_id: int, event: Event, state: TicketState, roles: Mapping[int, Role]) -> list[Finding]:
    """The rules ``event`` broke, judged by ``state``, the ticket as it stood just before it."""
    found: list[Finding] = []

    def add(rule: str, detail: str) -> None:
        found.append(Finding(ticket_id, event.seq, event.at, rule, detail))

    role = roles.get(event.actor) if event.actor is not None else None
    supervises = role is not None and role.may_supervise
    kind = event.kind
    if kind == EventKind.TRANSFER:
        if not str(event.data.get("note") or "").strip():
            add("transfer without a note", "a transfer must say what was done and what is next")
        if state.status == Status.CLOSED:
            add("transfer of a closed ticket", "closed tickets cannot be transferred")
    elif kind == EventKind.REASSIGN:
        if not supervises:
            add("reassign by a non-supervisor", "only a supervisor or manager may reassign")
        if not str(event.data.get("reason") or "").strip():
            add("reassign without a reason", "a reassignment needs a reason")
        if state.status == Status.CLOSED:
            add("reassign of a closed ticket", "closed tickets cannot be reassigned")
    elif kind == EventKind.STATUS and event.data.get("status") in (Status.RESOLVED, Status.CLOSED):
        if not supervises and event.actor != state.owner_id:
            verb = "close" if event.data.get("status") == Status.CLOSED else "resolve"
            add(f"{verb} by someone neither owner nor supervisor",
                "only the owner or a supervisor may resolve or close a ticket")
    return found
