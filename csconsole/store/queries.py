"""Read queries: filtered, sorted, key-set paged ticket lists, counts and per-queue figures.

Filtering and sorting happen in SQL and are answered from indexes; pages are fetched by key
(``(sort value, id)`` after the last row seen), never with a large OFFSET.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from csconsole.domain.views import NO_OWNER, QueueStats, SlaFilter, SortKey, TicketFilter, TicketRow
from csconsole.domain.words import PRIORITY_RANK, Tier
from csconsole.store import directory
from csconsole.store.schema import OPEN_SQL, PRIORITY_RANK_SQL

_ROW_COLUMNS = (
    "t.id, t.ref, t.subject, c.name, (c.since <= :loyal_cutoff OR c.resolved_tickets >= :loyal_resolved), "
    "t.queue_id, t.owner_id, t.status, t.priority, t.channel, t.created_at, t.updated_at, "
    "t.sla_due_at, t.sla_risk_at, t.bounces, t.pingpongs, t.contacts, t.path, t.last_seq"
)
# Sort keys that are not a plain column: NULL due times sort as if last; priority sorts by rank.
_SORT_EXPRESSIONS = {
    SortKey.SLA_DUE: "coalesce(t.sla_due_at, '9999')",
    SortKey.PRIORITY: PRIORITY_RANK_SQL.replace("priority", "t.priority", 1),
}

Key = tuple[object, int]


@dataclass(frozen=True)
class Order:
    key: SortKey = SortKey.ID
    descending: bool = False


def _where(flt: TicketFilter, now: str) -> tuple[str, dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {"now": now}
    if flt.queue_id is not None:
        clauses.append("t.queue_id = :queue_id")
        params["queue_id"] = flt.queue_id
    if flt.status:
        clauses.append("t.status = :status")
        params["status"] = flt.status
    elif flt.open_only or flt.unowned:
        clauses.append(f"t.status IN {OPEN_SQL}")
    if flt.min_bounces is not None:
        clauses.append("t.bounces >= :min_bounces")
        params["min_bounces"] = flt.min_bounces
        if flt.min_bounces >= 3:
            clauses.append("t.bounces >= 3")  # lets the planner use the partial index
    if flt.min_contacts is not None:
        clauses.append("t.contacts >= :min_contacts")
        params["min_contacts"] = flt.min_contacts
        if flt.min_contacts >= 3:
            clauses.append("t.contacts >= 3")
    if flt.sla is SlaFilter.BREACHED:
        clauses.append("t.sla_due_at IS NOT NULL AND t.sla_due_at <= :now")
    elif flt.sla is SlaFilter.ATTENTION:
        clauses.append("t.sla_due_at IS NOT NULL AND t.sla_risk_at <= :now")
    if flt.unowned:
        clauses.append("t.owner_id IS NULL")
    if flt.owner_id is not None:
        clauses.append("t.owner_id = :owner_id")
        params["owner_id"] = flt.owner_id
    if flt.ticket_ids is not None:
        ids = sorted(flt.ticket_ids)
        clauses.append(f"t.id IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})")
    if flt.search.strip():
        text = flt.search.strip()
        params["search_exact"] = text
        params["search_like"] = "%" + directory.like_escape(text) + "%"
        clauses.append(
            "(t.ref = :search_exact OR t.subject LIKE :search_like ESCAPE '\\' "
            "OR t.customer_id IN (SELECT id FROM customers WHERE name LIKE :search_like ESCAPE '\\'))"
        )
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


OPEN_CHIPS_INDEX = "ix_tickets_open_chips"  # open tickets, id first, then every column a chip filters on


def _within_open(flt: TicketFilter) -> bool:
    """The filter keeps to open tickets in a way the open-chips index can serve on its own."""
    return (flt.status is None and (flt.open_only or flt.unowned) and flt.ticket_ids is None
            and not flt.search.strip())


def _count_source(flt: TicketFilter) -> str:
    """Chip counts (bounces, contacts, SLA): left alone, SQLite picks the partial index of the chip, which
    also holds closed tickets, and reads each one's row for its status: ~150 ms at 1M tickets. Scanning
    the open-chips index instead reads only open tickets, and no rows."""
    chip = flt.min_bounces is not None or flt.min_contacts is not None or flt.sla is not None
    if chip and _within_open(flt):
        return f"tickets t INDEXED BY {OPEN_CHIPS_INDEX}"
    return "tickets t"


def _page_source(flt: TicketFilter, order: Order) -> str:
    """Which index a page walks. Left to itself SQLite may pick a status index and sort every open ticket
    for each page, or a chip's index that also holds closed tickets.

    - Every ticket (or every open one) by priority: the rank index, already in that order.
    - Open tickets of all queues: the open-chips index — in id order it is the page itself; under a chip
      in another order only open tickets are read and sorted (5 ms for the bounced ones at 1M, not 75).
    - Other sorts: the planner, which has an index for every sortable column.
    - Open tickets of one queue by number: its open (or unowned) index, in id order.
    """
    plain = flt == TicketFilter(open_only=flt.open_only, status=flt.status)
    if order.key is SortKey.PRIORITY and plain:
        return "tickets t INDEXED BY ix_tickets_priority"
    if not _within_open(flt):
        return "tickets t"
    if flt.queue_id is None and (order.key is SortKey.ID or not plain):
        return f"tickets t INDEXED BY {OPEN_CHIPS_INDEX}"
    if order.key is SortKey.ID:
        return f"tickets t INDEXED BY {'ix_tickets_unowned' if flt.unowned else 'ix_tickets_open'}"
    return "tickets t"


def count(conn: sqlite3.Connection, flt: TicketFilter, now: str) -> int:
    where, params = _where(flt, now)
    return int(conn.execute(f"SELECT count(*) FROM {_count_source(flt)}{where}", params).fetchone()[0])


def _order_sql(order: Order) -> tuple[str, str]:
    """(ORDER BY clause, the sort expression). NULLs of a nullable key sort as if last."""
    column = _SORT_EXPRESSIONS.get(order.key, f"t.{order.key.value}")
    direction = "DESC" if order.descending else "ASC"
    if order.key is SortKey.ID:
        return f"t.id {direction}", "t.id"
    return f"{column} {direction}, t.id {direction}", column


def page(
    conn: sqlite3.Connection,
    flt: TicketFilter,
    now: str,
    *,
    order: Order = Order(),
    after: Key | None = None,
    limit: int = 100,
) -> list[TicketRow]:
    """Up to ``limit`` rows after the key ``after`` (exclusive), in ``order``."""
    where, params = _where(flt, now)
    order_by, sort_expr = _order_sql(order)
    if after is not None:
        op = "<" if order.descending else ">"
        if order.key is SortKey.ID:
            where += (" AND " if where else " WHERE ") + f"t.id {op} :after_id"
        else:
            where += (" AND " if where else " WHERE ") + f"({sort_expr}, t.id) {op} (:after_value, :after_id)"
            params["after_value"] = after[0]
        params["after_id"] = after[1]
    params.update(_loyal_params(now), limit=limit)
    sql = (
        f"SELECT {_ROW_COLUMNS} FROM {_page_source(flt, order)} JOIN customers c ON c.id = t.customer_id"
        f"{where} ORDER BY {order_by} LIMIT :limit"
    )
    return _rows(conn, conn.execute(sql, params).fetchall())


def key_of(row: TicketRow, order: Order) -> Key:
    """The paging key of a row under ``order``."""
    if order.key is SortKey.SLA_DUE:
        return (row.sla_due_at or "9999", row.id)
    if order.key is SortKey.PRIORITY:
        return (PRIORITY_RANK.get(row.priority, 3), row.id)
    return (getattr(row, order.key.value), row.id)


def anchors(conn: sqlite3.Connection, flt: TicketFilter, now: str, *, order: Order, step: int) -> list[Key]:
    """The key of every ``step``-th row (rows 0, step, 2·step...): lets a view jump anywhere by key."""
    where, params = _where(flt, now)
    order_by, sort_expr = _order_sql(order)
    params["step"] = step
    sql = (
        f"SELECT v, id FROM (SELECT {sort_expr} AS v, t.id AS id, "
        f"row_number() OVER (ORDER BY {order_by}) - 1 AS rn FROM {_page_source(flt, order)}{where}) "
        "WHERE rn % :step = 0"
    )
    return [(v, i) for v, i in conn.execute(sql, params)]


def rows_by_id(conn: sqlite3.Connection, ids: Sequence[int], now: str) -> list[TicketRow]:
    if not ids:
        return []
    params: dict[str, object] = dict(_loyal_params(now))
    marks = ", ".join(str(int(i)) for i in ids)
    sql = f"SELECT {_ROW_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id IN ({marks})"
    by_id = {r.id: r for r in _rows(conn, conn.execute(sql, params).fetchall())}
    return [by_id[i] for i in ids if i in by_id]


def ticket_id_by_ref(conn: sqlite3.Connection, ref: str) -> int | None:
    row = conn.execute("SELECT id FROM tickets WHERE ref = ?", (ref.strip(),)).fetchone()
    return None if row is None else int(row[0])


def _loyal_params(now: str) -> dict[str, object]:
    return {"loyal_cutoff": directory.loyal_since_cutoff(now), "loyal_resolved": directory.LOYAL_RESOLVED}


def _rows(conn: sqlite3.Connection, raw: list[tuple[object, ...]]) -> list[TicketRow]:
    """TicketRows from raw tuples: the Python half of every page, kept lean (a path seen once in the
    page is labelled once; TicketRow is a named tuple, built in one call)."""
    queue_names, agent_names = directory.names(conn)
    labels: dict[object, tuple[str, ...]] = {}
    loyal_tier, standard_tier = Tier.LOYAL, Tier.STANDARD
    rows = []
    for (tid, ref, subject, customer, loyal, qid, oid, status, priority, channel, created, updated,
         due, risk, bounces, pingpongs, contacts, path, last_seq) in raw:
        holders = labels.get(path)
        if holders is None:
            holders = labels[path] = tuple(
                f"{queue_names.get(q, '?')}/{agent_names.get(o, '?') if o is not None else NO_OWNER}"
                for q, o in json.loads(str(path))
            )
        rows.append(TicketRow(
            tid, ref, subject, customer, loyal_tier if loyal else standard_tier, queue_names.get(qid, "?"),
            agent_names.get(oid) if oid is not None else None, status, priority, channel, created, updated,
            due, risk, bounces, pingpongs, contacts, holders, last_seq,
        ))
    return rows


def queue_stats(conn: sqlite3.Connection, now: str) -> list[QueueStats]:
    """Every queue with its open depth, oldest open ticket, and SLA counts (empty queues included)."""
    sql = f"""
        SELECT q.id, q.name, count(t.id), min(t.created_at),
               coalesce(sum(t.sla_risk_at <= :now AND t.sla_due_at > :now), 0),
               coalesce(sum(t.sla_due_at <= :now), 0)
        FROM queues q LEFT JOIN tickets t ON t.queue_id = q.id AND t.status IN {OPEN_SQL}
        GROUP BY q.id ORDER BY q.name
    """
    return [QueueStats(*row) for row in conn.execute(sql, {"now": now})]


def agent_loads(conn: sqlite3.Connection) -> dict[int, int]:
    """Open tickets per owner."""
    return dict(
        conn.execute(
            f"SELECT owner_id, count(*) FROM tickets WHERE owner_id IS NOT NULL AND status IN {OPEN_SQL} "
            "GROUP BY owner_id"
        ).fetchall()
    )


def event_rows(conn: sqlite3.Connection, ticket_id: int) -> list[tuple[int, str, str, int | None, str]]:
    return conn.execute(
        "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
    ).fetchall()


def customer_name_of(conn: sqlite3.Connection, ticket_id: int) -> str:
    row = conn.execute(
        "SELECT c.name FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?", (ticket_id,)
    ).fetchone()
    return "" if row is None else str(row[0])
