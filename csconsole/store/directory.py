"""Agents, queues and customers: small tables, looked up by name or id."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from csconsole.domain import clock
from csconsole.domain.errors import NotFound
from csconsole.domain.rules import Agent
from csconsole.domain.words import Role


@dataclass(frozen=True)
class Queue:
    id: int
    name: str


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    since: str
    resolved_tickets: int


LOYAL_YEARS = 2
LOYAL_RESOLVED = 5


def loyal_since_cutoff(now: str) -> str:
    """Customers whose ``since`` is on or before this time have been with us two years."""
    moment = clock.from_text(now)
    try:
        cutoff = moment.replace(year=moment.year - LOYAL_YEARS)
    except ValueError:  # 29 February
        cutoff = moment.replace(year=moment.year - LOYAL_YEARS, day=28)
    return clock.to_text(cutoff)


def _agent(row: tuple[int, str, str, int | None, int]) -> Agent:
    return Agent(row[0], row[1], Role(row[2]), row[3], bool(row[4]))


_AGENT_SQL = "SELECT id, name, role, queue_id, active FROM agents"


def agents(conn: sqlite3.Connection) -> list[Agent]:
    return [_agent(r) for r in conn.execute(f"{_AGENT_SQL} ORDER BY name")]


def agent(conn: sqlite3.Connection, agent_id: int) -> Agent:
    row = conn.execute(f"{_AGENT_SQL} WHERE id = ?", (agent_id,)).fetchone()
    if row is None:
        raise NotFound(f"no agent with id {agent_id}")
    return _agent(row)


def agent_by_name(conn: sqlite3.Connection, name: str) -> Agent:
    row = conn.execute(f"{_AGENT_SQL} WHERE name = ? COLLATE NOCASE", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"no agent named {name!r}")
    return _agent(row)


def add_agent(conn: sqlite3.Connection, name: str, role: Role, queue_id: int | None = None) -> Agent:
    cursor = conn.execute(
        "INSERT INTO agents (name, role, queue_id) VALUES (?, ?, ?)", (name.strip(), role.value, queue_id)
    )
    return Agent(int(cursor.lastrowid or 0), name.strip(), role, queue_id)


def set_agent_role(conn: sqlite3.Connection, agent_id: int, role: Role, queue_id: int | None) -> None:
    conn.execute("UPDATE agents SET role = ?, queue_id = ? WHERE id = ?", (role.value, queue_id, agent_id))


def queues(conn: sqlite3.Connection) -> list[Queue]:
    return [Queue(i, n) for i, n in conn.execute("SELECT id, name FROM queues ORDER BY name")]


def queue_by_name(conn: sqlite3.Connection, name: str) -> Queue:
    row = conn.execute("SELECT id, name FROM queues WHERE name = ? COLLATE NOCASE", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"no queue named {name!r}")
    return Queue(row[0], row[1])


def add_queue(conn: sqlite3.Connection, name: str) -> Queue:
    cursor = conn.execute("INSERT INTO queues (name) VALUES (?)", (name.strip(),))
    return Queue(int(cursor.lastrowid or 0), name.strip())


def customer_by_name(conn: sqlite3.Connection, name: str) -> Customer | None:
    row = conn.execute(
        "SELECT id, name, since, resolved_tickets FROM customers WHERE name = ?", (name.strip(),)
    ).fetchone()
    return None if row is None else Customer(*row)


def like_escape(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern with ESCAPE '\\'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def customer_names(conn: sqlite3.Connection, prefix: str = "", *, limit: int = 200) -> list[str]:
    """Customer names starting with ``prefix`` (bounded: a picker never holds the whole table)."""
    like = like_escape(prefix) + "%"
    rows = conn.execute(
        "SELECT name FROM customers WHERE name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?", (like, limit)
    ).fetchall()
    return [str(r[0]) for r in rows]


def add_customer(conn: sqlite3.Connection, name: str, since: str) -> Customer:
    cursor = conn.execute("INSERT INTO customers (name, since) VALUES (?, ?)", (name.strip(), since))
    return Customer(int(cursor.lastrowid or 0), name.strip(), since, 0)


def names(conn: sqlite3.Connection) -> tuple[dict[int, str], dict[int, str]]:
    """(queue names by id, agent names by id): small enough to hold, used to label rows and paths."""
    return (
        dict(conn.execute("SELECT id, name FROM queues").fetchall()),
        dict(conn.execute("SELECT id, name FROM agents").fetchall()),
    )
