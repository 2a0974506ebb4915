"""Connections to a fresh database of the run's own PostgreSQL server (tests/pg_server.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from csconsole.store.postgres.connection import Connection
from csconsole.store.postgres.migrate import CONSOLE_ROLE
from tests.pg_server import PgServer

_logins = itertools.count(1)


@pytest.fixture
def pg(pg_url: str) -> Iterator[Connection]:
    """The superuser's connection to an empty database."""
    conn = Connection.connect(pg_url)
    yield conn
    conn.close()


@pytest.fixture
def store_db(pg_store_url: str) -> Iterator[Connection]:
    """The superuser's connection to a database holding a new, empty csconsole store."""
    conn = Connection.connect(pg_store_url)
    yield conn
    conn.close()


@pytest.fixture
def console_url(pg_server: PgServer, store_db: Connection) -> Iterator[str]:
    """A URL of the same database as a console's login: a member of the console's role, with a password."""
    name = f"desk_{next(_logins)}"
    pg_server.sql(f"CREATE ROLE {name} LOGIN PASSWORD 'desk-secret' IN ROLE {CONSOLE_ROLE}")
    dbname = store_db.raw.info.dbname
    yield pg_server.url(dbname, user=name, password="desk-secret")
    pg_server.sql(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture
def console(console_url: str) -> Iterator[Connection]:
    conn = Connection.connect(console_url)
    yield conn
    conn.close()


def add_ticket(conn: Connection, ticket_id: int = 1) -> int:
    """The rows an event needs to stand on: a queue, a customer and a ticket."""
    queue = conn.execute("INSERT INTO queues (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name "
                         "RETURNING id", ("Billing",)).fetchone()
    customer = conn.execute("INSERT INTO customers (name, since) VALUES (?, ?) ON CONFLICT (name) DO UPDATE "
                            "SET name = excluded.name RETURNING id", ("Ada", "2020-01-01T00:00:00Z")).fetchone()
    assert queue is not None and customer is not None
    conn.execute(
        "INSERT INTO tickets (id, ref, customer_id, subject, channel, priority, status, queue_id, created_at, "
        "updated_at) VALUES (?, ?, ?, 's', 'email', 'normal', 'new', ?, ?, ?)",
        (ticket_id, f"T-{ticket_id}", customer[0], queue[0], "2024-01-01T09:00:00Z", "2024-01-01T09:00:00Z"),
    )
    return ticket_id
