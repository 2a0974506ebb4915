"""A store made again from its log alone: the events exactly as an audit pack carried them, then every
derived table rebuilt from them (``rebuild``), so ``audit verify`` of the new store holds with the head
the pack was made at.

The pack never carries PIN hashes (secrets), only the commitments its ``pin_set`` events record: a
restored store keeps each PIN as withheld (``registry.WITHHELD_PREFIX``): not an Argon2 string, so it
opens nothing, and verify counts it apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from csconsole.domain.errors import BadInput
from csconsole.domain.registry import Entity
from csconsole.store import chain, recompute, registry
from csconsole.store.errors import StoreError
from csconsole.store.rebuild import Rebuilt, rebuild

if TYPE_CHECKING:
    from csconsole.store.store import Store

COLUMNS = ("seq", "ticket_id", "kind", "at", "actor_id", "data", "hash")
_TYPES = {"seq": (int,), "ticket_id": (int, type(None)), "kind": (str,), "at": (str,), "actor_id": (int, type(None)),
          "data": (str,), "hash": (str,)}
BATCH = 10_000


def restore_events(store: Store, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[chain.Head, Rebuilt]:
    """Inside the caller's unit of work, into a store that holds nothing yet. ``rows``: (where, row), where
    names the row in a refusal (``raw/events.jsonl:12``)."""
    conn = store._conn
    if chain.head(store).seq or conn.execute("SELECT count(*) FROM tickets").fetchone()[0]:
        raise StoreError(f"{store.location} is not empty; a store is rebuilt from a pack into a new one")
    store._engine.defer_references(conn)
    batch: list[tuple[object, ...]] = []
    expected = 1
    for where, row in rows:
        if set(row) != set(COLUMNS):
            raise BadInput(f"{where}: an event has the fields {', '.join(COLUMNS)}")
        wrong = next((c for c in COLUMNS if not isinstance(row[c], _TYPES[c]) or isinstance(row[c], bool)), None)
        if wrong is not None:
            raise BadInput(f"{where}: {wrong} is not {'a number' if _TYPES[wrong][0] is int else 'text'}")
        if row["seq"] != expected:
            raise BadInput(f"{where}: event {row['seq']} where event {expected} was expected (the log is in order)")
        expected += 1
        batch.append(tuple(row[c] for c in COLUMNS))
        if len(batch) >= BATCH:
            conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 7)})", batch)
            batch.clear()
    if batch:
        conn.executemany(f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * 7)})", batch)
    found, _ = recompute.fold_registry(store)
    conn.executemany(
        "INSERT INTO agent_pins (agent_id, hash, set_at) VALUES (?, ?, ?)",
        [(p.agent_id, f"{registry.WITHHELD_PREFIX}{p.commitment}", p.set_at)
         for p in found.records[Entity.PIN].values()],
    )
    return chain.head(store), rebuild(store)
