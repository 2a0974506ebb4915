"""The search box from indexes (store/search.py): the same tickets as the plain LIKE always found (ref,
subject, customer's name; ASCII case folded), on both engines; kept with every write (a rename is found
under the new name); paged by key; the FTS tables never leave the store as data; verify holds; a store of
schema 6 gets its index filled by the migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from csconsole.domain.read_models import SortKey, TicketFilter
from csconsole.services import audit, open_store, people, queries, stores, tickets
from csconsole.store import search, table_dump
from csconsole.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import Floor
from tests.sql import connection

SUBJECTS = ["Refund not received", "Card declined but money taken", "Café crème spilt", "Router keeps dropping",
            "100% off code", "under_score here", 'Said "hello" twice']
CUSTOMERS = ["Ali A. Chen", "Bea Chenoweth", "Carl Diaz"]


def _fill(floor: Floor) -> dict[int, tuple[str, str, str]]:
    """Two tickets of each subject, each customer in turn: id → (ref, subject, customer)."""
    made = {}
    for i, subject in enumerate(SUBJECTS * 2):
        customer = CUSTOMERS[i % len(CUSTOMERS)]
        tid = tickets.create_ticket(floor.store, actor_id=None, customer=customer, subject=subject,
                                    channel="email", priority="normal", queue_id=floor.billing).ticket_ids[0]
        (ref,) = connection(floor.store).execute("SELECT ref FROM tickets WHERE id = ?", (tid,)).fetchone()
        made[tid] = (ref, subject, customer)
    return made


def _found(floor: Floor, text: str) -> set[int]:
    return {r.id for r in queries.all_tickets(floor.store, TicketFilter(search=text))}


def _plain(floor: Floor, text: str) -> set[int]:
    """What the search box found before there was an index: the plain LIKE, ticket by ticket."""
    clause, params = search.plain_clause(text.strip())
    return {r[0] for r in connection(floor.store).execute(f"SELECT t.id FROM tickets t WHERE {clause}", params)}


def _expected(made: dict[int, tuple[str, str, str]], text: str) -> set[int]:
    """The meaning, in Python: ASCII letters folded, nothing else."""
    def fold(s: str) -> str:
        return "".join(c.lower() if c.isascii() else c for c in s)
    return {tid for tid, (ref, subject, customer) in made.items()
            if ref == text or fold(text) in fold(subject) or fold(text) in fold(customer)}


TEXTS = ["refund", "REFUND", "eeps drop", "Chen", "chen", "ali a. chen", "Diaz", "Café", "CAFÉ", "café",
         "crème", "100%", "0% o", "under_s", "r_s", '"hello"', 'd "h', "money taken", "zzz", "re", "Ch", "%", "_",
         "é"]


def test_search_finds_what_the_plain_like_finds(floor: Floor) -> None:
    made = _fill(floor)
    some_ref = next(iter(made.values()))[0]
    for text in [*TEXTS, some_ref, some_ref.lower(), some_ref[2:]]:
        expected = _expected(made, text)
        assert _found(floor, text) == expected == _plain(floor, text), text
        assert queries.tickets_count(floor.store, TicketFilter(search=text)) == len(expected), text  # from the index
        assert queries.tickets_count(floor.store, TicketFilter(search=text, queue_id=floor.billing)) == len(expected)
    assert len(_found(floor, "refund")) == 2 and len(_found(floor, "chen")) == 10  # Chen and Chenoweth
    assert _found(floor, "CAFÉ") == set() and len(_found(floor, "Café")) == 2  # only ASCII case is folded
    assert _found(floor, some_ref) and not _found(floor, some_ref[2:])  # a ref is found whole, as before


def test_the_index_is_what_answers_and_rebuild_makes_it_again(floor: Floor) -> None:
    _fill(floor)
    if floor.site.on_postgres:
        with floor.site.owner() as conn:  # a few rows: the planner would rather read them, unless told not to
            conn.execute("SET LOCAL enable_seqscan = off")
            clause, params = search.clause(search.postgres_ids("refund"), "refund")
            plan = " ".join(r[0] for r in conn.execute(f"EXPLAIN SELECT t.id FROM tickets t WHERE {clause}", params))
        assert "ix_tickets_subject_trgm" in plan, plan  # (three customers: their key is cheaper to read)
        return
    assert "MATCH" in search.clause(search.sqlite_ids("refund"), "refund")[0] and search.sqlite_ids("re") is None
    with floor.site.owner() as conn:  # the index emptied behind csconsole's back
        conn.execute("INSERT INTO search_subjects(search_subjects) VALUES ('delete-all')")
    assert _found(floor, "refund") == set()  # three characters or more: from the index alone
    assert len(_found(floor, "Re")) == 4  # shorter: the plain LIKE (Refund twice, Router twice)
    audit.rebuild(floor.store)
    assert len(_found(floor, "refund")) == 2


def test_a_rename_is_found_under_the_new_name_and_a_new_subject_at_once(floor: Floor) -> None:
    _fill(floor)
    (cid,) = {c for (c,) in connection(floor.store).execute("SELECT id FROM customers WHERE name = 'Carl Diaz'")}
    before = _found(floor, "Diaz")
    assert len(before) == 4
    people.change_customer(floor.store, cid, name="Carla Mendes")
    assert _found(floor, "mendes") == before and _found(floor, "Diaz") == set()
    new = tickets.create_ticket(floor.store, actor_id=None, customer="Zoë Quist", subject="Parcel stuck in transit",
                                channel="phone", priority="high", queue_id=floor.tech).ticket_ids[0]
    assert _found(floor, "stuck in") == {new} == _found(floor, "zoë q")
    assert audit.verify(floor.store).ok


def test_results_page_by_key(floor: Floor) -> None:
    ids = [tickets.create_ticket(floor.store, actor_id=None, customer=("Lost Parcel Club", "Shopper")[i % 2],
                                 subject=f"Lost parcel {i}",
                                 channel="email", priority=("low", "high")[i % 2], queue_id=floor.billing).ticket_ids[0]
           for i in range(23)]
    tickets.create_ticket(floor.store, actor_id=None, customer="Other", subject="Invoice", channel="email",
                          priority="low", queue_id=floor.billing)
    flt = TicketFilter(search="lost PARCEL")
    assert queries.tickets_count(floor.store, flt) == 23
    # By number each way in gives a page's worth (a ticket found by subject and by customer once); by any
    # other key the rows are sorted.
    for order in (queries.Order(SortKey.ID, descending=True), queries.Order(SortKey.ID), queries.Order(SortKey.PRIORITY),
                  queries.Order(SortKey.CREATED, descending=True)):
        seen: list[int] = []
        after = None
        while rows := queries.tickets_page(floor.store, flt, order=order, after=after, limit=5):
            seen += [r.id for r in rows]
            after = queries.key_of(rows[-1], order)
        assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen)), order
        assert seen == [r.id for r in queries.tickets_page(floor.store, flt, order=order, limit=50)]
        anchors = queries.page_anchors(floor.store, flt, order=order, step=5)
        assert len(anchors) == 5
        assert queries.ticket_position(floor.store, flt, seen[7], order=order) == 7


def test_the_pack_and_a_copy_carry_no_search_tables(floor: Floor, tmp_path: Path) -> None:
    from csconsole.io.export import export

    _fill(floor)
    names = table_dump.table_names(floor.store)
    assert "tickets" in names and not [n for n in names if n.startswith("search")]
    export(floor.store, tmp_path / "pack")
    assert not list((tmp_path / "pack").glob("search*")) and (tmp_path / "pack" / "tickets.csv").exists()
    target = tmp_path / "copy.db"
    stores.copy(floor.location, str(target))
    with open_store(str(target)) as copied:
        assert not [n for n in table_dump.table_names(copied) if n.startswith("search")]
        assert len({r.id for r in queries.all_tickets(copied, TicketFilter(search="chen"))}) == 10
        assert audit.verify(copied).ok
    assert audit.verify(floor.store).ok


@pytest.mark.sqlite_only
def test_verify_names_a_dropped_search_trigger(floor: Floor) -> None:
    with floor.site.owner() as conn:
        conn.execute("DROP TRIGGER search_customers_update")
    verdict = audit.verify(floor.store)
    assert not verdict.ok and "search_customers_update" in (verdict.problem or "")


@pytest.mark.sqlite_only
def test_a_schema_6_store_gets_its_index_filled(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    with open_store(str(path), create=True) as store:
        billing = people.add_queue(store, "Billing").id
        for i in range(5):
            tickets.create_ticket(store, actor_id=None, customer=f"Old customer {i}", subject=f"Old subject {i}",
                                  channel="email", priority="normal", queue_id=billing)
    conn = sqlite3.connect(path, isolation_level=None)  # as schema 6 left it: no search index at all
    for statement in search.SQLITE_TRIGGERS:
        conn.execute(f"DROP TRIGGER {search.trigger_name(statement)}")
    for name in search.VIRTUAL_TABLES:
        conn.execute(f"DROP TABLE {name}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0007_search'")
    conn.execute("PRAGMA user_version = 6")
    assert not [n for (n,) in conn.execute("SELECT name FROM sqlite_master") if n.startswith("search")]
    conn.close()
    with open_store(str(path)) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert len(list(queries.all_tickets(store, TicketFilter(search="old SUBJECT")))) == 5
        assert len(list(queries.all_tickets(store, TicketFilter(search="customer 3")))) == 1
        assert audit.verify(store).ok
    assert MIGRATIONS is not None and Database  # the sqlite-utils migrations are what ran


def test_a_demo_store_is_searchable(new_site: object) -> None:
    from csconsole.io.demo import build_demo

    site = new_site()  # type: ignore[operator]
    build_demo(site.location, tickets=300, seed=5)
    with open_store(site.location, read_only=True) as store:
        for text in ("refund", "Chen", "wrong"):
            clause, params = search.plain_clause(text)
            plain = {r[0] for r in connection(store).execute(f"SELECT t.id FROM tickets t WHERE {clause}", params)}
            assert plain and {r.id for r in queries.all_tickets(store, TicketFilter(search=text))} == plain, text


def test_an_import_is_searchable_at_once(floor: Floor, tmp_path: Path) -> None:
    """The import writes its tickets in batches (``Ledger.flush``), their subjects into the index beside them."""
    from csconsole.cli import main

    log = tmp_path / "log.csv"
    log.write_text("ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n"
                   + "".join(f"IMP-{i},2026-03-02T09:0{i}:00Z,created,,Billing,,Importer {i % 2},Imported thing {i},"
                             "phone,high,,\n" for i in range(6)), encoding="utf-8")
    assert main(["import", floor.location, str(log)]) == 0
    assert len(_found(floor, "imported THING")) == 6 and len(_found(floor, "importer 1")) == 3
    assert _found(floor, "thing 4") == _plain(floor, "thing 4") and len(_found(floor, "IMP-4")) == 1
    assert audit.verify(floor.store).ok
