"""``csconsole init STORE``: an empty store where there is none, an older one brought up to date.

For a file: the SQLite store, created as any first open creates it. For a database: the schema
``csconsole`` made (or upgraded) by the login that runs it, who owns it from then on (the store's
administrator), and the console's role ``csconsole_console`` granted what a console may do afresh; the
logins named in ``grant`` become its members, the desks' way in.
"""

from __future__ import annotations

from dataclasses import dataclass

from csconsole.store.errors import StoreError
from csconsole.store.postgres.url import PostgresURL
from csconsole.store.store import Store, Where, location_of


@dataclass(frozen=True)
class Initialised:
    location: str  # as a person may read it
    created: bool  # False: a store was there already (brought up to date)
    schema_version: int
    owner: str | None = None  # PostgreSQL: who owns the schema
    console_role: str | None = None  # PostgreSQL: the role consoles log in as members of
    granted: tuple[str, ...] = ()


def initialise(where: Where, grant: tuple[str, ...] = ()) -> Initialised:
    location = location_of(where)
    if isinstance(location, PostgresURL):
        from csconsole.store.postgres.setup import initialise_database

        return initialise_database(location, grant)
    if grant:
        raise StoreError("--grant names logins of a PostgreSQL server; a store file has none")
    existed = location.exists() and location.stat().st_size > 0
    with Store.open(location, create=True) as store:
        return Initialised(str(location), not existed, store.schema_version())
