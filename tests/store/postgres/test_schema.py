"""One schema on both engines: PostgreSQL's catalog holds every table, column, key, index and trigger
that SQLite's does; the log refuses change from everyone; the version refusal is the same."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import psycopg
import pytest
from psycopg import errors as pg_errors

from csconsole.store import search
from csconsole.store.errors import StoreError
from csconsole.store.postgres.connection import SCHEMA, Connection
from csconsole.store.postgres.ddl import postgres_table
from csconsole.store.postgres.migrate import (
    CONSOLE_ROLE,
    apply_migrations,
    check_version,
    resync_identities,
    stored_version,
)
from csconsole.store.schema import (
    AGENT_PINS,
    AGENTS,
    MIGRATION_STEPS,
    QUEUES,
    RECOVERY_CASES,
    SCHEMA_VERSION,
    Table,
)
from csconsole.store.store import Store
from tests.pg_server import PgServer
from tests.store.postgres.conftest import add_ticket

# What STRICT's types must be on PostgreSQL: written here, not taken from the code under test.
PG_TYPE = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision"}
SQLITE_BOOKKEEPING = {"_sqlite_migrations", "sqlite_stat1"}
PG_BOOKKEEPING = {"schema_version", "schema_migrations"}

Catalog = dict[str, object]


def sqlite_catalog(path: Path) -> Catalog:
    conn = sqlite3.connect(path)
    tables = sorted(n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                    if n not in SQLITE_BOOKKEEPING and not search.is_search_table(n))
    columns, uniques, indexes, keys, checks = {}, set(), {}, set(), {}
    for table in tables:
        for _, name, kind, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})"):
            columns[f"{table}.{name}"] = (PG_TYPE[kind], bool(notnull or pk), bool(pk),
                                          None if pk else default)
        for _, index, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
            cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({index})"))
            if origin == "u":
                uniques.add((table, cols))
            elif origin == "c":
                keyed = sum(1 for r in conn.execute(f"PRAGMA index_xinfo({index})") if r[5])
                indexes[index] = (table, bool(unique), bool(partial), keyed)
        for row in conn.execute(f"PRAGMA foreign_key_list({table})"):
            keys.add((table, row[3], row[2], row[4]))
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        checks[table] = len(re.findall(r"\bCHECK\s*\(", sql))
    triggers = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                if not search.is_search_table(n)}
    conn.close()
    return {"tables": tables, "columns": columns, "uniques": uniques, "indexes": indexes,
            "foreign keys": keys, "checks": checks, "triggers": triggers}


def postgres_catalog(conn: Connection) -> Catalog:
    tables = sorted(n for (n,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = ?", (SCHEMA,))
                    if n not in PG_BOOKKEEPING)
    columns = {}
    for table, name, kind, nullable, default, identity, collation in conn.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity, collation_name "
        "FROM information_schema.columns WHERE table_schema = ?", (SCHEMA,)
    ):
        if table in PG_BOOKKEEPING:
            continue
        assert kind != "text" or collation == "C", f"{table}.{name} does not compare text byte by byte"
        pk = bool(conn.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary AND a.attname = ?",
            (f"{SCHEMA}.{table}", name),
        ).fetchone()[0])
        plain_default = None if default is None else re.sub(r"::text$", "", default)
        columns[f"{table}.{name}"] = (kind, nullable == "NO", pk, None if pk else plain_default)
        assert identity == "NO" or pk, f"{table}.{name}: an identity that is not the key"
    uniques, indexes = set(), {}
    for table, index, unique, primary, partial, keyed, constraint, names in conn.execute(
        "SELECT t.relname, c.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, i.indnkeyatts, "
        "EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid), "
        "array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY u(n, o) "
        "      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n ORDER BY u.o) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "
        "WHERE t.relnamespace = ?::regnamespace", (SCHEMA,)
    ):
        if table in PG_BOOKKEEPING or primary:
            continue
        if constraint:
            uniques.add((table, tuple(names)))
        elif not index.endswith("_trgm"):  # the search box's: SQLite's are FTS5 tables (search_schema)
            indexes[index] = (table, bool(unique), bool(partial), keyed)
    keys = set(conn.execute(
        "SELECT cl.relname, a.attname, rc.relname, ra.attname FROM pg_constraint c "
        "JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class rc ON rc.oid = c.confrelid "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] "
        "WHERE c.contype = 'f' AND cl.relnamespace = ?::regnamespace", (SCHEMA,)
    ).fetchall())
    checks = dict.fromkeys(tables, 0)
    for (table,) in conn.execute(
        "SELECT cl.relname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid "
        "WHERE c.contype = 'c' AND cl.relnamespace = ?::regnamespace", (SCHEMA,)
    ):
        checks[table] = checks.get(table, 0) + 1
    for table in PG_BOOKKEEPING:
        checks.pop(table, None)
    triggers = {n for (n,) in conn.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (?::regclass, ?::regclass)",
        (f"{SCHEMA}.events", f"{SCHEMA}.tickets"),  # the log's guards; the tickets' for the dashboard's tallies
    )}
    return {"tables": tables, "columns": columns, "uniques": uniques, "indexes": indexes,
            "foreign keys": {tuple(k) for k in keys}, "checks": checks, "triggers": triggers}


def test_postgres_has_every_table_column_key_index_and_trigger_of_sqlite(store_db: Connection,
                                                                          tmp_path: Path) -> None:
    Store.open(tmp_path / "floor.db", create=True).close()
    lite = sqlite_catalog(tmp_path / "floor.db")
    post = postgres_catalog(store_db)
    assert len(lite["indexes"]) > 20 and any(v[2] for v in lite["indexes"].values())  # partial ones among them
    for part in ("tables", "columns", "uniques", "indexes", "foreign keys", "checks"):
        assert post[part] == lite[part], part
    assert lite["triggers"] <= post["triggers"]  # SQLite's, and PostgreSQL's TRUNCATE one and floor guards besides
    assert "events_append_only_truncate" in post["triggers"]


def test_each_engine_has_its_own_search_index(store_db: Connection, tmp_path: Path) -> None:
    """SQLite: two FTS5 trigram tables and their triggers; PostgreSQL: two pg_trgm GIN indexes instead."""
    Store.open(tmp_path / "floor.db", create=True).close()
    conn = sqlite3.connect(tmp_path / "floor.db")
    virtual = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")}
    lite_triggers = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    conn.close()
    assert virtual == {"search_subjects", "search_customers"}
    # (a new ticket's subject is written beside its row by the ledger: no insert trigger on tickets)
    assert {n for n in lite_triggers if n.startswith("search_")} == {
        "search_subjects_update", "search_subjects_delete",
        "search_customers_insert", "search_customers_update", "search_customers_delete"}
    gin = {row[0] for row in store_db.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = ? AND indexdef LIKE '%gin_trgm_ops%'", (SCHEMA,))}
    assert gin == {"ix_tickets_subject_trgm", "ix_customers_name_trgm"}


def test_a_column_changes_only_its_type() -> None:
    assert postgres_table(QUEUES).startswith(
        "CREATE TABLE queues (\n            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
        '            name text COLLATE "C" NOT NULL UNIQUE,\n            sla_urgent bigint, sla_high bigint,')
    assert "agent_id bigint PRIMARY KEY REFERENCES agents(id)" in postgres_table(AGENT_PINS)  # given, not numbered
    assert "role text COLLATE \"C\" NOT NULL CHECK (role IN ('agent','supervisor','manager'))" in postgres_table(AGENTS)
    assert "goodwill_amount double precision," in postgres_table(RECOVERY_CASES)
    with pytest.raises(ValueError, match=r"t.at: type 'DATETIME' is not one of"):
        postgres_table(Table("t", "id INTEGER PRIMARY KEY, at DATETIME"))


def test_the_version_is_recorded_and_a_second_run_applies_nothing(pg: Connection) -> None:
    assert stored_version(pg) is None
    assert apply_migrations(pg, "floor") == [m.name for m in MIGRATION_STEPS]
    assert apply_migrations(pg, "floor") == []
    assert stored_version(pg) == check_version(pg, "floor") == SCHEMA_VERSION
    names = [n for (n,) in pg.execute(f"SELECT name FROM {SCHEMA}.schema_migrations ORDER BY name")]
    assert names == [m.name for m in MIGRATION_STEPS]


def test_a_store_from_a_newer_csconsole_is_refused_and_left_alone(store_db: Connection) -> None:
    store_db.execute(f"UPDATE {SCHEMA}.schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    message = (f"floor was written by a newer csconsole (schema {SCHEMA_VERSION + 1}, "
               f"this one knows {SCHEMA_VERSION}); upgrade csconsole to open it")
    with pytest.raises(StoreError) as refused:
        check_version(store_db, "floor")
    assert str(refused.value) == message
    with pytest.raises(StoreError, match="newer csconsole"):
        apply_migrations(store_db, "floor")
    assert stored_version(store_db) == SCHEMA_VERSION + 1
    assert not store_db.in_transaction


def test_a_database_without_a_store_is_told_apart(pg: Connection) -> None:
    with pytest.raises(StoreError, match=r"is not a csconsole store .no csconsole schema"):
        check_version(pg, "floor")
    pg.execute(f"CREATE SCHEMA {SCHEMA}")
    pg.execute(f"CREATE TABLE {SCHEMA}.songs (title text)")
    for attempt in (check_version, apply_migrations):
        with pytest.raises(StoreError, match="has a schema csconsole that is not a csconsole store"):
            attempt(pg, "floor")
    tables = pg.execute("SELECT tablename FROM pg_tables WHERE schemaname = ?", (SCHEMA,)).fetchall()
    assert tables == [("songs",)]  # nothing half-written beside it


def test_a_console_login_may_not_own_the_schema(pg_server: PgServer, pg: Connection, pg_url: str) -> None:
    pg_server.sql(f"DO $$ BEGIN CREATE ROLE {CONSOLE_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN END $$")
    pg_server.sql(f"CREATE ROLE desk_owner LOGIN PASSWORD 'pw' IN ROLE {CONSOLE_ROLE}")
    dbname = pg.raw.info.dbname
    pg.execute(f'GRANT CREATE ON DATABASE "{dbname}" TO desk_owner')
    try:
        desk = Connection.connect(pg_server.url(dbname, user="desk_owner", password="pw"))
        with pytest.raises(StoreError, match="not by a member of csconsole_console"):
            apply_migrations(desk, "floor")
        desk.close()
        assert stored_version(pg) is None
    finally:
        pg.execute(f'REVOKE CREATE ON DATABASE "{dbname}" FROM desk_owner')
        pg_server.sql("DROP ROLE desk_owner")


def test_the_log_refuses_update_delete_and_truncate_even_from_its_owner(store_db: Connection) -> None:
    add_ticket(store_db)
    store_db.execute("INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) "
                     "VALUES (1, 1, 'created', '2024-01-01T09:00:00Z', NULL, '{}', 'h')")
    for statement, word in (("UPDATE events SET kind = 'note'", "changed"),
                            ("DELETE FROM events WHERE seq > 100", "deleted"),  # none match: still refused
                            ("TRUNCATE events CASCADE", "truncated")):
        with pytest.raises(psycopg.IntegrityError, match=f"events are append-only: an event cannot be {word}"):
            store_db.execute(statement)
    assert store_db.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_the_console_role_may_only_read_and_append_events(store_db: Connection, console: Connection) -> None:
    add_ticket(console)  # the derived tables it may write
    console.execute("INSERT INTO events (seq, ticket_id, kind, at, actor_id, data, hash) "
                    "VALUES (1, 1, 'created', '2024-01-01T09:00:00Z', NULL, '{}', 'h')")
    assert console.execute("SELECT seq FROM events").fetchall() == [(1,)]
    console.execute("UPDATE tickets SET bounces = 1 WHERE id = 1")
    for statement in ("UPDATE events SET kind = 'note'", "DELETE FROM events", "TRUNCATE events CASCADE",
                      "ALTER TABLE events DISABLE TRIGGER ALL", "DROP TABLE events CASCADE",
                      f"UPDATE {SCHEMA}.schema_version SET version = 0", "CREATE TABLE queues2 (id bigint)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            console.execute(statement)
    assert store_db.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_constraints_defaults_and_identities_hold(store_db: Connection) -> None:
    first = store_db.execute("INSERT INTO queues (name) VALUES ('Billing') RETURNING id").fetchone()
    assert first == (1,)
    with pytest.raises(pg_errors.CheckViolation):
        store_db.execute("INSERT INTO agents (name, role) VALUES ('Ana', 'boss')")
    with pytest.raises(pg_errors.UniqueViolation):
        store_db.execute("INSERT INTO queues (name) VALUES ('Billing')")
    store_db.execute("INSERT INTO agents (name, role) VALUES ('Ana', 'agent')")
    assert store_db.execute("SELECT active FROM agents").fetchone() == (1,)
    store_db.execute("INSERT INTO queues (id, name) VALUES (7, 'Tech')")  # an id given, as a copy does
    resync_identities(store_db)
    assert store_db.execute("INSERT INTO queues (name) VALUES ('Sales') RETURNING id").fetchone() == (8,)


def test_text_sorts_byte_by_byte_as_in_sqlite(store_db: Connection) -> None:
    names = ["b", "B", "a", "é", "Z", "_x", "a b"]
    for name in names:
        store_db.execute("INSERT INTO queues (name) VALUES (?)", (name,))
    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE queues (name TEXT)")
    lite.executemany("INSERT INTO queues VALUES (?)", [(n,) for n in names])
    assert (store_db.execute("SELECT name FROM queues ORDER BY name").fetchall()
            == lite.execute("SELECT name FROM queues ORDER BY name").fetchall())


def test_a_failed_migration_leaves_nothing(pg: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    from csconsole.store.postgres import migrate
    from csconsole.store.schema import Migration

    broken = (*MIGRATION_STEPS, Migration("0099_broken", ("CREATE INDEX ix_nothing ON no_such_table(x)",)))
    monkeypatch.setattr(migrate, "MIGRATION_STEPS", broken)
    with pytest.raises(psycopg.errors.UndefinedTable):
        apply_migrations(pg, "floor")
    assert stored_version(pg) is None
    assert pg.execute("SELECT count(*) FROM pg_namespace WHERE nspname = ?", (SCHEMA,)).fetchone() == (0,)
