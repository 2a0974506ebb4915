"""Knowing a file for a csconsole store before a byte of it can change, and reading one that lies where
nothing can be written.

The look is read-only: another program's SQLite database is refused as it was (it used to be switched
to WAL before it was recognised), and a store missing one of its tables is refused as damaged by every
command (``stats`` answered with exit 0 on a store whose events table was dropped).

A read-only open of a WAL store needs its ``-shm`` file, which cannot be made on a read-only mount or in a
folder we may not write: there the store is opened ``immutable=1``, which reads the file as it lies, with
no locks and no ``-shm``. That assumes nobody changes it meanwhile (true of a CD, a copy, a read-only
share), and it does not read a ``-wal`` beside it: a warning says so when one is there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from functools import cache
from pathlib import Path
from urllib.parse import quote

from csconsole.store.errors import StoreError

CORE_TABLES = ("queues", "agents", "customers", "tickets", "events")
MIGRATIONS_TABLE = "_sqlite_migrations"
MIGRATION_SET = "csconsole"
FULL_BELOW_BYTES = 256 * 1024


def connect_read_only(file: Path) -> tuple[sqlite3.Connection, str]:
    """A read-only connection and a warning ('' for none): ``mode=ro``, or ``immutable=1`` where the
    folder cannot take the ``-shm`` file a WAL reader needs."""
    base = f"file:{quote(str(file.resolve()))}"
    conn = sqlite3.connect(f"{base}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, ""
    except sqlite3.OperationalError as error:
        conn.close()
        text = str(error)
        if disk_full(file) and "disk i/o error" in text.lower():
            why = f"the disk holding {file} is full (its -shm file cannot be made)"
        elif ("unable to open" in text or "readonly" in text) and not os.access(file.parent, os.W_OK):
            why = f"{file} lies in a folder that cannot be written"
        else:
            raise
    conn = sqlite3.connect(f"{base}?immutable=1", uri=True, isolation_level=None, check_same_thread=False)
    wal = Path(f"{file}-wal")
    warning = f"{why}; it is read as it lies on disk (no locks), which assumes nobody changes it meanwhile"
    if wal.exists() and wal.stat().st_size:
        warning += f"; {wal.name} beside it is not read, so its latest changes are missing"
    return conn, warning


def disk_full(file: Path) -> bool:
    """Less room left than SQLite needs for a -shm file or a WAL frame."""
    try:
        return shutil.disk_usage(file.parent).free < FULL_BELOW_BYTES
    except OSError:
        return False


def recognise(file: Path, schema_version: int) -> None:
    """Refuse, without changing a byte, a file that is not a csconsole store or is one missing a table."""
    try:
        conn, _ = connect_read_only(file)
    except sqlite3.DatabaseError as error:
        raise _refusal(file, error) from None
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        ours = MIGRATIONS_TABLE in tables and conn.execute(
            f"SELECT count(*) FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", (MIGRATION_SET,)
        ).fetchone()[0] > 0
    except sqlite3.DatabaseError as error:
        raise _refusal(file, error) from None
    finally:
        conn.close()
    if not tables and version == 0:
        return  # empty: a store being created, or refused as empty by the opener
    if not ours:
        raise StoreError(f"{file} is an SQLite database but not a csconsole store (another program's); "
                         "it was left as it was")
    if version > schema_version:
        return  # the opener says which csconsole wrote it
    expected = expected_tables() if version == schema_version else set(CORE_TABLES)
    missing = sorted(expected - tables)
    if missing:
        raise StoreError(f"{file} is damaged: its {', '.join(missing)} table{'s are' if len(missing) > 1 else ' is'} "
                         "missing; restore it from a backup")


# What SQLite makes beside each contentless FTS5 table of the search box (its "shadow" tables).
FTS_SHADOWS = ("config", "data", "idx")


@cache
def expected_tables() -> frozenset[str]:
    """The tables a store of the current schema has: every table of the migrations, the migrations' own
    record, and the search box's FTS5 tables with their shadows. Read from the schema's definitions, not
    by running the migrations on a memory database (136 ms, and sqlite-utils' import, at every start);
    ``tests/store/test_schema.py`` checks the two agree."""
    from csconsole.store import search
    from csconsole.store.schema import TABLES

    fts = (search.SUBJECTS, search.CUSTOMERS)
    return frozenset({*TABLES, MIGRATIONS_TABLE, *fts, *(f"{name}_{shadow}" for name in fts for shadow in FTS_SHADOWS)})


def _refusal(file: Path, error: sqlite3.DatabaseError) -> StoreError:
    if "file is not a database" in str(error):
        return StoreError(f"{file} is not a csconsole store (not an SQLite database)")
    from csconsole.store.sqlite.engine import describe_sqlite_error

    return StoreError(describe_sqlite_error(error, file))
