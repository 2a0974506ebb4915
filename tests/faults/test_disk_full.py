"""Disk full (PRAGMA max_page_count caps the file): a clear message, nothing half-done, store sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from csconsole.domain.errors import DomainError
from csconsole.domain.read_models import TicketFilter
from csconsole.services import Store, audit, open_store, queries, tickets
from tests.faults.harness import make_store
from tests.sql import connection


def _snapshot(store: Store) -> tuple[int, list[tuple[object, ...]]]:
    conn = connection(store)
    return (conn.execute("SELECT count(*) FROM events").fetchone()[0],
            conn.execute("SELECT id, owner_id, last_seq, path FROM tickets ORDER BY id").fetchall())


def test_a_full_disk_refuses_the_whole_action_and_leaves_the_store_sound(tmp_path: Path) -> None:
    path = make_store(tmp_path / "full.db", n_tickets=60)
    with open_store(str(path)) as store:
        ids = [r.id for r in queries.all_tickets(store, TicketFilter())]
        sue, raj = queries.agent_by_name(store, "Sue").id, queries.agent_by_name(store, "Raj").id
        before = _snapshot(store)
        pages = connection(store).execute("PRAGMA page_count").fetchone()[0]
        connection(store).execute(f"PRAGMA max_page_count = {pages + 2}")
        # One transaction of 60 events with long reasons: the first few fit, the rest do not.
        with pytest.raises(DomainError) as refused:
            tickets.reassign(store, ids, actor_id=sue, to_id=raj, reason="covering the shift " * 100)
        assert "disk is full" in str(refused.value) and "nothing was written" in str(refused.value)
        assert _snapshot(store) == before
        assert audit.quick_check(store) == []
        assert audit.verify(store).ok
        # Space freed: the same action goes through whole.
        connection(store).execute("PRAGMA max_page_count = 1073741823")
        change = tickets.reassign(store, ids, actor_id=sue, to_id=raj, reason="covering the shift " * 100)
        assert len(change.tickets) == 60
        assert audit.verify(store).ok


def _can_mount() -> bool:
    import os
    import shutil
    import subprocess

    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces (CI runs as root)")
def test_a_really_full_disk_still_reads_and_says_full_for_writes(tmp_path: Path) -> None:
    """A store on a full tmpfs: reads answer (no -shm can be made: read as it lies), a write says "full"."""
    import subprocess
    import sys

    make_store(tmp_path / "floor.db", n_tickets=10)
    disk = tmp_path / "disk"
    disk.mkdir()
    cli = f"{sys.executable} -m csconsole.cli"
    script = (f"mount -t tmpfs -o size=4m tmpfs {disk} && cp {tmp_path}/floor.db {disk}/ && "
              f"(dd if=/dev/zero of={disk}/fill bs=64k 2>/dev/null; true) && "
              f"{cli} stats {disk}/floor.db && {cli} audit verify {disk}/floor.db && "
              f"{{ {cli} reassign {disk}/floor.db 1 --to Raj --reason cover --as Sue; echo reassign=$?; }}")
    run = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    assert "and the schema hold" in run.stdout, run.stderr
    assert "open tickets 10" in run.stdout
    assert "reassign=2" in run.stdout
    assert "disk I/O error" not in run.stderr
    assert "the disk is full; nothing was written" in run.stderr
