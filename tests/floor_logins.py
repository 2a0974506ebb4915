"""A small floor on the run's own PostgreSQL server where each person has their own login (issue 12):
the ``server_floor`` fixture (tests/conftest.py loads it), and a raw event as any client could write it."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg
import pytest

from csconsole.domain import clock
from csconsole.services import Store, floor, open_store, people, tickets
from tests.pg_server import PgServer

_floors = itertools.count(1)
AT = "2026-12-03T08:00:00Z"
ROLES = {"ana": "agent", "raj": "agent", "sue": "supervisor", "max": "manager", "aud": "auditor"}


@dataclass
class ServerFloor:
    server: PgServer
    dbname: str
    names: dict[str, str]  # short → login (and agent) name, unique in the cluster
    ids: dict[str, int] = field(default_factory=dict)
    rajs_ticket: int = 0  # owned by Raj
    open_ticket: int = 0  # nobody's

    @property
    def admin(self) -> str:
        return self.server.url(self.dbname)

    def url(self, who: str) -> str:
        return self.server.url(self.dbname, user=self.names[who], password=f"pw-{self.names[who]}")

    def raw(self, who: str) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(self.url(who), autocommit=True)

    def store(self, who: str) -> Store:
        return open_store(self.url(who))


@pytest.fixture
def server_floor(pg_server: PgServer, pg_store_template: str) -> Iterator[ServerFloor]:
    n = next(_floors)
    names = {short: f"{short}_f{n}" for short in ROLES}
    dbname = pg_server.create_database(template=pg_store_template)
    made = ServerFloor(pg_server, dbname, names)
    try:
        with open_store(made.admin) as store:
            billing = people.add_queue(store, "Billing").id
            people.add_queue(store, "Tech")
            for short, role in ROLES.items():
                added = floor.add_person(store, names[short], role, queue="Billing" if role == "agent" else None,
                                         password=f"pw-{names[short]}")
                if added.agent_id is not None:
                    made.ids[short] = added.agent_id
            made.rajs_ticket = _ticket(store, billing, "Refund never arrived")
            tickets.take(store, made.rajs_ticket, actor_id=made.ids["raj"])
            made.open_ticket = _ticket(store, billing, "Wrong size")
        yield made
    finally:
        pg_server.drop_database(dbname)
        for login in names.values():
            pg_server.sql(f'DROP ROLE IF EXISTS "{login}"')


def _ticket(store: Store, queue_id: int, subject: str) -> int:
    change = tickets.create_ticket(store, actor_id=None, customer="Mrs Jones", subject=subject, channel="phone",
                                   priority="normal", queue_id=queue_id)
    return change.tickets[0].ticket_id


def raw_event(conn: psycopg.Connection[tuple[object, ...]], ticket_id: int | None, kind: str, actor_id: int | None,
              data: dict[str, object], at: str | None = None) -> int:
    """An event as a client that skips csconsole writes it (the hash is anyone's guess: the server does not
    check it, ``audit verify`` does)."""
    row = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM csconsole.events").fetchone()
    assert row is not None
    seq = int(str(row[0]))
    conn.execute("INSERT INTO csconsole.events (seq, ticket_id, kind, at, actor_id, data, hash) "
                 "VALUES (%s, %s, %s, %s, %s, %s, %s)", (seq, ticket_id, kind, at or clock.now_text(), actor_id, json.dumps(data), "0" * 64))
    return seq


