"""Which of a real server's failures let a unit of work simply run again (csconsole.store.retry), and
which must reach the person as they are: a collision or a server going away wrote nothing; a refused
password or a refused write would fail the same way again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from csconsole.store.errors import Retry
from csconsole.store.postgres.connection import Connection
from csconsole.store.postgres.errors import retry_reason
from tests.pg_server import PgServer


def failure(attempt: Callable[[], object]) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as failed:
        attempt()
    return failed.value


def test_a_serialization_failure_and_a_deadlock_are_collisions(store_db: Connection, pg_store_url: str) -> None:
    store_db.execute("INSERT INTO queues (id, name) VALUES (1, 'a'), (2, 'b')")
    other = Connection.connect(pg_store_url)
    for conn in (store_db, other):
        conn.execute("SET deadlock_timeout = '50ms'")
    store_db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    store_db.execute("SELECT name FROM queues WHERE id = 1").fetchall()
    other.execute("UPDATE queues SET name = 'a2' WHERE id = 1")
    assert retry_reason(failure(lambda: store_db.execute("UPDATE queues SET name = 'a3' WHERE id = 1"))) \
        is Retry.COLLISION
    store_db.execute("ROLLBACK")

    store_db.execute("BEGIN")
    other.execute("BEGIN")
    store_db.execute("UPDATE queues SET sla_low = 1 WHERE id = 1")
    other.execute("UPDATE queues SET sla_low = 2 WHERE id = 2")
    failures: list[psycopg.Error] = []

    def cross(conn: Connection, row: int) -> None:
        try:
            conn.execute(f"UPDATE queues SET sla_low = 3 WHERE id = {row}")
        except psycopg.Error as error:
            failures.append(error)

    waiter = threading.Thread(target=cross, args=(other, 1))
    waiter.start()
    cross(store_db, 2)
    waiter.join(10)
    assert [type(f) for f in failures] == [psycopg.errors.DeadlockDetected]
    assert retry_reason(failures[0]) is Retry.COLLISION
    for conn in (store_db, other):
        conn.execute("ROLLBACK")
    other.close()


def test_a_server_going_away_or_not_there_is_unavailable(pg_server: PgServer, pg_url: str, tmp_path: Path) -> None:
    victim = Connection.connect(pg_url)
    pg_server.sql("SELECT pg_terminate_backend(%s)", (victim.raw.info.backend_pid,))
    assert retry_reason(failure(lambda: victim.raw.execute("SELECT 1"))) is Retry.UNAVAILABLE  # AdminShutdown
    assert retry_reason(failure(lambda: victim.raw.execute("SELECT 1"))) is Retry.UNAVAILABLE  # then: closed
    nobody = f"postgresql://ana@/floor?host={tmp_path}"
    assert retry_reason(failure(lambda: Connection.connect(nobody))) is Retry.UNAVAILABLE


def test_what_would_fail_again_is_not_retried(store_db: Connection, pg_server: PgServer, console_url: str) -> None:
    wrong = console_url.replace("desk-secret", "guess")
    assert retry_reason(failure(lambda: Connection.connect(wrong))) is None
    assert retry_reason(failure(lambda: store_db.execute("DELETE FROM events"))) is None  # append-only
    missing = pg_server.url("no_such_floor")
    assert retry_reason(failure(lambda: Connection.connect(missing))) is None
