"""Bulk loading into a new store (the demo): the same fold and hash chain as ``Ledger``, in big batches.

Only for a store being built from nothing: the whole build lands, or none of it does. Each engine loads
its own way (``sqlite/bulk.py``: a private file renamed into place when complete; ``postgres/bulk.py``:
one transaction of COPYs into an empty store), behind ``BulkLoader``; ``bulk_loader`` picks one for a
location. The loader's ``store`` takes the store's functions (``directory.add_queue(loader.store, ...)``)
for the small tables; tickets and events go through ``add_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from csconsole.domain.sla import SlaTargets
from csconsole.domain.ticket import Event, TicketState, apply
from csconsole.store import chain
from csconsole.store.ledger import STATE_COLUMNS, state_values
from csconsole.store.postgres.url import PostgresURL
from csconsole.store.store import Where, location_of

if TYPE_CHECKING:
    from csconsole.store.store import Store

TICKET_COLUMNS = ("id", "ref", *STATE_COLUMNS)
EVENT_COLUMNS = ("seq", "ticket_id", "kind", "at", "actor_id", "data", "hash")

EventRow = tuple[int, int, str, str, int | None, str]  # seq, ticket, kind, at, actor, canonical data


def encode_ticket(
    ticket_id: int, ref: str, events: Sequence[Event], targets: SlaTargets, last_seq: int
) -> tuple[TicketState, tuple[object, ...], list[EventRow]]:
    """Number a new ticket's events after ``last_seq`` and fold them: (state, ticket row, event rows).

    Pure (no database), so a producer process can do it while the loader writes.
    """
    state = TicketState(ticket_id)
    canonical_data = chain.canonical_data
    rows: list[EventRow] = []
    for event in events:
        last_seq += 1
        event.seq = last_seq
        apply(state, event, targets)
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
