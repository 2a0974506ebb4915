"""One total order for the hash chain on PostgreSQL.

SQLite's ``BEGIN IMMEDIATE`` lets one writer in at a time, so the head an append reads is the head it
extends. PostgreSQL lets writers in together: two desks could read the same head and both append its
successor, which forks the chain (the primary key on ``seq`` turns the fork into an error for the
second desk, after its work is done). So an append first takes a transaction-scoped advisory lock:
appenders queue on it, and each, in READ COMMITTED, reads the head the one before it committed. COMMIT
or ROLLBACK releases it; a lost connection too. Readers never wait for it.

Take it as the first statement of every write transaction (``begin_write``), as BEGIN IMMEDIATE is:
then every read a write depends on (the ticket's state, ``max(id) + 1`` for a new ticket) sees the
latest commit too, not only the chain's head.
"""

from __future__ import annotations

from csconsole.store.postgres.connection import Connection

CHAIN_LOCK = 0x6373636F6E63686E  # "csconchn": any fixed key; one chain per database
# The same as one statement (one round trip), for an engine whose write begins with a single text.
BEGIN_WRITE = f"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({CHAIN_LOCK})"


class ChainOrderError(RuntimeError):
    """The chain lock was asked for where it cannot give one order."""


def lock_chain(conn: Connection) -> None:
    """Wait for the chain: after this, the head read is the head this transaction extends."""
    if not conn.in_transaction:
        raise ChainOrderError("the chain lock is held by a transaction: BEGIN first")
    row = conn.execute("SELECT pg_advisory_xact_lock(?) IS NULL, current_setting('transaction_isolation')",
                       (CHAIN_LOCK,)).fetchone()
    # Under REPEATABLE READ the snapshot was taken before the wait: the head read would be stale.
    if row is None or row[1] != "read committed":
        raise ChainOrderError(f"appends need READ COMMITTED, not {row[1] if row else 'no transaction'}")


def begin_write(conn: Connection) -> None:
    """BEGIN a write transaction that holds the chain: PostgreSQL's BEGIN IMMEDIATE."""
    conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
    try:
        lock_chain(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
