"""Where a test's store lives, on either engine: ``Site`` (tests/conftest.py gives one per test as ``site``,
parametrised ``sqlite`` / ``postgres``).

A site names the store as a console opens it (``location``: a file path, or a URL as a console's login,
a member of ``csconsole_console``), and gives what a test needs around it that the console never does:
SQL as the store's owner (``sql``), and an attacker's edit of the log with the guards switched off
(``tamper``: on SQLite the triggers dropped; on PostgreSQL a superuser disabling them).
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csconsole.services import Store, open_store

if TYPE_CHECKING:
    from tests.pg_server import PgServer

APPEND_ONLY_TRIGGERS = ("events_append_only_update", "events_append_only_delete")
DESK, DESK_PASSWORD = "csconsole_desk", "desk-secret"  # the console's login in every PostgreSQL test
_numbers = itertools.count(1)


@dataclass
class Site:
    engine: str  # "sqlite" or "postgres"
    location: str  # what a console opens: the file, or the URL of a console's login
    admin: str = ""  # PostgreSQL: the superuser's URL of the same database
    dbname: str = ""  # PostgreSQL: the database

    @property
    def on_postgres(self) -> bool:
        return self.engine == "postgres"

    @property
    def path(self) -> Path:
        assert not self.on_postgres, "a store on a server has no file"
        return Path(self.location)

    def open(self, **options: Any) -> Store:
        return open_store(self.location, **options)

    @contextmanager
    def owner(self) -> Iterator[Any]:
        """A connection as the store's owner, outside csconsole, committing what it runs; ``?`` placeholders."""
        if self.on_postgres:
            from csconsole.store.postgres.connection import Connection

            conn = Connection.connect(self.admin)
            try:
                conn.execute("BEGIN")
                yield conn
                conn.execute("COMMIT")
            finally:
                conn.close()
        else:
            lite = sqlite3.connect(self.location)
            try:
                yield lite
                lite.commit()
            finally:
                lite.close()

    def sql(self, statement: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self.owner() as conn:
            return list(conn.execute(statement, params).fetchall())

    def tamper(self, *statements: str) -> None:
        """What an attacker with the database's own tools would do: switch the guards off, then edit."""
        with self.owner() as conn:
            for trigger in APPEND_ONLY_TRIGGERS:
                conn.execute(f"ALTER TABLE events DISABLE TRIGGER {trigger}" if self.on_postgres
                             else f"DROP TRIGGER {trigger}")
            for statement in statements:
                conn.execute(statement)


def fingerprint(site: Site) -> tuple[tuple[str, list[tuple[Any, ...]]], ...]:
    """Every row of every table of the store, in key order: equal before and after means nothing was written."""
    from csconsole.store.schema import TABLES

    with site.owner() as conn:
        return tuple((table, list(conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall())) for table in TABLES)


class SiteMaker:
    """New sites of one engine: files in ``folder``, or databases on ``server`` (copies of ``template``,
    an empty store), reached as the console's login; ``drop`` removes the databases it made."""

    def __init__(self, engine: str, folder: Path, server: PgServer | None = None, template: str = "") -> None:
        self.engine, self.folder, self.server, self.template = engine, folder, server, template
        self.made: list[str] = []

    def new(self) -> Site:
        if self.engine == "sqlite":
            return Site("sqlite", str(self.folder / f"store{next(_numbers)}.db"))
        return self._database(self.template)

    def clone(self, site: Site) -> Site:
        """A copy of ``site`` as it is now (nobody may be connected to a database being copied)."""
        if self.engine == "sqlite":
            copy = self.new()
            shutil.copyfile(site.location, copy.location)
            return copy
        return self._database(site.dbname)

    def _database(self, template: str) -> Site:
        assert self.server is not None
        name = self.server.create_database(template=template)
        self.made.append(name)
        return Site("postgres", self.server.url(name, user=DESK, password=DESK_PASSWORD),
                    admin=self.server.url(name), dbname=name)

    def drop(self) -> None:
        if self.server is not None:
            for name in self.made:
                self.server.drop_database(name)
        self.made.clear()
