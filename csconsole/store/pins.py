"""Console PIN hashes (Argon2id strings) per supervisor; the hashing itself is the service's, the writes
``registry.set_pin`` / ``clear_pin`` (events carrying the hash's commitment, never the hash)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csconsole.store.store import Store


def stored_hash(store: Store, agent_id: int) -> str | None:
    row = store._conn.execute("SELECT hash FROM agent_pins WHERE agent_id = ?", (agent_id,)).fetchone()
    return None if row is None else str(row[0])


def agents_with_pins(store: Store) -> list[int]:
    """The ids of everyone who has a console PIN."""
    return [int(agent_id) for (agent_id,) in store._conn.execute("SELECT agent_id FROM agent_pins ORDER BY agent_id")]
