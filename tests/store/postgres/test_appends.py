"""Appends on PostgreSQL take one total order: concurrent desks never fork the hash chain."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from csconsole.store import chain
from csconsole.store.postgres.appends import BEGIN_WRITE, CHAIN_LOCK, ChainOrderError, begin_write, lock_chain
from csconsole.store.postgres.connection import Connection
from tests.store.postgres.conftest import add_ticket

INSERT = "INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


def head_of(conn: Connection) -> chain.Head:
    row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return chain.Head(0, chain.GENESIS) if row is None else chain.Head(*row)


def first_broken(conn: Connection) -> int | None:
    """The first seq whose row does not follow from the one before (a gap, or a hash that does not
    match), recomputed as ``audit verify`` does; None when the chain holds."""
    prev, expected = chain.GENESIS, 1
    for seq, ticket_id, kind, at, actor, data, stored in conn.execute(
        "SELECT seq, ticket_id, kind, at, actor_id, data, hash FROM events ORDER BY seq"
    ):
        if seq != expected or chain.link(prev, chain.canonical_event(seq, ticket_id, kind, at, actor, data)) != stored:
            return int(seq)
        prev, expected = stored, expected + 1
    return None


def append(conn: Connection, note: str, head: chain.Head | None = None) -> chain.Head:
    """What the ledger does inside its transaction: read the head, link one event after it."""
    last = head_of(conn) if head is None else head
    seq, data, at = last.seq + 1, chain.canonical_data({"text": note}), "2024-01-01T09:00:00Z"
    digest = chain.link(last.hash, chain.canonical_event(seq, 1, "note", at, None, data))
    conn.execute(INSERT, (seq, 1, "note", at, None, data, digest))
    return chain.Head(seq, digest)


def waiting_for_the_chain(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                            "AND objid = ?", (CHAIN_LOCK & 0xFFFFFFFF,)).fetchone()[0])


def test_without_the_lock_two_desks_that_read_one_head_collide(store_db: Connection, pg_store_url: str) -> None:
    """The fault the lock is for: both read head 0 and build seq 1 on it; the key refuses the second desk
    its whole transaction, after its work was done."""
    add_ticket(store_db)
    other = Connection.connect(pg_store_url)
    store_db.execute("BEGIN")
    other.execute("BEGIN")
    seen = head_of(other)
    assert head_of(store_db) == seen == chain.Head(0, chain.GENESIS)
    append(store_db, "first")
    store_db.execute("COMMIT")
    with pytest.raises(psycopg.errors.UniqueViolation):
        append(other, "second", seen)
    other.execute("ROLLBACK")
    other.close()


def test_with_the_lock_the_second_desk_waits_and_extends_the_first(store_db: Connection,
                                                                   pg_store_url: str) -> None:
    add_ticket(store_db)
    other = Connection.connect(pg_store_url)
    begin_write(store_db)
    first = append(store_db, "first")
    heads: list[chain.Head] = []

    def second_desk() -> None:
        begin_write(other)  # waits here until the first desk commits
        heads.append(append(other, "second"))
        other.execute("COMMIT")

    desk = threading.Thread(target=second_desk)
    desk.start()
    observer = Connection.connect(pg_store_url)
    deadline = time.monotonic() + 10
    while not waiting_for_the_chain(observer) and time.monotonic() < deadline:
        time.sleep(0.01)
    observer.close()
    assert not heads, "the second desk appended while the first held the chain"
    store_db.execute("COMMIT")
    desk.join(10)
    assert heads == [chain.Head(2, heads[0].hash)]
    assert first_broken(store_db) is None and head_of(store_db) == heads[0] != first
    other.close()


def test_two_desks_appending_in_a_loop_keep_one_gapless_chain(store_db: Connection, pg_store_url: str) -> None:
    add_ticket(store_db)
    per_desk = 150
    errors: list[Exception] = []

    def desk(name: str) -> None:
        conn = Connection.connect(pg_store_url)
        try:
            for i in range(per_desk):
                begin_write(conn)
                append(conn, f"{name} {i}")
                conn.execute("COMMIT")
        except Exception as error:
            errors.append(error)
        finally:
            conn.close()

    desks = [threading.Thread(target=desk, args=(name,)) for name in ("ana", "raj")]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join(60)
    assert errors == []
    seqs = [s for (s,) in store_db.execute("SELECT seq FROM events ORDER BY seq")]
    assert seqs == list(range(1, 2 * per_desk + 1))
    assert first_broken(store_db) is None
    notes = {text for (text,) in store_db.execute("SELECT data FROM events")}
    assert len(notes) == 2 * per_desk  # every append is there once: none lost, none twice


def test_begin_write_as_one_statement_holds_the_chain(store_db: Connection, pg_store_url: str) -> None:
    store_db.execute(BEGIN_WRITE)
    assert store_db.in_transaction
    other = Connection.connect(pg_store_url)
    held = other.execute("SELECT pg_try_advisory_xact_lock(?)", (CHAIN_LOCK,)).fetchone()
    store_db.execute("COMMIT")
    free = other.execute("SELECT pg_try_advisory_xact_lock(?)", (CHAIN_LOCK,)).fetchone()
    other.close()
    assert (held, free) == ((0,), (1,))


def test_the_lock_refuses_what_cannot_give_one_order(store_db: Connection) -> None:
    with pytest.raises(ChainOrderError, match="BEGIN first"):
        lock_chain(store_db)
    store_db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    with pytest.raises(ChainOrderError, match="READ COMMITTED, not repeatable read"):
        lock_chain(store_db)
    store_db.execute("ROLLBACK")


def test_a_superuser_who_switches_the_guards_off_is_caught_by_the_chain(store_db: Connection) -> None:
    """The server guards the log from the console's role; against a superuser the chain is the guard."""
    add_ticket(store_db)
    for i in range(3):
        begin_write(store_db)
        append(store_db, f"n{i}")
        store_db.execute("COMMIT")
    assert first_broken(store_db) is None
    store_db.execute("ALTER TABLE events DISABLE TRIGGER USER")
    store_db.execute("DELETE FROM events WHERE seq = 2")
    store_db.execute("ALTER TABLE events ENABLE TRIGGER USER")
    assert first_broken(store_db) == 3
