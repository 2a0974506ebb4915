"""Undo as a correction (issue 14): a ``revert`` names the events it takes back, and the fold counts
neither them nor itself, so bounces, ping-pongs, path, contacts, status and clocks are what they were."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import BadInput, RuleViolation
from csconsole.domain.findings import rule_breaches
from csconsole.domain.rules import Agent, check_can_revert
from csconsole.domain.sla_policy import EMPTY_BOOK
from csconsole.domain.ticket import Event, TicketState, apply, effective, fold, reverted_seqs
from csconsole.domain.words import Role

BILLING, TECH = 1, 2
ANA, RAJ, SUE = 11, 12, 20
TARGETS = EMPTY_BOOK
SUPERVISOR = Agent(SUE, "Sue", Role.SUPERVISOR)
AGENT_ANA = Agent(ANA, "Ana", Role.AGENT, BILLING)
AGENT_RAJ = Agent(RAJ, "Raj", Role.AGENT, TECH)


def history() -> list[Event]:
    """Billing/Ana → Tech/Raj → Billing/Ana: two handoffs, one ping-pong."""
    return [
        Event(1, "created", "2026-03-02T09:00:00Z", None,
              {"customer": 5, "subject": "Bill wrong", "channel": "phone", "priority": "normal", "queue": BILLING}, 1),
        Event(1, "take", "2026-03-02T09:05:00Z", ANA, {"queue": BILLING, "owner": ANA}, 2),
        Event(1, "transfer", "2026-03-02T10:00:00Z", ANA, {"queue": TECH, "owner": RAJ, "note": "router"}, 3),
        Event(1, "transfer", "2026-03-02T11:00:00Z", RAJ, {"queue": BILLING, "owner": ANA, "note": "billing"}, 4),
    ]


def revert(seq: int, at: str, actor: int, *targets: int) -> Event:
    return Event(1, "revert", at, actor, {"reverts": list(targets), "note": "undo"}, seq)


def numbers(state: TicketState) -> tuple[object, ...]:
    return (state.bounces, state.pingpongs, state.path, state.contacts, state.holder, state.status,
            state.priority, state.sla_due_at, state.resolved_at, state.closed_by)


def test_an_undone_reassign_leaves_bounces_pingpongs_and_path_as_before_the_mistake() -> None:
    before = fold(1, history(), TARGETS)
    mistake = Event(1, "reassign", "2026-03-02T11:30:00Z", SUE, {"queue": BILLING, "owner": RAJ, "reason": "x"}, 5)
    after_mistake = fold(1, [*history(), mistake], TARGETS)
    assert (after_mistake.bounces, after_mistake.pingpongs) == (3, 2)  # the mistake is a ping-pong
    undone = fold(1, [*history(), mistake, revert(6, "2026-03-02T11:31:00Z", SUE, 5)], TARGETS)
    assert numbers(undone) == numbers(before)
    assert (undone.bounces, undone.pingpongs) == (2, 1)
    assert undone.last_seq == 6  # the row still moves on: the revert is the latest event
    assert undone.updated_at == "2026-03-02T11:31:00Z"


def test_three_tickets_reassigned_then_undone_each_keep_their_counts() -> None:
    """The issue's scenario: reassign three tickets, Ctrl+Z; none ends worse than it was."""
    for owner in (ANA, RAJ, None):
        base = [e for e in history()]
        before = fold(1, base, TARGETS)
        target = SUE if owner != SUE else RAJ
        mistake = Event(1, "reassign", "2026-03-02T12:00:00Z", SUE, {"queue": BILLING, "owner": target, "reason": "r"}, 5)
        undone = fold(1, [*base, mistake, revert(6, "2026-03-02T12:01:00Z", SUE, 5)], TARGETS)
        assert numbers(undone) == numbers(before)


def test_undoing_a_status_change_or_an_escalation_restores_status_clock_and_priority() -> None:
    base = history()
    before = fold(1, base, TARGETS)
    assert before.sla_due_at is not None  # the response clock runs
    resolve = Event(1, "status", "2026-03-02T11:10:00Z", ANA, {"status": "resolved", "note": ""}, 5)
    escalate = Event(1, "escalate", "2026-03-02T11:05:00Z", SUE, {"priority": "urgent", "note": "vip"}, 5)
    resolved = fold(1, [*base, resolve], TARGETS)
    assert (resolved.status, resolved.sla_due_at) == ("resolved", None)
    assert numbers(fold(1, [*base, resolve, revert(6, "2026-03-02T11:11:00Z", ANA, 5)], TARGETS)) == numbers(before)
    assert numbers(fold(1, [*base, escalate, revert(6, "2026-03-02T11:06:00Z", SUE, 5)], TARGETS)) == numbers(before)


def test_redo_is_a_revert_of_the_revert_and_the_action_stands_again() -> None:
    mistake = Event(1, "reassign", "2026-03-02T11:30:00Z", SUE, {"queue": BILLING, "owner": RAJ, "reason": "x"}, 5)
    done = fold(1, [*history(), mistake], TARGETS)
    events = [*history(), mistake, revert(6, "2026-03-02T11:31:00Z", SUE, 5), revert(7, "2026-03-02T11:32:00Z", SUE, 6)]
    assert reverted_seqs(events) == {6}
    assert numbers(fold(1, events, TARGETS)) == numbers(done)
    assert [e.seq for e in effective(events)] == [1, 2, 3, 4, 5]


def test_one_revert_may_take_back_several_events() -> None:
    a = Event(1, "escalate", "2026-03-02T11:30:00Z", SUE, {"priority": "high", "note": "n"}, 5)
    b = Event(1, "reassign", "2026-03-02T11:30:00Z", SUE, {"queue": BILLING, "owner": RAJ, "reason": "x"}, 6)
    events = [*history(), a, b, revert(7, "2026-03-02T11:31:00Z", SUE, 5, 6)]
    assert numbers(fold(1, events, TARGETS)) == numbers(fold(1, history(), TARGETS))


def test_apply_refuses_a_revert_it_cannot_compute_alone() -> None:
    with pytest.raises(ValueError, match="fold"):
        apply(fold(1, history(), TARGETS), revert(5, "2026-03-02T11:31:00Z", SUE, 4), TARGETS)


def test_findings_judge_each_event_against_the_state_of_its_moment() -> None:
    """A close by Raj after Ana's ownership was restored by an undo is a breach: Raj no longer owns it."""
    mistake = Event(1, "reassign", "2026-03-02T11:30:00Z", SUE, {"queue": BILLING, "owner": RAJ, "reason": "x"}, 5)
    close = Event(1, "status", "2026-03-02T11:40:00Z", RAJ, {"status": "closed", "note": ""}, 7)
    events = [*history(), mistake, revert(6, "2026-03-02T11:31:00Z", SUE, 5), close]
    roles = {ANA: Role.AGENT, RAJ: Role.AGENT, SUE: Role.SUPERVISOR}
    found = rule_breaches(1, events, roles)
    assert [(f.seq, f.rule) for f in found] == [(7, "close by someone neither owner nor supervisor")]
    assert rule_breaches(1, [*history(), mistake, close], roles) == []  # without the undo Raj owned it


def test_only_the_latest_standing_actions_can_be_undone() -> None:
    events = history()
    assert [e.seq for e in check_can_revert(events, [4], AGENT_RAJ)] == [4]
    with pytest.raises(RuleViolation, match="changed since"):
        check_can_revert(events, [3], SUPERVISOR)  # the transfer back (seq 4) came after it
    with pytest.raises(RuleViolation, match="cannot be undone"):
        check_can_revert(events[:1], [1], SUPERVISOR)  # created
    with pytest.raises(RuleViolation, match="not part of ticket"):
        check_can_revert(events, [99], SUPERVISOR)
    with pytest.raises(BadInput):
        check_can_revert(events, [], SUPERVISOR)


def test_an_undo_is_by_whoever_did_the_action_or_a_supervisor() -> None:
    events = history()
    assert check_can_revert(events, [4], SUPERVISOR)
    with pytest.raises(RuleViolation, match="only who did it or a supervisor"):
        check_can_revert(events, [4], AGENT_ANA)  # Raj made that transfer


def test_an_undone_action_cannot_be_undone_twice_but_its_undo_can_be() -> None:
    events = [*history(), revert(5, "2026-03-02T11:31:00Z", RAJ, 4)]
    with pytest.raises(RuleViolation, match="already undone"):
        check_can_revert(events, [4], SUPERVISOR)
    assert [e.seq for e in check_can_revert(events, [5], AGENT_RAJ)] == [5]
    # after the undo, the action before it (seq 3) is the latest standing one: undo twice works
    assert [e.seq for e in check_can_revert(events, [3], SUPERVISOR)] == [3]
    redone = [*events, revert(6, "2026-03-02T11:32:00Z", RAJ, 5)]  # redo: seq 4 stands again
    with pytest.raises(RuleViolation, match="changed since"):
        check_can_revert(redone, [3], SUPERVISOR)
