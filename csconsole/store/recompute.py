"""Every derived table recomputed from the events alone, for ``rebuild`` and ``audit verify``.

Two passes, in bounded memory. The floor's records (the events on no ticket, a few per queue, agent and
customer) are folded in seq order into a ``Registry``. Then the tickets, a range of ids at a time: each
ticket's events (the index on (ticket_id, seq) serves them), folded under the SLA policies in force along
the log, give its row, its recovery cases, its evaluations and its Zendesk link; the stored rows of the
same range are read beside them, so a million tickets are never held at once. Both engines run the same
plain queries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from csconsole.domain.recovery import CaseBook
from csconsole.domain.registry import Entity, FoldError, Registry, ZendeskRecord, fold_zendesk
from csconsole.domain.ticket import Event, TicketState, Witness, fold, unreadable
from csconsole.domain.words import BACKFILL_MARK, IMPORT_MARK, EventKind
from csconsole.store import registry as rows
from csconsole.store.ledger import ROW_COLUMNS, state_values
from csconsole.store.recovery_cases import CASE_COLUMNS, EVALUATION_COLUMNS, case_values, evaluation_values

if TYPE_CHECKING:
    from csconsole.store.store import Store

RANGE = 5_000  # ticket ids per range
# Kinds whose data no fold and no check reads: parsed only when the text carries a mark.
_UNREAD = frozenset({EventKind.CONTACT.value, EventKind.REPLY.value, EventKind.NOTE.value})
_MARKS = (f'"{IMPORT_MARK}":', f'"{BACKFILL_MARK}":')
Row = tuple[Any, ...]


_IMPORTED, _BACKFILLED = _MARKS
_SHARED = 20_000  # distinct data texts kept parsed per range
# The kinds that make rows beside the ticket's own: recovery cases, evaluations, Zendesk links.
_BESIDE = frozenset({EventKind.RECOVERY_STEP.value, EventKind.EVALUATION.value, EventKind.ZENDESK_SYNCED.value})


def registry_events(store: Store) -> Iterator[Event]:
    """The events on no ticket, in seq order (the partial index on them)."""
    cursor = store._conn.execute(
        "SELECT seq, kind, at, actor_id, data FROM events WHERE ticket_id IS NULL ORDER BY seq"
    )
    while batch := cursor.fetchmany(RANGE):
        for seq, kind, at, actor, data in batch:
            yield Event(None, kind, at, actor, json.loads(data), seq)


def fold_registry(store: Store, check: Callable[[Event, Registry], str | None] | None = None,
                  read: Callable[[int], None] | None = None) -> tuple[Registry, tuple[Event, str] | None]:
    """The registry the events leave; with ``check``, the first event it finds wrong (and the fold stops).
    ``read`` hears how many events each batch held."""
    registry = Registry()
    count = 0
    for event in registry_events(store):
        if check is not None:
            what = check(event, registry)
            if what is not None:
                return registry, (event, what)
        try:
            registry.apply(event)
        except FoldError as error:
            return registry, (event, str(error))
        count += 1
        if read is not None and count % RANGE == 0:
            read(RANGE)
    if read is not None:
        read(count % RANGE)
    return registry, None


def ticket_ranges(store: Store) -> Iterator[tuple[int, int]]:
    """[low, high) ranges of ticket ids covering every ticket row and every event's ticket."""
    low, high = store._conn.execute(
        "SELECT min(m), max(n) FROM (SELECT min(id) AS m, max(id) AS n FROM tickets "
        "UNION ALL SELECT min(ticket_id), max(ticket_id) FROM events) AS bounds"
    ).fetchone()
    if low is None:
        return
    for start in range(int(low), int(high) + 1, RANGE):
        yield start, start + RANGE


def events_in(store: Store, low: int, high: int) -> Iterator[tuple[int, list[Event]]]:
    """Each ticket's events in the range, in seq order, one ticket at a time.

    The events' data are for reading only: events whose text is the same share one parsed dict (moves,
    statuses and notes repeat a few texts millions of times; parsing each costs more than the fold).
    """
    current: list[Event] = []
    current_id: int | None = None
    loads, unread, imported, backfilled = json.loads, _UNREAD, _IMPORTED, _BACKFILLED  # the hot loop of verify
    parsed_as: dict[str, dict[str, Any]] = {}
    rows = store._conn.execute(  # a range at a time: a few thousand tickets' events, read in one go
        "SELECT ticket_id, seq, kind, at, actor_id, data FROM events WHERE ticket_id >= ? AND ticket_id < ? "
        "ORDER BY ticket_id, seq", (low, high)
    ).fetchall()
    for ticket_id, seq, kind, at, actor, data in rows:
        if ticket_id != current_id:
            if current_id is not None:
                yield current_id, current
            current, current_id = [], ticket_id
        if kind in unread and imported not in data and backfilled not in data:
            parsed: dict[str, Any] = {}
        else:
            cached = parsed_as.get(data)
            if cached is None:
                cached = loads(data)
                if len(parsed_as) < _SHARED:
                    parsed_as[data] = cached
            parsed = cached
        current.append(Event(ticket_id, kind, at, actor, parsed, seq))
    if current_id is not None:
        yield current_id, current


# The per-ticket tables: what each holds, keyed so the stored and the derived rows sort alike.
TICKET_COLUMNS = ("id", "ref", *ROW_COLUMNS)
PER_TICKET: dict[str, tuple[tuple[str, ...], str]] = {  # table → (columns, its key as ORDER BY)
    "tickets": (TICKET_COLUMNS, "id"),
    "recovery_cases": (CASE_COLUMNS, "ticket_id, id"),
    "evaluations": (EVALUATION_COLUMNS, "ticket_id, id"),
    "zendesk_tickets": (rows.ZENDESK.columns, "ticket_id"),
}
_RANGE_COLUMN = {"tickets": "id", "recovery_cases": "ticket_id", "evaluations": "ticket_id",
                 "zendesk_tickets": "ticket_id"}


def row_key(table: str, row: Row) -> tuple[int, ...]:
    if table in ("recovery_cases", "evaluations"):
        return (row[1], row[0])  # (ticket_id, id)
    return (row[0],)


def stored_in(store: Store, table: str, low: int, high: int) -> list[Row]:
    columns, order = PER_TICKET[table]
    column = _RANGE_COLUMN[table]
    return list(store._conn.execute(  # plain tuples on both engines
        f"SELECT {', '.join(columns)} FROM {table} WHERE {column} >= ? AND {column} < ? ORDER BY {order}",
        (low, high),
    ).fetchall())


@dataclass
class Derived:
    """One range's rows as the events make them, per table; the states, for labels and counts."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in PER_TICKET})
    states: dict[int, TicketState] = field(default_factory=dict)
    unreadable: list[tuple[Event, str]] = field(default_factory=list)  # events no fold can take, and why
    kinds: dict[str, int] = field(default_factory=dict)  # the range's events of each kind, in order first seen


def derive(store: Store, low: int, high: int, registry: Registry,
           witness: Callable[[int], Witness | None] | None = None, read: Callable[[int], None] | None = None,
           ) -> Derived:
    """The per-ticket rows of tickets ``low``..``high``-1 from their events; ``witness(ticket_id)`` may
    give each ticket's fold a witness (verify's checks)."""
    history = registry.book()
    derived = Derived()
    tables, kinds = derived.tables, derived.kinds
    events_read = 0
    for ticket_id, events in events_in(store, low, high):
        events_read += len(events)
        for event in events:
            kinds[event.kind] = kinds.get(event.kind, 0) + 1
        try:
            state = fold(ticket_id, events, history, witness(ticket_id) if witness else None)
            book: CaseBook | None = None
            zendesk: ZendeskRecord | None = None
            evaluations: list[Row] = []
            for event in events:
                kind = event.kind
                if kind not in _BESIDE:
                    continue
                if kind == EventKind.RECOVERY_STEP:
                    book = book or CaseBook()
                    book.apply(event)
                elif kind == EventKind.EVALUATION:
                    evaluations.append(evaluation_values(event))
                else:
                    zendesk = fold_zendesk(zendesk, event)
            cases = [case_values(case) for case in book.cases.values()] if book else []
        except (KeyError, TypeError, ValueError, AttributeError) as error:  # a log written by hand
            derived.unreadable.append(unreadable(ticket_id, events, history) or (
                events[0], f"its ticket's events cannot be read ({type(error).__name__}: {error})"))
            continue
        derived.states[ticket_id] = state
        if events[0].kind == EventKind.CREATED:
            tables["tickets"].append((ticket_id, state.ref, *state_values(state)))
        tables["evaluations"].extend(evaluations)
        tables["recovery_cases"].extend(cases)
        if zendesk is not None:
            tables["zendesk_tickets"].append(rows.ZENDESK.row(zendesk))
    tables["recovery_cases"].sort(key=lambda r: (r[1], r[0]))
    tables["evaluations"].sort(key=lambda r: (r[1], r[0]))
    if read is not None:
        read(events_read)
    return derived


def registry_rows(registry: Registry, entity: Entity) -> list[Row]:
    """A registry table's rows as the events make them, in key order."""
    records = registry.records[entity]
    return [rows.derived_row(entity, records[key]) for key in sorted(records)]


def stored_registry(store: Store, entity: Entity) -> list[Row]:
    return [tuple(r) for r in rows.stored_rows(store, entity)]


def stored_resolved(store: Store) -> Iterator[tuple[int, int]]:
    """Each customer's resolved tickets as stored, in id order."""
    cursor = store._conn.execute("SELECT id, resolved_tickets FROM customers ORDER BY id")
    while batch := cursor.fetchmany(RANGE):
        for customer_id, resolved in batch:
            yield int(customer_id), int(resolved)
