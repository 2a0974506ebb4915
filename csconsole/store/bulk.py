"""Bulk loading into a new store (the demo): the same fold and hash chain as ``Ledger``, in big batches.

Only for a store being built from nothing: the whole build lands, or none of it does. Each engine loads
its own way (``sqlite/bulk.py``: a private file renamed into place when complete; ``postgres/bulk.py``:
one transaction of COPYs into an empty store), behind ``BulkLoader``; ``bulk_loader`` picks one for a
location. The loader appends as a ``Ledger`` does (``append``), so the registry's writers
(``registry.add_queue(loader, ...)``) record the floor's queues, agents, customers and policies through
it; tickets and their events go through ``add_rows``, numbered after them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from csconsole.domain.sla_policy import PolicyBook
from csconsole.domain.ticket import Event, TicketState, apply
from csconsole.domain.words import IMPORT_MARK
from csconsole.store import chain
from csconsole.store.ledger import ROW_COLUMNS, state_values
from csconsole.store.postgres.url import PostgresURL
from csconsole.store.store import Where, location_of

if TYPE_CHECKING:
    from csconsole.store.store import Store

TICKET_COLUMNS = ("id", "ref", *ROW_COLUMNS)
EVENT_COLUMNS = ("seq", "ticket_id", "kind", "at", "actor_id", "data", "hash")

EventRow = tuple[int, int, str, str, int | None, str]  # seq, ticket, kind, at, actor, canonical data


def encode_ticket(
    ticket_id: int, ref: str, events: Sequence[Event], book: PolicyBook, last_seq: int, batch: str | None = None
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
        apply(state, event, book)
        rows.append((last_seq, ticket_id, event.kind, event.at, event.actor, canonical_data(event.data)))
    return state, (ticket_id, ref, *state_values(state)), rows


class BulkLoader:
    """Append whole tickets (all their events at once); ``finish`` to publish, ``abandon`` to take it back."""

    BATCH = 20_000  # tickets per write

    def __init__(self, store: Store) -> None:
        self.store = store
        self._head = chain.head(store)
        self._tickets: list[tuple[object, ...]] = []
        self._events: list[tuple[object, ...]] = []
        self.tickets = 0
        self.events = 0

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
        """The demo's queues keep the default policy; nothing to refresh."""

    @property
    def last_seq(self) -> int:
        return self._head.seq

    def set_resolved_tickets(self, counts: dict[int, int]) -> None:
        """Customer id → resolved tickets, as the demo counted them while it folded the tickets: the counts
        land in a scratch table in bulk, and one UPDATE takes them (not an UPDATE a customer)."""
        engine, conn = self.store._engine, self.store._conn
        conn.execute("CREATE TEMP TABLE resolved_counts (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        engine.fill(conn, "resolved_counts", ("id", "n"), counts.items())
        conn.execute("UPDATE customers SET resolved_tickets = r.n FROM resolved_counts r WHERE customers.id = r.id")
        conn.execute("DROP TABLE resolved_counts")

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
        engine, conn = self.store._engine, self.store._conn
        engine.fill(conn, "tickets", TICKET_COLUMNS, self._tickets)
        engine.fill(conn, "events", EVENT_COLUMNS, self._events)
        self._tickets.clear()
        self._events.clear()

    def finish(self) -> None:
        raise NotImplementedError

    def abandon(self) -> None:
        raise NotImplementedError


def bulk_loader(where: Where) -> BulkLoader:
    """A loader into the new store at ``where``: a file that must not exist yet, or a database whose
    store is empty (made there if it has none)."""
    location = location_of(where)
    if isinstance(location, PostgresURL):
        from csconsole.store.postgres.bulk import PostgresBulkLoader

        return PostgresBulkLoader(location)
    from csconsole.store.sqlite.bulk import SqliteBulkLoader

    return SqliteBulkLoader(location)
