"""A unit of work that collided with another desk's is run again, whole, a bounded number of times.

Many desks append at once. On SQLite a write waits for the write lock in ``BEGIN IMMEDIATE`` up to the
busy timeout, and only a lock held longer than that surfaces; on PostgreSQL the server may end a
transaction to break a deadlock or a serialization conflict, or be restarting. None of these wrote
anything (``StoreError.retry`` says which kind it was), so the same use case is run again from the start:
it reads the ticket afresh and checks its rules on the new state (the other desk may have taken the
ticket meanwhile, and then the rules refuse it plainly). Never a statement alone, never inside another
unit: only the outermost unit re-runs, so a use case calling another is re-run as one.

Every service use case is marked ``@unit_of_work``; the console and the command line see either the
result or, when the bound is spent, one plain line saying nothing was written.

A read is retried by the same rule (``run_read``): a read that met a server restarting (or a lock past
the busy timeout) is run again whole, opening of its store included, within the same ``BACKOFF``; past
it, or at once for a read that must not wait (the GUI thread's: a window must not freeze), it fails with
one plain StoreError whose ``retry`` says why (``server_away``), never the driver's own error.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from csconsole.store.errors import Retry, StoreError

if TYPE_CHECKING:
    from csconsole.store.store import Store, Where

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Backoff:
    """How often and how long to try again: ``attempts`` runs at most, each after a jittered wait that
    doubles from ``first`` up to ``longest`` (seconds); no new run starts ``budget`` seconds after the first
    began (an SQLite attempt may itself have waited out the whole busy timeout)."""

    attempts: int
    first: float
    longest: float
    budget: float

    def wait(self, failures: int, rng: random.Random) -> float:
        ceiling = min(self.longest, self.first * 2.0 ** (failures - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)  # half fixed, half random: desks spread apart


# A collision clears in milliseconds (another desk's transaction ends): a few quick tries. A server
# restart takes seconds (after a crash a durable server replays its WAL first: 5 s on the shared 2-core
# machine for a stop of 5 s, benchmarks/floor.py --outage): wait it out for up to 30 s, asking about once a
# second, so a desk rides through it without a message and carries on within a second of its return.
BACKOFF = {
    Retry.COLLISION: Backoff(attempts=6, first=0.01, longest=0.5, budget=12.0),
    Retry.UNAVAILABLE: Backoff(attempts=60, first=0.1, longest=1.0, budget=30.0),
}
_RNG = random.Random()


def run_unit(store: Store, work: Callable[[], R]) -> R:
    """``work()`` (one use case: its own ``store.atomic()`` inside), run again while it fails with a
    StoreError that says it may (``retry``), within ``BACKOFF``; inside another unit, just ``work()``."""
    if store.in_unit:
        return work()  # the outermost unit re-runs the whole, from its own fresh read
    tries = _Tries()
    while True:
        try:
            return work()
        except StoreError as error:
            if error.retry is None:
                raise
            if not tries.failed(error.retry):
                raise StoreError(_gave_up(store, error, tries.failures, tries.spent)) from None
            store.retries += 1
            tries.wait(error.retry)


class _Tries:
    """One unit's or read's failures so far, against the back-off of their kind (one home for the bound)."""

    def __init__(self) -> None:
        self.began, self.failures = time.monotonic(), 0

    @property
    def spent(self) -> float:
        return time.monotonic() - self.began

    def failed(self, reason: Retry) -> bool:
        """Count one more failure; whether ``BACKOFF`` allows another try."""
        self.failures += 1
        backoff = BACKOFF[reason]
        return self.failures < backoff.attempts and self.spent < backoff.budget

    def wait(self, reason: Retry) -> None:
        time.sleep(BACKOFF[reason].wait(self.failures, _RNG))


def _gave_up(store: Store, error: StoreError, tries: int, spent: float) -> str:
    where = store.location
    if error.retry is Retry.UNAVAILABLE:
        return f"{error} (waited {spent:.0f} s for it; nothing was written)"
    return (f"{where} is busy: other desks' changes kept getting in the way ({tries} tries over {spent:.1f} s); "
            "nothing was written. Try again in a moment")


def unit_of_work(use_case: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Mark a service use case (``store`` first): one transaction, run again whole when it collided."""

    @functools.wraps(use_case)
    def run(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return run_unit(store, lambda: use_case(store, *args, **kwargs))

    return run


def run_read(work: Callable[[], R], where: Where, *, patient: bool = True) -> R:
    """``work()`` (a read, its own ``store.read()`` or bare queries inside; it may open its store too),
    run again whole while it fails because the server is away or the store is busy, within ``BACKOFF``.

    Every failure of an engine leaves as a StoreError with a plain line (``retry`` set when trying
    again later may succeed). ``patient=False``: tried once (the connection itself reconnects once
    before a read), for a read on a thread that must not wait.
    """
    from csconsole.store.store import describe_failure, failure_retry

    tries = _Tries()
    while True:
        try:
            return work()
        except Exception as error:
            reason = failure_retry(error)
            if isinstance(error, StoreError) and reason is None:
                raise
            line = str(error) if isinstance(error, StoreError) else describe_failure(error, where)
            if line is None:
                raise  # not the engine's: a bug, for the caller's traceback
            if reason is None:
                raise StoreError(line) from None
            if not tries.failed(reason) or not patient:
                waited = f" (waited {tries.spent:.0f} s for it)" if patient and reason is Retry.UNAVAILABLE else ""
                raise StoreError(f"{line}{waited}", retry=reason) from None
            tries.wait(reason)
