"""Every derived number of DESIGN §1, computed from events alone (no Qt, no SQL)."""

from __future__ import annotations

from csconsole.domain.sla import sla_state
from csconsole.domain.sla_policy import EMPTY_BOOK
from csconsole.domain.ticket import Event, fold
from csconsole.domain.words import SlaState
from tests.domain.sla_events import book, policy

BILLING, TECH, RETURNS = 1, 2, 3
ANA, RAJ, LI, SUE = 11, 12, 13, 20
T0 = "2026-03-02T09:00:00Z"
TARGETS = EMPTY_BOOK  # 24/7, the default targets


def created(at: str = T0, queue: int = BILLING, priority: str = "normal") -> Event:
    return Event(1, "created", at, None,
                 {"customer": 5, "subject": "Bill wrong", "channel": "phone", "priority": priority, "queue": queue})


def move(kind: str, at: str, actor: int, queue: int, owner: int | None, **extra: str) -> Event:
    return Event(1, kind, at, actor, {"queue": queue, "owner": owner, **extra})


def test_design_example_path_bounces_and_pingpongs() -> None:
    """Billing/Ana → Tech/Raj → Billing/Ana → Tech/— is three handoffs, two of them ping-pong."""
    state = fold(1, [
        created(),
        move("take", "2026-03-02T09:05:00Z", ANA, BILLING, ANA),
        move("transfer", "2026-03-02T10:00:00Z", ANA, TECH, RAJ, note="router fault"),
        move("transfer", "2026-03-02T11:00:00Z", RAJ, BILLING, ANA, note="it is billing"),
        move("transfer", "2026-03-02T12:00:00Z", ANA, TECH, None, note="no, tech"),
    ], TARGETS)
    assert state.path == [(BILLING, ANA), (TECH, RAJ), (BILLING, ANA), (TECH, None)]
    assert state.bounces == 3
    assert state.pingpongs == 2
    assert state.holder == (TECH, None)


def test_the_first_take_is_not_a_bounce_and_routing_before_it_is_not_on_the_path() -> None:
    state = fold(1, [
        created(),
        move("transfer", "2026-03-02T09:01:00Z", SUE, TECH, None, note="wrong queue"),
        move("take", "2026-03-02T09:05:00Z", RAJ, TECH, RAJ),
    ], TARGETS)
    assert state.path == [(TECH, RAJ)]
    assert state.bounces == 0
    assert state.status == "open"


def test_one_event_changing_queue_and_owner_is_one_handoff() -> None:
    state = fold(1, [
        created(),
        move("take", "2026-03-02T09:05:00Z", ANA, BILLING, ANA),
        move("transfer", "2026-03-02T09:10:00Z", ANA, TECH, RAJ, note="x"),
    ], TARGETS)
    assert (state.bounces, state.pingpongs) == (1, 0)


def test_a_move_to_the_current_holder_is_no_handoff() -> None:
    state = fold(1, [
        created(),
        move("take", "2026-03-02T09:05:00Z", ANA, BILLING, ANA),
        move("reassign", "2026-03-02T09:10:00Z", SUE, BILLING, ANA, reason="x"),
    ], TARGETS)
    assert state.bounces == 0


def test_owner_change_within_a_queue_back_to_an_earlier_owner_is_a_pingpong() -> None:
    state = fold(1, [
        created(),
        move("take", "2026-03-02T09:05:00Z", ANA, BILLING, ANA),
        move("reassign", "2026-03-02T09:10:00Z", SUE, BILLING, LI, reason="load"),
        move("reassign", "2026-03-02T09:20:00Z", SUE, BILLING, ANA, reason="back"),
    ], TARGETS)
    assert (state.bounces, state.pingpongs) == (2, 1)


def test_bounced_more_than_twice_means_three_or_more() -> None:
    events = [created(), move("take", "2026-03-02T09:05:00Z", ANA, BILLING, ANA)]
    holders = [(TECH, RAJ), (RETURNS, LI), (BILLING, None)]
    for i, (q, o) in enumerate(holders):
        events.append(move("transfer", f"2026-03-02T1{i}:00:00Z", ANA, q, o, note="n"))
        assert (fold(1, events, TARGETS).bounces >= 3) == (i == 2)


def test_contacts_count_the_first_contact_and_three_raise_a_senior_callback() -> None:
    events = [created()]
    assert fold(1, events, TARGETS).contacts == 1
    events.append(Event(1, "contact", "2026-03-02T10:00:00Z", None, {"note": "again"}))
    events.append(Event(1, "contact", "2026-03-02T11:00:00Z", None, {"note": "third time"}))
    assert fold(1, events, TARGETS).contacts == 3


def test_sla_first_response_due_and_states() -> None:
    state = fold(1, [created(priority="high")], TARGETS)  # high: 60 minutes
    assert state.sla_due_at == "2026-03-02T10:00:00Z"
    assert state.sla_risk_at == "2026-03-02T09:45:00Z"
    assert sla_state(state.sla_due_at, state.sla_risk_at, "2026-03-02T09:30:00Z") is SlaState.OK
    assert sla_state(state.sla_due_at, state.sla_risk_at, "2026-03-02T09:50:00Z") is SlaState.AT_RISK
    assert sla_state(state.sla_due_at, state.sla_risk_at, "2026-03-02T10:00:00Z") is SlaState.BREACHED


def test_a_reply_stops_the_reply_clock_and_a_late_one_counts_a_breach() -> None:
    on_time = fold(1, [created(priority="urgent"),
                       Event(1, "reply", "2026-03-02T09:10:00Z", ANA, {"note": "hi"})], TARGETS)
    assert on_time.sla.first_reply.state == "met" and on_time.sla_breaches == 0
    assert on_time.sla_due_at == "2026-03-02T13:00:00Z"  # what is left: urgent resolution, 4 hours
    assert on_time.first_response_at == "2026-03-02T09:10:00Z"
    late = fold(1, [created(priority="urgent"),
                    Event(1, "reply", "2026-03-02T09:20:00Z", ANA, {"note": "hi"})], TARGETS)
    assert late.sla_breaches == 1 and late.sla.first_reply.state == "breached"


def test_a_new_contact_restarts_the_next_response_clock() -> None:
    state = fold(1, [
        created(priority="normal"),
        Event(1, "reply", "2026-03-02T09:10:00Z", ANA, {"note": "hi"}),
        Event(1, "contact", "2026-03-02T12:00:00Z", None, {"note": ""}),
    ], TARGETS)
    assert state.sla.live_due("next_reply") == "2026-03-02T16:00:00Z"  # normal: 240 minutes
    assert state.sla_due_at == "2026-03-02T16:00:00Z"  # before the resolution's (a day after creation)


def test_queue_targets_override_the_defaults() -> None:
    own = book((TECH, 0, T0, policy(targets=("normal:first=30",))))
    state = fold(1, [created(queue=TECH)], own)
    assert state.sla_due_at == "2026-03-02T09:30:00Z"


def test_escalation_raises_priority_and_tightens_the_clock() -> None:
    state = fold(1, [created(priority="low"),
                     Event(1, "escalate", "2026-03-02T09:01:00Z", SUE, {"priority": "urgent", "note": "x"})],
                 TARGETS)
    assert state.priority == "urgent"
    assert state.sla_due_at == "2026-03-02T09:15:00Z"


def test_status_lifecycle_resolve_close_reopen() -> None:
    events = [created(), move("take", "2026-03-02T09:05:00Z", ANA, BILLING, ANA),
              Event(1, "status", "2026-03-02T10:00:00Z", ANA, {"status": "resolved"}),
              Event(1, "status", "2026-03-02T11:00:00Z", SUE, {"status": "closed"})]
    closed = fold(1, events, TARGETS)
    assert (closed.status, closed.resolved_at, closed.closed_at, closed.closed_by) == (
        "closed", "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z", SUE)
    events.append(Event(1, "status", "2026-03-03T08:00:00Z", None, {"status": "open"}))
    reopened = fold(1, events, TARGETS)
    assert (reopened.status, reopened.closed_at, reopened.closed_by) == ("open", None, None)
