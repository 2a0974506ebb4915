"""Bulk loading into a new store (the demo): the same fold and hash chain as ``Ledger``, in big batches.

Only for a store being built from nothing, in a file nobody else has open: indexes are built once at
the end and the file is renamed into place only when complete, so the build is all or nothing. The
loader appends as a ``Ledger`` does (``append``), so the registry's writers (``registry.add_queue(loader,
...)``) record the floor's queues, agents, customers and policies through it; tickets and their events
go through ``add_rows``, numbered after them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from sqlite_utils import Database

from csconsole.domain.sla import SlaTargets
from csconsole.domain.ticket import Event, TicketState, apply
from csconsole.domain.words import IMPORT_MARK
from csconsole.store import chain
from csconsole.store.ledger import STATE_COLUMNS, state_values
from csconsole.store.schema import create_indexes, drop_indexes
from csconsole.store.store import Store

_INSERT_TICKET = (
    f"INSERT INTO tickets (id, ref, {', '.join(STATE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (len(STATE_COLUMNS) + 2))})"
)
_INSERT_EVENT = "INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


EventRow = tuple[int, int, str, str, int | None, str]  # seq, ticket, kind, at, actor, canonical data


def encode_ticket(
    ticket_id: int, ref: str, events: Sequence[Event], targets: SlaTargets, last_seq: int, batch: str | None = None
) -> tuple[TicketState, tuple[object, ...], list[EventRow]]:
    """Number a new ticket's events after ``last_seq`` and fold them: (state, ticket row, event rows).
    The ``created`` event records ``ref``; ``batch`` marks every event as imported history.

    Pure (no database), so a producer process can do it while the loader writes.
    """
    state = TicketState(ticket_id)
    canonical_data = chain.canonical_data
    rows: list[EventRow] = []
    if events:
        events[0].data["ref"] = ref
    for event in events:
        last_seq += 1
        event.seq = last_seq
        if batch:
            event.data[IMPORT_MARK] = batch
        apply(state, event, targets)
        rows.append((last_seq, ticket_id, event.kind, event.at, event.actor, canonical_data(event.data)))
    return state, (ticket_id, ref, *state_values(state)), rows


class BulkLoader:
    """Append whole tickets (all their events at once); call ``finish`` to index and publish the file."""

    BATCH = 20_000  # tickets per executemany

    def __init__(self, final_path: Path) -> None:
        self.final_path = final_path
        self.tmp_path = final_path.with_name(final_path.name + ".building")
        for leftover in (self.tmp_path, Path(f"{self.tmp_path}-wal"), Path(f"{self.tmp_path}-shm")):
            leftover.unlink(missing_ok=True)
        self.store = Store.open(self.tmp_path, create=True)
        conn = self.store._conn
        conn.execute("PRAGMA journal_mode = OFF")  # a half-built file is thrown away, never opened
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -200000")
        conn.execute("PRAGMA threads = 2")  # index builds sort with a helper thread
        drop_indexes(Database(conn))
        self._conn = conn
        self._head = chain.head(self.store)
        self._tickets: list[tuple[object, ...]] = []
        self._events: list[tuple[object, ...]] = []
        self.tickets = 0
        self.events = 0
        self._conn.execute("BEGIN")

    def append(self, event: Event) -> int:
        """Append one event that changes no ticket row (the registry's writers call this, as on a Ledger)."""
        seq = self._head.seq + 1
        data = chain.canonical_data(event.data)
        digest = chain.link(self._head.hash, chain.canonical_event(seq, event.ticket_id, event.kind, event.at,
                                                                    event.actor, data))
        self._events.append((seq, event.ticket_id, event.kind, event.at, event.actor, data, digest))
        self._head = chain.Head(seq, digest)
        event.seq = seq
        return seq

    def refresh_targets(self) -> None:
        """The demo's queues keep the default targets; nothing to refresh."""

    @property
    def last_seq(self) -> int:
        return self._head.seq

    def set_resolved_tickets(self, counts: dict[int, int]) -> None:
        """Customer id → resolved tickets, as the demo counted them while it folded the tickets."""
        self._conn.executemany("UPDATE customers SET resolved_tickets = ? WHERE id = ?",
                               [(n, c) for c, n in counts.items()])

    def add_rows(self, tickets: list[tuple[object, ...]], events: list[EventRow]) -> None:
        """Tickets and their events as ``encode_ticket`` made them; the hash chain is computed here."""
        prev = self._head.hash
        canonical_event = chain.canonical_event
        link = chain.link
        rows = self._events
        for seq, ticket_id, kind, at, actor, data in events:
            prev = link(prev, canonical_event(seq, ticket_id, kind, at, actor, data))
            rows.append((seq, ticket_id, kind, at, actor, data, prev))
        if events:
            self._head = chain.Head(events[-1][0], prev)
        self._tickets.extend(tickets)
        self.tickets += len(tickets)
        self.events += len(events)
        if len(self._tickets) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        self._conn.executemany(_INSERT_TICKET, self._tickets)
        self._conn.executemany(_INSERT_EVENT, self._events)
        self._tickets.clear()
        self._events.clear()

    def finish(self) -> None:
        """Index, switch to WAL with full sync, and move the file into place."""
        self.flush()
        self._conn.execute("COMMIT")
        create_indexes(Database(self._conn))
        self._conn.execute("ANALYZE")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self.store.close()
        # A -wal left by an earlier file of that name would be replayed into this one and corrupt it.
        for stale in (Path(f"{self.final_path}-wal"), Path(f"{self.final_path}-shm")):
            stale.unlink(missing_ok=True)
        os.replace(self.tmp_path, self.final_path)

    def abandon(self) -> None:
        self.store.close()
        for leftover in (self.tmp_path, Path(f"{self.tmp_path}-wal"), Path(f"{self.tmp_path}-shm")):
            leftover.unlink(missing_ok=True)
