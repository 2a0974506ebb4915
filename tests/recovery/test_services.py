"""Recovery use cases through a real store: events in the chain, refusals write nothing, rebuild agrees."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import BadInput, NotFound, RuleViolation
from csconsole.domain.recovery import RecoveryTriggers
from csconsole.services import audit, dashboard, recovery, tickets
from tests.recovery.conftest import RecoveryFloor, new_ticket
from tests.sql import connection

NOW = "2026-03-04T12:00:00Z"  # after the promise (03-02), on the day before the follow-up (03-05)


def events(rf: RecoveryFloor) -> int:
    return int(connection(rf.floor.store).execute("SELECT count(*) FROM events").fetchone()[0])


def derived(rf: RecoveryFloor) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = connection(rf.floor.store)
    return (conn.execute("SELECT * FROM recovery_cases ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM evaluations ORDER BY id").fetchall())


def step(rf: RecoveryFloor, name: str, at: str, **fields: object) -> recovery.StepResult:
    return recovery.complete_step(rf.floor.store, rf.ticket, actor_id=rf.floor.sue.id, step=name,
                                  note=f"{name} note", fields=fields, at=at)


def walk(rf: RecoveryFloor, *, upto: str = "evaluate") -> None:
    plan = [
        ("acknowledge", {}), ("widen", {}),
        ("agree", {"promise": "Refund the double charge", "promised_by": "2026-03-02"}),
        ("resolve", {"fix": "Refunded", "outcome": "recovered", "goodwill_kind": "voucher",
                     "goodwill_amount": 20, "follow_up": "2026-03-05"}),
        ("evaluate", {"root_cause": "policy", "policy": "Refunds over $50 need approval",
                      "change": "Raise the limit to $200"}),
    ]
    for i, (name, fields) in enumerate(plan):
        step(rf, name, f"2026-03-01T1{i}:00:00Z", **fields)
        if name == upto:
            return


def test_a_full_aware_walk_is_five_chained_events_and_one_complete_case(rf: RecoveryFloor) -> None:
    before = events(rf)
    walk(rf)
    store = rf.floor.store
    assert events(rf) == before + 6  # the opening event and five steps
    kinds = connection(store).execute("SELECT kind FROM events WHERE ticket_id = ? ORDER BY seq", (rf.ticket,)).fetchall()
    assert [k for (k,) in kinds][-6:] == ["recovery_step"] * 6
    assert audit.verify(store).ok
    [row] = recovery.cases(store, now=NOW)
    assert (row.checklist, row.steps_done, row.steps_total, row.next_step) == ("AWARE", 5, 5, None)
    assert row.completed_at == "2026-03-01T14:00:00Z" and row.outcome == "recovered"
    assert (row.root_cause, row.policy, row.goodwill_amount) == ("policy", "Refunds over $50 need approval", 20.0)
    assert recovery.open_recoveries_count(store) == 0
    assert recovery.complete_case(store, row.id).complete


def test_refusals_write_nothing(rf: RecoveryFloor) -> None:
    store = rf.floor.store
    before, rows = events(rf), derived(rf)
    with pytest.raises(RuleViolation, match="in order"):  # the case would be opened, then the step refused
        step(rf, "agree", "2026-03-01T10:00:00Z", promise="x", promised_by="2026-03-02")
    with pytest.raises(RuleViolation, match="only a supervisor"):
        recovery.complete_step(store, rf.ticket, actor_id=rf.floor.ana.id, step="acknowledge", note="x")
    with pytest.raises(NotFound, match="unknown checklist"):
        recovery.open_recovery(store, rf.ticket, actor_id=rf.floor.sue.id, checklist="NOPE")
    with pytest.raises(NotFound):
        recovery.open_recovery(store, 999, actor_id=rf.floor.sue.id)
    with pytest.raises(BadInput, match="1 to 5"):
        recovery.evaluate(store, rf.ticket, actor_id=rf.floor.sue.id, associate_score=6)
    with pytest.raises(NotFound, match="unknown policy"):
        recovery.evaluate(store, rf.ticket, actor_id=rf.floor.sue.id, associate_score=4, policy="Nope",
                          policy_score=2)
    assert events(rf) == before and derived(rf) == rows
    walk(rf, upto="resolve")
    before, rows = events(rf), derived(rf)
    with pytest.raises(NotFound, match="unknown policy"):
        step(rf, "evaluate", "2026-03-02T10:00:00Z", root_cause="policy", policy="No such policy")
    with pytest.raises(RuleViolation, match="still to do: Evaluate"):
        recovery.complete_case(store, rows[0][0][0])
    assert events(rf) == before and derived(rf) == rows


def test_one_open_case_per_ticket_and_it_keeps_its_checklist(rf: RecoveryFloor) -> None:
    store, sue = rf.floor.store, rf.floor.sue.id
    opened = recovery.open_recovery(store, rf.ticket, actor_id=sue, checklist="heard", at="2026-03-01T10:00:00Z")
    assert opened.case.checklist.name == "HEARD" and opened.case.progress == (0, 5)
    with pytest.raises(RuleViolation, match="already has an open recovery case"):
        recovery.open_recovery(store, rf.ticket, actor_id=sue)
    with pytest.raises(RuleViolation, match="keeps that checklist"):
        recovery.complete_step(store, rf.ticket, actor_id=sue, step="acknowledge", note="x", checklist="AWARE")
    result = recovery.complete_step(store, rf.ticket, actor_id=sue, step="hear", note="listened")
    assert result.case.id == opened.case.id and result.case.next_step.title == "Empathize"


def test_a_custom_checklist_from_the_preferences(rf: RecoveryFloor) -> None:
    store, sue = rf.floor.store, rf.floor.sue.id
    recovery.save_checklist(store, "Quick", [("Sorry", "Say it", "note"), ("Fix", "", "resolution")])
    assert [c.name for c in recovery.checklists(store)] == ["AWARE", "HEARD", "LEARN", "Quick"]
    recovery.complete_step(store, rf.ticket, actor_id=sue, step="sorry", note="apologised", checklist="quick")
    # The business changes its checklist: the open case keeps the one it was opened with.
    recovery.save_checklist(store, "Quick", [("Hello", "", "note")])
    result = recovery.complete_step(store, rf.ticket, actor_id=sue, step="fix", note="fixed",
                                    fields={"fix": "refund", "outcome": "partial"})
    assert result.case.complete and [d.step.key for d in result.case.done] == ["sorry", "fix"]
    with pytest.raises(BadInput, match="ships with csconsole"):
        recovery.save_checklist(store, "aware", [("A", "", "note")])


def test_lists_promises_past_their_date_and_follow_ups_due(rf: RecoveryFloor) -> None:
    store = rf.floor.store
    walk(rf, upto="agree")
    [row] = recovery.cases(store, recovery.CaseFilter(promises_overdue=True), now=NOW)
    assert row.promise_overdue("2026-03-04") and recovery.counts(store, NOW).promises_overdue == 1
    assert recovery.cases(store, recovery.CaseFilter(promises_overdue=True), now="2026-03-02T08:00:00Z") == []
    step(rf, "resolve", "2026-03-03T10:00:00Z", fix="Refunded", outcome="recovered", follow_up="2026-03-05")
    assert recovery.cases(store, recovery.CaseFilter(promises_overdue=True), now=NOW) == []
    assert recovery.cases(store, recovery.CaseFilter(follow_ups_due=True), now=NOW) == []
    assert len(recovery.cases(store, recovery.CaseFilter(follow_ups_due=True), now="2026-03-05T08:00:00Z")) == 1
    assert len(recovery.cases(store, recovery.CaseFilter(open_only=True, text="bob"), now=NOW)) == 1
    assert recovery.cases(store, recovery.CaseFilter(text="nobody"), now=NOW) == []


def test_proposals_name_the_tickets_that_need_a_case(rf: RecoveryFloor) -> None:
    floor = rf.floor
    callbacks = new_ticket(floor, "Carla Diaz")
    for _ in range(2):
        tickets.contact(floor.store, callbacks, note="still broken")
    bounced = new_ticket(floor, "Dan Roe")
    holder = floor.ana.id  # who holds it moves it on
    for queue, owner in ((floor.tech, floor.raj.id), (floor.billing, floor.li.id), (floor.tech, floor.raj.id)):
        tickets.transfer(floor.store, bounced, actor_id=holder, queue_id=queue, owner_id=owner, note="yours")
        holder = owner
    found = {p.ticket_id: p.reasons for p in recovery.proposals(floor.store)}
    assert found == {callbacks: ("3 contacts",), bounced: ("bounced 3 times",)}
    stricter = RecoveryTriggers(min_bounces=4, min_contacts=3, loyal_breach=False)
    assert [p.ticket_id for p in recovery.proposals(floor.store, triggers=stricter)] == [callbacks]
    looser = RecoveryTriggers(min_bounces=2, min_contacts=2)
    assert {p.ticket_id for p in recovery.proposals(floor.store, triggers=looser)} == {callbacks, bounced}
    recovery.open_recovery(floor.store, bounced, actor_id=floor.sue.id)
    assert [p.ticket_id for p in recovery.proposals(floor.store)] == [callbacks]


def test_evaluations_and_the_policy_register(rf: RecoveryFloor) -> None:
    store, sue = rf.floor.store, rf.floor.sue.id
    recovery.evaluate(store, rf.ticket, actor_id=sue, associate_score=5, policy="Refunds over $50 need approval",
                      policy_score=1, comment="agent did well; the policy failed", at="2026-03-02T10:00:00Z")
    [ev] = derived(rf)[1]
    assert ev[4:8] == (rf.floor.ana.id, 5, rf.refunds, 1)  # associate = the owner; two separate scores
    with pytest.raises(BadInput, match="already exists"):
        recovery.add_policy(store, "refunds over $50 NEED approval")
    recovery.update_policy(store, rf.discounts, description="Only for new sign-ups", owner="Sales")
    recovery.deactivate_policy(store, rf.discounts)
    assert [p.name for p in recovery.policies(store, active_only=True)] == ["Refunds over $50 need approval"]
    with pytest.raises(RuleViolation, match="no longer active"):
        recovery.evaluate(store, rf.ticket, actor_id=sue, associate_score=3, policy=rf.discounts, policy_score=3)


def test_rebuild_recreates_cases_and_evaluations_from_the_events(rf: RecoveryFloor) -> None:
    store = rf.floor.store
    walk(rf, upto="resolve")
    recovery.evaluate(store, rf.ticket, actor_id=rf.floor.sue.id, associate_score=4, at="2026-03-02T10:00:00Z")
    rows = derived(rf)
    assert audit.rebuild(store).corrected == 0 and derived(rf) == rows
    with store.atomic():
        conn = connection(store)
        conn.execute("UPDATE recovery_cases SET steps_done = 0, outcome = 'lost'")
        conn.execute("DELETE FROM evaluations")
    assert audit.rebuild(store).corrected == 2
    assert derived(rf) == rows


def test_dashboard_figures_come_from_sql(rf: RecoveryFloor) -> None:
    store = rf.floor.store
    walk(rf)
    recovery.evaluate(store, rf.ticket, actor_id=rf.floor.sue.id, associate_score=5,
                      policy="Refunds over $50 need approval", policy_score=2, at="2026-03-02T10:00:00Z")
    other = new_ticket(rf.floor, "Eve Moss", at="2026-03-03T09:00:00Z")
    for minute, queue in (("10", rf.floor.tech), ("20", rf.floor.billing), ("30", rf.floor.tech)):
        tickets.transfer(store, other, actor_id=rf.floor.ana.id, queue_id=queue, note="not ours",
                         at=f"2026-03-03T10:{minute}:00Z")
    tickets.contact(store, other, note="again", at="2026-03-03T11:00:00Z")
    board = dashboard.snapshot(store, now=NOW, hours=72, days=4)
    assert board.bounces == [1, 0, 0, 1, 0, 0]
    assert board.pingpong_pairs == [("Billing", "Tech", 3)]
    assert [(d.day, d.tickets, d.repeat_contacts) for d in board.days] == [
        ("2026-03-01", 1, 0), ("2026-03-02", 0, 0), ("2026-03-03", 1, 1), ("2026-03-04", 0, 0)]
    assert board.repeat_contact_rate == 0.5
    assert board.root_causes == {"policy": 1}
    assert [(s.name, s.average) for s in board.associate_scores] == [("Ana", 5.0)]
    assert [(s.name, s.average) for s in board.policy_scores] == [("Refunds over $50 need approval", 2.0)]
    top = board.policy_harm[0]
    assert (top.name, top.recoveries, top.bounces, top.repeat_contacts) == ("Refunds over $50 need approval", 1, 0, 0)
    assert [h.name for h in board.policy_harm] == ["Refunds over $50 need approval", "New-customer-only discounts"]
    assert board.depth.total[-1] == 2 and board.depth.by_queue == {
        "Billing": board.depth.by_queue["Billing"], "Tech": board.depth.by_queue["Tech"]}
    assert board.depth.by_queue["Tech"][-1] == 1 and len(board.depth.hours) == 72


def test_the_dashboard_reaches_every_queue_and_every_associate(rf) -> None:
    """Not the five deepest queues only, nor the twelve most evaluated associates: the screen picks."""
    from csconsole.services import dashboard, people

    store = rf.floor.store
    queues = [people.add_queue(store, f"Queue {n:02d}") for n in range(14)]
    for n, queue in enumerate(queues):
        agent = people.add_agent(store, f"Agent {n:02d}", "agent", queue.id)
        tid = new_ticket(rf.floor, f"Customer {n}")
        recovery.evaluate(store, tid, actor_id=rf.floor.sue.id, associate_id=agent.id, associate_score=1 + n % 5)
    board = dashboard.snapshot(store)
    assert {q.name for q in queues} <= set(board.depth.by_queue)
    assert {f"Agent {n:02d}" for n in range(14)} <= {s.name for s in board.associate_scores}
