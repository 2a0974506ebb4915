"""The floor's records as rows: each registry event appended and applied to its table in one step.

Queues, agents, customers, policies, checklists, console PINs and Zendesk links are derived from their
events (``domain/registry.py`` folds them), as ticket rows are from theirs: a writer here appends the
event through the unit's ``Ledger`` and writes the row the fold gives, in the same transaction.
``rebuild`` and ``audit verify`` fold the same events again (``registry_rows``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from csconsole.domain import clock
from csconsole.domain.registry import (
    ENTITY_OF,
    ChecklistRecord,
    CustomerRecord,
    Entity,
    PinRecord,
    PolicyRecord,
    QueueRecord,
    Record,
    ZendeskRecord,
    advance,
    entity_key,
    fold_zendesk,
)
from csconsole.domain.registry_events import (
    make_agent_added,
    make_agent_changed,
    make_checklist_saved,
    make_customer_added,
    make_customer_changed,
    make_pin_cleared,
    make_pin_set,
    make_policy_added,
    make_policy_changed,
    make_queue_added,
    make_queue_renamed,
    make_sla_policy_set,
    make_zendesk_synced,
)
from csconsole.domain.rules import Agent
from csconsole.domain.sla_policy import SlaPolicy
from csconsole.domain.ticket import Event
from csconsole.domain.words import IMPORT_MARK, Priority, Role

if TYPE_CHECKING:
    from csconsole.store.store import Store


class Appender(Protocol):
    """What appends an event in the unit of work: a ``Ledger``, or the demo's bulk loader."""

    store: Store

    def append(self, event: Event) -> int: ...

    def refresh_targets(self) -> None: ...


Ledger = Appender  # the writers below take the unit's Ledger

PRIORITIES = tuple(p.value for p in Priority)  # a queue's columns sla_<priority>


def checklist_text(definition: Mapping[str, Any]) -> str:
    return json.dumps(definition, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class RowShape:
    """How one kind of record lies in its table."""

    table: str
    key: str
    columns: tuple[str, ...]  # the key first
    row: Callable[[Any], tuple[object, ...]]
    record: Callable[[tuple[Any, ...]], Any]


def _queue_row(q: QueueRecord) -> tuple[object, ...]:
    return (q.id, q.name, *(q.targets.get(p) for p in PRIORITIES))


def _queue(row: tuple[Any, ...]) -> QueueRecord:
    return QueueRecord(row[0], row[1], {p: m for p, m in zip(PRIORITIES, row[2:], strict=True) if m is not None})


SHAPES: Mapping[Entity, RowShape] = {
    Entity.QUEUE: RowShape("queues", "id", ("id", "name", *(f"sla_{p}" for p in PRIORITIES)), _queue_row, _queue),
    Entity.AGENT: RowShape(
        "agents", "id", ("id", "name", "role", "queue_id", "active"),
        lambda a: (a.id, a.name, a.role.value, a.queue_id, int(a.active)),
        lambda r: Agent(r[0], r[1], Role(r[2]), r[3], bool(r[4]))),
    Entity.CUSTOMER: RowShape(
        "customers", "id", ("id", "name", "since"),
        lambda c: (c.id, c.name, c.since), lambda r: CustomerRecord(*r)),
    Entity.POLICY: RowShape(
        "policies", "id", ("id", "name", "description", "owner", "active", "created_at"),
        lambda p: (p.id, p.name, p.description, p.owner, int(p.active), p.created_at),
        lambda r: PolicyRecord(r[0], r[1], r[2], r[3], bool(r[4]), r[5])),
    Entity.CHECKLIST: RowShape(
        "checklists", "id", ("id", "name", "data", "created_at"),
        lambda c: (c.id, c.name, checklist_text(c.definition), c.created_at),
        lambda r: ChecklistRecord(r[0], r[1], json.loads(r[2]), r[3])),
}
ZENDESK = RowShape(
    "zendesk_tickets", "ticket_id",
    ("ticket_id", "zendesk_id", "last_audit_id", "assignee_stations", "group_stations", "reopens", "replies",
     "imported_at"),
    lambda z: (z.ticket_id, z.zendesk_id, z.last_audit_id, z.assignee_stations, z.group_stations, z.reopens,
               z.replies, z.imported_at),
    lambda r: ZendeskRecord(*r))
PINS_TABLE = "agent_pins"
# What a store rebuilt from an audit pack holds for a PIN (the pack never carries the hashes): not an
# Argon2 string, so it opens nothing, and it names the commitment its events recorded.
WITHHELD_PREFIX = "withheld:"


def load(store: Store, entity: Entity, key: int) -> Record | None:
    if entity is Entity.PIN:
        row = store._conn.execute("SELECT agent_id, hash, set_at FROM agent_pins WHERE agent_id = ?", (key,)).fetchone()
        return None if row is None else PinRecord(row[0], pin_commitment_of(row[1]), row[2])
    shape = SHAPES[entity]
    row = store._conn.execute(
        f"SELECT {', '.join(shape.columns)} FROM {shape.table} WHERE {shape.key} = ?", (key,)
    ).fetchone()
    return None if row is None else shape.record(tuple(row))


def pin_commitment_of(stored: str) -> str:
    from csconsole.domain.registry_events import pin_commitment

    return stored[len(WITHHELD_PREFIX):] if stored.startswith(WITHHELD_PREFIX) else pin_commitment(stored)


def _write(store: Store, entity: Entity, old: Record | None, new: Record | None) -> None:
    conn = store._conn
    shape = SHAPES[entity]
    if new is None:
        if old is not None:
            conn.execute(f"DELETE FROM {shape.table} WHERE {shape.key} = ?", (old.id,))  # type: ignore[union-attr]
        return
    values = shape.row(new)
    if old is None:
        marks = ", ".join("?" * len(values))
        conn.execute(f"INSERT INTO {shape.table} ({', '.join(shape.columns)}) VALUES ({marks})", values)
    else:
        sets = ", ".join(f"{c} = ?" for c in shape.columns[1:])
        conn.execute(f"UPDATE {shape.table} SET {sets} WHERE {shape.key} = ?", (*values[1:], values[0]))


def record(ledger: Ledger, event: Event, batch: str | None = None) -> Record | None:
    """Append a registry event and apply it to its table; returns the record as it now stands."""
    if batch:
        event.data[IMPORT_MARK] = batch
    entity, key = entity_key(event)
    old = load(ledger.store, entity, key)
    new = advance(old, event)  # refuses before anything is written
    ledger.append(event)
    _write(ledger.store, entity, old, new)
    if entity is Entity.QUEUE:
        ledger.refresh_targets()
    return new


def add_many(ledger: Ledger, events: Sequence[Event], batch: str | None = None) -> None:
    """Many new records of one kind at once (the demo's customers): their events, then their rows."""
    if not events:
        return
    entity = ENTITY_OF[events[0].kind]
    shape = SHAPES[entity]
    rows = []
    for event in events:
        if batch:
            event.data[IMPORT_MARK] = batch
        rows.append(shape.row(advance(None, event)))
        ledger.append(event)
    store = ledger.store
    store._engine.fill(store._conn, shape.table, shape.columns, rows)  # COPY on a server


def next_id(store: Store, entity: Entity) -> int:
    shape = SHAPES[entity]
    return int(store._conn.execute(f"SELECT coalesce(max({shape.key}), 0) + 1 FROM {shape.table}").fetchone()[0])


def _now(at: str | None) -> str:
    return at or clock.now_text()


# --- the writers: one per kind of change -----------------------------------------------------------------

def add_queue(ledger: Ledger, name: str, *, at: str | None = None, actor: int | None = None,
              batch: str | None = None) -> QueueRecord:
    event = make_queue_added(next_id(ledger.store, Entity.QUEUE), name.strip(), _now(at), actor)
    return record(ledger, event, batch)  # type: ignore[return-value]


def rename_queue(ledger: Ledger, queue_id: int, name: str, *, at: str | None = None,
                 actor: int | None = None) -> QueueRecord:
    return record(ledger, make_queue_renamed(queue_id, name, _now(at), actor))  # type: ignore[return-value]


def set_sla_policy(ledger: Ledger, queue_id: int | None, policy: SlaPolicy | None, *, at: str | None = None,
                   actor: int | None = None, batch: str | None = None) -> None:
    """A queue's SLA policy (None: back under the store-wide one), or with ``queue_id`` None the store-wide
    policy; later appends of this unit count under it. Nothing but the event: the book is read from them.
    ``batch``: an import's mark, as on the other records an import writes."""
    event = make_sla_policy_set(queue_id, None if policy is None else policy.to_dict(), _now(at), actor)
    if batch:
        event.data[IMPORT_MARK] = batch
    ledger.append(event)
    ledger.refresh_targets()


def add_agent(ledger: Ledger, name: str, role: Role, queue_id: int | None = None, *, at: str | None = None,
              actor: int | None = None, batch: str | None = None) -> Agent:
    event = make_agent_added(next_id(ledger.store, Entity.AGENT), name.strip(), role, queue_id, _now(at), actor)
    return record(ledger, event, batch)  # type: ignore[return-value]


def change_agent(ledger: Ledger, agent: Agent, *, at: str | None = None, actor: int | None = None,
                 batch: str | None = None, **changes: Any) -> Agent:
    """Only what differs from ``agent`` is recorded; nothing differs, nothing is recorded."""
    now = {"name": agent.name, "role": agent.role, "queue": agent.queue_id, "active": agent.active}
    differ = {k: v for k, v in changes.items() if now[k] != v}
    if not differ:
        return agent
    return record(ledger, make_agent_changed(agent.id, differ, _now(at), actor), batch)  # type: ignore[return-value]


def add_customer(ledger: Ledger, name: str, since: str, *, at: str | None = None, actor: int | None = None,
                 batch: str | None = None) -> CustomerRecord:
    event = make_customer_added(next_id(ledger.store, Entity.CUSTOMER), name.strip(), since, _now(at), actor)
    return record(ledger, event, batch)  # type: ignore[return-value]


def change_customer(ledger: Ledger, customer_id: int, changes: Mapping[str, str], *, at: str | None = None,
                    actor: int | None = None) -> CustomerRecord:
    return record(ledger, make_customer_changed(customer_id, changes, _now(at), actor))  # type: ignore[return-value]


def add_policy(ledger: Ledger, name: str, description: str, owner: str, *, at: str | None = None,
               actor: int | None = None, batch: str | None = None) -> PolicyRecord:
    event = make_policy_added(next_id(ledger.store, Entity.POLICY), name, description, owner, _now(at), actor)
    return record(ledger, event, batch)  # type: ignore[return-value]


def change_policy(ledger: Ledger, policy_id: int, changes: Mapping[str, Any], *, at: str | None = None,
                  actor: int | None = None) -> PolicyRecord:
    return record(ledger, make_policy_changed(policy_id, changes, _now(at), actor))  # type: ignore[return-value]


def save_checklist(ledger: Ledger, name: str, definition: Mapping[str, Any], *, at: str | None = None,
                   actor: int | None = None) -> ChecklistRecord:
    """Add a checklist, or change the one of that name (it keeps its id and when it was first saved)."""
    row = ledger.store._conn.execute("SELECT id FROM checklists WHERE name = ?", (name,)).fetchone()
    checklist_id = int(row[0]) if row else next_id(ledger.store, Entity.CHECKLIST)
    return record(ledger, make_checklist_saved(checklist_id, name, definition, _now(at), actor))  # type: ignore[return-value]


def set_pin(ledger: Ledger, agent_id: int, stored_hash: str, *, at: str | None = None,
            actor: int | None = None) -> None:
    """The event records the hash's commitment; the row keeps the hash itself, which no event carries."""
    event = make_pin_set(agent_id, stored_hash, _now(at), actor)
    ledger.append(event)
    ledger.store._conn.execute(
        "INSERT INTO agent_pins (agent_id, hash, set_at) VALUES (?, ?, ?) "
        "ON CONFLICT (agent_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
        (agent_id, stored_hash, event.at),
    )


def clear_pin(ledger: Ledger, agent_id: int, *, at: str | None = None, actor: int | None = None) -> None:
    ledger.append(make_pin_cleared(agent_id, _now(at), actor))
    ledger.store._conn.execute("DELETE FROM agent_pins WHERE agent_id = ?", (agent_id,))


def sync_zendesk(ledger: Ledger, ticket_id: int, zendesk_id: int, last_audit_id: int,
                 metrics: Mapping[str, int | None], *, at: str, batch: str) -> ZendeskRecord:
    """What one import found of a ticket in Zendesk, as an event on the ticket and its row."""
    event = make_zendesk_synced(ticket_id, zendesk_id, last_audit_id, metrics, at, batch)
    old = zendesk_record(ledger.store, ticket_id)
    new = fold_zendesk(old, event)
    if old is not None and replace(new, imported_at=old.imported_at) == old:
        return old  # a later export that found nothing new: nothing to record
    ledger.append(event)
    conn = ledger.store._conn
    values = ZENDESK.row(new)
    if old is None:
        conn.execute(f"INSERT INTO zendesk_tickets ({', '.join(ZENDESK.columns)}) VALUES "
                     f"({', '.join('?' * len(values))})", values)
    else:
        sets = ", ".join(f"{c} = ?" for c in ZENDESK.columns[1:])
        conn.execute(f"UPDATE zendesk_tickets SET {sets} WHERE ticket_id = ?", (*values[1:], values[0]))
    return new


def zendesk_record(store: Store, ticket_id: int) -> ZendeskRecord | None:
    row = store._conn.execute(
        f"SELECT {', '.join(ZENDESK.columns)} FROM zendesk_tickets WHERE ticket_id = ?", (ticket_id,)
    ).fetchone()
    return None if row is None else ZendeskRecord(*row)


# --- the whole registry, for rebuild and verify --------------------------------------------------------

def stored_rows(store: Store, entity: Entity) -> Iterator[tuple[Any, ...]]:
    """A table's rows in key order, as ``SHAPES`` reads them (PINs: agent, commitment, set_at)."""
    if entity is Entity.PIN:
        for agent_id, stored, set_at in store._conn.execute(
            "SELECT agent_id, hash, set_at FROM agent_pins ORDER BY agent_id"
        ):
            yield agent_id, pin_commitment_of(stored), set_at
        return
    shape = SHAPES[entity]
    yield from store._conn.execute(f"SELECT {', '.join(shape.columns)} FROM {shape.table} ORDER BY {shape.key}")


def derived_row(entity: Entity, item: Any) -> tuple[object, ...]:
    if entity is Entity.PIN:
        return (item.agent_id, item.commitment, item.set_at)
    return SHAPES[entity].row(item)


def columns(entity: Entity) -> tuple[str, ...]:
    return ("agent_id", "hash", "set_at") if entity is Entity.PIN else SHAPES[entity].columns


def withheld_pins(store: Store) -> int:
    """PINs a store rebuilt from an audit pack knows only by their commitment (they open nothing)."""
    return int(store._conn.execute(
        "SELECT count(*) FROM agent_pins WHERE substr(hash, 1, ?) = ?", (len(WITHHELD_PREFIX), WITHHELD_PREFIX)
    ).fetchone()[0])
