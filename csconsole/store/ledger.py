"""Appending events and keeping the derived columns of their ticket in the same transaction.

This is the only code that writes to ``events`` and to the derived columns of ``tickets``; both the
one-event path (services) and the import path (``import_session``) go through ``Ledger``; the demo's bulk
loader (``store/bulk.py``) folds and chains the same way in batches.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from csconsole.domain import compact_json
from csconsole.domain.registry import Registry
from csconsole.domain.sla_clock import SlaClocks
from csconsole.domain.sla_policy import PolicyBook
from csconsole.domain.ticket import Event, TicketState, apply, fold
from csconsole.domain.words import EventKind
from csconsole.store import chain
from csconsole.store.fragments import OPEN_SQL

if TYPE_CHECKING:
    from csconsole.store.store import Store

STATE_COLUMNS = (
    "customer_id", "subject", "channel", "priority", "status", "queue_id", "owner_id", "created_at",
    "first_response_at", "resolved_at", "closed_at", "closed_by", "bounces", "pingpongs", "contacts",
    "path", "last_seq", "updated_at",
)
# Derived from the SLA clocks (``TicketState.sla``): the figures filters and chips read, and the clocks
# themselves as one text, so the next event continues them exactly where they stood.
SLA_COLUMNS = (
    "sla_due_at", "sla_risk_at", "sla_breaches", "first_reply_due_at", "next_reply_due_at",
    "resolution_due_at", "sla_paused", "sla_clocks",
)
ROW_COLUMNS = STATE_COLUMNS + SLA_COLUMNS
_SELECT_STATE = f"SELECT id, {', '.join(STATE_COLUMNS)}, sla_clocks FROM tickets"
_UPDATE_STATE = f"UPDATE tickets SET {', '.join(c + ' = ?' for c in ROW_COLUMNS)} WHERE id = ?"
_INSERT_TICKET = f"INSERT INTO tickets (id, ref, {', '.join(ROW_COLUMNS)}) VALUES ({', '.join('?' * (len(ROW_COLUMNS) + 2))})"
_INSERT_EVENT = "INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


def sla_values(clocks: SlaClocks) -> tuple[object, ...]:
    """The values of ``SLA_COLUMNS`` for a ticket's clocks."""
    due_at, risk_at, first_reply, next_reply, resolution, paused = clocks.figures()
    return due_at, risk_at, clocks.breaches, first_reply, next_reply, resolution, int(paused), clocks.to_json()


def state_values(state: TicketState) -> tuple[object, ...]:
    """The values of ``ROW_COLUMNS``."""
    return (
        state.customer_id, state.subject, state.channel, state.priority, state.status, state.queue_id,
        state.owner_id, state.created_at, state.first_response_at, state.resolved_at, state.closed_at,
        state.closed_by, state.bounces, state.pingpongs, state.contacts,
        compact_json.dumps(state.path), state.last_seq, state.updated_at, *sla_values(state.sla),
    )


def state_from_row(row: tuple[Any, ...]) -> TicketState:
    """A ticket's state from ``id, STATE_COLUMNS..., sla_clocks``."""
    ticket_id, *values, clocks = row
    fields = dict(zip(STATE_COLUMNS, values, strict=True))
    fields["path"] = [(q, o) for q, o in json.loads(str(fields["path"]))]
    return TicketState(ticket_id=int(ticket_id), sla=SlaClocks.from_json(str(clocks)), **fields)


def load_state(store: Store, ticket_id: int) -> TicketState | None:
    row = store._conn.execute(f"{_SELECT_STATE} WHERE id = ?", (ticket_id,)).fetchone()
    return None if row is None else state_from_row(row)


def load_events(store: Store, ticket_id: int) -> list[Event]:
    return [
        Event(ticket_id, kind, at, actor, json.loads(data), seq)
        for seq, kind, at, actor, data in store._conn.execute(
            "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id = ? ORDER BY seq", (ticket_id,)
        )
    ]


POLICY_KINDS = (EventKind.QUEUE_ADDED.value, EventKind.QUEUE_TARGETS_SET.value, EventKind.SLA_POLICY_SET.value)
_POLICY_WHERE = "WHERE ticket_id IS NULL AND kind IN (?, ?, ?)"  # the partial index on their kind


def policy_registry(store: Store) -> Registry:
    """The queues and their SLA policies as their events leave them (the book, ``policy_of``)."""
    registry = Registry()
    for seq, kind, at, actor, data in store._conn.execute(
        f"SELECT seq, kind, at, actor_id, data FROM {store._engine.registry_kind_source} {_POLICY_WHERE} "
        "ORDER BY seq", POLICY_KINDS
    ):
        registry.apply(Event(None, kind, at, actor, json.loads(data), seq))
    return registry


def policy_book(store: Store) -> PolicyBook:
    """Every SLA policy the store has had, in the order made (``sla_policy.PolicyBook``). Kept with the
    store while its last policy event stays the same: a policy is parsed and compiled once."""
    # The last policy event and its hash (a rolled-back seq may come again, with other data). A few rows,
    # through the partial index on kind; no ORDER BY ... LIMIT, which a planner may answer by walking the
    # whole log backwards from its newest event.
    rows = store._conn.execute(f"SELECT seq, hash FROM {store._engine.registry_kind_source} {_POLICY_WHERE}",
                               POLICY_KINDS).fetchall()
    latest = tuple(max(rows)) if rows else None
    cached = store._kept.get("policy_book")
    if cached is not None and cached[0] == latest:
        return cached[1]  # type: ignore[no-any-return]
    book = policy_registry(store).book()
    store._kept["policy_book"] = (latest, book)
    return book


class Ledger:
    """Appends events inside the caller's ``store.atomic()``, chaining hashes and updating derived columns.

    Any number of ledgers may work in one unit of work (a use case calling another): the chain head
    lives with the unit, not with a ledger, and is read again after a savepoint rolls back.
    """

    def __init__(self, store: Store) -> None:
        if not store._depth:
            raise RuntimeError("Ledger needs an open unit of work (with store.atomic())")
        self.store = store
        self._conn = store._conn
        self.book = policy_book(store)
        # Batched writes (an import's chunk): event rows and each ticket's latest state, written by flush().
        self._pending_events: list[tuple[object, ...]] | None = None
        self._pending_states: dict[int, tuple[TicketState, tuple[object, ...]]] = {}  # with its row as stored
        self._pending_resolved: dict[int, int] = {}  # customer id → change of resolved_tickets
        self._pending_new: dict[int, tuple[str, TicketState]] = {}  # tickets opened: inserted once, as they end

    def defer_writes(self) -> None:
        """From now on, keep appended events and ticket rows until ``flush``: one row write per ticket
        instead of one per event (16 indexes on a ticket row). Reads of a deferred ticket's row see it
        as it was, so the caller keeps the states it records on."""
        self._pending_events = []

    def flush(self) -> None:
        if self._pending_new:  # before their events: an event's ticket must exist
            self._conn.executemany(_INSERT_TICKET, [(tid, ref, *state_values(state))
                                                    for tid, (ref, state) in self._pending_new.items()])
            self.store._engine.index_new_tickets(
                self._conn, [(tid, state.subject) for tid, (_, state) in self._pending_new.items()])
            self._pending_new.clear()
        if self._pending_events:
            self._conn.executemany(_INSERT_EVENT, self._pending_events)
            self._pending_events.clear()
        # Only the columns that moved: an UPDATE rewrites every index on the columns it sets, moved or not.
        by_columns: dict[tuple[int, ...], list[tuple[object, ...]]] = {}
        for state, stored in self._pending_states.values():
            now = state_values(state)
            moved = tuple(i for i, (a, b) in enumerate(zip(now, stored, strict=True)) if a != b)
            if moved:
                by_columns.setdefault(moved, []).append((*(now[i] for i in moved), state.ticket_id))
        for moved, rows in by_columns.items():
            sets = ", ".join(f"{ROW_COLUMNS[i]} = ?" for i in moved)
            self._conn.executemany(f"UPDATE tickets SET {sets} WHERE id = ?", rows)
        self._pending_states.clear()
        self._conn.executemany("UPDATE customers SET resolved_tickets = resolved_tickets + ? WHERE id = ?",
                               [(n, cid) for cid, n in self._pending_resolved.items() if n])
        self._pending_resolved.clear()

    @property
    def head(self) -> chain.Head:
        unit = self.store._unit
        if "chain_head" not in unit:
            unit["chain_head"] = chain.head(self.store)
        return unit["chain_head"]  # type: ignore[no-any-return]

    def refresh_targets(self) -> None:
        """An SLA policy changed in this unit: later appends count under the new book."""
        self.book = policy_book(self.store)

    def new_ticket_id(self) -> int:
        return int(self._conn.execute("SELECT coalesce(max(id), 0) + 1 FROM tickets").fetchone()[0])

    def open_ticket(self, ticket_id: int, ref: str, created: Event) -> TicketState:
        """Insert the ticket row and its ``created`` event (which records the reference too)."""
        created.data["ref"] = ref
        state = TicketState(ticket_id)
        apply(state, created, self.book)
        if self._pending_events is None:
            self._conn.execute(_INSERT_TICKET, (ticket_id, ref, *state_values(state)))
            self.store._engine.index_new_tickets(self._conn, [(ticket_id, state.subject)])
        elif self._ref_taken(ref):  # refused now, as the insert would be: at flush no row could be named
            raise self.store._engine.database_error(f"UNIQUE constraint failed: tickets.ref ({ref})")
        else:
            self._pending_new[ticket_id] = (ref, state)  # its row once, with the chunk's last state
        self.record(state, created)
        return state

    def _ref_taken(self, ref: str) -> bool:
        return self._conn.execute("SELECT 1 FROM tickets WHERE ref = ?", (ref,)).fetchone() is not None

    def record(self, state: TicketState, event: Event) -> int:
        """Append ``event`` to the chain and advance the ticket row; returns the event's seq.

        ``state`` is the ticket's state before the event (as loaded), or, for a ``created`` event,
        the state it already produced.
        """
        if self._pending_events is not None and state.ticket_id not in self._pending_states \
                and state.ticket_id not in self._pending_new:
            self._pending_states[state.ticket_id] = (state, state_values(state))
        seq = self._append(event)
        event.seq = seq
        was_done = state.is_done
        if event.kind == EventKind.REVERT:  # a correction: the ticket is what its standing events make it
            _replace(state, fold(state.ticket_id, load_events(self.store, state.ticket_id), self.book))
        elif event.kind != EventKind.CREATED:
            apply(state, event, self.book)
        state.last_seq = seq
        if self._pending_events is None:
            self._conn.execute(_UPDATE_STATE, (*state_values(state), state.ticket_id))
        if was_done != state.is_done and self._pending_events is not None:
            delta = self._pending_resolved
            delta[state.customer_id] = delta.get(state.customer_id, 0) + (1 if state.is_done else -1)
        elif was_done != state.is_done:
            self._conn.execute(
                "UPDATE customers SET resolved_tickets = resolved_tickets + ? WHERE id = ?",
                (1 if state.is_done else -1, state.customer_id),
            )
        return seq

    def append(self, event: Event) -> int:
        """Append an event that changes no ticket row (the floor's records, bookkeeping); its seq."""
        event.seq = self._append(event)
        return event.seq

    def _append(self, event: Event) -> int:
        head = self.head
        seq = head.seq + 1
        data = chain.canonical_data(event.data)
        digest = chain.link(
            head.hash, chain.canonical_event(seq, event.ticket_id, event.kind, event.at, event.actor, data)
        )
        row = (seq, event.ticket_id, event.kind, event.at, event.actor, data, digest)
        if self._pending_events is None:
            self._conn.execute(_INSERT_EVENT, row)
        else:
            self._pending_events.append(row)
        self.store._unit["chain_head"] = chain.Head(seq, digest)
        # A floor's record (a queue, an agent…) is shown beside any ticket: it touches what it cannot name.
        self.store._note_tickets(None if event.ticket_id is None else (event.ticket_id,))
        return seq


def _replace(state: TicketState, new: TicketState) -> None:
    """Give the caller's state object the values of ``new`` (callers keep the object they loaded)."""
    for name in TicketState.__slots__:
        setattr(state, name, getattr(new, name))


RETIME_BATCH = 5_000


def retime_sla(store: Store, queue_ids: Sequence[int] | None, book: PolicyBook,
               progress: Callable[[int, int], None] | None = None) -> int:
    """After a policy edit: re-time the live clocks of the open tickets in ``queue_ids`` (None: every
    queue) under ``book``, as a rebuild lays them (every open ticket has a live resolution clock).
    Read by key in batches, each written before the next is read. Returns how many tickets moved."""
    conn = store._conn
    store._note_tickets(None)  # clocks move without a ticket event: other consoles re-read what they show
    where, params = f"status IN {OPEN_SQL}", cast(tuple[object, ...], ())
    if queue_ids is not None:
        if not queue_ids:
            return 0
        where += f" AND queue_id IN ({', '.join('?' * len(queue_ids))})"
        params = tuple(queue_ids)
    total = int(conn.execute(f"SELECT count(*) FROM tickets WHERE {where}", params).fetchone()[0])
    update = f"UPDATE tickets SET {', '.join(c + ' = ?' for c in SLA_COLUMNS)} WHERE id = ?"
    moved = seen = last = 0
    while batch := conn.execute(f"SELECT id, sla_clocks FROM tickets WHERE {where} AND id > ? ORDER BY id "
                                f"LIMIT {RETIME_BATCH}", (*params, last)).fetchall():
        rows = []
        for ticket_id, text in batch:
            clocks = SlaClocks.from_json(str(text))
            if clocks.catch_up(book):
                rows.append((*sla_values(clocks), ticket_id))
        if rows:
            conn.executemany(update, rows)
        moved += len(rows)
        seen += len(batch)
        last = int(batch[-1][0])
        if progress is not None:
            progress(seen, total)
    return moved
