"""The store's SQL, as it speaks to sqlite3, runs on PostgreSQL through the adapter (a real server)."""

from __future__ import annotations

import psycopg
import pytest

from csconsole.store.postgres.connection import Connection


@pytest.fixture
def scratch(pg: Connection) -> Connection:
    """The store's schema, empty: where unqualified names land."""
    pg.execute("CREATE SCHEMA csconsole")
    return pg


@pytest.fixture
def t(scratch: Connection) -> Connection:
    pg = scratch
    pg.execute("CREATE TABLE t (id bigint PRIMARY KEY, name text, score double precision)")
    pg.executemany("INSERT INTO t VALUES (?, ?, ?)", [(1, "ana", 1.5), (2, "raj", None), (3, "100% li", 2.0)])
    return pg


def test_qmark_and_named_placeholders_and_percent_literals(t: Connection) -> None:
    assert t.execute("SELECT name FROM t WHERE id = ?", (1,)).fetchone() == ("ana",)
    assert t.execute("SELECT id FROM t WHERE id > :low AND id < :high ORDER BY id",
                     {"low": 1, "high": 9, "unused": 0}).fetchall() == [(2,), (3,)]
    assert t.execute("SELECT id FROM t WHERE name LIKE '%li' AND id = ?", (3,)).fetchall() == [(3,)]
    assert t.execute("SELECT '100%'").fetchone() == ("100%",)  # without values and with: one % each
    assert t.execute("SELECT '100%', ?", (1,)).fetchone() == ("100%", 1)
    assert t.execute("SELECT '?', ? || '%'", ("x",)).fetchone() == ("?", "x%")


def test_rows_are_plain_tuples_with_sqlites_types(t: Connection) -> None:
    row = t.execute("SELECT count(*), sum(id), avg(id), max(score), max(id) > 1, max(name) IS NULL FROM t "
                    "WHERE id = 2").fetchone()
    assert row == (1, 2, 2.0, None, 1, 0)
    assert [type(v) for v in row[:3]] == [int, int, float]
    assert t.execute("SELECT sum(id) FROM t").fetchone() == (6,)
    t.execute("CREATE TABLE flags (on_off bigint)")
    t.execute("INSERT INTO flags VALUES (?), (?)", (True, False))  # booleans land as 1 and 0, as in SQLite
    assert t.execute("SELECT on_off FROM flags ORDER BY 1").fetchall() == [(0,), (1,)]
    assert t.execute("SELECT ?", (2**62,)).fetchone() == (2**62,)


def test_cursors_fetch_iterate_and_count(t: Connection) -> None:
    cursor = t.execute("SELECT id FROM t ORDER BY id")
    assert cursor.fetchone() == (1,)
    assert list(cursor) == [(2,), (3,)]
    assert cursor.fetchone() is None
    assert t.execute("SELECT id FROM t WHERE id > 10").fetchone() is None
    updated = t.execute("UPDATE t SET score = 0 WHERE id >= ?", (2,))
    assert updated.rowcount == 2 and updated.fetchone() is None and updated.fetchall() == []
    assert t.executemany("DELETE FROM t WHERE id = ?", [(1,), (2,), (9,)]).rowcount == 2
    assert dict(t.execute("SELECT id, name FROM t").fetchall()) == {3: "100% li"}


def test_a_wrong_number_of_values_is_refused_before_the_server(t: Connection) -> None:
    with pytest.raises(psycopg.ProgrammingError, match="2 placeholders but 1 values"):
        t.execute("SELECT ?, ?", (1,))
    with pytest.raises(psycopg.ProgrammingError, match="no value given for :b"):
        t.execute("SELECT :a, :b", {"a": 1})
    with pytest.raises(psycopg.ProgrammingError, match="need a mapping"):
        t.execute("SELECT :a", (1,))
    assert not t.in_transaction


def test_lastrowid_points_to_returning(t: Connection) -> None:
    cursor = t.execute("INSERT INTO t (id, name) VALUES (4, 'sue') RETURNING id")
    assert cursor.fetchone() == (4,)
    with pytest.raises(psycopg.NotSupportedError, match="RETURNING id"):
        _ = cursor.lastrowid


def test_the_store_writes_its_own_transactions_and_savepoints(t: Connection) -> None:
    assert not t.in_transaction
    t.execute("BEGIN")
    assert t.in_transaction
    t.execute("INSERT INTO t (id, name) VALUES (10, 'kept')")
    t.execute("SAVEPOINT inner_work")
    t.execute("INSERT INTO t (id, name) VALUES (11, 'undone')")
    t.execute("ROLLBACK TO SAVEPOINT inner_work")
    t.execute("RELEASE SAVEPOINT inner_work")
    t.execute("COMMIT")
    assert not t.in_transaction
    assert t.execute("SELECT id FROM t WHERE id >= 10").fetchall() == [(10,)]
    t.execute("BEGIN")
    t.execute("DELETE FROM t")
    t.execute("ROLLBACK")
    assert t.execute("SELECT count(*) FROM t").fetchone() == (4,)


def test_after_a_failed_statement_only_rollback_is_taken(t: Connection) -> None:
    t.execute("BEGIN")
    with pytest.raises(psycopg.errors.UniqueViolation):
        t.execute("INSERT INTO t (id) VALUES (1)")
    assert t.in_transaction  # SQLite would carry on here; PostgreSQL refuses until the transaction ends
    with pytest.raises(psycopg.errors.InFailedSqlTransaction):
        t.execute("SELECT 1")
    t.execute("ROLLBACK")
    assert not t.in_transaction and t.execute("SELECT 1").fetchone() == (1,)


def test_stream_reads_a_big_result_in_batches(t: Connection) -> None:
    t.execute("INSERT INTO t (id) SELECT g FROM generate_series(100, 2099) g")
    seen = [row[0] for row in t.stream("SELECT id FROM t WHERE id >= ? ORDER BY id", (100,), size=300)]
    assert seen == list(range(100, 2100))


def test_executescript_runs_statements_without_values(scratch: Connection) -> None:
    pg = scratch
    pg.executescript("CREATE TABLE a (x bigint); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);")
    assert pg.execute("SELECT sum(x) FROM a").fetchone() == (3,)


def test_the_store_schema_is_first_on_the_search_path(pg: Connection, pg_url: str) -> None:
    with pytest.raises(psycopg.errors.InvalidSchemaName):  # never a table strewn into "public"
        pg.execute("CREATE TABLE here (x bigint)")
    pg.execute("CREATE SCHEMA csconsole")
    pg.execute("CREATE TABLE here (x bigint)")
    other = Connection.connect(pg_url)
    assert other.execute("SELECT count(*) FROM here").fetchone() == (0,)
    assert other.execute("SHOW application_name").fetchone() == ("csconsole",)
    other.close()
    assert other.closed


def test_an_autocommit_connection_is_required(pg_url: str) -> None:
    raw = psycopg.connect(pg_url)
    with pytest.raises(ValueError, match="autocommit"):
        Connection(raw)
    raw.close()


def test_a_statement_is_prepared_from_its_second_run_but_one_that_matches_text_never(t: Connection) -> None:
    """A prepared statement's one plan, kept after five runs, knows nothing of a LIKE's pattern (the search
    box's walked every ticket): such statements are planned for each pattern; others are prepared."""
    for _ in range(3):
        t.execute("SELECT name FROM t WHERE id = ?", (1,)).fetchall()
        t.execute("SELECT id FROM t WHERE lower(name) LIKE lower(?)", ("%li%",)).fetchall()
        t.execute_all([("SELECT id FROM t WHERE id > ?", [1]), ("SELECT id FROM t WHERE name LIKE ?", ["a%"])])
    prepared = [sql for (sql,) in t.execute("SELECT statement FROM pg_prepared_statements").fetchall()]
    assert any("WHERE id = $1" in sql for sql in prepared)
    assert any("WHERE id > $1" in sql for sql in prepared)
    assert not any("LIKE" in sql for sql in prepared)


def test_reads_sent_together_answer_each_in_order(t: Connection) -> None:
    assert t.execute_all([("SELECT count(*) FROM t", []), ("SELECT id FROM t WHERE id >= ? ORDER BY id", [2])]) == [
        [(3,)], [(2,), (3,)]]
