"""Opening one SQLite file as a csconsole store: refusals, pragmas, WAL, quick_check, migrations, and
SQLite's errors as plain lines. The one place that knows SQLite's mechanics besides the planner hints
(``plans``) and the bulk loader (``bulk``)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csconsole.domain.read_models import Order, TicketFilter
from csconsole.store import search, tallies
from csconsole.store.errors import Retry, StoreError
from csconsole.store.schema import MIGRATIONS, SCHEMA_VERSION, newer_store
from csconsole.store.sqlite import netfs, plans
from csconsole.store.sqlite.recognise import connect_read_only, disk_full, recognise

if TYPE_CHECKING:
    from csconsole.store.postgres.url import Location
    from csconsole.store.store import Store

FILL_BATCH = 20_000  # rows per executemany when filling a table
# The hops of each path (a JSON array of [queue, owner] pairs) as (queue, previous queue), in path order.
PINGPONG_HOPS = tallies.SQLITE_PATH_HOPS

BUSY_TIMEOUT_MS = 10_000
BATCH_CACHE_KIB = 64 * 1024
BATCH_CHECKPOINT_PAGES = 10_000
WRITE_POLL_SECONDS = 0.002  # a waiting writer tries again this often (an import pauses longer between chunks)
# SQLite's primary result codes (sqlite3.h) for another connection's lock in the way.
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024  # PRAGMA quick_check reads ~100 MB/s here
_CHECKED_FILES: set[tuple[int, int, int, int]] = set()  # files quick_check found sound, as they were
_EXPECTED: dict[tuple[str, str], str] = {}


_JSON_PAIRS = 63  # json_object takes at most 127 arguments (SQLITE_MAX_FUNCTION_ARG)


class SqliteEngine:
    """What ``Store`` asks of its engine (``store/engine.py``): how a write begins, which errors are the
    engine's, and how to say them; how to notice other connections' commits; the schema number; a damage
    check; scans and bulk appends."""

    name = "sqlite"
    begin_write = "BEGIN IMMEDIATE"  # take the write lock now: a busy store waits here, not mid-way
    begin_read = "BEGIN"
    database_error: type[Exception] = sqlite3.DatabaseError
    error: type[Exception] = sqlite3.Error
    pingpong_hops = PINGPONG_HOPS
    registry_kind_source = "events INDEXED BY ix_events_registry_kind"  # else 33k customers' events are read

    # The FROM clause of a ticket list: the table, with the index SQLite should walk for it.
    page_source = staticmethod(plans.page_source)
    count_source = staticmethod(plans.count_source)
    search_ids = staticmethod(search.sqlite_ids)

    def count_and_page(self, conn: sqlite3.Connection, flt: TicketFilter, order: Order,
                       count: tuple[str, list[object]],
                       page: tuple[str, list[object]]) -> tuple[int, list[tuple[Any, ...]]]:
        found = int(conn.execute(*count).fetchone()[0])
        return found, conn.execute(*page).fetchall() if found else []

    def page_rows(self, conn: sqlite3.Connection, flt: TicketFilter, order: Order,
                  page: tuple[str, list[object]]) -> list[tuple[Any, ...]]:
        return conn.execute(*page).fetchall()  # the index to walk is named in the statement (``plans``)

    def begin(self, conn: sqlite3.Connection) -> None:
        """Begin a write, waiting for the lock by polling every 2 ms for up to the connection's busy timeout;
        past it, the lock's error (a collision the unit of work runs again).

        SQLite's own busy handler backs off to one try per 100 ms, so a writer that commits and begins
        again at once (an import's chunks) kept a waiting console out for seconds (843 of 1,047 live
        writes blocked by one import). Polling this often, a waiter gets in at the next pause.
        """
        patience = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])  # the connection's (BUSY_TIMEOUT_MS)
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            deadline = time.monotonic() + patience / 1000
            while True:
                try:
                    conn.execute(self.begin_write)
                    return
                except sqlite3.OperationalError as error:
                    if not _is_busy(error) or time.monotonic() >= deadline:
                        raise
                time.sleep(WRITE_POLL_SECONDS)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {patience}")

    @contextmanager
    def appending_batch(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Settings for an import's many short transactions: a page cache that holds the hot index pages
        (the default 2 MB re-reads them every chunk) and fewer, larger checkpoints (each one writes and
        syncs the file). Every commit stays synchronous=FULL: an appended chunk survives a power cut."""
        conn.execute(f"PRAGMA cache_size = -{BATCH_CACHE_KIB}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {BATCH_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            conn.execute("PRAGMA wal_autocheckpoint = 1000")
            conn.execute("PRAGMA cache_size = -2000")

    def table_names(self, conn: sqlite3.Connection) -> list[str]:
        """The store's tables, by name (SQLite's own bookkeeping tables and the search index's left out)."""
        return [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        ) if not search.is_search_table(name)]

    def text_columns(self, conn: sqlite3.Connection, table: str) -> None:
        return None  # a column's declared type is a hint outside STRICT tables: each cell says its own

    def row_json(self, conn: sqlite3.Connection, table: str) -> str | None:
        """SQLite's json_object writes text and integers as Python's json does, but a REAL with 15 digits
        where Python writes the shortest that reads back (0.30000000000000004; 1e+20 as 1.0e+20): only a
        STRICT table of INTEGER and TEXT columns, which hold nothing else, is spelled by SQLite."""
        strict = conn.execute("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?",
                              (table,)).fetchone()
        columns = [(str(name), str(kind)) for name, kind in conn.execute(
            "SELECT name, type FROM pragma_table_info(?) ORDER BY cid", (table,))]
        if not strict or not strict[0] or not columns or len(columns) > _JSON_PAIRS:
            return None
        if not all(kind in ("INTEGER", "TEXT") and name.isidentifier() for name, kind in columns):
            return None
        return "json_object(" + ", ".join(f"'{name}', \"{name}\"" for name, _ in columns) + ")"

    def schema_objects(self, conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
        """(type, name) → SQL, blanks folded, of every table, index and trigger of the store."""
        return {(kind, name): " ".join((sql or "").split()) for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )}

    def expected_schema(self) -> dict[tuple[str, str], str]:
        """What ``schema_objects`` gives for a store that csconsole made: the migrations, run in memory."""
        if not _EXPECTED:
            from sqlite_utils import Database

            conn = sqlite3.connect(":memory:", isolation_level=None)
            conn.execute("BEGIN")
            MIGRATIONS.apply(Database(conn))
            conn.execute("COMMIT")
            _EXPECTED.update(self.schema_objects(conn))
            conn.close()
        return dict(_EXPECTED)

    def defer_references(self, conn: sqlite3.Connection) -> None:
        """Inside a write: foreign keys are checked at COMMIT, not row by row (a log restored before the
        rows it refers to are rebuilt from it)."""
        conn.execute("PRAGMA defer_foreign_keys = ON")

    def describe(self, error: BaseException, where: Location | str) -> str:
        return describe_sqlite_error(error, Path(str(where)))

    def before_commit(self, store: Store) -> None:
        pass  # other connections notice the commit by data_version

    def commit(self, store: Store) -> None:
        store._conn.execute("COMMIT")  # a file has no connection to lose between writing and saying so

    def retry(self, error: BaseException) -> Retry | None:
        """Busy or locked: another connection held the write lock past ``busy_timeout``. (Every write takes
        the lock at its BEGIN IMMEDIATE, so the one busy error the busy handler cannot wait out, a read
        upgraded to a write on a stale snapshot, never arises; WAL readers are never blocked.)"""
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return Retry.COLLISION
        return None

    def data_version(self, conn: sqlite3.Connection) -> int:
        """Changes when another connection commits; polling it costs microseconds (DESIGN §5, Live)."""
        return int(conn.execute("PRAGMA data_version").fetchone()[0])

    def listener(self, store: Store, on_connection: object = None) -> None:
        return None  # a file tells nobody: consoles poll data_version

    def session_id(self, conn: sqlite3.Connection) -> None:
        return None

    def session_login(self, conn: sqlite3.Connection) -> None:
        return None  # a file has no logins: the operating system's file permissions are the guard

    def scan(self, conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        return iter(conn.execute(sql, params))  # sqlite3 steps through the result as it is read

    def fill(self, conn: sqlite3.Connection, table: str, columns: Sequence[str],
             rows: Iterable[Sequence[Any]]) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        count, batch = 0, []
        for row in rows:
            batch.append(row)
            if len(batch) >= FILL_BATCH:
                conn.executemany(sql, batch)
                count, batch = count + len(batch), []
        conn.executemany(sql, batch)
        return count + len(batch)

    def after_copy(self, conn: sqlite3.Connection) -> None:
        pass  # INTEGER PRIMARY KEY goes on after the largest id by itself

    def index_new_tickets(self, conn: sqlite3.Connection, subjects: Sequence[tuple[int, str]]) -> None:
        conn.executemany(search.ADD_SUBJECTS, subjects)

    def refill_search(self, conn: sqlite3.Connection) -> None:
        """The FTS tables made again from their content tables, whatever drifted (store/search.py)."""
        for statement in search.SQLITE_FILL:
            conn.execute(statement)

    def tidy(self, conn: sqlite3.Connection) -> None:
        conn.execute("ANALYZE")  # the planner's statistics, for the copied rows

    def schema_version(self, conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def quick_check(self, conn: sqlite3.Connection, file: Location) -> list[str]:
        """Problems PRAGMA quick_check finds, one line each; empty when the file is sound."""
        try:
            rows = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as error:
            return [describe_sqlite_error(error, Path(str(file)))]
        if rows == ["ok"]:
            return []
        lines = (line.strip() for row in rows for line in str(row).splitlines())
        return [line for line in lines if line and not line.startswith("***")]  # "*** in database main ***"


ENGINE = SqliteEngine()


def open_sqlite(store_class: type[Store], path: str | os.PathLike[str], *, read_only: bool,
                create: bool) -> Store:
    """Open (or with ``create``, create) a store; refuse what is missing, foreign, damaged or too new."""
    file = Path(path)
    try:
        _check_file(file, create=create and not read_only)
        fallback = not read_only and file.exists() and not _writable(file)
    except PermissionError:
        raise StoreError(f"cannot open {file}: permission denied (the file or a folder above it is not "
                         "readable by you)") from None
    if fallback:
        read_only = True
    if file.exists() and file.stat().st_size:
        recognise(file, SCHEMA_VERSION)  # read-only: a file that is not ours is never changed
    try:
        conn, warning = connect_read_only(file) if read_only else (_connect(file, read_only), "")
        store = store_class(conn, file, read_only, ENGINE)
        if warning:
            store.warnings.append(warning)
        conn.execute("PRAGMA user_version").fetchone()  # SQLite's first read checks the header
        _refuse_if_damaged(file, conn)
        _prepare(store, file, conn, create and not read_only)
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


def _refuse_if_damaged(file: Path, conn: sqlite3.Connection) -> None:
    """Never work on a damaged file: new work would bury the damage and be lost with it, and a reader
    would see only the pages that happen to be whole.

    Checked on open while the file is small enough to check in a blink (the fault suite found
    writes landing in a store damaged in the middle); a large store is checked by ``audit verify``.
    """
    info = file.stat()
    identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)  # changed bytes: check again
    if info.st_size > QUICK_CHECK_MAX_BYTES or identity in _CHECKED_FILES:
        return
    problems = ENGINE.quick_check(conn, file)
    if not problems:
        _CHECKED_FILES.add(identity)  # once a process: every background job opens its own Store
        return
    detail = problems[0]
    raise StoreError(detail if " is damaged " in detail
                     else f"{file} is damaged ({detail}); restore it from a backup")


def _prepare(store: Store, file: Path, conn: sqlite3.Connection, create: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Reading the schema proves the file is a readable SQLite database before anything else.
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if version > SCHEMA_VERSION:
        raise newer_store(str(file), version)
    if not store.read_only:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    if has_tables and version == 0:
        raise StoreError(f"{file} is an SQLite database but not a csconsole store")
    if version < SCHEMA_VERSION:
        if store.read_only:
            if version == 0:
                raise StoreError(f"{file} is not a csconsole store (it is empty)")
            raise StoreError(
                f"{file} has an older schema ({version}); open it once without --read-only "
                "to upgrade it"
            )
        if version == 0 and not create:
            raise StoreError(f"{file} is not a csconsole store (it is empty)")
        from sqlite_utils import Database  # only to migrate: it imports numpy (0.3 s of a start)

        with store.atomic():
            MIGRATIONS.apply(Database(conn))
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


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
        return connect_read_only(file)[0]
    return sqlite3.connect(str(file), isolation_level=None, check_same_thread=False)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def describe_sqlite_error(error: BaseException, file: Path) -> str:
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"{file} is busy: another program held it for over {BUSY_TIMEOUT_MS // 1000} s; try again"
    if "full" in lowered or ("disk i/o error" in lowered and disk_full(file)):
        return f"{file}: the disk is full; nothing was written. Free some space and try again"
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return f"{file} is damaged ({text}); restore it from a backup"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{file} cannot be written ({text}); open it with --read-only"
    if "unable to open" in lowered:
        return f"cannot open {file} ({text})"
    return f"{file}: {text}"
