"""Trust: verify the audit chain, tell its head, rebuild derived columns from the events."""

from __future__ import annotations

from csconsole.store import chain, ledger
from csconsole.store import recovery as recovery_store
from csconsole.store.store import Store

Verdict = chain.Verdict
Head = chain.Head


def verify(store: Store, expected_head: str | None = None) -> chain.Verdict:
    with store.read() as conn:
        return chain.verify(conn, expected_head)


def head(store: Store) -> chain.Head:
    return chain.head(store.conn)


def rebuild(store: Store) -> int:
    """Recompute every derived column from the events; returns how many tickets had drifted."""
    with store.write() as conn:
        return ledger.rebuild(conn) + recovery_store.rebuild(conn)


def quick_check(store: Store) -> list[str]:
    return store.quick_check()
