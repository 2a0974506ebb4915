"""Console PIN hashes (Argon2id strings) per supervisor; the hashing itself is the service's."""

from __future__ import annotations

import sqlite3

from csconsole.domain import clock


def stored_hash(conn: sqlite3.Connection, agent_id: int) -> str | None:
    row = conn.execute("SELECT hash FROM agent_pins WHERE agent_id = ?", (agent_id,)).fetchone()
    return None if row is None else str(row[0])


def save_hash(conn: sqlite3.Connection, agent_id: int, digest: str) -> None:
    conn.execute(
        "INSERT INTO agent_pins (agent_id, hash, set_at) VALUES (?, ?, ?) "
        "ON CONFLICT (agent_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
        (agent_id, digest, clock.now_text()),
    )


def delete_hash(conn: sqlite3.Connection, agent_id: int) -> None:
    conn.execute("DELETE FROM agent_pins WHERE agent_id = ?", (agent_id,))
