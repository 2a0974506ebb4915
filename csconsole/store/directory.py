"""Agents, queues and customers: small tables, looked up by name or id (``registry`` writes them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from csconsole.domain.errors import NotFound
from csconsole.domain.rules import Agent
from csconsole.domain.words import Role

if TYPE_CHECKING:
    from csconsole.store.store import Store


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


def _agent(row: tuple[int, str, str, int | None, int]) -> Agent:
    return Agent(row[0], row[1], Role(row[2]), row[3], bool(row[4]))


_AGENT_SQL = "SELECT id, name, role, queue_id, active FROM agents"


def agents(store: Store) -> list[Agent]:
    return [_agent(r) for r in store._conn.execute(f"{_AGENT_SQL} ORDER BY name")]


def agent(store: Store, agent_id: int) -> Agent:
    row = store._conn.execute(f"{_AGENT_SQL} WHERE id = ?", (agent_id,)).fetchone()
    if row is None:
        raise NotFound(f"no agent with id {agent_id}")
    return _agent(row)


def agent_by_name(store: Store, name: str) -> Agent:
    row = store._conn.execute(f"{_AGENT_SQL} WHERE lower(name) = lower(?)", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"no agent named {name!r}")
    return _agent(row)


def agent_name_taken(store: Store, name: str) -> bool:
    """Names are unique whatever their case: "ana" is Ana."""
    return store._conn.execute("SELECT 1 FROM agents WHERE lower(name) = lower(?)", (name.strip(),)).fetchone() is not None


def queues(store: Store) -> list[Queue]:
    return [Queue(i, n) for i, n in store._conn.execute("SELECT id, name FROM queues ORDER BY name")]


def queue_exists(store: Store, queue_id: int) -> bool:
    return store._conn.execute("SELECT 1 FROM queues WHERE id = ?", (queue_id,)).fetchone() is not None


def queue_name_taken(store: Store, name: str) -> bool:
    return store._conn.execute("SELECT 1 FROM queues WHERE lower(name) = lower(?)", (name.strip(),)).fetchone() is not None


def queue_by_name(store: Store, name: str) -> Queue:
    row = store._conn.execute("SELECT id, name FROM queues WHERE lower(name) = lower(?)", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"no queue named {name!r}")
    return Queue(row[0], row[1])


def customer_by_name(store: Store, name: str) -> Customer | None:
    row = store._conn.execute(
        "SELECT id, name, since, resolved_tickets FROM customers WHERE name = ?", (name.strip(),)
    ).fetchone()
    return None if row is None else Customer(*row)


def customer_exists(store: Store, customer_id: int) -> bool:
    return store._conn.execute("SELECT 1 FROM customers WHERE id = ?", (customer_id,)).fetchone() is not None


def like_escape(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern with ESCAPE '\\'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: str) -> str:
    """SQL: ``column`` holds the pattern parameter whatever the case of ASCII letters (``like_escape``'d).
    Spelled with lower() on both sides: SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's
    does not, and lower() folds exactly those letters on both (text compares byte by byte, "C")."""
    return f"lower({column}) LIKE lower(?) ESCAPE '\\'"


def customer_names(store: Store, prefix: str = "", *, limit: int = 200) -> list[str]:
    """Customer names starting with ``prefix`` (bounded: a picker never holds the whole table)."""
    like = like_escape(prefix) + "%"
    rows = store._conn.execute(
        f"SELECT name FROM customers WHERE {contains('name')} ORDER BY name LIMIT ?", (like, limit)
    ).fetchall()
    return [str(r[0]) for r in rows]


# Bumped when any store of this process may hold names another desk has changed since (the server's
# change feed said "anything may have changed": a registry event, or the feed was away; store/postgres/notify).
_epoch = 0


def forget_names() -> None:
    """Every store of this process reads the names again at its next page (another desk changed them)."""
    global _epoch
    _epoch += 1


def names(store: Store) -> tuple[dict[int, str], dict[int, str]]:
    """(queue names by id, agent names by id): small enough to hold, used to label rows and paths; the
    same dicts for every caller, not to be changed.

    Every page asks, and on a server each statement is a round trip that costs more than SQLite's whole
    page: outside a transaction the store keeps them until they may have changed — its own commit
    (``Store.atomic``), another connection's commit to the file (SQLite's ``data_version``, microseconds),
    or another desk's registry event told by the server's change feed (``forget_names``). A snapshot or a
    write reads them anew, so they agree with the rows it reads."""
    conn = store._conn
    if conn.in_transaction:
        return _read_names(store)
    stamp = (_epoch, store._engine.data_version(conn))
    held = store._names
    if held is not None and held[0] == stamp:
        return held[1]
    found = _read_names(store)
    store._names = (stamp, found)
    return found


def _read_names(store: Store) -> tuple[dict[int, str], dict[int, str]]:
    """One statement for both: queues and agents."""
    queues: dict[int, str] = {}
    agents: dict[int, str] = {}
    for is_queue, ident, name in store._conn.execute(
        "SELECT 1, id, name FROM queues UNION ALL SELECT 0, id, name FROM agents"
    ):
        (queues if is_queue else agents)[ident] = name
    return queues, agents
