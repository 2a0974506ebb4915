"""Open-view pages and chip counts come from indexes in the order shown (no sort of every open ticket),
and the index routing never changes what a page or a count returns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from csconsole.domain.read_models import Order, SlaFilter, SortKey, TicketFilter
from csconsole.io.demo import build_demo
from csconsole.services import open_store
from csconsole.store import queries
from csconsole.store.sqlite.plans import OPEN_CHIPS_INDEX
from tests.conftest import site_maker
from tests.sql import connection

NOW = "2026-03-02T12:00:00Z"
OPEN = TicketFilter(open_only=True)
OPEN_SQL = "status IN ('new','open','pending')"
# Each filter with the plain SQL condition it means: the reference the routed queries must agree with.
FILTERS = {
    "open": (OPEN, OPEN_SQL),
    "bounced": (OPEN.with_(min_bounces=3), f"{OPEN_SQL} AND bounces >= 3"),
    "callback": (OPEN.with_(min_contacts=3), f"{OPEN_SQL} AND contacts >= 3"),
    "attention": (OPEN.with_(sla=SlaFilter.ATTENTION),
                  f"{OPEN_SQL} AND sla_due_at IS NOT NULL AND sla_risk_at <= '{NOW}'"),
    "unowned": (OPEN.with_(unowned=True), f"{OPEN_SQL} AND owner_id IS NULL"),
    "queue": (OPEN.with_(queue_id=1), f"{OPEN_SQL} AND queue_id = 1"),
    "queue_bounced": (OPEN.with_(queue_id=1, min_bounces=2), f"{OPEN_SQL} AND queue_id = 1 AND bounces >= 2"),
    "queue_unowned": (OPEN.with_(queue_id=2, unowned=True), f"{OPEN_SQL} AND queue_id = 2 AND owner_id IS NULL"),
    "everything": (TicketFilter(), "1 = 1"),
}
RANK = "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
ORDERS = {
    Order(SortKey.ID, descending=True): "id DESC",
    Order(SortKey.ID): "id",
    Order(SortKey.CREATED, descending=True): "created_at DESC, id DESC",
    Order(SortKey.CREATED): "created_at, id",
    Order(SortKey.PRIORITY): f"{RANK}, id",
    Order(SortKey.PRIORITY, descending=True): f"{RANK} DESC, id DESC",
    Order(SortKey.SLA_DUE): "coalesce(sla_due_at, '9999'), id",
    Order(SortKey.SLA_DUE, descending=True): "coalesce(sla_due_at, '9999') DESC, id DESC",
    Order(SortKey.BOUNCES, descending=True): "bounces DESC, id DESC",
    Order(SortKey.CONTACTS): "contacts, id",
}
# The open view sorted by each column but the number, and the index of open tickets it must page from.
OPEN_SORTS = {
    SortKey.CREATED: "ix_tickets_open_created",
    SortKey.BOUNCES: "ix_tickets_open_bounces",
    SortKey.CONTACTS: "ix_tickets_open_contacts",
    SortKey.SLA_DUE: "ix_tickets_open_due",
    SortKey.PRIORITY: "ix_tickets_open_priority",
}


@pytest.fixture(scope="module")
def demo(engine: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[str]:
    maker = site_maker(engine, tmp_path_factory.mktemp("plans"), request)
    site = maker.new()
    build_demo(site.location, tickets=1500, seed=3, now=datetime(2026, 3, 2, 12, tzinfo=UTC))
    yield site.location
    maker.drop()


def _everything(store, flt: TicketFilter, order: Order) -> list[int]:
    """Every id of the filter, page by page through the keys, as the console scrolls."""
    ids: list[int] = []
    after = None
    while True:
        rows = queries.page(store, flt, NOW, order=order, after=after, limit=40)
        ids += [r.id for r in rows]
        if len(rows) < 40:
            return ids
        after = queries.key_of(rows[-1], order)


def _plan(conn, sql: str, params: list[object]) -> str:
    return " | ".join(str(r[3]) for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_pages_counts_and_anchors_match_plain_sql(demo: str) -> None:
    with open_store(demo, read_only=True) as store:
        for name, (flt, condition) in FILTERS.items():
            for order, order_sql in ORDERS.items():
                expected = [i for (i,) in connection(store).execute(
                    f"SELECT id FROM tickets WHERE {condition} ORDER BY {order_sql}")]
                assert queries.count(store, flt, NOW) == len(expected), (name, order)
                assert _everything(store, flt, order) == expected, (name, order)
                anchors = queries.anchors(store, flt, NOW, order=order, step=25)
                assert [a[1] for a in anchors] == expected[::25], (name, order)
        assert queries.count(store, OPEN.with_(min_bounces=3), NOW) > 0  # the demo has such tickets


@pytest.mark.sqlite_only  # SQLite's planner and its INDEXED BY hints; a server plans for itself
def test_open_view_pages_walk_an_index_in_order_and_chip_counts_read_only_open_tickets(demo: str) -> None:
    store = open_store(demo, read_only=True)
    newest = Order(SortKey.ID, descending=True)
    for flt in (OPEN, OPEN.with_(min_bounces=3), OPEN.with_(sla=SlaFilter.ATTENTION), OPEN.with_(unowned=True),
                OPEN.with_(queue_id=1)):
        sql, params = queries.page_statement(store, flt, NOW, order=newest, after=(900, 900))
        plan = _plan(connection(store), sql, params)
        assert "TEMP B-TREE" not in plan, (flt, plan)
        count_plan = _plan(connection(store), *queries.count_statement(store, flt.with_(min_contacts=3), NOW))
        assert OPEN_CHIPS_INDEX in count_plan or "COVERING" in count_plan, count_plan
    store.close()


def _middle_key(store, flt: TicketFilter, order: Order) -> queries.Key:
    anchors = queries.anchors(store, flt, NOW, order=order, step=25)
    return anchors[len(anchors) // 2]


@pytest.mark.sqlite_only  # SQLite's planner and its INDEXED BY hints; the server's plans are the next test
def test_open_view_sorted_by_any_column_pages_from_its_open_index_without_a_sort(demo: str) -> None:
    store = open_store(demo, read_only=True)
    for key, index in OPEN_SORTS.items():
        for flt in (OPEN, OPEN.with_(queue_id=1)):
            for descending in (False, True):
                order = Order(key, descending)
                for after in (None, _middle_key(store, flt, order)):
                    plan = _plan(connection(store), *queries.page_statement(store, flt, NOW, order=order, after=after))
                    assert "TEMP B-TREE" not in plan and f"INDEX {index} " in plan, (key, flt, after, plan)
                    if after is not None:  # sought by the key, not scanned from the index's start
                        assert f"SEARCH t USING INDEX {index} (" in plan, (key, flt, plan)
    store.close()


def test_on_a_server_the_open_view_sorted_by_any_column_has_an_index_in_that_order(engine: str, demo: str) -> None:
    """The planner's own pick depends on the table's size (at 1,500 tickets a sort is cheaper); with sorts
    off it must find a path already in order, and the open tickets' index is the one (the plans of a 100k
    store, planner alone, are in docs/performance.md)."""
    if engine != "postgres":
        pytest.skip("the server's planner; SQLite's plans are the test above")
    store = open_store(demo, read_only=True)
    conn = connection(store)
    for key, index in OPEN_SORTS.items():
        for descending in (False, True):
            order = Order(key, descending)
            for after in (None, _middle_key(store, OPEN, order)):
                sql, params = queries.page_statement(store, OPEN, NOW, order=order, after=after)
                with store.read():
                    conn.execute("SET LOCAL enable_sort = off")
                    plan = "\n".join(str(r[0]) for r in conn.execute("EXPLAIN " + sql, params))
                assert index in plan and "Sort" not in plan, (key, descending, after, plan)
    store.close()
