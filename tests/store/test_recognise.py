"""A file that is not ours is never changed; a store missing a table is refused by every command; a store
on a read-only mount is audited and exported all the same (issues 17 and 18)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from csconsole.cli import main
from tests.faults.harness import make_store

COMMANDS = (["stats", "{db}"], ["tickets", "{db}"], ["audit", "verify", "{db}"], ["audit", "head", "{db}"],
            ["rebuild", "{db}"], ["reassign", "{db}", "1", "--to", "Raj", "--reason", "load", "--as", "Sue"],
            ["recoveries", "{db}"])


def _bytes(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """Another program's database: rollback journal, its own user_version, its own tables."""
    path = tmp_path / "photos.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 7")
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO photos (name) VALUES ('beach.jpg')")
    conn.close()
    return path


@pytest.mark.parametrize("command", [*COMMANDS, ["import", "{db}", "{log}"]])
def test_another_programs_database_is_refused_and_left_byte_for_byte(
        foreign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    log = tmp_path / "log.csv"
    log.write_text("ticket,at,kind,actor,queue,owner,customer,subject,channel,priority,status,note\n")
    before = _bytes(foreign)
    assert main([part.format(db=foreign, log=log) for part in command]) == 2
    err = capsys.readouterr().err
    assert f"{foreign} is an SQLite database but not a csconsole store" in err
    assert _bytes(foreign) == before
    assert not Path(f"{foreign}-wal").exists()
    with sqlite3.connect(f"file:{foreign}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL


@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_whose_events_table_was_dropped_is_refused_by_every_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    db = make_store(tmp_path / "floor.db", n_tickets=3)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE events")
    conn.close()
    before = _bytes(db)
    assert main([part.format(db=db) for part in command]) == 2
    err = capsys.readouterr().err
    assert f"{db} is damaged: its events table is missing; restore it from a backup" in err
    assert "no such table" not in err
    assert _bytes(db) == before


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces (CI runs as root)")
def test_a_store_on_a_read_only_mount_verifies_and_exports(tmp_path: Path) -> None:
    source = tmp_path / "disc"
    source.mkdir()
    make_store(source / "floor.db", n_tickets=5)
    assert not Path(f"{source}/floor.db-shm").exists()
    mounted = tmp_path / "cdrom"
    mounted.mkdir()
    pack = tmp_path / "pack"
    script = (f"mount --bind {source} {mounted} && mount -o remount,bind,ro {mounted} && "
              f"{sys.executable} -m csconsole.cli audit verify {mounted}/floor.db && "
              f"{sys.executable} -m csconsole.cli export {mounted}/floor.db --out {pack} && "
              f"{sys.executable} -m csconsole.cli stats {mounted}/floor.db")
    run = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr
    assert "ok: " in run.stdout and "and the schema hold" in run.stdout
    assert (pack / "manifest.json").is_file() and (pack / "events.csv").is_file()
    assert "read as it lies on disk" in run.stderr  # the assumption is said, once per command


def test_a_store_behind_a_folder_you_may_not_read_is_one_plain_line(tmp_path: Path) -> None:
    from tests.imports.test_hostile import without_root_powers

    locked = tmp_path / "locked"
    locked.mkdir()
    make_store(locked / "floor.db", n_tickets=1)
    locked.chmod(0)
    try:
        run = without_root_powers("stats", str(locked / "floor.db"))
    finally:
        locked.chmod(0o755)
    assert run.returncode == 2
    assert f"cannot open {locked}/floor.db: permission denied" in run.stderr
    assert "PermissionError" not in run.stderr
