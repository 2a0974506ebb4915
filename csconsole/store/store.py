"""One open store, and its unit of work: ``with store.atomic():``, re-entrant by savepoints.

A store is named by its location: the path of an SQLite file, or a ``postgresql://`` URL
(``store/postgres/url.py`` reads both). The connection is private to the ``csconsole.store`` package:
services and io call the store's functions (``csconsole.store.directory``, ``queries``, ``ledger``...) with
a ``Store``, never a connection. What differs between the engines lives in one engine object each
(``store/sqlite/engine.py``, ``store/postgres/engine.py``): how a write and a snapshot begin, what a commit
sends along, how a big result is scanned and a table filled, the engine's errors as plain lines.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csconsole.store.errors import Retry, StoreError
from csconsole.store.postgres.url import Location, PostgresURL, parse_location

if TYPE_CHECKING:
    from csconsole.store.engine import Engine
    from csconsole.store.postgres.logins import SessionLogin

Where = str | os.PathLike[str] | PostgresURL


def location_of(where: Where) -> Location:
    """A path or a URL, as given: text is read as a URL when it is one (``parse_location``)."""
    if isinstance(where, PostgresURL | Path):
        return where
    if isinstance(where, str):
        return parse_location(where)
    return Path(where)


class Store:
    """One connection to a csconsole store. Not shared between threads: open one per thread."""

    def __init__(self, conn: Any, location: Location, read_only: bool, engine: Engine) -> None:
        self._conn = conn
        self._engine = engine
        self.location = location
        self.read_only = read_only
        self.warnings: list[str] = []
        self._depth = 0  # atomic() blocks open: 0 none, 1 the transaction, more: savepoints within it
        # What a write may keep for the rest of its transaction (the chain head); emptied at its end and
        # whenever a savepoint rolls back, so nothing outlives the rows it describes.
        self._unit: dict[str, Any] = {}
        # Tickets the transaction appended to (told to other consoles at COMMIT); None: say "anything".
        # Kept through a savepoint's rollback: telling of a ticket that did not change costs one re-read.
        self._touched: set[int] | None = set()
        # What outlives a transaction because it says when it is stale (the SLA policy book, with the seq
        # of the last policy event it read): ``ledger.policy_book``.
        self._kept: dict[str, Any] = {}
        self.retries = 0  # units of work run again after a collision (csconsole.store.retry), since open
        self.commits_confirmed = 0  # writes whose COMMIT lost its connection, found committed (engine.commit)
        # The directory's names as last read outside a transaction, with what they were read under
        # (``directory.names``); dropped at the end of every write of this store.
        self._names: tuple[object, tuple[dict[int, str], dict[int, str]]] | None = None

    @classmethod
    def open(cls, where: Where, *, read_only: bool = False, create: bool = False) -> Store:
        """Open (or with ``create``, create) a store; refuse what is missing, foreign, damaged or too new."""
        location = location_of(where)
        if isinstance(location, PostgresURL):
            from csconsole.store.postgres.engine import open_postgres

            return open_postgres(cls, location, read_only=read_only, create=create)
        from csconsole.store.sqlite.engine import open_sqlite

        return open_sqlite(cls, location, read_only=read_only, create=create)

    @property
    def engine_name(self) -> str:
        """``sqlite`` or ``postgres``."""
        return self._engine.name

    @property
    def path(self) -> Path | None:
        """The SQLite file; None for a store on a server."""
        return self.location if isinstance(self.location, Path) else None

    @property
    def title(self) -> str:
        """What a window title calls the store: the file's name, or the database and its server."""
        return self.location.name if isinstance(self.location, Path) else self.location.title

    @property
    def in_transaction(self) -> bool:
        return bool(self._conn.in_transaction)

    @property
    def in_unit(self) -> bool:
        """An ``atomic()`` block is open on this store (a use case called from another runs inside it)."""
        return self._depth > 0

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """All of it commits, or none of it does.

        The outermost block is one write transaction that holds the store's write order from its first
        statement (``BEGIN IMMEDIATE`` on SQLite, the chain's advisory lock on PostgreSQL); a block inside
        it is a savepoint, so a use case that calls another shares one transaction, and a failure inside
        an inner block undoes only that block when its caller catches the error. An error of the engine
        leaves as a StoreError with a plain message.
        """
        if self.read_only:
            raise StoreError(f"{self.location} is open read-only; nothing can be changed")
        if self._depth:
            with self._savepoint():
                yield
            return
        engine, conn = self._engine, self._conn
        try:
            engine.begin(conn)
        except engine.database_error as error:
            raise self._failure(error) from None
        self._depth, self._unit, self._touched = 1, {}, set()
        try:
            yield
            engine.before_commit(self)
            engine.commit(self)
        except engine.database_error as error:
            self._rollback()
            raise self._failure(error) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth, self._unit, self._touched = 0, {}, set()
            self._names = None  # the write may have renamed a queue or added an agent

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        engine, conn = self._engine, self._conn
        name = f"unit_{self._depth}"
        conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
            conn.execute(f"RELEASE SAVEPOINT {name}")
        except BaseException as error:
            self._unit = {}
            try:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            except engine.database_error:
                pass  # the transaction itself is gone (SQLite ends it on some errors); the outer block rolls back
            if isinstance(error, engine.database_error):
                raise self._failure(error) from None
            raise
        finally:
            self._depth -= 1

    def _note_tickets(self, ticket_ids: Iterable[int] | None) -> None:
        """The transaction changed these tickets (None: it changed what it cannot name, say anything)."""
        if ticket_ids is None or self._touched is None:
            self._touched = None
            self._names = None  # a registry event (or a bulk change) may rename what pages show
        else:
            self._touched.update(ticket_ids)

    def _failure(self, error: BaseException) -> StoreError:
        """The engine's error as a plain line, saying whether the unit may simply run again."""
        return StoreError(self._engine.describe(error, self.location), retry=self._engine.retry(error))

    @contextmanager
    def read(self) -> Iterator[None]:
        """A consistent snapshot for several queries (SQLite: a deferred read transaction; PostgreSQL:
        REPEATABLE READ, read only); inside a write, the write's own view."""
        if self._conn.in_transaction:
            yield
            return
        engine = self._engine
        try:
            self._conn.execute(engine.begin_read)
        except engine.database_error as error:
            raise StoreError(engine.describe(error, self.location), retry=engine.retry(error)) from None
        try:
            yield
        finally:
            self._rollback()

    def data_version(self) -> int:
        """SQLite: changes when another connection commits; polling it costs microseconds (DESIGN §5,
        Live). A store on a server tells its changes instead (``listener``) and answers 0."""
        return self._engine.data_version(self._conn)

    @property
    def notifies(self) -> bool:
        """A store on a server tells of every commit (``listener``); a file is polled (``data_version``)."""
        return self._engine.name == "postgres"

    def listener(self, on_connection: Callable[[bool], None] | None = None) -> Any:
        """A server store's change feed (LISTEN on a connection of its own: ``store.postgres.notify``;
        ``on_connection`` hears when the server goes and comes back), or None for a file."""
        return self._engine.listener(self, on_connection)

    def session_id(self) -> int | None:
        """Who this connection is to the server (its backend process), so a console can tell its own
        notifications from another desk's; None on SQLite."""
        return self._engine.session_id(self._conn)

    def session_login(self) -> SessionLogin | None:
        """The floor login this session is on a server (its name is the agent it acts as, its group the
        role the server enforces); None on SQLite, and for the administrator or a shared console login."""
        return self._engine.session_login(self._conn)  # type: ignore[no-any-return]

    def schema_version(self) -> int:
        return self._engine.schema_version(self._conn)

    def quick_check(self) -> list[str]:
        """Problems the engine's own check finds, one line each; empty when the store is sound (a server
        checks its own pages: nothing to ask there)."""
        return self._engine.quick_check(self._conn, self.location)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except self._engine.database_error:
                pass  # the connection is gone, and its transaction with it


def failure_retry(error: BaseException) -> Retry | None:
    """Whether the work that met ``error`` may succeed when run again in a moment: a StoreError says so
    itself; an engine's error is asked of its engine (a server away, a lock held past the busy timeout)."""
    if isinstance(error, StoreError):
        return error.retry
    from csconsole.store.sqlite.engine import ENGINE

    if isinstance(error, ENGINE.error):
        return ENGINE.retry(error)
    if "psycopg" in sys.modules:
        from csconsole.store.postgres.engine import ENGINE as SERVER

        if isinstance(error, SERVER.error):
            return SERVER.retry(error)
    return None


def describe_failure(error: BaseException, where: Where) -> str | None:
    """A plain message for a failure an engine raised while reading (a damaged page, a full disk, a lost
    server...), or None when ``error`` is not an engine's: callers above the store need not know the driver."""
    from csconsole.store.sqlite.engine import ENGINE

    shown = where if isinstance(where, PostgresURL) else str(where)
    if isinstance(error, ENGINE.error):
        return ENGINE.describe(error, Path(str(where)))
    if "psycopg" in sys.modules:  # only a store on a server can have raised one of psycopg's
        from csconsole.store.postgres.engine import ENGINE as SERVER

        if isinstance(error, SERVER.error):
            return SERVER.describe(error, shown)
    return None
