"""SLA policies through the service, on both engines: business hours, pauses and targets re-time the open
tickets in the same transaction as the policy's event, and the stored clocks are what a rebuild gives."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import BadInput, NotFound, RuleViolation
from csconsole.domain.sla_policy import DEFAULT_POLICY, SlaPolicy
from csconsole.services import audit, queries, sla, tickets, undo
from tests.conftest import Floor
from tests.sql import connection

MONDAY = "2026-03-02T10:00:00Z"  # 11:00 in Berlin
BERLIN = DEFAULT_POLICY.amended(hours="mon-fri 09:00-17:00", timezone="Europe/Berlin", holidays="DE-BY")


def _open(floor: Floor, at: str = MONDAY, priority: str = "normal", queue: int | None = None) -> int:
    return tickets.create_ticket(floor.store, actor_id=None, customer="C", subject="s", channel="chat",
                                 priority=priority, queue_id=queue or floor.tech, at=at).ticket_ids[0]


def _row(floor: Floor, ticket_id: int) -> queries.TicketRow:
    return queries.tickets_by_id(floor.store, [ticket_id])[0]


def _holds(floor: Floor) -> None:
    assert audit.rebuild(floor.store).corrected == 0  # the stored clocks are what the events give
    assert audit.verify(floor.store).ok


def test_business_hours_govern_what_follows_and_re_time_the_open_tickets_of_their_queue(floor: Floor) -> None:
    running, billing = _open(floor), _open(floor, queue=floor.billing)
    before = _row(floor, running)
    assert before.first_reply_due_at == "2026-03-02T14:00:00Z"  # 24/7: 240 minutes
    change = sla.set_policy(floor.store, floor.tech, BERLIN)
    assert change.retimed == 1 and change.policy.own and change.policy.name == "Tech"
    assert _row(floor, running).resolution_due_at != before.resolution_due_at  # re-timed from the edit on
    assert _row(floor, billing).resolution_due_at == "2026-03-03T10:00:00Z"  # Billing keeps 24/7
    after = _row(floor, _open(floor))
    assert after.first_reply_due_at == "2026-03-02T14:00:00Z"  # 4 business hours: 11:00 → 15:00 Berlin
    assert after.resolution_due_at == "2026-03-05T10:00:00Z"  # 1,440 business minutes: three working days
    _holds(floor)


def test_a_ticket_opened_on_friday_evening_is_due_on_monday_not_breached(floor: Floor) -> None:
    sla.set_policy(floor.store, None, BERLIN)  # store-wide: every queue follows
    friday = _open(floor, at="2026-02-27T18:30:00Z", priority="high")  # 19:30 Berlin: closed
    row = _row(floor, friday)
    assert row.first_reply_due_at == "2026-03-02T09:00:00Z"  # Monday 09:00 Berlin + 60 business minutes
    assert row.sla_state("2026-03-01T12:00:00Z").value == "ok"  # Sunday: nothing counts
    assert [p.own for p in sla.policies(floor.store)] == [True, False, False]
    _holds(floor)


def test_pending_pauses_resolution_and_next_reply_never_the_first_reply(floor: Floor) -> None:
    tid = _open(floor)
    tickets.take(floor.store, tid, actor_id=floor.raj.id, at="2026-03-02T10:05:00Z")
    tickets.set_status(floor.store, tid, actor_id=floor.raj.id, status="pending", note="waiting on them",
                       at="2026-03-02T10:10:00Z")
    row = _row(floor, tid)
    assert row.sla_paused and row.resolution_due_at is None
    assert row.first_reply_due_at == "2026-03-02T14:00:00Z"  # still running: the customer has no answer yet
    tickets.contact(floor.store, tid, note="here is the photo", at="2026-03-02T12:10:00Z")
    row = _row(floor, tid)
    assert not row.sla_paused
    assert row.resolution_due_at == "2026-03-03T12:00:00Z"  # the two paused hours are not counted
    _holds(floor)


def test_a_target_change_keeps_the_time_counted_and_clearing_goes_back_to_the_store_wide(floor: Floor) -> None:
    tid = _open(floor)
    tight = DEFAULT_POLICY.amended(targets=["normal:first=30"])
    sla.set_policy(floor.store, floor.tech, tight)
    assert _row(floor, tid).first_reply_due_at == "2026-03-02T10:30:00Z"  # 30 minutes from its start
    sla.set_policy(floor.store, floor.tech, None)
    assert _row(floor, tid).first_reply_due_at == "2026-03-02T14:00:00Z"
    assert not sla.policy_for(floor.store, floor.tech).own
    _holds(floor)


def test_a_revert_after_a_policy_edit_counts_each_event_under_the_policy_of_its_time(floor: Floor) -> None:
    tid = _open(floor, priority="high", queue=floor.billing)
    tickets.take(floor.store, tid, actor_id=floor.ana.id, at="2026-03-02T10:01:00Z")
    tickets.reply(floor.store, tid, actor_id=floor.ana.id, note="sorry for the wait", at="2026-03-02T11:40:00Z")
    sla.set_policy(floor.store, floor.billing, DEFAULT_POLICY.amended(targets=["high:first=240"]))
    escalated = tickets.escalate(floor.store, tid, actor_id=floor.ana.id, priority="urgent", note="angry",
                                 at="2026-03-02T11:50:00Z")
    undo.revert(floor.store, {tid: escalated.tickets[0].seqs}, actor_id=floor.ana.id, at="2026-03-02T11:55:00Z")
    # The first reply came 100 minutes in against a 60-minute target: a breach then, whatever came after.
    assert connection(floor.store).execute("SELECT sla_breaches FROM tickets WHERE id = ?", (tid,)).fetchone()[0] == 1
    _holds(floor)


@pytest.mark.parametrize(("change", "message"), [
    ({"hours": "mon-fri 09:00-25:00"}, 'bad hours "mon-fri 09:00-25:00"'),
    ({"timezone": "Mars/Base"}, 'unknown time zone "Mars/Base"'),
    ({"holidays": "XX"}, 'unknown holiday country "XX"'),
    ({"targets": ["normal:first=0"]}, "whole minutes from 1"),
])
def test_a_bad_part_is_named_and_nothing_is_written(floor: Floor, change: dict[str, object], message: str) -> None:
    head = audit.head(floor.store)
    with pytest.raises(BadInput, match=message):
        sla.amend(SlaPolicy(), **change)  # type: ignore[arg-type]
    assert audit.head(floor.store) == head


def test_only_a_supervisor_or_manager_sets_a_policy(floor: Floor) -> None:
    head = audit.head(floor.store)
    with pytest.raises(RuleViolation, match="only a supervisor or manager"):
        sla.set_policy(floor.store, floor.tech, BERLIN, actor_id=floor.ana.id)
    with pytest.raises(NotFound):
        sla.set_policy(floor.store, 99, BERLIN)
    assert audit.head(floor.store) == head
    assert sla.set_policy(floor.store, floor.tech, BERLIN, actor_id=floor.max.id).policy.own


def test_a_loyal_customer_gets_the_tighter_loyal_target_fixed_at_creation(floor: Floor) -> None:
    sla.set_policy(floor.store, floor.tech, DEFAULT_POLICY.amended(targets=["normal@loyal:first=60",
                                                                            "low@loyal:first=999"]))
    for n in range(5):  # five resolved tickets make a customer loyal (DESIGN §1)
        tid = _open(floor, at=f"2026-03-0{n + 1}T08:00:00Z")
        tickets.take(floor.store, tid, actor_id=floor.raj.id, at=f"2026-03-0{n + 1}T08:05:00Z")
        tickets.set_status(floor.store, tid, actor_id=floor.raj.id, status="resolved", note="done",
                           at=f"2026-03-0{n + 1}T08:10:00Z")
    loyal = _row(floor, _open(floor, at="2026-03-09T10:00:00Z"))
    assert loyal.customer_tier.value == "loyal"
    assert loyal.first_reply_due_at == "2026-03-09T11:00:00Z"  # 60 minutes, not the standard 240
    slower = _row(floor, _open(floor, at="2026-03-09T10:00:00Z", priority="low"))
    assert slower.first_reply_due_at == "2026-03-09T18:00:00Z"  # never slower than standard: 480, not 999
    _holds(floor)
