"""Use cases through a real store: one transaction each, rules enforced, nothing half-written."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import BadInput, RuleViolation, StaleTicket
from csconsole.domain.read_models import TicketFilter
from csconsole.services import audit, queries, tickets
from tests.conftest import Floor
from tests.sql import connection


def new(floor: Floor, customer: str = "Acme", priority: str = "normal") -> int:
    change = tickets.create_ticket(floor.store, actor_id=None, customer=customer, subject="Bill wrong",
                                   channel="email", priority=priority, queue_id=floor.billing)
    return change.ticket_ids[0]


def events_count(floor: Floor) -> int:
    return connection(floor.store).execute("SELECT count(*) FROM events").fetchone()[0]


def test_ping_pong_story_through_services(floor: Floor) -> None:
    tid = new(floor)
    s = floor.store
    tickets.take(s, tid, actor_id=floor.ana.id)
    tickets.transfer(s, tid, actor_id=floor.ana.id, queue_id=floor.tech, owner_id=floor.raj.id, note="fault")
    tickets.transfer(s, tid, actor_id=floor.raj.id, queue_id=floor.billing, owner_id=floor.ana.id, note="bill")
    tickets.transfer(s, tid, actor_id=floor.ana.id, queue_id=floor.tech, note="tech again")
    row = queries.tickets_by_id(s, [tid])[0]
    assert row.path == ("Billing/Ana", "Tech/Raj", "Billing/Ana", "Tech/—")
    assert (row.bounces, row.pingpongs, row.owner) == (3, 2, None)
    detail = queries.ticket_detail(s, tid)
    assert [step.returned for step in detail.path] == [False, False, True, True]
    assert [e.kind for e in detail.events] == ["created", "take", "transfer", "transfer", "transfer"]


def test_reassign_needs_a_supervisor_and_a_reason_and_writes_nothing_when_refused(floor: Floor) -> None:
    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    before = events_count(floor)
    with pytest.raises(RuleViolation, match="only a supervisor"):
        tickets.reassign(floor.store, [tid], actor_id=floor.raj.id, to_id=floor.li.id, reason="x")
    with pytest.raises(BadInput, match="reason"):
        tickets.reassign(floor.store, [tid], actor_id=floor.sue.id, to_id=floor.li.id, reason=" ")
    assert events_count(floor) == before
    change = tickets.reassign(floor.store, [tid], actor_id=floor.sue.id, to_id=floor.li.id, reason="load")
    assert change.tickets[0].before_holder == (floor.billing, floor.ana.id)
    assert change.tickets[0].after_holder == (floor.billing, floor.li.id)


def test_bulk_reassign_is_one_transaction(floor: Floor) -> None:
    ids = [new(floor, f"C{i}") for i in range(3)]
    for tid in ids:
        tickets.take(floor.store, tid, actor_id=floor.ana.id)
    tickets.set_status(floor.store, ids[2], actor_id=floor.ana.id, status="closed")
    before = events_count(floor)
    with pytest.raises(RuleViolation, match="closed"):
        tickets.reassign(floor.store, ids, actor_id=floor.sue.id, to_id=floor.raj.id, reason="leave")
    assert events_count(floor) == before  # the two open ones were not reassigned either
    change = tickets.reassign(floor.store, ids[:2], actor_id=floor.sue.id, to_id=floor.raj.id, reason="leave")
    assert change.ticket_ids == tuple(ids[:2])
    assert events_count(floor) == before + 2


def test_undo_is_refused_when_the_ticket_changed_since(floor: Floor) -> None:
    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    change = tickets.reassign(floor.store, [tid], actor_id=floor.sue.id, to_id=floor.li.id, reason="load")
    tickets.reply(floor.store, tid, actor_id=floor.li.id, note="on it")
    with pytest.raises(StaleTicket, match="changed since"):
        tickets.reassign(floor.store, [tid], actor_id=floor.sue.id, to_id=floor.ana.id, reason="undo",
                         expected_seqs={tid: change.tickets[0].last_seq})


def test_only_owner_or_supervisor_closes(floor: Floor) -> None:
    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    with pytest.raises(RuleViolation, match="does not own"):
        tickets.set_status(floor.store, tid, actor_id=floor.raj.id, status="closed")
    tickets.set_status(floor.store, tid, actor_id=floor.max.id, status="closed")
    assert queries.tickets_by_id(floor.store, [tid])[0].status == "closed"


def test_a_new_contact_reopens_a_closed_ticket(floor: Floor) -> None:
    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    tickets.set_status(floor.store, tid, actor_id=floor.ana.id, status="closed")
    change = tickets.contact(floor.store, tid, note="it broke again")
    row = queries.tickets_by_id(floor.store, [tid])[0]
    assert (row.status, row.contacts, len(change.seqs)) == ("open", 2, 2)
    assert row.sla_due_at is not None


def test_transfer_needs_a_note_and_closed_tickets_stay_put(floor: Floor) -> None:
    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    with pytest.raises(BadInput, match="transfer note"):
        tickets.transfer(floor.store, tid, actor_id=floor.ana.id, queue_id=floor.tech, note="")
    tickets.set_status(floor.store, tid, actor_id=floor.ana.id, status="closed")
    with pytest.raises(RuleViolation, match="closed"):
        tickets.transfer(floor.store, tid, actor_id=floor.ana.id, queue_id=floor.tech, note="n")


def test_someone_elses_ticket_cannot_be_taken(floor: Floor) -> None:
    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    with pytest.raises(RuleViolation, match="single point of contact"):
        tickets.take(floor.store, tid, actor_id=floor.raj.id)


def test_filters_and_counts_agree(floor: Floor) -> None:
    ids = [new(floor, f"C{i}") for i in range(4)]
    tickets.take(floor.store, ids[0], actor_id=floor.ana.id)
    for _ in range(2):
        tickets.contact(floor.store, ids[1])
    s = floor.store
    assert queries.tickets_count(s, TicketFilter(unowned=True)) == 3
    assert queries.tickets_count(s, TicketFilter(min_contacts=3)) == 1
    assert [r.id for r in queries.tickets_page(s, TicketFilter(search="C2"))] == [ids[2]]
    assert queries.tickets_count(s, TicketFilter(owner_id=floor.ana.id)) == 1


def test_key_set_pages_cover_every_row_once(floor: Floor) -> None:
    ids = [new(floor, f"C{i}") for i in range(25)]
    from csconsole.domain.read_models import SortKey
    from csconsole.services.queries import Order

    order = Order(SortKey.CREATED, descending=True)
    seen: list[int] = []
    after = None
    while True:
        rows = queries.tickets_page(floor.store, TicketFilter(), order=order, after=after, limit=7)
        seen += [r.id for r in rows]
        if len(rows) < 7:
            break
        after = queries.key_of(rows[-1], order)
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    anchors = queries.page_anchors(floor.store, TicketFilter(), order=order, step=10)
    assert len(anchors) == 3


def test_a_tickets_position_is_its_row_in_the_list_in_every_order(floor: Floor) -> None:
    """The console brings a selected ticket back into view after a new search or sort from this alone."""
    from csconsole.domain.read_models import SortKey
    from csconsole.services.queries import Order

    ids = [new(floor, f"C{i}") for i in range(12)]
    for n, tid in enumerate(ids):
        for _ in range(n % 4):
            tickets.contact(floor.store, tid)
    tickets.take(floor.store, ids[3], actor_id=floor.ana.id)
    for order in (Order(), Order(descending=True), Order(SortKey.CONTACTS, descending=True),
                  Order(SortKey.CONTACTS), Order(SortKey.PRIORITY), Order(SortKey.SLA_DUE, descending=True)):
        for flt in (TicketFilter(), TicketFilter(min_contacts=2), TicketFilter(unowned=True)):
            listed = [r.id for r in queries.tickets_page(floor.store, flt, order=order, limit=100)]
            for tid in ids:
                expected = listed.index(tid) if tid in listed else None
                assert queries.ticket_position(floor.store, flt, tid, order=order) == expected, (order, flt, tid)


def test_rebuild_finds_nothing_to_correct_after_normal_work(floor: Floor) -> None:
    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    tickets.contact(floor.store, tid)
    assert audit.rebuild(floor.store).corrected == 0
    connection(floor.store).execute("UPDATE tickets SET bounces = 9")
    assert audit.rebuild(floor.store).corrected == 1
    assert queries.tickets_by_id(floor.store, [tid])[0].bounces == 0


def test_history_tells_recovery_steps_in_plain_words(floor: Floor) -> None:
    from csconsole.services import recovery

    tid = new(floor)
    tickets.take(floor.store, tid, actor_id=floor.ana.id)
    recovery.open_recovery(floor.store, tid, actor_id=floor.sue.id)
    lines = [e.summary for e in queries.ticket_detail(floor.store, tid).events]
    assert lines[-1].startswith("Recovery case opened (AWARE")


def test_a_change_names_the_kinds_of_data_it_touched(store_location: str) -> None:
    """Ticket services touch tickets; recovery steps and evaluations say so too (the console re-reads by kind)."""
    from csconsole.services import open_store, people, recovery, tickets
    from csconsole.services.changes import Kind

    with open_store(store_location, create=True) as store:
        queue = people.add_queue(store, "Billing")
        sue = people.add_agent(store, "Sue Park", "supervisor")
        created = tickets.create_ticket(store, actor_id=None, customer="Ada", subject="Refund", channel="email",
                                        priority="normal", queue_id=queue.id)
        assert created.kinds == {Kind.TICKETS}
        tid = created.ticket_ids[0]
        step = recovery.complete_step(store, tid, actor_id=sue.id, step="acknowledge", note="We are sorry.")
        assert step.change.kinds == {Kind.TICKETS, Kind.RECOVERY}
        review = recovery.evaluate(store, tid, actor_id=sue.id, associate_score=4)
        assert review.kinds == {Kind.TICKETS, Kind.EVALUATIONS}


def test_a_bulk_reassign_names_every_ticket_that_changed_and_the_others_may_go_ahead(floor) -> None:
    from csconsole.domain.errors import StaleTickets
    from csconsole.services import queries

    ids = []
    for n in range(4):
        change = tickets.create_ticket(floor.store, actor_id=None, customer=f"C{n}", subject="s", channel="phone",
                                       priority="normal", queue_id=floor.billing)
        ids.append(change.ticket_ids[0])
        tickets.take(floor.store, ids[-1], actor_id=floor.ana.id)
    seqs = {r.id: r.last_seq for r in queries.tickets_by_id(floor.store, ids)}
    for moved in (ids[1], ids[3]):
        tickets.add_note(floor.store, moved, actor_id=floor.ana.id, note="meanwhile")
    with pytest.raises(StaleTickets) as refused:
        tickets.reassign(floor.store, ids, actor_id=floor.sue.id, to_id=floor.raj.id, reason="load",
                         expected_seqs=seqs)
    assert refused.value.stale == [ids[1], ids[3]] and refused.value.others == [ids[0], ids[2]]
    assert "2 of 4 tickets changed" in str(refused.value) and "reassign the other 2" in str(refused.value)
    assert {r.owner for r in queries.tickets_by_id(floor.store, ids)} == {"Ana"}  # nothing written
    others = refused.value.others
    tickets.reassign(floor.store, others, actor_id=floor.sue.id, to_id=floor.raj.id, reason="load",
                     expected_seqs={t: seqs[t] for t in others})
    assert [r.owner for r in queries.tickets_by_id(floor.store, ids)] == ["Raj", "Ana", "Raj", "Ana"]
