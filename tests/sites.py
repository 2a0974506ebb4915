"""Where a test's store lives, on either engine: ``Site`` (tests/conftest.py gives one per test as ``site``,
parametrised ``sqlite`` / ``postgres``).

A site names the store as a console opens it (``location``: a file path, or a URL as a console's login,
a member of ``csconsole_console``), and gives what a test needs around it that the console never does:
SQL as the store's owner (``sql``), and an attacker's edit of the log with the guards switched off
(``tamper``: on SQLite the triggers dropped; on PostgreSQL a superuser disabling them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csconsole.services import Store, open_store

APPEND_ONLY_TRIGGERS = ("events_append_only_update", "events_append_only_delete")


@dataclass
class Site:
    engine: str  # "sqlite" or "postgres"
    location: str  # what a console opens: the file, or the URL of a console's login
    admin: str = ""  # PostgreSQL: the superuser's URL of the same database
    created: list[str] = field(default_factory=list)

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
