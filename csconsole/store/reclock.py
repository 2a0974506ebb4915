"""Migration 0008's rows: every ticket's SLA clocks, laid from its events under the store's policy book.

Before schema 8 a ticket had one response clock (``sla_since``, due and at-risk times). From 8 it has
three in business time (first reply, next reply, resolution; ``domain/sla_clock.py``), kept on the row
as their figures and as the clocks themselves (``sla_clocks``). The migration folds each ticket's events
once, exactly as ``rebuild`` does, and writes the SLA columns; nothing else of the row moves, and no
event is written (the clocks are derived, not recorded).

Written against the connection alone (``execute``, ``executemany``), the same on both engines; tickets
are read a range of ids at a time, so a million are never held at once.
"""

from __future__ import annotations

import json
from typing import Any

from csconsole.domain.registry import Registry
from csconsole.domain.ticket import Event, fold
from csconsole.store.ledger import POLICY_KINDS, SLA_COLUMNS, sla_values

RANGE = 2_000


def reclock(conn: Any) -> int:
    """Write the SLA columns of every ticket; returns how many tickets."""
    registry = Registry()
    for seq, kind, at, actor, data in conn.execute(
        "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id IS NULL AND kind IN (?, ?, ?) "
        "ORDER BY seq", POLICY_KINDS,
    ).fetchall():
        registry.apply(Event(None, kind, at, actor, json.loads(data), seq))
    book = registry.book()
    update = f"UPDATE tickets SET {', '.join(c + ' = ?' for c in SLA_COLUMNS)} WHERE id = ?"
    done = 0
    low, high = conn.execute("SELECT min(id), max(id) FROM tickets").fetchone()
    if low is None:
        return 0
    for start in range(int(low), int(high) + 1, RANGE):
        by_ticket: dict[int, list[Event]] = {}
        for ticket_id, seq, kind, at, actor, data in conn.execute(
            "SELECT ticket_id, seq, kind, at, actor_id, data FROM events WHERE ticket_id >= ? AND ticket_id < ? "
            "ORDER BY ticket_id, seq", (start, start + RANGE),
        ).fetchall():
            by_ticket.setdefault(int(ticket_id), []).append(Event(ticket_id, kind, at, actor, json.loads(data), seq))
        rows = [(*sla_values(fold(ticket_id, events, book).sla), ticket_id) for ticket_id, events in by_ticket.items()]
        if rows:
            conn.executemany(update, rows)
        done += len(rows)
    return done
