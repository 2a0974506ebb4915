"""Tamper: edits, deletions, insertions, reorderings at random positions, and a rewritten chain.

Every one is caught by ``audit verify`` with the head an auditor kept, and the first bad event is
named wherever the log still holds it (a rewritten chain is caught by the kept head alone).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from csconsole.cli import main
from csconsole.services import audit, open_store
from csconsole.store import chain
from tests.faults.harness import make_store

POSITIONS = 12  # random positions per kind of tampering


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    path = make_store(tmp_path_factory.mktemp("tamper") / "store.db", n_tickets=30)
    with open_store(str(path), read_only=True) as store:
        head = audit.head(store)
    return path, head.seq, head.hash


def _tamper(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """What someone with plain sqlite3 would do: drop the append-only guards, then edit."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute("DROP TRIGGER events_append_only_delete")
    for sql, params in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def _row(path: Path, seq: int) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT seq, ticket_id, kind, at, actor_id, data, hash FROM events WHERE seq = ?",
                       (seq,)).fetchone()
    conn.close()
    return row


def _edit(path: Path, rng: random.Random, last: int) -> int:
    seq = rng.randint(1, last)
    column, value = rng.choice([
        ("data", '{"note":"all fine, nothing to see"}'), ("at", "2020-01-01T00:00:00Z"), ("kind", "note"),
        ("actor_id", 5), ("ticket_id", 1 + seq % 3), ("hash", "f" * 64),
    ])
    if _row(path, seq)[("seq ticket_id kind at actor_id data hash".split()).index(column)] == value:
        column, value = "hash", "e" * 64
    _tamper(path, (f"UPDATE events SET {column} = ? WHERE seq = ?", (value, seq)))
    return seq


def _delete(path: Path, rng: random.Random, last: int) -> int | None:
    seq = rng.randint(1, last)
    _tamper(path, ("DELETE FROM events WHERE seq = ?", (seq,)))
    return None if seq == last else seq + 1  # a deleted tail is caught by the kept head


def _insert(path: Path, rng: random.Random, last: int) -> int:
    """A forged event slipped in at ``seq``, hash chained properly from the event before it."""
    seq = rng.randint(2, last)
    prev = str(_row(path, seq - 1)[6])
    data = '{"note":"customer agreed to wait"}'
    forged = chain.link(prev, chain.canonical_event(seq, 1, "note", "2026-01-01T00:00:00Z", 1, data))
    _tamper(path,
            ("UPDATE events SET seq = seq + 1000000 WHERE seq >= ?", (seq,)),
            ("UPDATE events SET seq = seq - 999999 WHERE seq >= 1000000", ()),
            ("INSERT INTO events VALUES (?, 1, 'note', '2026-01-01T00:00:00Z', 1, ?, ?)",
             (seq, data, forged)))
    return seq + 1  # the forged link holds; the genuine event after it no longer does


def _reorder(path: Path, rng: random.Random, last: int) -> int:
    first, second = sorted(rng.sample(range(1, last + 1), 2))
    _tamper(path,
            ("UPDATE events SET seq = -1 WHERE seq = ?", (first,)),
            ("UPDATE events SET seq = ? WHERE seq = ?", (first, second)),
            ("UPDATE events SET seq = ? WHERE seq = -1", (second,)))
    return first


TAMPERING: dict[str, Callable[[Path, random.Random, int], int | None]] = {
    "edited": _edit, "deleted": _delete, "inserted": _insert, "reordered": _reorder,
}


@pytest.mark.parametrize("how", TAMPERING)
def test_tampering_at_random_positions_is_always_caught_and_named(
    how: str, pristine: tuple[Path, int, str], tmp_path: Path
) -> None:
    source, last, kept = pristine
    rng = random.Random(how)
    for attempt in range(POSITIONS):
        path = tmp_path / f"{attempt}.db"
        shutil.copy(source, path)
        expected = TAMPERING[how](path, rng, last)
        with open_store(str(path), read_only=True) as store:
            verdict = audit.verify(store, kept)
        assert not verdict.ok, (how, attempt)
        if expected is None:
            assert "rewritten" in verdict.problem
        else:
            assert verdict.bad_seq == expected, (how, verdict.problem)
            assert f"event {expected}" in verdict.problem


def test_a_rewritten_chain_verifies_alone_but_not_against_the_kept_head(
    pristine: tuple[Path, int, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, last, kept = pristine
    rng = random.Random(11)
    for attempt in range(POSITIONS):
        path = tmp_path / f"{attempt}.db"
        shutil.copy(source, path)
        start = rng.randint(1, last)
        conn = sqlite3.connect(path)
        rows = conn.execute(
            "SELECT seq, ticket_id, kind, at, actor_id, data FROM events ORDER BY seq"
        ).fetchall()
        conn.close()
        prev, updates = chain.GENESIS, []
        for seq, ticket_id, kind, at, actor, data in rows:
            if seq == start:
                data = '{"note":"we never said that"}'
            prev = chain.link(prev, chain.canonical_event(seq, ticket_id, kind, at, actor, data))
            if seq >= start:
                updates.append(("UPDATE events SET data = ?, hash = ? WHERE seq = ?", (data, prev, seq)))
        _tamper(path, *updates)
        assert main(["audit", "verify", str(path), "--chain-only"]) == 0  # self-consistent again...
        assert main(["audit", "verify", str(path), "--head", kept]) == 1  # ...but not what was kept
        err = capsys.readouterr().err
        assert "rewritten" in err and err.count("\n") == 1


def test_the_cli_names_the_first_bad_event(pristine: tuple[Path, int, str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    source, last, kept = pristine
    path = tmp_path / "store.db"
    shutil.copy(source, path)
    _tamper(path, ("UPDATE events SET data = '{\"note\":\"x\"}' WHERE seq = ?", (last // 2,)))
    assert main(["audit", "verify", str(path), "--head", kept]) == 1
    assert f"event {last // 2} " in capsys.readouterr().err
