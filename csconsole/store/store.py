"""Opening the one SQLite file, and the single way to write to it: one BEGIN IMMEDIATE transaction."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from csconsole.store import netfs
from csconsole.store.errors import StoreError
from csconsole.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000
_CHECKED_FILES: set[tuple[int, int, int, int]] = set()  # files quick_check found sound, as they were
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024  # PRAGMA quick_check reads ~100 MB/s here


class Store:
    """One connection to a csconsole store. Not shared between threads: open one per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool) -> None:
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self.db = Database(conn)
        self.warnings: list[str] = []

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False, create: bool = False) -> Store:
        """Open (or with ``create``, create) a store; refuse what is missing, foreign, damaged or too new."""
        file = Path(path)
        _check_file(file, create=create and not read_only)
        fallback = not read_only and file.exists() and not _writable(file)
        if fallback:
            read_only = True
        try:
            conn = _connect(file, read_only)
            store = cls(conn, file, read_only)
            conn.execute("PRAGMA user_version").fetchone()  # SQLite's first read checks the header
            store._refuse_if_damaged()
            store._prepare(create and not read_only)
        except sqlite3.DatabaseError as error:
            if "file is not a database" in str(error):
                raise StoreError(f"{file} is not a csconsole store (not an SQLite database)") from None
            raise StoreError(describe_sqlite_error(error, file)) from None
        if fallback:
            store.warnings.append(f"{file} cannot be written by you; it is open read-only")
        if netfs.is_network_path(file):
            store.warnings.append(
                f"{file} lies on a network filesystem; SQLite's WAL mode is not safe there. "
                "Keep the store on a local disk."
            )
        return store

    def _refuse_if_damaged(self) -> None:
        """Never work on a damaged file: new work would bury the damage and be lost with it, and a reader
        would see only the pages that happen to be whole.

        Checked on open while the file is small enough to check in a blink (the fault suite found
        writes landing in a store damaged in the middle); a large store is checked by ``audit verify``.
        """
        info = self.path.stat()
        identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)  # changed bytes: check again
        if info.st_size > QUICK_CHECK_MAX_BYTES or identity in _CHECKED_FILES:
            return
        problems = self.quick_check()
        if not problems:
            _CHECKED_FILES.add(identity)  # once a process: every background job opens its own Store
            return
        detail = problems[0]
        raise StoreError(detail if " is damaged " in detail
                         else f"{self.path} is damaged ({detail}); restore it from a backup")

    def _prepare(self, create: bool) -> None:
        conn = self.conn
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Reading the schema proves the file is a readable SQLite database before anything else.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer csconsole (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade csconsole to open it"
            )
        if not self.read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        if has_tables and version == 0:
            raise StoreError(f"{self.path} is an SQLite database but not a csconsole store")
        if version < SCHEMA_VERSION:
            if self.read_only:
                if version == 0:
                    raise StoreError(f"{self.path} is not a csconsole store (it is empty)")
                raise StoreError(
                    f"{self.path} has an older schema ({version}); open it once without --read-only "
                    "to upgrade it"
                )
            if version == 0 and not create:
                raise StoreError(f"{self.path} is not a csconsole store (it is empty)")
            self._migrate()

    def _migrate(self) -> None:
        with self.write():
            MIGRATIONS.apply(self.db)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One BEGIN IMMEDIATE transaction: all of it commits, or none of it does."""
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; nothing can be changed")
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(describe_sqlite_error(error, self.path)) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            _rollback(conn)
            raise StoreError(describe_sqlite_error(error, self.path)) from None
        except BaseException:
            _rollback(conn)
            raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several queries (a deferred read transaction)."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            _rollback(conn)

    def data_version(self) -> int:
        """Changes when another connection commits; polling it costs microseconds (DESIGN §5, Live)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def quick_check(self) -> list[str]:
        """Problems PRAGMA quick_check finds, one line each; empty when the file is sound."""
        try:
            rows = [row[0] for row in self.conn.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as error:
            return [describe_sqlite_error(error, self.path)]
        if rows == ["ok"]:
            return []
        lines = (line.strip() for row in rows for line in str(row).splitlines())
        return [line for line in lines if line and not line.startswith("***")]  # "*** in database main ***"

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _writable(file: Path) -> bool:
    """WAL needs the file and its folder (for the -wal and -shm files) to be writable."""
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK)


def _check_file(file: Path, *, create: bool) -> None:
    if file.is_dir():
        raise StoreError(f"{file} is a folder, not a csconsole store")
    if not file.exists():
        if create:
            if not file.parent.exists():
                raise StoreError(f"cannot create {file}: folder {file.parent} does not exist")
            return
        raise StoreError(f"{file} does not exist")
    # Never open() the file itself: closing any descriptor on it drops every POSIX lock this process
    # holds there, including those of SQLite connections already open (another process could then
    # checkpoint and delete the WAL under them). The header is checked by SQLite's first read instead.
    try:
        empty = file.stat().st_size == 0
    except OSError as error:
        raise StoreError(f"cannot read {file}: {error.strerror}") from None
    if empty and not create:
        raise StoreError(f"{file} is not a csconsole store (the file is empty)")


def _connect(file: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        uri = f"file:{quote(str(file.resolve()))}?mode=ro"
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    return sqlite3.connect(str(file), isolation_level=None, check_same_thread=False)


def describe_sqlite_error(error: sqlite3.Error, file: Path) -> str:
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"{file} is busy: another program held it for over {BUSY_TIMEOUT_MS // 1000} s; try again"
    if "full" in lowered:
        return f"{file}: the disk is full; nothing was written. Free some space and try again"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return f"{file} is damaged ({text}); restore it from a backup"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{file} cannot be written ({text}); open it with --read-only"
    if "unable to open" in lowered:
        return f"cannot open {file} ({text})"
    return f"{file}: {text}"
