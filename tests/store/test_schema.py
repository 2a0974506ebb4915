"""The SQLite schema is what it was before there were two engines: the migrations, rendered from their one
definition, give the very sqlite_master, ``user_version`` and sqlite-utils bookkeeping of a store that
csconsole made with schema 5 (tests/fixtures/schema/sqlite_v5.json was taken from such a store), and a
store made so opens without a change."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from csconsole.store.schema import MIGRATION_STEPS, MIGRATIONS
from csconsole.store.store import Store

SNAPSHOT = json.loads((Path(__file__).parents[1] / "fixtures" / "schema" / "sqlite_v5.json").read_text())
# SQLite keeps a statement's trailing blanks in sqlite_master; they mean nothing.
Master = list[tuple[str, str, str, str | None]]


def master(conn: sqlite3.Connection) -> Master:
    return [(t, n, tbl, None if sql is None else sql.rstrip())
            for t, n, tbl, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")]


def snapshot_master() -> Master:
    return [(t, n, tbl, None if sql is None else sql.rstrip()) for t, n, tbl, sql in SNAPSHOT["sqlite_master"]]


def test_the_first_five_migrations_give_schema_5_as_it_always_was(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "v5.db", isolation_level=None)
    later = [m.name for m in MIGRATION_STEPS[5:]]
    conn.execute("BEGIN IMMEDIATE")
    MIGRATIONS.apply(Database(conn), stop_before=later or None)
    conn.execute("COMMIT")
    assert master(conn) == snapshot_master()
    applied = [n for (n,) in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'csconsole' "
                                          "ORDER BY id")]
    assert applied == SNAPSHOT["migrations"]


def test_a_new_store_is_numbered_as_before(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db", create=True) as store:
        assert store.schema_version() == len(MIGRATION_STEPS) >= SNAPSHOT["user_version"]


def test_a_store_made_by_schema_5_opens_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for _kind, name, _, sql in SNAPSHOT["sqlite_master"]:
        if sql and not name.startswith("sqlite_"):
            conn.execute(sql)
    conn.execute("ANALYZE")  # sqlite_stat1, as migration 0004 left it
    conn.executemany("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('csconsole', ?, ?)",
                     [(name, "2026-01-01 00:00:00+00:00") for name in SNAPSHOT["migrations"]])
    conn.execute(f"PRAGMA user_version = {SNAPSHOT['user_version']}")
    conn.execute("COMMIT")
    before = master(conn)
    bookkeeping = conn.execute("SELECT * FROM _sqlite_migrations").fetchall()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version() == len(MIGRATION_STEPS)
    conn = sqlite3.connect(path)
    later = [m.name for m in MIGRATION_STEPS[5:]]
    rows = conn.execute("SELECT * FROM _sqlite_migrations").fetchall()
    assert rows[:len(bookkeeping)] == bookkeeping  # the five applied before are not applied again
    assert [r[2] for r in rows[len(bookkeeping):]] == later
    if not later:
        assert master(conn) == before == snapshot_master()


def test_the_tables_a_store_is_checked_for_are_those_the_migrations_make() -> None:
    """A store's tables are checked at every open against a list read from the schema's definitions (not
    by running every migration on a memory database): the two agree."""
    from csconsole.store.sqlite.recognise import expected_tables

    conn = sqlite3.connect(":memory:")
    MIGRATIONS.apply(Database(conn))
    made = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert expected_tables() == frozenset(n for n in made if not n.startswith("sqlite_"))
