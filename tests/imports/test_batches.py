"""A large import appends in short transactions under one batch mark; a crash half-way leaves whole
chunks, and importing the same file again appends the rest: the store ends as a clean run leaves it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.import_inputs import event_log
from csconsole.services import audit, open_store, people
from tests.imports.runner import csconsole


def _empty_store(path: Path) -> Path:
    with open_store(str(path), create=True) as store:
        people.add_queue(store, "Billing")
    return path


def _events(path: Path, on: str = "ticket_id IS NOT NULL") -> tuple[int, int]:
    """(events, events carrying an import mark) on tickets (or ``on``), read as any other program would."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        total = conn.execute(f"SELECT count(*) FROM events WHERE {on}").fetchone()[0]
        marked = conn.execute(f"SELECT count(*) FROM events WHERE {on} AND json_extract(data, '$.import') "
                              "IS NOT NULL").fetchone()[0]
    return total, marked


def test_every_imported_event_carries_its_batch_and_the_same_file_gives_the_same_chain(tmp_path: Path) -> None:
    log = event_log(tmp_path / "log.csv", 3_000)
    heads = []
    base = _empty_store(tmp_path / "base.db")  # the same store twice: its queue's event has its moment
    for name in ("a.db", "b.db"):
        store = tmp_path / name
        shutil.copyfile(base, store)
        run = csconsole("import", str(store), str(log))
        assert run.code == 0, run.err
        assert _events(store) == (3_000, 3_000)
        records, marked = _events(store, "ticket_id IS NULL")  # the queue added live, then the import's
        assert records > 100 and marked == records - 1
        with open_store(str(store), read_only=True) as opened:
            heads.append(audit.head(opened))
    assert heads[0] == heads[1]  # the mark is the file's hash: the canonical encoding stays deterministic
    again = csconsole("import", str(tmp_path / "a.db"), str(log))
    assert again.code == 2 and "was already created in the store" in again.err


@pytest.mark.slow
def test_sigkill_mid_append_then_the_same_import_resumes_the_batch(tmp_path: Path) -> None:
    log = event_log(tmp_path / "log.csv", 60_000)
    clean = _empty_store(tmp_path / "clean.db")
    store = tmp_path / "crash.db"
    shutil.copyfile(clean, store)  # the same store: its queue's event has its moment
    assert csconsole("import", str(clean), str(log), timeout=300).code == 0
    child = subprocess.Popen([sys.executable, "-m", "csconsole.cli", "import", str(store), str(log)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _events(store)[0] < 5_000:  # some chunks committed, far from all
        assert child.poll() is None and time.monotonic() < deadline, "the import ended before it was killed"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    appended, _ = _events(store)
    assert 5_000 <= appended < 60_000
    assert list(tmp_path.glob("crash.db.import-*.staging")), "the staging file stays for the resume"
    with open_store(str(store), read_only=True) as opened:
        assert audit.verify(opened).ok  # whole chunks only: the chain holds

    resumed = csconsole("import", str(store), str(log), timeout=300)
    assert resumed.code == 0, resumed.err
    assert "imported 60000 events" in resumed.out
    assert _events(store) == (60_000, 60_000)
    assert not list(tmp_path.glob("crash.db.import-*.staging"))
    with open_store(str(store), read_only=True) as a, open_store(str(clean), read_only=True) as b:
        assert audit.verify(a).ok
        assert audit.head(a) == audit.head(b)  # nothing twice, nothing missing, in the same order
