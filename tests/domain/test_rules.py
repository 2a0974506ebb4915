"""The rules of DESIGN §2, without Qt or SQL."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.findings import rule_breaches
from csconsole.domain.rules import (
    Agent,
    check_can_reassign,
    check_can_take,
    check_can_transfer,
    check_status_change,
)
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import Role, Status

ANA = Agent(1, "Ana", Role.AGENT)
RAJ = Agent(2, "Raj", Role.AGENT)
SUE = Agent(3, "Sue", Role.SUPERVISOR)
MAX = Agent(4, "Max", Role.MANAGER)


def owned_by(owner: int | None, status: str = "open") -> TicketState:
    return TicketState(7, status=status, queue_id=1, owner_id=owner, path=[(1, owner)] if owner else [])


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED])
def test_only_owner_or_supervisor_may_resolve_or_close(status: Status) -> None:
    ticket = owned_by(ANA.id)
    check_status_change(ticket, ANA, status)
    check_status_change(ticket, SUE, status)
    check_status_change(ticket, MAX, status)
    with pytest.raises(RuleViolation, match="only its owner or a supervisor"):
        check_status_change(ticket, RAJ, status)


def test_only_supervisors_reassign_and_need_a_reason() -> None:
    ticket = owned_by(ANA.id)
    assert check_can_reassign(ticket, SUE, "  load balancing ") == "load balancing"
    with pytest.raises(RuleViolation, match="only a supervisor or manager may reassign"):
        check_can_reassign(ticket, RAJ, "because")
    with pytest.raises(BadInput, match="reason"):
        check_can_reassign(ticket, SUE, "   ")


def test_closed_tickets_cannot_be_reassigned_or_transferred() -> None:
    closed = owned_by(ANA.id, "closed")
    with pytest.raises(RuleViolation, match="closed"):
        check_can_reassign(closed, SUE, "r")
    with pytest.raises(RuleViolation, match="closed"):
        check_can_transfer(closed, ANA, "note")


def test_a_transfer_must_carry_a_note() -> None:
    with pytest.raises(BadInput, match="transfer note"):
        check_can_transfer(owned_by(ANA.id), ANA, "")


def test_an_agent_transfers_only_what_they_hold_or_nobody_owns() -> None:
    assert check_can_transfer(owned_by(ANA.id), ANA, "over to billing") == "over to billing"
    assert check_can_transfer(owned_by(None), RAJ, "for returns") == "for returns"
    with pytest.raises(RuleViolation, match="a colleague's"):
        check_can_transfer(owned_by(ANA.id), RAJ, "mine now")  # to themselves or anywhere: not theirs to move
    assert check_can_transfer(owned_by(ANA.id), SUE, "cover") == "cover"  # a supervisor may


def test_the_first_taker_owns_it_and_others_cannot_take_it_from_them() -> None:
    check_can_take(owned_by(None, "new"), RAJ)
    with pytest.raises(RuleViolation, match="single point of contact"):
        check_can_take(owned_by(ANA.id), RAJ)


def test_findings_name_rule_breaches_in_history() -> None:
    roles = {ANA.id: Role.AGENT, RAJ.id: Role.AGENT, SUE.id: Role.SUPERVISOR}
    events = [
        Event(7, "created", "2026-01-01T09:00:00Z", None,
              {"customer": 1, "subject": "s", "channel": "email", "priority": "low", "queue": 1}, 1),
        Event(7, "take", "2026-01-01T09:01:00Z", ANA.id, {"queue": 1, "owner": ANA.id}, 2),
        Event(7, "transfer", "2026-01-01T09:02:00Z", ANA.id, {"queue": 2, "owner": RAJ.id, "note": ""}, 3),
        Event(7, "reassign", "2026-01-01T09:03:00Z", RAJ.id, {"queue": 2, "owner": ANA.id, "reason": "x"}, 4),
        Event(7, "status", "2026-01-01T09:04:00Z", RAJ.id, {"status": "closed"}, 5),
        Event(7, "status", "2026-01-01T09:05:00Z", SUE.id, {"status": "open"}, 6),
        Event(7, "transfer", "2026-01-01T09:06:00Z", RAJ.id, {"queue": 2, "owner": RAJ.id, "note": "mine"}, 7),
    ]
    found = rule_breaches(7, events, roles)
    assert [(f.seq, f.rule) for f in found] == [
        (3, "transfer without a note"),
        (4, "reassign by a non-supervisor"),
        (5, "close by someone neither owner nor supervisor"),
        (7, "transfer of a colleague's ticket by an agent"),  # Ana's ticket: Raj made himself its owner
    ]
