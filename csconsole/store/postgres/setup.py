"""``csconsole init URL`` on a server: the schema and its guards made or upgraded by the store's
administrator, the console's role granted afresh, and the desks' logins made its members."""

from __future__ import annotations

import psycopg
from psycopg import sql

from csconsole.store.errors import StoreError
from csconsole.store.initialise import Initialised
from csconsole.store.postgres import errors
from csconsole.store.postgres.connection import Connection
from csconsole.store.postgres.migrate import CONSOLE_ROLE, apply_migrations, stored_version
from csconsole.store.postgres.url import PostgresURL


def initialise_database(url: PostgresURL, grant: tuple[str, ...]) -> Initialised:
    where = url.shown
    try:
        conn = Connection.connect(url.conninfo)
    except psycopg.Error as error:
        raise StoreError(errors.describe(error, where)) from None
    try:
        existed = stored_version(conn) is not None
        apply_migrations(conn, where)
        granted = _make_members(conn, grant, where)
        owner = conn.execute("SELECT current_user").fetchone()
        version = stored_version(conn) or 0
    except psycopg.Error as error:
        raise StoreError(errors.describe(error, where)) from None
    finally:
        conn.close()
    return Initialised(where, not existed, version, str(owner[0]) if owner else None, CONSOLE_ROLE, granted)


def _make_members(conn: Connection, logins: tuple[str, ...], where: str) -> tuple[str, ...]:
    """Each login a member of the console's role, all of them or none."""
    names = tuple(dict.fromkeys(name.strip() for name in logins if name.strip()))
    if not names:
        return ()
    known = {row[0] for row in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(?)", (list(names),))}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise StoreError(f"{where}: the server has no login {unknown[0]!r}; create it first "
                         f"(CREATE ROLE {unknown[0]} LOGIN PASSWORD '...')")
    conn.execute("BEGIN")
    try:
        for name in names:
            conn.raw.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(CONSOLE_ROLE), sql.Identifier(name)))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return names
