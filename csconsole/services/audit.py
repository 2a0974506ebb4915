"""Trust: verify the audit chain, tell its head, rebuild derived columns from the events."""

from __future__ import annotations

from csconsole.store import chain, ledger, recovery_cases
from csconsole.store.store import Store

Verdict = chain.Verdict
Head = chain.Head


def verify(store: Store, expected_head: str | None = None) -> chain.Verdict:
    with store.read():
        return chain.verify(store, expected_head)


def head(store: Store) -> chain.Head:
    return chain.head(store)


def rebuild(store: Store) -> int:
    """Recompute every derived column from the events; returns how many tickets had drifted."""
    with store.atomic():
        return ledger.rebuild(store) + recovery_cases.rebuild(store)


def quick_check(store: Store) -> list[str]:
    return store.quick_check()
