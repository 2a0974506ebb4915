"""The schema on PostgreSQL: the migrations of ``schema.py``, a version record as ``user_version`` is on
SQLite, and the guards of DESIGN §5b.

Every table lives in the schema ``csconsole``, owned by the role that applies the migrations (the
store's administrator). The console connects as a member of ``csconsole_console``, which may read every
table, insert events but never change or remove one, and write the derived tables; the events triggers
refuse UPDATE, DELETE and TRUNCATE even from the owner, so only a superuser who switches them off
can rewrite the log (and ``audit verify`` sees that). The floor's own logins, one a person, are
members of the groups of ``floor_guard.py``, whose every write the server checks against DESIGN §2.

Migrations run in one transaction (PostgreSQL's DDL is transactional), behind an advisory lock so two
consoles opening a new database at once do not both migrate it.
"""

from __future__ import annotations

import re

from csconsole.domain import clock
from csconsole.store.errors import StoreError
from csconsole.store.postgres import floor_guard
from csconsole.store.postgres.connection import SCHEMA, Connection
from csconsole.store.postgres.ddl import postgres_statements
from csconsole.store.schema import MIGRATION_STEPS, SCHEMA_VERSION, Data, newer_store

CONSOLE_ROLE = "csconsole_console"
MIGRATION_LOCK = 0x6373636F6E736D67  # "csconsmg": any fixed key, apart from the chain's
VERSION_TABLE = "schema_version"  # one row: the number of migrations applied (SQLite's user_version)
MIGRATIONS_TABLE = "schema_migrations"  # name and time of each, as sqlite-utils' _sqlite_migrations
BOOKKEEPING = (VERSION_TABLE, MIGRATIONS_TABLE)
APPEND_ONLY = "events"
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")

_BOOKKEEPING_DDL = (
    (f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{VERSION_TABLE} ("
     "one boolean PRIMARY KEY DEFAULT true CHECK (one), version bigint NOT NULL CHECK (version >= 0))"),
    (f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{MIGRATIONS_TABLE} ("
     'name text COLLATE "C" PRIMARY KEY, applied_at text NOT NULL)'),
)


def stored_version(conn: Connection) -> int | None:
    """The schema number of the store in this database; None when the database holds none."""
    if not _count(conn, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                  SCHEMA, VERSION_TABLE):
        return None
    row = conn.execute(f"SELECT version FROM {SCHEMA}.{VERSION_TABLE}").fetchone()
    return 0 if row is None else int(row[0])


def check_version(conn: Connection, where: str) -> int:
    """The store's schema number, refusing a database that holds no store or one from a newer csconsole."""
    version = stored_version(conn)
    if version is None:
        if _count(conn, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ?", SCHEMA):
            raise StoreError(f"{where} has a schema {SCHEMA} that is not a csconsole store")
        raise StoreError(f"{where} is not a csconsole store (no {SCHEMA} schema: csconsole init creates one)")
    if version > SCHEMA_VERSION:
        raise newer_store(where, version)
    return version


def apply_migrations(conn: Connection, where: str, *, console_role: str = CONSOLE_ROLE) -> list[str]:
    """Bring the store in this database to ``SCHEMA_VERSION``, creating it if there is none; returns the
    names of the migrations applied. All of it or none of it: one transaction."""
    if conn.in_transaction:
        raise RuntimeError("apply_migrations runs its own transaction")
    if not _ROLE_NAME.fullmatch(console_role):
        raise ValueError(f"not a plain role name: {console_role!r}")
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
        _refuse_console_owner(conn, where, console_role)
        version = stored_version(conn)
        if version is not None and version > SCHEMA_VERSION:
            raise newer_store(where, version)
        _ensure_schema(conn, where)
        applied = {row[0] for row in conn.execute(f"SELECT name FROM {SCHEMA}.{MIGRATIONS_TABLE}")}
        done: list[str] = []
        for migration in MIGRATION_STEPS:
            if migration.name in applied:
                continue
            for statement in postgres_statements(migration):
                if isinstance(statement, Data):
                    statement.run(conn)
                else:
                    conn.execute(statement)
            conn.execute(f"INSERT INTO {SCHEMA}.{MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)",
                         (migration.name, clock.now_text()))
            done.append(migration.name)
        conn.execute(
            f"INSERT INTO {SCHEMA}.{VERSION_TABLE} (version) VALUES (?) "
            "ON CONFLICT (one) DO UPDATE SET version = excluded.version", (SCHEMA_VERSION,)
        )
        _grant(conn, console_role)
        floor_guard.install(conn)  # the floor's groups, their rights and the server's own checks of §2
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return done


def _refuse_console_owner(conn: Connection, where: str, console_role: str) -> None:
    """The owner of the tables may switch off their triggers: never let that be a console's or a floor
    login (a member of the console's role or of a floor group)."""
    groups = [console_role, *floor_guard.FLOOR_GROUPS.values()]
    row = conn.execute(
        "SELECT r.rolsuper, coalesce(bool_or(pg_has_role(current_user, g.oid, 'USAGE')), false) FROM pg_roles r "
        "LEFT JOIN pg_roles g ON g.rolname = ANY(?) WHERE r.rolname = current_user GROUP BY r.rolsuper",
        (groups,),
    ).fetchone()
    if row is not None and not row[0] and row[1]:
        raise StoreError(
            f"{where}: the schema must be created by the store's administrator, not by a member of "
            f"{console_role} (the console's role) or of a floor group"
        )


def _ensure_schema(conn: Connection, where: str) -> None:
    if stored_version(conn) is None:
        if _count(conn, "SELECT count(*) FROM information_schema.tables WHERE table_schema = ?", SCHEMA):
            raise StoreError(f"{where} has a schema {SCHEMA} that is not a csconsole store")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")  # owned by current_user: the administrator
    conn.execute(f"SET LOCAL search_path TO {SCHEMA}")
    for statement in _BOOKKEEPING_DDL:
        conn.execute(statement)


def _grant(conn: Connection, role: str) -> None:
    """What the console's role may do, granted afresh on every run so that a new table is covered."""
    if not _count(conn, "SELECT count(*) FROM pg_roles WHERE rolname = ?", role):
        conn.execute(f"CREATE ROLE {role} NOLOGIN")
    tables = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY tablename", (SCHEMA,)
    )]
    conn.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role}")
    conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {role}")
    for table in tables:
        if table == APPEND_ONLY:
            rights = "SELECT, INSERT"
        elif table in BOOKKEEPING:
            rights = "SELECT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        conn.execute(f"GRANT {rights} ON {SCHEMA}.{table} TO {role}")
    # UPDATE: a copy or a demo into an empty store gives its rows their ids, then moves the numbering on.
    conn.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {role}")


def _count(conn: Connection, sql: str, *params: object) -> int:
    row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def resync_identities(conn: Connection) -> None:
    """After rows were written with their ids given (a copy between stores): each identity goes on after
    the largest id, as SQLite's INTEGER PRIMARY KEY does by itself."""
    columns = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND is_identity = 'YES' ORDER BY table_name", (SCHEMA,)
    ).fetchall()
    for table, column in columns:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.{table}', '{column}'), "
            f"coalesce(max({column}), 0) + 1, false) FROM {SCHEMA}.{table}"
        )
