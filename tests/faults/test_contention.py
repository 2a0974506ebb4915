"""Contention: two writer processes and a reading console on one store.

No "database is locked" reaches anyone (writes wait on busy_timeout in BEGIN IMMEDIATE; WAL readers
never block), and every acknowledged action is in the store.
"""

from __future__ import annotations

from pathlib import Path

from tests.faults.harness import check_store, make_store, run_to_end, spawn

ACTIONS = 150


def test_two_writers_and_a_reader_lose_nothing_and_never_see_locked(tmp_path: Path) -> None:
    store = make_store(tmp_path / "busy.db")
    processes = [
        spawn("write", str(store), str(ACTIONS), "left", "--parity", "0"),
        spawn("write", str(store), str(ACTIONS), "right", "--parity", "1"),
        spawn("read", str(store), "300"),
    ]
    left, right, reader = run_to_end(processes)
    for outcome in (left, right, reader):
        assert outcome.stderr == ""
    assert left.refusals == [] and right.refusals == []
    assert reader.refusals == ["done 300"]  # no "error ..." line before it
    acks = left.acks + right.acks
    assert len(acks) == 2 * ACTIONS
    lefts, rights = [a.seq for a in left.acks], [a.seq for a in right.acks]
    assert min(lefts) < max(rights) and min(rights) < max(lefts), "the writers really ran together"
    assert check_store(store, acks) == []
