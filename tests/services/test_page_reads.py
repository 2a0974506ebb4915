"""What a view reads when its filter changes or it scrolls, on both engines: the count with the first page,
a page from its anchor row on, and the queue and agent names the rows are labelled with, which a store
keeps between pages only while nobody can have changed them."""

from __future__ import annotations

import time

from csconsole.domain.read_models import Order, SlaFilter, SortKey, TicketFilter
from csconsole.services import open_store, people, queries, tickets
from tests.conftest import Floor

NEWEST = Order(SortKey.ID, descending=True)


def some_tickets(floor: Floor, n: int = 7) -> list[int]:
    ids = []
    for i in range(n):
        change = tickets.create_ticket(floor.store, actor_id=None, customer=f"C{i % 3}", subject=f"Bill {i}",
                                       channel="email", priority="normal", queue_id=floor.billing)
        ids.append(change.ticket_ids[0])
    tickets.take(floor.store, ids[0], actor_id=floor.ana.id)
    tickets.transfer(floor.store, ids[1], actor_id=floor.sue.id, queue_id=floor.tech, owner_id=floor.raj.id, note="x")
    tickets.set_status(floor.store, ids[2], actor_id=floor.sue.id, status="closed")
    return ids


def test_the_count_and_first_page_together_are_the_count_and_the_page(floor: Floor) -> None:
    some_tickets(floor)
    s, now = floor.store, "2026-06-01T12:00:00Z"
    filters = [TicketFilter(open_only=True), TicketFilter(open_only=True, unowned=True),
               TicketFilter(open_only=True, queue_id=floor.tech), TicketFilter(open_only=True, min_bounces=3),
               TicketFilter(open_only=True, sla=SlaFilter.ATTENTION), TicketFilter(search="Bill"),
               TicketFilter(status="closed")]
    for flt in filters:
        for order in (NEWEST, Order(SortKey.CREATED)):
            expected = (queries.tickets_count(s, flt, now=now),
                        queries.tickets_page(s, flt, order=order, limit=3, now=now))
            assert queries.tickets_count_and_page(s, flt, order=order, limit=3, now=now) == expected, flt
    assert queries.tickets_count_and_page(s, TicketFilter(open_only=True, min_bounces=3), now=now) == (0, [])


def test_a_page_from_its_anchor_row_on_starts_with_that_row(floor: Floor) -> None:
    some_tickets(floor)
    s, flt = floor.store, TicketFilter(open_only=True)
    every = queries.tickets_page(s, flt, order=NEWEST)
    anchor = queries.key_of(every[2], NEWEST)
    assert queries.tickets_page(s, flt, order=NEWEST, after=anchor, limit=3, inclusive=True) == every[2:5]
    assert queries.tickets_page(s, flt, order=NEWEST, after=anchor, limit=3) == every[3:6]
    by_age = Order(SortKey.CREATED)
    aged = queries.tickets_page(s, flt, order=by_age)
    key = queries.key_of(aged[1], by_age)
    assert queries.tickets_page(s, flt, order=by_age, after=key, limit=2, inclusive=True) == aged[1:3]


def test_names_follow_this_stores_own_renames(floor: Floor) -> None:
    ids = some_tickets(floor)
    s = floor.store
    assert queries.tickets_by_id(s, [ids[0]])[0].queue == "Billing"
    people.rename_queue(s, floor.billing, "Accounts")
    people.change_agent(s, floor.ana.id, name="Ana Lima")
    row = queries.tickets_by_id(s, [ids[0]])[0]
    assert (row.queue, row.owner, row.path[-1]) == ("Accounts", "Ana Lima", "Accounts/Ana Lima")


def test_names_follow_another_desks_renames(floor: Floor) -> None:
    """SQLite notices another connection's commit by data_version; on a server the change feed's "any"
    (a registry event) tells every store of the process to read the names again."""
    ids = some_tickets(floor)
    s = floor.store
    listener = s.listener()
    try:
        first = queries.tickets_by_id(s, [ids[0]])[0]
        assert (first.queue, first.path) == ("Billing", ("Billing/Ana",))  # its path labelled and kept
        with open_store(floor.location) as desk:
            people.rename_queue(desk, floor.billing, "Accounts")
        if listener is not None:
            deadline = time.monotonic() + 10
            heard = []
            while not heard and time.monotonic() < deadline:
                heard = [c for c in listener.changes(0.5) if c.ticket_ids is None]
            assert heard, "the rename was never told"
        again = queries.tickets_by_id(s, [ids[0]])[0]
        assert (again.queue, again.path) == ("Accounts", ("Accounts/Ana",))
    finally:
        if listener is not None:
            listener.close()


def test_a_snapshot_reads_the_names_it_is_consistent_with(floor: Floor) -> None:
    ids = some_tickets(floor)
    s = floor.store
    assert queries.tickets_by_id(s, [ids[0]])[0].queue == "Billing"  # held now, outside a transaction
    with s.read():
        with open_store(floor.location) as desk:
            people.rename_queue(desk, floor.billing, "Accounts")
        assert queries.ticket_detail(s, ids[0]).row.queue == "Accounts"
