"""Console PIN hashes (Argon2id strings) per supervisor; the hashing itself is the service's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csconsole.domain import clock

if TYPE_CHECKING:
    from csconsole.store.store import Store


def stored_hash(store: Store, agent_id: int) -> str | None:
    row = store._conn.execute("SELECT hash FROM agent_pins WHERE agent_id = ?", (agent_id,)).fetchone()
    return None if row is None else str(row[0])


def save_hash(store: Store, agent_id: int, digest: str) -> None:
    store._conn.execute(
        "INSERT INTO agent_pins (agent_id, hash, set_at) VALUES (?, ?, ?) "
        "ON CONFLICT (agent_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
        (agent_id, digest, clock.now_text()),
    )


def delete_hash(store: Store, agent_id: int) -> None:
    store._conn.execute("DELETE FROM agent_pins WHERE agent_id = ?", (agent_id,))
