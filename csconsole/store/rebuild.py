"""``rebuild``: every derived table made again from the events alone, row by row where it drifted.

The same recomputation as ``audit verify`` (``recompute``), and the same comparison (``differences``):
each row that differs is written as the events make it, a missing one inserted, one no event made
removed. Records come first (tickets refer to them), then the tickets a range at a time, then the
customers' resolved counts; removals last, tickets before the records they refer to. A PIN hash is
the one thing events cannot give back (they carry its commitment, never the hash): a replaced or
deleted one is reported, to be set again, and a PIN no event set is removed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from csconsole.domain.registry import Entity
from csconsole.store import recompute, registry, tallies
from csconsole.store.differences import Difference, Labels, describe, differences
from csconsole.store.errors import StoreError

if TYPE_CHECKING:
    from csconsole.store.store import Store

_KEY = {"tickets": "id", "recovery_cases": "id", "evaluations": "id", "zendesk_tickets": "ticket_id",
        "agent_pins": "agent_id"}
_RECORDS = (Entity.QUEUE, Entity.AGENT, Entity.CUSTOMER, Entity.POLICY, Entity.CHECKLIST)
_TEMPORARY_REF = "rebuilding:"  # refs and names are unique: a swapped pair moves out of the way first


@dataclass
class Rebuilt:
    corrected: int = 0  # rows written, inserted or removed
    cannot: list[str] = field(default_factory=list)  # what the events cannot give back, one line each


def rebuild(store: Store) -> Rebuilt:
    """Inside the caller's unit of work."""
    store._note_tickets(None)  # any ticket may change: other consoles re-read what they show
    found, wrong = recompute.fold_registry(store)
    if wrong is not None:
        event, what = wrong
        raise StoreError(f"event {event.seq} ({event.kind}): {what}; the events cannot be rebuilt from")
    done = Rebuilt()
    later: list[Difference] = []
    for entity in _RECORDS:
        table = registry.SHAPES[entity].table
        drifted = list(differences(table, registry.columns(entity), recompute.stored_registry(store, entity),
                                   recompute.registry_rows(found, entity), lambda r: (r[0],)))
        # Names are unique: rows whose names were swapped move out of each other's way first.
        renamed = [d.stored[0] for d in drifted if d.stored is not None and d.derived is not None
                   and d.stored[1] != d.derived[1]]
        store._conn.executemany(f"UPDATE {table} SET name = ? WHERE id = ?",
                                [(f"{_TEMPORARY_REF}{key}", key) for key in renamed])
        for diff in drifted:
            if diff.derived is None:
                later.append(diff)
            else:
                _write(store, diff, "id")
                done.corrected += 1
    resolved: dict[int, int] = {}
    refs: list[tuple[int, str]] = []
    gone: list[Difference] = []
    for low, high in recompute.ticket_ranges(store):
        derived = recompute.derive(store, low, high, found)
        if derived.unreadable:
            event, what = derived.unreadable[0]
            raise StoreError(f"event {event.seq} ({event.kind} on ticket {event.ticket_id}): {what}; "
                             "the events cannot be rebuilt from")
        for row in derived.tables["tickets"]:
            state = derived.states[row[0]]
            if state.is_done:
                resolved[state.customer_id] = resolved.get(state.customer_id, 0) + 1
        for table, (columns, _) in recompute.PER_TICKET.items():
            for diff in differences(table, columns, recompute.stored_in(store, table, low, high),
                                    derived.tables[table], functools.partial(recompute.row_key, table)):
                done.corrected += 1
                if table == "tickets" and diff.derived is None:
                    gone.append(diff)
                elif table == "tickets" and (diff.stored is None or diff.stored[1] != diff.derived[1]):  # type: ignore[index]
                    assert diff.derived is not None
                    refs.append((diff.derived[0], diff.derived[1]))
                    _write(store, Difference(table, columns, diff.stored,
                                             (diff.derived[0], f"{_TEMPORARY_REF}{diff.derived[0]}", *diff.derived[2:])),
                           "id")
                else:
                    _write(store, diff, _KEY[table])
    conn = store._conn
    conn.executemany("UPDATE tickets SET ref = ? WHERE id = ?", [(f"{_TEMPORARY_REF}{i}", i) for i, _ in refs])
    conn.executemany("UPDATE tickets SET ref = ? WHERE id = ?", [(ref, i) for i, ref in refs])
    done.corrected += _resolved(store, resolved)
    for diff in gone:
        _write(store, diff, "id")
    for diff in reversed(later):
        _write(store, diff, "id")
        done.corrected += 1
    _pins(store, found, done)
    done.corrected += tallies.refill(store)  # the dashboard's tallies, as the ticket rows now are
    store._engine.refill_search(store._conn)  # the search box's index, as the rows now are
    return done


def _resolved(store: Store, counts: dict[int, int]) -> int:
    wrong = [(counts.get(cid, 0), cid) for cid, stored in store._conn.execute(
        "SELECT id, resolved_tickets FROM customers ORDER BY id") if stored != counts.get(cid, 0)]
    store._conn.executemany("UPDATE customers SET resolved_tickets = ? WHERE id = ?", wrong)
    return len(wrong)


def _pins(store: Store, found: Any, done: Rebuilt) -> None:
    labels = Labels(found)
    for diff in differences(registry.PINS_TABLE, registry.columns(Entity.PIN),
                            recompute.stored_registry(store, Entity.PIN), recompute.registry_rows(found, Entity.PIN),
                            lambda r: (r[0],)):
        if diff.derived is None:
            _write(store, diff, "agent_id")
            done.corrected += 1
        elif diff.stored is not None and diff.column == "set_at":
            store._conn.execute("UPDATE agent_pins SET set_at = ? WHERE agent_id = ?", (diff.derived[2], diff.derived[0]))
            done.corrected += 1
        else:
            done.cannot.append(f"{describe(diff, labels)}; the events cannot give a hash back: clear the PIN and "
                               "set it again")


def _write(store: Store, diff: Difference, key: str) -> None:
    conn, table, columns = store._conn, diff.table, diff.columns
    if diff.derived is None:
        assert diff.stored is not None
        conn.execute(f"DELETE FROM {table} WHERE {key} = ?", (diff.stored[columns.index(key)],))
    elif diff.stored is None:
        conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     diff.derived)
    else:
        sets = ", ".join(f"{c} = ?" for c in columns if c != key)
        values = [v for c, v in zip(columns, diff.derived, strict=True) if c != key]
        conn.execute(f"UPDATE {table} SET {sets} WHERE {key} = ?", (*values, diff.derived[columns.index(key)]))
