"""Opening, refusing and protecting a store (DESIGN §5): what is SQLite's file alone is marked sqlite_only;
a store on a server is refused and guarded the same way (tests/store/postgres for its own mechanics)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from csconsole.services import StoreError, open_store, people
from csconsole.store.schema import SCHEMA_VERSION
from csconsole.store.sqlite import netfs
from tests.conftest import Floor
from tests.sites import Site
from tests.sql import connection


def test_a_new_store_is_wal_full_sync_strict_and_versioned(store_path: Path) -> None:
    with open_store(str(store_path), create=True) as store:
        conn = connection(store)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert store.schema_version() == SCHEMA_VERSION
        tables = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        for name in ("tickets", "events", "agents", "queues", "customers"):
            assert tables[name].rstrip().endswith("STRICT"), name


def test_events_are_append_only(floor: Floor) -> None:
    """The console's own connection cannot change the log (on a server its role may only read and append
    events), and neither can the store's owner (the triggers refuse even them)."""
    from csconsole.services import tickets

    tickets.create_ticket(floor.store, actor_id=None, customer="C", subject="s", channel="email",
                          priority="low", queue_id=floor.billing)
    refusal = "permission denied" if floor.site.on_postgres else "append-only"
    for statement in ("UPDATE events SET kind = 'note'", "DELETE FROM events"):
        with pytest.raises(Exception, match=refusal):
            connection(floor.store).execute(statement)
        with pytest.raises(Exception, match="append-only: an event cannot be"):
            floor.site.sql(statement)
    assert floor.site.sql("SELECT kind FROM events WHERE ticket_id IS NOT NULL") == [("created",)]
    assert floor.site.sql("SELECT count(*) FROM events")[0][0] == 8 + 1  # the floor's records, then the ticket


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"", "the file is empty"),
        (b"hello, I am a spreadsheet\n" * 10, "not an SQLite database"),
    ],
)
def test_refuses_what_is_not_a_store(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "x.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        open_store(str(path))


def test_refuses_a_plain_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE songs (title TEXT)").connection.commit()
    with pytest.raises(StoreError, match="not a csconsole store"):
        open_store(str(path))


def test_refuses_a_store_from_a_newer_version(site: Site) -> None:
    open_store(site.location, create=True).close()
    site.sql("UPDATE schema_version SET version = ?" if site.on_postgres else f"PRAGMA user_version = {SCHEMA_VERSION + 1}",
             (SCHEMA_VERSION + 1,) if site.on_postgres else ())
    for read_only in (False, True):
        with pytest.raises(StoreError, match=f"newer csconsole \\(schema {SCHEMA_VERSION + 1}, this one knows"):
            open_store(site.location, read_only=read_only)


def test_a_read_only_store_refuses_every_write(floor: Floor) -> None:
    with open_store(floor.location, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            people.add_queue(store, "Returns")
        with pytest.raises(Exception, match=r"read-only|readonly"):  # not even past the store's functions
            connection(store).execute("UPDATE queues SET name = 'Renamed'")
    assert [name for (name,) in floor.site.sql("SELECT name FROM queues ORDER BY name")] == ["Billing", "Tech"]


@pytest.mark.sqlite_only
def test_a_truncated_store_gives_a_clear_message(floor: Floor, tmp_path: Path) -> None:
    from csconsole.services import tickets

    for i in range(300):
        tickets.create_ticket(floor.store, actor_id=None, customer=f"C{i}", subject="s" * 200,
                              channel="email", priority="low", queue_id=floor.billing)
    connection(floor.store).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = floor.path.read_bytes()
    broken = tmp_path / "truncated.db"
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError, match=r"damaged|malformed"):
        with open_store(str(broken), read_only=True) as store:
            problems = store.quick_check()
            if problems:
                raise StoreError(problems[0])
            connection(store).execute("SELECT count(*) FROM events").fetchone()


@pytest.mark.sqlite_only
def test_read_only_changes_no_byte_and_refuses_writes(floor: Floor) -> None:
    connection(floor.store).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = hashlib.sha256(floor.path.read_bytes()).hexdigest()
    with open_store(floor.location, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            people.add_queue(store, "Returns")
        connection(store).execute("SELECT count(*) FROM tickets").fetchone()
    assert hashlib.sha256(floor.path.read_bytes()).hexdigest() == before


def test_network_filesystem_detection_with_a_faked_mount_table(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda1 / ext4 rw 0 0\n"
        f"server:/export {tmp_path}/share nfs4 rw 0 0\n"
        f"//nas/floor {tmp_path}/smb cifs rw 0 0\n"
    )
    assert netfs.is_network_path(tmp_path / "share" / "floor.db", mounts)
    assert netfs.is_network_path(tmp_path / "smb" / "a" / "floor.db", mounts)
    assert not netfs.is_network_path(tmp_path / "local.db", mounts)
    assert not netfs.is_network_path(tmp_path / "shared.db", mounts)  # a prefix is not a mount


@pytest.mark.sqlite_only
def test_a_store_the_user_cannot_write_opens_read_only_with_a_warning(
    floor: Floor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    floor.store.close()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with open_store(floor.location) as store:
        assert store.read_only
        assert any("read-only" in w for w in store.warnings)
        with pytest.raises(StoreError, match="read-only"):
            people.add_queue(store, "Returns")


@pytest.mark.sqlite_only
def test_opening_a_second_store_keeps_the_first_ones_locks(floor: Floor) -> None:
    """Closing any descriptor on the file drops this process's POSIX locks; opening a second Store
    (as every background job does) must not, or another process deletes the WAL under the first."""
    import subprocess
    import sys

    from csconsole.services import tickets

    tid = tickets.create_ticket(floor.store, actor_id=None, customer="C", subject="s", channel="chat",
                                priority="low", queue_id=floor.billing).ticket_ids[0]
    seen = [floor.store.data_version()]
    writer = (
        "import sys\nfrom csconsole.services import open_store, tickets\n"
        "s = open_store(sys.argv[1])\n"
        "tickets.add_note(s, int(sys.argv[2]), actor_id=int(sys.argv[3]), note='from elsewhere')\ns.close()\n"
    )
    for _ in range(2):
        open_store(floor.location, read_only=True).close()
        subprocess.run([sys.executable, "-c", writer, floor.location, str(tid), str(floor.ana.id)],
                       check=True, timeout=60)
        seen.append(floor.store.data_version())
    assert len(set(seen)) == 3, f"the first connection missed commits (data_version {seen})"


def test_quick_check_problems_are_one_line_each(tmp_path: Path) -> None:
    """SQLite packs several findings into one row; a user's message must stay one plain line."""
    import random

    from tests.faults.harness import make_store

    path = make_store(tmp_path / "store.db", n_tickets=300)
    data = bytearray(path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = random.Random(5).randbytes(8192)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as refused:
        open_store(str(path), read_only=True)
    message = str(refused.value)
    assert "\n" not in message and "damaged" in message and "***" not in message
