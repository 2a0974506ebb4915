"""Read queries: filtered, sorted, key-set paged ticket lists, counts and per-queue figures.

Filtering and sorting happen in SQL and are answered from indexes; pages are fetched by key
(``(sort value, id)`` after the last row seen), never with a large OFFSET. Which index a list walks is the
engine's business (``store._engine.page_source``); the SQL here is portable, with ``?`` placeholders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from csconsole.domain.read_models import (
    NO_OWNER,
    Key,
    Order,
    QueueStats,
    SlaFilter,
    SortKey,
    TicketFilter,
    TicketRow,
)
from csconsole.domain.words import PRIORITY_RANK, Tier
from csconsole.store import directory, search
from csconsole.store.fragments import OPEN_SQL, loyal_params, loyal_sql
from csconsole.store.schema import PRIORITY_RANK_SQL

if TYPE_CHECKING:
    from csconsole.store.store import Store

__all__ = ["Key", "Order", "Statement"]

# The customer's tier as 0/1 in SQL: PostgreSQL's boolean would be turned into SQLite's integer by a
# Python loader, once a row.
_ROW_COLUMNS = (
    f"t.id, t.ref, t.subject, c.name, CASE WHEN {loyal_sql('c')} THEN 1 ELSE 0 END, "
    "t.queue_id, t.owner_id, t.status, t.priority, t.channel, t.created_at, t.updated_at, "
    "t.sla_due_at, t.sla_risk_at, t.bounces, t.pingpongs, t.contacts, t.path, t.last_seq, "
    "t.first_reply_due_at, t.next_reply_due_at, t.resolution_due_at, t.sla_paused"
)
# Sort keys that are not a plain column: NULL due times sort as if last; priority sorts by rank.
_SORT_EXPRESSIONS = {
    SortKey.SLA_DUE: "coalesce(t.sla_due_at, '9999')",
    SortKey.PRIORITY: PRIORITY_RANK_SQL.replace("priority", "t.priority", 1),
}

Statement = tuple[str, list[object]]  # SQL and its parameters, in placeholder order


def _where(store: Store, flt: TicketFilter, now: str) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if flt.queue_id is not None:
        clauses.append("t.queue_id = ?")
        params.append(flt.queue_id)
    if flt.status:
        clauses.append("t.status = ?")
        params.append(flt.status)
    elif flt.open_only or flt.unowned:
        clauses.append(f"t.status IN {OPEN_SQL}")
    if flt.min_bounces is not None:
        clauses.append("t.bounces >= ?")
        params.append(flt.min_bounces)
        if flt.min_bounces >= 3:
            clauses.append("t.bounces >= 3")  # lets the planner use the partial index
    if flt.min_contacts is not None:
        clauses.append("t.contacts >= ?")
        params.append(flt.min_contacts)
        if flt.min_contacts >= 3:
            clauses.append("t.contacts >= 3")
    if flt.sla is SlaFilter.BREACHED:
        clauses.append("t.sla_due_at IS NOT NULL AND t.sla_due_at <= ?")
        params.append(now)
    elif flt.sla is SlaFilter.ATTENTION:
        clauses.append("t.sla_due_at IS NOT NULL AND t.sla_risk_at <= ?")
        params.append(now)
    if flt.unowned:
        clauses.append("t.owner_id IS NULL")
    if flt.owner_id is not None:
        clauses.append("t.owner_id = ?")
        params.append(flt.owner_id)
    if flt.ticket_ids is not None:
        ids = sorted(flt.ticket_ids)
        clauses.append(f"t.id IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})")
    if flt.search.strip():  # ref, subject or customer, from the engine's indexes (store/search.py)
        text = flt.search.strip()
        clause, values = search.clause(store._engine.search_ids(text), text)
        clauses.append(clause)
        params += values
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_statement(store: Store, flt: TicketFilter, now: str) -> Statement:
    text = flt.search.strip()
    ways = store._engine.search_ids(text) if text and flt == TicketFilter(search=flt.search) else None
    if ways is not None:  # the search box over every ticket: counted from its indexes, no ticket read
        sql, params = search.union(ways, distinct=True)
        return f"SELECT count(*) FROM ({sql}) AS found", params
    where, params = _where(store, flt, now)
    return f"SELECT count(*) FROM {store._engine.count_source(flt)}{where}", params


def count(store: Store, flt: TicketFilter, now: str) -> int:
    return int(store._conn.execute(*count_statement(store, flt, now)).fetchone()[0])


def _order_sql(order: Order) -> tuple[str, str]:
    """(ORDER BY clause, the sort expression). NULLs of a nullable key sort as if last."""
    column = _SORT_EXPRESSIONS.get(order.key, f"t.{order.key.value}")
    direction = "DESC" if order.descending else "ASC"
    if order.key is SortKey.ID:
        return f"t.id {direction}", "t.id"
    return f"{column} {direction}, t.id {direction}", column


def page_statement(
    store: Store, flt: TicketFilter, now: str, *, order: Order = Order(), after: Key | None = None,
    limit: int = 100, inclusive: bool = False,
) -> Statement:
    """The one statement ``page`` runs (the benchmark runs it bare, to compare)."""
    text = flt.search.strip()
    ways = (store._engine.search_ids(text) if text and order.key is SortKey.ID
            and flt == TicketFilter(search=flt.search) else None)
    if ways is not None:  # the search box over every ticket, by number: a page's worth from each index
        clause, where_params = search.page_clause(ways, descending=order.descending,
                                                  after=None if after is None else int(after[1]), limit=limit)
        where = f" WHERE {clause}"
    else:
        where, where_params = _where(store, flt, now)
    order_by, sort_expr = _order_sql(order)
    params: list[object] = [*loyal_params(now), *where_params]
    if after is not None:
        op = ("<" if order.descending else ">") + ("=" if inclusive else "")
        if order.key is SortKey.ID:
            where += (" AND " if where else " WHERE ") + f"t.id {op} ?"
        else:
            # The key's own bound too: SQLite seeks an expression index (SLA due, priority) by it, where
            # it would scan the index from its start for the pair alone.
            bound = "<=" if order.descending else ">="
            where += (" AND " if where else " WHERE ") + f"{sort_expr} {bound} ? AND ({sort_expr}, t.id) {op} (?, ?)"
            params += [after[0], after[0]]
        params.append(after[1])
    params.append(limit)
    sql = (
        f"SELECT {_ROW_COLUMNS} FROM {store._engine.page_source(flt, order)} "
        f"JOIN customers c ON c.id = t.customer_id{where} ORDER BY {order_by} LIMIT ?"
    )
    return sql, params


def page(
    store: Store,
    flt: TicketFilter,
    now: str,
    *,
    order: Order = Order(),
    after: Key | None = None,
    limit: int = 100,
    inclusive: bool = False,
) -> list[TicketRow]:
    """Up to ``limit`` rows after the key ``after`` (exclusive; ``inclusive``: from it), in ``order``."""
    statement = page_statement(store, flt, now, order=order, after=after, limit=limit, inclusive=inclusive)
    return _rows(store, store._engine.page_rows(store._conn, flt, order, statement))


def count_and_page(
    store: Store, flt: TicketFilter, now: str, *, order: Order = Order(), limit: int = 100,
) -> tuple[int, list[TicketRow]]:
    """How many rows the list holds, and its first ``limit`` rows: what a view shows when its filter
    changes (on a server one round trip for both)."""
    found, raw = store._engine.count_and_page(
        store._conn, flt, order, count_statement(store, flt, now),
        page_statement(store, flt, now, order=order, limit=limit))
    return found, _rows(store, raw)


def key_of(row: TicketRow, order: Order) -> Key:
    """The paging key of a row under ``order``."""
    if order.key is SortKey.SLA_DUE:
        return (row.sla_due_at or "9999", row.id)
    if order.key is SortKey.PRIORITY:
        return (PRIORITY_RANK.get(row.priority, 3), row.id)
    return (getattr(row, order.key.value), row.id)


def anchors(store: Store, flt: TicketFilter, now: str, *, order: Order, step: int) -> list[Key]:
    """The key of every ``step``-th row (rows 0, step, 2·step...): lets a view jump anywhere by key."""
    where, params = _where(store, flt, now)
    order_by, sort_expr = _order_sql(order)
    sql = (
        f"SELECT v, id FROM (SELECT {sort_expr} AS v, t.id AS id, "
        f"row_number() OVER (ORDER BY {order_by}) - 1 AS rn FROM {store._engine.page_source(flt, order)}{where}) "
        "AS numbered WHERE rn % ? = 0"
    )
    return [(v, i) for v, i in store._conn.execute(sql, [*params, step])]


def position(store: Store, flt: TicketFilter, now: str, *, order: Order, ticket_id: int) -> int | None:
    """How many rows of the list come before ``ticket_id`` in ``order``; None when the filter leaves it out.

    Two indexed reads, whatever the list's length: a view can bring a ticket back into sight after a new
    filter or sort without paging through the rows before it."""
    where, params = _where(store, flt.with_(ticket_ids=frozenset({ticket_id})), now)
    _, sort_expr = _order_sql(order)
    found = store._conn.execute(f"SELECT {sort_expr} FROM tickets t{where}", params).fetchone()
    if found is None:
        return None
    where, params = _where(store, flt, now)
    ahead = ">" if order.descending else "<"  # the rows shown before it
    if order.key is SortKey.ID:
        before, keys = f"t.id {ahead} ?", [ticket_id]
    else:
        before, keys = f"({sort_expr}, t.id) {ahead} (?, ?)", [found[0], ticket_id]
    sql = f"SELECT count(*) FROM {store._engine.count_source(flt)}{where}{' AND ' if where else ' WHERE '}{before}"
    return int(store._conn.execute(sql, [*params, *keys]).fetchone()[0])


def rows_by_id(store: Store, ids: Sequence[int], now: str) -> list[TicketRow]:
    if not ids:
        return []
    marks = ", ".join(str(int(i)) for i in ids)
    sql = f"SELECT {_ROW_COLUMNS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id IN ({marks})"
    by_id = {r.id: r for r in _rows(store, store._conn.execute(sql, loyal_params(now)).fetchall())}
    return [by_id[i] for i in ids if i in by_id]


def ticket_id_by_ref(store: Store, ref: str) -> int | None:
    row = store._conn.execute("SELECT id FROM tickets WHERE ref = ?", (ref.strip(),)).fetchone()
    return None if row is None else int(row[0])


def ticket_exists(store: Store, ticket_id: int) -> bool:
    return store._conn.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone() is not None


def ref_taken(store: Store, ref: str) -> bool:
    return ticket_id_by_ref(store, ref) is not None


def ref_and_bounces(store: Store, ticket_id: int) -> tuple[str, int]:
    ref, bounces = store._conn.execute("SELECT ref, bounces FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    return str(ref), int(bounces)


_parse = json.JSONDecoder().raw_decode  # no blanks to skip around a path: it is our own JSON
_new_row = tuple.__new__  # a TicketRow from its values in one C call (its __new__ is a Python function)
LABELS_KEPT = 20_000  # distinct paths kept labelled between pages, for one set of names


def _rows(store: Store, raw: list[tuple[Any, ...]]) -> list[TicketRow]:
    """TicketRows from raw tuples: the Python half of every page, kept lean. A path is parsed and labelled
    once while the names hold (``directory.names``; the labels are kept with them, so a page read again on
    every commit, or scrolled back to, labels nothing again); each row is one tuple built in C."""
    names = directory.names(store)
    queue_names, agent_names = names
    kept = store._kept.get("path_labels")
    if kept is None or kept[0] is not names or len(kept[1]) > LABELS_KEPT:
        kept = store._kept["path_labels"] = (names, {})
    labels: dict[object, tuple[str, ...]] = kept[1]
    loyal_tier, standard_tier, row_type, new = Tier.LOYAL, Tier.STANDARD, TicketRow, _new_row
    rows = []
    for (tid, ref, subject, customer, loyal, qid, oid, status, priority, channel, created, updated,
         due, risk, bounces, pingpongs, contacts, path, last_seq, first_due, next_due, resolution_due,
         paused) in raw:
        holders = labels.get(path)
        if holders is None:
            holders = labels[path] = tuple(
                f"{queue_names.get(q, '?')}/{agent_names.get(o, '?') if o is not None else NO_OWNER}"
                for q, o in _parse(str(path))[0]
            )
        rows.append(new(row_type, (
            tid, ref, subject, customer, loyal_tier if loyal else standard_tier, queue_names.get(qid, "?"),
            agent_names.get(oid) if oid is not None else None, status, priority, channel, created, updated,
            due, risk, bounces, pingpongs, contacts, holders, last_seq, first_due, next_due, resolution_due,
            bool(paused),
        )))
    return rows


def queue_stats(store: Store, now: str) -> list[QueueStats]:
    """Every queue with its open depth, oldest open ticket, and SLA counts (empty queues included)."""
    sql = f"""
        SELECT q.id, q.name, count(t.id), min(t.created_at),
               count(CASE WHEN t.sla_risk_at <= ? AND t.sla_due_at > ? THEN 1 END),
               count(CASE WHEN t.sla_due_at <= ? THEN 1 END)
        FROM queues q LEFT JOIN tickets t ON t.queue_id = q.id AND t.status IN {OPEN_SQL}
        GROUP BY q.id ORDER BY q.name
    """
    return [QueueStats(*row) for row in store._conn.execute(sql, (now, now, now))]


def agent_loads(store: Store) -> dict[int, int]:
    """Open tickets per owner."""
    return dict(
        store._conn.execute(
            f"SELECT owner_id, count(*) FROM tickets WHERE owner_id IS NOT NULL AND status IN {OPEN_SQL} "
            "GROUP BY owner_id"
        ).fetchall()
    )


def event_rows(store: Store, ticket_id: int) -> list[tuple[int, str, str, int | None, str]]:
    return list(store._conn.execute(
        "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
    ).fetchall())
