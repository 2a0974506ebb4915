"""The floor's logins on the server: who this session is, and (for the store's administrator) making a
person's login, moving it between the floor's groups, listing them (``csconsole floor``).

A person's login is named as their csconsole agent; its group (``floor_guard.FLOOR_GROUPS``) is the role
the server enforces. A password is never sent in clear, nor written into a statement: libpq hashes it
(SCRAM-SHA-256) on this side and the server keeps only that verifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from psycopg import sql

from csconsole.store.errors import StoreError
from csconsole.store.postgres.connection import SCHEMA, Connection
from csconsole.store.postgres.floor_guard import FLOOR_GROUPS

if TYPE_CHECKING:
    from csconsole.store.store import Store


@dataclass(frozen=True)
class SessionLogin:
    name: str  # session_user: the agent this session acts as
    role: str  # agent, supervisor, manager or auditor


@dataclass(frozen=True)
class FloorLogin:
    name: str
    role: str | None  # the floor group it is in (None: in none)
    can_login: bool
    agent_role: str | None  # the csconsole agent of that name's role (None: no such agent)
    active: bool | None


def session_login(conn: Connection) -> SessionLogin | None:
    """The floor login of this session, or None: a superuser, the store's administrator, a shared
    console login (``csconsole_console``), or a store made before the floor's groups."""
    row = conn.execute(f"SELECT session_user, CASE WHEN to_regprocedure('{SCHEMA}.floor_role()') IS NOT NULL "
                       "THEN 1 ELSE 0 END").fetchone()
    if row is None or not row[1]:
        return None
    role = conn.execute(f"SELECT {SCHEMA}.floor_role()").fetchone()
    return SessionLogin(str(row[0]), str(role[0])) if role and role[0] else None


def _group(role: str) -> str:
    if role not in FLOOR_GROUPS:
        raise StoreError(f"no floor role {role!r}: one of {', '.join(sorted(FLOOR_GROUPS))}")
    return FLOOR_GROUPS[role]


def create_login(store: Store, name: str, role: str, password: str | None) -> None:
    """Inside the caller's write: the login ``name``, in ``role``'s group, let into this database."""
    conn: Connection = store._conn
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)).fetchone() is not None:
        raise StoreError(f"the server has a login named {name!r} already; give it a role with "
                         "csconsole floor set-role, or choose another name")
    statement = sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(name), sql.Identifier(_group(role)))
    if password is not None:
        verifier = conn.raw.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
        statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(verifier.decode()))
    conn.raw.execute(statement)
    conn.raw.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
        sql.Identifier(str(conn.execute("SELECT current_database()").fetchone()[0])),  # type: ignore[index]
        sql.Identifier(name)))


def set_login_role(store: Store, name: str, role: str) -> None:
    """Inside the caller's write: ``name`` in ``role``'s group and in no other floor group."""
    conn: Connection = store._conn
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (name,)).fetchone() is None:
        raise StoreError(f"the server has no login named {name!r} (csconsole floor add-agent makes one)")
    wanted = _group(role)
    for group in FLOOR_GROUPS.values():
        if group != wanted:
            conn.raw.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), sql.Identifier(name)))
    conn.raw.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(wanted), sql.Identifier(name)))


def floor_logins(store: Store) -> list[FloorLogin]:
    """Every login in a floor group and every agent of the store, side by side, by name."""
    conn: Connection = store._conn
    cases = " ".join(f"WHEN pg_has_role(r.oid, '{group}', 'USAGE') THEN '{role}'"
                     for role, group in FLOOR_GROUPS.items())
    groups = list(FLOOR_GROUPS.values())
    rows = conn.execute(
        f"SELECT coalesce(r.rolname::text, a.name), CASE {cases} ELSE NULL END, coalesce(r.rolcanlogin, false), "
        "a.role, a.active "
        "FROM (SELECT * FROM pg_roles WHERE NOT rolsuper AND rolname <> ALL(?) AND "
        "      EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "              WHERE m.member = pg_roles.oid AND g.rolname = ANY(?))) r "
        f"FULL JOIN {SCHEMA}.agents a ON a.name = r.rolname::text ORDER BY 1",
        (groups, groups),
    ).fetchall()
    return [FloorLogin(str(name), group, bool(login), agent_role, None if active is None else bool(active))
            for name, group, login, agent_role, active in rows]
