"""Bulk loading into a new store (the demo): the same fold and hash chain as ``Ledger``, in big batches.

Only for a store being built from nothing, in a file nobody else has open: indexes are built once at
the end and the file is renamed into place only when complete.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from csconsole.domain.sla import SlaTargets
from csconsole.domain.ticket import Event, TicketState, apply
from csconsole.store import chain
from csconsole.store.ledger import STATE_COLUMNS, state_values
from csconsole.store.schema import create_indexes, drop_indexes
from csconsole.store.store import Store

_INSERT_TICKET = (
    f"INSERT INTO tickets (id, ref, {', '.join(STATE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(STATE_COLUMNS) + 2))})"
)
_INSERT_EVENT = "INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


class BulkLoader:
    """Append whole tickets (all their events at once); call ``finish`` to index and publish the file."""

    BATCH = 20_000  # tickets per executemany

    def __init__(self, final_path: Path) -> None:
        self.final_path = final_path
        self.tmp_path = final_path.with_name(final_path.name + ".building")
        for leftover in (self.tmp_path, Path(f"{self.tmp_path}-wal"), Path(f"{self.tmp_path}-shm")):
            leftover.unlink(missing_ok=True)
        self.store = Store.open(self.tmp_path, create=True)
        conn = self.store.conn
        conn.execute("PRAGMA journal_mode = OFF")  # a half-built file is thrown away, never opened
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -200000")
        drop_indexes(self.store.db)
        self.conn: sqlite3.Connection = conn
        self.targets = SlaTargets()
        self._head = chain.head(conn)
        self._tickets: list[tuple[object, ...]] = []
        self._events: list[tuple[object, ...]] = []
        self.tickets = 0
        self.events = 0
        self.conn.execute("BEGIN")

    def add_ticket(self, ticket_id: int, ref: str, events: Sequence[Event]) -> TicketState:
        state = TicketState(ticket_id)
        prev = self._head.hash
        seq = self._head.seq
        canonical_data = chain.canonical_data
        canonical_event = chain.canonical_event
        link = chain.link
        rows = self._events
        for event in events:
            seq += 1
            event.seq = seq
            apply(state, event, self.targets)
            data = canonical_data(event.data)
            prev = link(prev, canonical_event(seq, ticket_id, event.kind, event.at, event.actor, data))
            rows.append((seq, ticket_id, event.kind, event.at, event.actor, data, prev))
        self._head = chain.Head(seq, prev)
        self._tickets.append((ticket_id, ref, *state_values(state)))
        self.tickets += 1
        self.events += len(events)
        if len(self._tickets) >= self.BATCH:
            self.flush()
        return state

    def flush(self) -> None:
        self.conn.executemany(_INSERT_TICKET, self._tickets)
        self.conn.executemany(_INSERT_EVENT, self._events)
        self._tickets.clear()
        self._events.clear()

    def finish(self) -> None:
        """Index, switch to WAL with full sync, and move the file into place."""
        self.flush()
        self.conn.execute("COMMIT")
        create_indexes(self.store.db)
        self.conn.execute("ANALYZE")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.store.close()
        os.replace(self.tmp_path, self.final_path)

    def abandon(self) -> None:
        self.store.close()
        for leftover in (self.tmp_path, Path(f"{self.tmp_path}-wal"), Path(f"{self.tmp_path}-shm")):
            leftover.unlink(missing_ok=True)
