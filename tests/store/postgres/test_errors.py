"""Faults of a real server, each told in one plain line that names the store and never its password."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from csconsole.store.postgres.connection import Connection
from csconsole.store.postgres.errors import describe
from csconsole.store.postgres.url import parse_url
from tests.pg_server import PgServer


def told(attempt: Callable[[], object], url: str) -> str:
    where = str(parse_url(url))
    with pytest.raises(psycopg.Error) as failed:
        attempt()
    line = describe(failed.value, where)
    assert "\n" not in line and "secret" not in line and where in line
    return line


def test_a_server_that_is_not_running(tmp_path: Path) -> None:
    url = f"postgresql://ana:secret@/floor?host={tmp_path}"
    line = told(lambda: Connection.connect(url), url)
    assert line == f"cannot reach the PostgreSQL server of {parse_url(url)}: it is not running, or not at that address"


def test_a_wrong_password_and_a_missing_one(pg_server: PgServer, console_url: str) -> None:
    user = parse_url(console_url).user
    wrong = console_url.replace("desk-secret", "secret-guess")
    assert told(lambda: Connection.connect(wrong), wrong).endswith(f'the server refused the password of user "{user}"')
    none = console_url.replace(":desk-secret", "")
    assert "asks for a password and none was given" in told(lambda: Connection.connect(none), none)


def test_a_database_that_does_not_exist(pg_server: PgServer) -> None:
    url = pg_server.url("no_such_floor")
    assert told(lambda: Connection.connect(url), url).endswith('there is no database "no_such_floor" on that server')


def test_permission_denied_and_the_append_only_refusal(store_db: Connection, console: Connection,
                                                       console_url: str) -> None:
    line = told(lambda: console.execute("DELETE FROM events"), console_url)
    assert "permission denied (permission denied for table events); ask the store's administrator" in line
    line = told(lambda: store_db.execute("DELETE FROM events"), console_url)
    assert line.endswith("events are append-only: an event cannot be deleted")


def test_a_serialization_failure_and_a_deadlock_say_try_again(store_db: Connection, pg_store_url: str) -> None:
    store_db.execute("INSERT INTO queues (id, name) VALUES (1, 'a'), (2, 'b')")
    other = Connection.connect(pg_store_url)
    for conn in (store_db, other):
        conn.execute("SET deadlock_timeout = '50ms'")
    # Serialization: both read, both write the row the other read.
    store_db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    other.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    store_db.execute("SELECT name FROM queues WHERE id = 1").fetchall()
    other.execute("UPDATE queues SET name = 'a2' WHERE id = 1")
    other.execute("COMMIT")
    line = told(lambda: store_db.execute("UPDATE queues SET name = 'a3' WHERE id = 1"), pg_store_url)
    assert "is busy: another desk's change collided with this one; nothing was written. Try again" in line
    store_db.execute("ROLLBACK")
    # Deadlock: each holds the row the other wants next.
    store_db.execute("BEGIN")
    other.execute("BEGIN")
    store_db.execute("UPDATE queues SET sla_low = 1 WHERE id = 1")
    other.execute("UPDATE queues SET sla_low = 2 WHERE id = 2")
    failures: list[psycopg.Error] = []

    def second_lock() -> None:
        try:
            other.execute("UPDATE queues SET sla_low = 2 WHERE id = 1")
        except psycopg.Error as error:
            failures.append(error)

    waiter = threading.Thread(target=second_lock)
    waiter.start()
    try:
        store_db.execute("UPDATE queues SET sla_low = 1 WHERE id = 2")
    except psycopg.Error as error:
        failures.append(error)
    waiter.join(10)
    assert len(failures) == 1 and isinstance(failures[0], psycopg.errors.DeadlockDetected)
    assert "is busy: another desk's change collided" in describe(failures[0], "floor")
    for conn in (store_db, other):
        conn.execute("ROLLBACK")
    other.close()


def test_a_server_restarting_under_an_open_connection(pg_server: PgServer, pg_url: str) -> None:
    conn = Connection.connect(pg_url)
    idle = Connection.connect(pg_url)
    conn.execute("BEGIN")  # work in flight dies with its connection: said, never retried
    pg_server.stop("fast")
    try:
        line = told(lambda: conn.execute("SELECT 1"), pg_url)
        assert line.endswith("the server is restarting or shutting down; try again in a moment") \
            or "the connection to the server was lost" in line
        assert "cannot reach the PostgreSQL server" in told(lambda: Connection.connect(pg_url), pg_url)
        # Outside a transaction the connection tries to come back by itself, and says why it cannot.
        assert "it is not running" in told(lambda: idle.execute("SELECT 1"), pg_url)
    finally:
        pg_server.start()
    assert idle.execute("SELECT 1").fetchone() == (1,) and conn.execute("SELECT 2").fetchone() == (2,)
    crashed = Connection.connect(pg_url)
    crashed.execute("BEGIN")
    pg_server.stop("immediate")
    try:
        assert "the connection to the server was lost (did it restart?)" in told(
            lambda: crashed.execute("SELECT 1"), pg_url)
    finally:
        pg_server.start()
    assert Connection.connect(pg_url).execute("SELECT 1").fetchone() == (1,)
    assert crashed.execute("SELECT 1").fetchone() == (1,)  # made again before its next statement
