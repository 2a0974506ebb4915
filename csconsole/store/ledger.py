"""Appending events and keeping the derived columns of their ticket in the same transaction.

This is the only code that writes to ``events`` and to the derived columns of ``tickets``; both the
one-event path (services) and the import path (``import_session``) go through ``Ledger``; the demo's bulk
loader (``store/bulk.py``) folds and chains the same way in batches.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from csconsole.domain import clock
from csconsole.domain.registry import Registry
from csconsole.domain.sla import AT_RISK_SHARE, SlaHistory, SlaTargets
from csconsole.domain.ticket import Event, TicketState, apply, fold
from csconsole.domain.words import EventKind
from csconsole.store import chain

if TYPE_CHECKING:
    from csconsole.store.store import Store

STATE_COLUMNS = (
    "customer_id", "subject", "channel", "priority", "status", "queue_id", "owner_id", "created_at",
    "first_response_at", "resolved_at", "closed_at", "closed_by", "bounces", "pingpongs", "contacts",
    "sla_since", "sla_due_at", "sla_risk_at", "sla_breaches", "path", "last_seq", "updated_at",
)
_SELECT_STATE = f"SELECT id, {', '.join(STATE_COLUMNS)} FROM tickets"
_UPDATE_STATE = f"UPDATE tickets SET {', '.join(c + ' = ?' for c in STATE_COLUMNS)} WHERE id = ?"
_INSERT_TICKET = f"INSERT INTO tickets (id, ref, {', '.join(STATE_COLUMNS)}) VALUES ({', '.join('?' * (len(STATE_COLUMNS) + 2))})"
_INSERT_EVENT = "INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"


def sla_targets(store: Store) -> SlaTargets:
    per_queue: dict[int, dict[str, int]] = {}
    for qid, urgent, high, normal, low in store._conn.execute(
        "SELECT id, sla_urgent, sla_high, sla_normal, sla_low FROM queues"
    ):
        own = {p: v for p, v in (("urgent", urgent), ("high", high), ("normal", normal), ("low", low)) if v}
        if own:
            per_queue[qid] = own
    return SlaTargets(per_queue)


def state_values(state: TicketState) -> tuple[object, ...]:
    return (
        state.customer_id, state.subject, state.channel, state.priority, state.status, state.queue_id,
        state.owner_id, state.created_at, state.first_response_at, state.resolved_at, state.closed_at,
        state.closed_by, state.bounces, state.pingpongs, state.contacts, state.sla_since, state.sla_due_at,
        state.sla_risk_at, state.sla_breaches, json.dumps(state.path, separators=(",", ":")),
        state.last_seq, state.updated_at,
    )


def state_from_row(row: tuple[Any, ...]) -> TicketState:
    ticket_id, *values = row
    fields = dict(zip(STATE_COLUMNS, values, strict=True))
    fields["path"] = [(q, o) for q, o in json.loads(str(fields["path"]))]
    return TicketState(ticket_id=int(ticket_id), **fields)


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


_QUEUE_KINDS = (EventKind.QUEUE_ADDED.value, EventKind.QUEUE_TARGETS_SET.value)


def load_sla_history(store: Store) -> SlaHistory:
    """The queues' targets along the log, from their events alone (the partial index on their kind)."""
    registry = Registry()
    for seq, kind, at, actor, data in store._conn.execute(
        "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id IS NULL AND kind IN (?, ?) ORDER BY seq",
        _QUEUE_KINDS,
    ):
        registry.apply(Event(None, kind, at, actor, json.loads(data), seq))
    return registry.sla_history()


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
        self.targets = sla_targets(store)
        self._history: SlaHistory | None = None
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
            sets = ", ".join(f"{STATE_COLUMNS[i]} = ?" for i in moved)
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
        """A queue's targets changed in this unit: later appends count under the new ones."""
        self.targets = sla_targets(self.store)
        self._history = None

    @property
    def sla_history(self) -> SlaHistory:
        """The targets in force along the log, for a refold to count each event as it was counted live."""
        if self._history is None:
            self._history = load_sla_history(self.store)
        return self._history

    def new_ticket_id(self) -> int:
        return int(self._conn.execute("SELECT coalesce(max(id), 0) + 1 FROM tickets").fetchone()[0])

    def open_ticket(self, ticket_id: int, ref: str, created: Event) -> TicketState:
        """Insert the ticket row and its ``created`` event (which records the reference too)."""
        created.data["ref"] = ref
        state = TicketState(ticket_id)
        apply(state, created, self.targets)
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
            _replace(state, fold(state.ticket_id, load_events(self.store, state.ticket_id), self.sla_history))
        elif event.kind != EventKind.CREATED:
            apply(state, event, self.targets)
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


def retime_sla(store: Store, queue_id: int) -> int:
    """After a queue's targets changed: recompute the running response clocks of its tickets."""
    conn = store._conn
    store._note_tickets(None)  # clocks move without an event: other consoles re-read what they show
    targets = sla_targets(store)
    moved = 0
    for row in conn.execute(f"{_SELECT_STATE} WHERE queue_id = ? AND sla_since IS NOT NULL", (queue_id,)).fetchall():
        state = state_from_row(row)
        minutes = targets.minutes(state.queue_id, state.priority)
        due, risk = clock.add_minutes_pair(state.sla_since or "", minutes, minutes * (1 - AT_RISK_SHARE))
        if (due, risk) != (state.sla_due_at, state.sla_risk_at):
            conn.execute("UPDATE tickets SET sla_due_at = ?, sla_risk_at = ? WHERE id = ?", (due, risk, state.ticket_id))
            moved += 1
    return moved
