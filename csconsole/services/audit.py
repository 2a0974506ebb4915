"""Trust: verify the store against its events, tell the chain's head, rebuild the derived tables."""

from __future__ import annotations

from collections.abc import Callable

from csconsole.store import chain
from csconsole.store import rebuild as rebuilding
from csconsole.store import verify as verifying
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store

Verdict = verifying.Verdict
Head = chain.Head
Rebuilt = rebuilding.Rebuilt
Progress = Callable[[int, int], None]


def verify(store: Store, expected_head: str | None = None, *, chain_only: bool = False,
           progress: Progress | None = None) -> Verdict:
    """The chain, forged appends, every derived table and the schema (``chain_only``: the chain alone)."""
    return verifying.verify(store, expected_head, chain_only=chain_only, progress=progress)


def head(store: Store) -> Head:
    with store.read():
        return chain.head(store)


@unit_of_work
def rebuild(store: Store) -> Rebuilt:
    """Make every derived table again from the events, in one transaction; says how many rows had drifted
    and what the events cannot give back."""
    with store.atomic():
        return rebuilding.rebuild(store)


def quick_check(store: Store) -> list[str]:
    return store.quick_check()
