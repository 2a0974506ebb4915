"""Contention: two writer processes and a reading console on one store.

No "database is locked" reaches anyone (on SQLite writes wait on busy_timeout in BEGIN IMMEDIATE and WAL
readers never block; on a server two desks queue on the chain's lock and readers read their snapshot),
and every acknowledged action is in the store.
"""

from __future__ import annotations

from tests.faults.harness import check_store, make_store, run_to_end, spawn, start_together
from tests.sites import Site

ACTIONS = 150


def test_two_writers_and_a_reader_lose_nothing_and_never_see_locked(site: Site) -> None:
    store = make_store(site.location)
    writers = [spawn("write", str(store), str(ACTIONS), side, "--parity", str(n), "--together")
               for n, side in enumerate(("left", "right"))]
    start_together(writers)
    processes = [*writers, spawn("read", str(store), "300")]
    left, right, reader = run_to_end(processes)
    for outcome in (left, right, reader):
        assert outcome.stderr == ""
    assert left.refusals == [] and right.refusals == []
    assert reader.refusals == ["done 300"]  # no "error ..." line before it
    acks = left.acks + right.acks
    assert len(acks) == 2 * ACTIONS
    assert check_store(store, acks) == []
