"""Migration 0006's rows: the records a store already held, written as the events that describe them.

A store from before schema 6 kept its queues, agents, customers, policies, checklists, PINs and Zendesk
links only as rows, and its tickets' references only on the ticket rows. The migration appends, after
the history it found, one event per record and one ``ref_recorded`` per ticket, each marked
``backfill`` with the seq of the last event before it: ``audit verify`` takes those records to have
stood from the start (the earlier history was recorded while they existed) and judges the earlier
events as history. Nothing already in the log changes: its head stays where it was, and the chain goes
on from it.

Written against the connection alone (``execute``, ``executemany``), the same on both engines; tables
are read by key in batches so a million tickets are never held at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from csconsole.domain import clock
from csconsole.domain.registry_events import (
    ZENDESK_METRICS,
    backfilled,
    make_agent_added,
    make_checklist_saved,
    make_customer_added,
    make_pin_set,
    make_policy_added,
    make_queue_added,
    make_ref_recorded,
    make_zendesk_synced,
)
from csconsole.domain.ticket import Event
from csconsole.domain.words import Priority, Role
from csconsole.store import chain

BATCH = 10_000
_INSERT = "INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


def backfill(conn: Any) -> int:
    """Append the events describing what the store holds; returns how many."""
    row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(row[0]), str(row[1])) if row else (0, chain.GENESIS)
    until, at = seq, clock.now_text()
    batch: list[tuple[object, ...]] = []
    written = 0
    for event in _described(conn, until, at):
        seq += 1
        data = chain.canonical_data(event.data)
        prev = chain.link(prev, chain.canonical_event(seq, event.ticket_id, event.kind, event.at, event.actor, data))
        batch.append((seq, event.ticket_id, event.kind, event.at, event.actor, data, prev))
        if len(batch) >= BATCH:
            conn.executemany(_INSERT, batch)
            written += len(batch)
            batch.clear()
    if batch:
        conn.executemany(_INSERT, batch)
        written += len(batch)
    return written


def _by_key(conn: Any, select: str, key: str) -> Iterator[tuple[Any, ...]]:
    """Rows of ``select`` (which ends with its FROM) in key order, a batch at a time."""
    last: Any = None
    while True:
        where = "" if last is None else f" WHERE {key} > ?"
        rows = conn.execute(f"{select}{where} ORDER BY {key} LIMIT {BATCH}", () if last is None else (last,)).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _described(conn: Any, until: int, at: str) -> Iterator[Event]:
    priorities = [p.value for p in Priority]
    for qid, name, *minutes in _by_key(conn, "SELECT id, name, sla_urgent, sla_high, sla_normal, sla_low FROM queues", "id"):
        targets = {p: m for p, m in zip(priorities, minutes, strict=True) if m is not None}
        yield backfilled(make_queue_added(qid, name, at, targets=targets), until)
    for aid, name, role, queue_id, active in _by_key(conn, "SELECT id, name, role, queue_id, active FROM agents", "id"):
        yield backfilled(make_agent_added(aid, name, Role(role), queue_id, at, active=bool(active)), until)
    for cid, name, since in _by_key(conn, "SELECT id, name, since FROM customers", "id"):
        yield backfilled(make_customer_added(cid, name, since, at), until)
    for pid, name, description, owner, active, created in _by_key(
        conn, "SELECT id, name, description, owner, active, created_at FROM policies", "id"
    ):
        yield backfilled(make_policy_added(pid, name, description, owner, at), until, created_at=created,
                         active=None if active else False)
    for lid, name, definition, created in _by_key(conn, "SELECT id, name, data, created_at FROM checklists", "id"):
        yield backfilled(make_checklist_saved(lid, name, json.loads(definition), at), until, created_at=created)
    for agent_id, stored, set_at in _by_key(conn, "SELECT agent_id, hash, set_at FROM agent_pins", "agent_id"):
        yield backfilled(make_pin_set(agent_id, stored, at), until, set_at=set_at)
    for ticket_id, ref in _by_key(conn, "SELECT id, ref FROM tickets", "id"):
        yield backfilled(make_ref_recorded(ticket_id, ref, at), until)
    for ticket_id, zendesk_id, last_audit, *values in _by_key(
        conn, f"SELECT ticket_id, zendesk_id, last_audit_id, {', '.join(ZENDESK_METRICS)}, imported_at "
              "FROM zendesk_tickets", "ticket_id"
    ):
        *metrics, imported_at = values
        event = make_zendesk_synced(ticket_id, zendesk_id, last_audit, dict(zip(ZENDESK_METRICS, metrics, strict=True)),
                                    at, None)
        yield backfilled(event, until, imported_at=imported_at)
