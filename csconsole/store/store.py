"""One open store, and its unit of work: ``with store.atomic():``, re-entrant by savepoints.

The connection is private to the ``csconsole.store`` package: services and io call the store's functions
(``csconsole.store.directory``, ``queries``, ``ledger``...) with a ``Store``, never a connection. What is
particular to SQLite (pragmas, WAL, quick_check, its error texts) is the engine's (``store/sqlite``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csconsole.store.errors import StoreError

if TYPE_CHECKING:
    import sqlite3

    from csconsole.store.sqlite.engine import SqliteEngine


class Store:
    """One connection to a csconsole store. Not shared between threads: open one per thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool, engine: SqliteEngine) -> None:
        self._conn = conn
        self._engine = engine
        self.path = path
        self.read_only = read_only
        self.warnings: list[str] = []
        self._depth = 0  # atomic() blocks open: 0 none, 1 the transaction, more: savepoints within it
        # What a write may keep for the rest of its transaction (the chain head); emptied at its end and
        # whenever a savepoint rolls back, so nothing outlives the rows it describes.
        self._unit: dict[str, Any] = {}

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, read_only: bool = False, create: bool = False) -> Store:
        """Open (or with ``create``, create) a store; refuse what is missing, foreign, damaged or too new."""
        from csconsole.store.sqlite.engine import open_sqlite

        return open_sqlite(cls, path, read_only=read_only, create=create)

    @property
    def in_transaction(self) -> bool:
        return bool(self._conn.in_transaction)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """All of it commits, or none of it does.

        The outermost block is one write transaction taken at once (``BEGIN IMMEDIATE`` on SQLite); a
        block inside it is a savepoint, so a use case that calls another shares one transaction, and a
        failure inside an inner block undoes only that block when its caller catches the error. An error
        of the engine leaves as a StoreError with a plain message.
        """
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only; nothing can be changed")
        if self._depth:
            with self._savepoint():
                yield
            return
        engine, conn = self._engine, self._conn
        try:
            engine.begin(conn)
        except engine.database_error as error:
            raise StoreError(engine.describe(error, self.path)) from None
        self._depth, self._unit = 1, {}
        try:
            yield
            conn.execute("COMMIT")
        except engine.database_error as error:
            self._rollback()
            raise StoreError(engine.describe(error, self.path)) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._depth, self._unit = 0, {}

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
                raise StoreError(engine.describe(error, self.path)) from None
            raise
        finally:
            self._depth -= 1

    @contextmanager
    def read(self) -> Iterator[None]:
        """A consistent snapshot for several queries (a deferred read transaction); inside a write, the
        write's own view."""
        if self._conn.in_transaction:
            yield
            return
        self._conn.execute(self._engine.begin_read)
        try:
            yield
        finally:
            self._rollback()

    def data_version(self) -> int:
        """Changes when another connection commits; polling it costs microseconds (DESIGN §5, Live)."""
        return self._engine.data_version(self._conn)

    def schema_version(self) -> int:
        return self._engine.schema_version(self._conn)

    def quick_check(self) -> list[str]:
        """Problems the engine's own check finds, one line each; empty when the store is sound."""
        return self._engine.quick_check(self._conn, self.path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")


def describe_failure(error: BaseException, path: str | os.PathLike[str]) -> str | None:
    """A plain message for a failure the engine raised while reading (a damaged page, a full disk...), or
    None when ``error`` is not the engine's: callers above the store need not know the driver."""
    from csconsole.store.sqlite.engine import ENGINE

    return ENGINE.describe(error, Path(path)) if isinstance(error, ENGINE.error) else None
