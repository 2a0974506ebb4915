"""The two engines keep the same store: the same events give the same chain head and the same derived
rows, and ``copy`` moves a store SQLite → PostgreSQL → SQLite keeping every event and the head."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csconsole.services import audit, open_store, people, recovery, stores, tickets, undo
from csconsole.store.schema import TABLES
from tests.conftest import site_maker
from tests.pg_server import PgServer
from tests.sites import Site, SiteMaker


@pytest.fixture
def servers(pg_server: PgServer, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SiteMaker]:
    maker = site_maker("postgres", tmp_path, request)
    yield maker
    maker.drop()


@pytest.fixture(autouse=True)
def one_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the work does not give a time for (a policy's creation) happens at one moment on both."""
    from csconsole.domain import clock

    monkeypatch.setattr(clock, "now_text", lambda: "2026-03-02T18:00:00Z")


def work(location: str) -> None:
    """A morning on the floor, every time given: tickets, handoffs, a ping-pong, contacts, a bulk
    reassign and its undo, a recovery case, an evaluation; names and notes beyond ASCII."""
    at = iter(f"2026-03-02T{9 + n // 60:02d}:{n % 60:02d}:00Z" for n in range(600))
    with open_store(location, create=True) as store:
        billing, tech = people.add_queue(store, "Billing").id, people.add_queue(store, "Tech").id
        ana = people.add_agent(store, "Ana Ibáñez", "agent", billing).id
        raj = people.add_agent(store, "Raj", "agent", tech).id
        sue = people.add_agent(store, "Sue", "supervisor").id
        policy = recovery.add_policy(store, "Refunds over $50 need approval", owner="Finance").id
        ids = []
        for n in range(6):
            created = tickets.create_ticket(store, actor_id=None, customer=f"Zoë {n % 3}", subject=f"Doppelt berechnet {n}",
                                            channel="phone", priority=("urgent", "normal")[n % 2], queue_id=billing,
                                            at=next(at))
            tid = created.ticket_ids[0]
            ids.append(tid)
            tickets.take(store, tid, actor_id=ana, at=next(at))
            if n % 2:
                tickets.transfer(store, tid, actor_id=ana, queue_id=tech, owner_id=raj, note="Router — wohl", at=next(at))
                tickets.transfer(store, tid, actor_id=raj, queue_id=billing, owner_id=ana, note="Billing again", at=next(at))
            tickets.contact(store, tid, note="«still broken»", at=next(at))
        change = tickets.reassign(store, ids[:3], actor_id=sue, to_id=raj, reason="Load", at=next(at))
        undo.revert(store, {t.ticket_id: t.seqs for t in change.tickets}, actor_id=sue, note="Undo", at=next(at))
        recovery.complete_step(store, ids[1], actor_id=sue, step="acknowledge", note="Sorry", at=next(at))
        recovery.evaluate(store, ids[1], actor_id=sue, associate_score=4, policy=policy, policy_score=2,
                          comment="the rule hurt", at=next(at))
        tickets.set_status(store, ids[0], actor_id=ana, status="resolved", at=next(at))


def rows(location: str) -> dict[str, list[tuple[object, ...]]]:
    with open_store(location, read_only=True) as store:
        from tests.sql import connection

        conn = connection(store)
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}


def head(location: str) -> audit.Head:
    with open_store(location, read_only=True) as store:
        assert audit.verify(store).ok
        return audit.head(store)


def test_the_same_work_gives_the_same_chain_head_and_rows_on_both_engines(servers: SiteMaker,
                                                                          tmp_path: Path) -> None:
    lite, server = str(tmp_path / "floor.db"), servers.new().location
    work(lite)
    work(server)
    assert head(lite) == head(server) and head(lite).seq > 30
    assert rows(lite) == rows(server)  # every table, every value and its type: events' data and hashes too


def test_copy_sqlite_to_postgresql_to_sqlite_keeps_every_event_and_the_head(servers: SiteMaker,
                                                                             tmp_path: Path) -> None:
    first, back = str(tmp_path / "first.db"), str(tmp_path / "back.db")
    server: Site = servers.new()
    work(first)
    there = stores.copy(first, server.location)
    assert there.head == head(first) and there.corrected == 0
    returned = stores.copy(server.location, back)
    assert returned.head == head(first) == head(server.location) == head(back)
    assert rows(first) == rows(server.location) == rows(back)
    assert returned.rows["events"] == head(first).seq
    # A copy is a store like any other: new work is numbered after the copied rows, on both engines.
    for location in (server.location, back):
        with open_store(location) as store:
            assert people.add_queue(store, "Returns").id == 3


def test_copy_refuses_a_destination_in_use_and_a_broken_source(servers: SiteMaker, tmp_path: Path) -> None:
    from csconsole.services import StoreError

    lite, server = str(tmp_path / "floor.db"), servers.new()
    work(lite)
    work(server.location)
    before = rows(server.location)
    with pytest.raises(StoreError, match="already holds a store in use"):
        stores.copy(lite, server.location)
    assert rows(server.location) == before
    server.tamper("UPDATE events SET at = '2020-01-01T00:00:00Z' WHERE seq = 5")
    target = tmp_path / "copy.db"
    with pytest.raises(StoreError, match=r"its chain does not verify .*event 5 "):
        stores.copy(server.location, str(target))
    assert not target.exists()  # a file made for the copy goes again
