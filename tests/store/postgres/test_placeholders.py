"""SQLite's placeholders in psycopg's words: only outside literals, identifiers and comments; every % doubled."""

from __future__ import annotations

import pytest

from csconsole.store.postgres.placeholders import PlaceholderError, translate


@pytest.mark.parametrize(("sqlite", "psycopg", "positional", "names"), [
    ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s", 2, set()),
    ("SELECT '?', \"a?b\", ? -- why?\n", "SELECT '?', \"a?b\", %s -- why?\n", 1, set()),
    ("SELECT 'it''s ?' || ?", "SELECT 'it''s ?' || %s", 1, set()),
    ("SELECT x LIKE 'a%' AND y = ?", "SELECT x LIKE 'a%%' AND y = %s", 1, set()),
    ("SELECT 7 % ?", "SELECT 7 %% %s", 1, set()),
    ("SELECT /* ? :no % */ ?", "SELECT /* ? :no %% */ %s", 1, set()),
    ("WHERE at <= :now AND due > :now", "WHERE at <= %(now)s AND due > %(now)s", 0, {"now"}),
    ("SELECT '12:30', x::text, :after_id", "SELECT '12:30', x::text, %(after_id)s", 0, {"after_id"}),
    ("SELECT E'it\\'s ?', ?", "SELECT E'it\\'s ?', %s", 1, set()),
    ("SELECT 'a\\', ?", "SELECT 'a\\', %s", 1, set()),  # a plain literal: the backslash is itself
    ("DO $$ BEGIN RAISE NOTICE '% ?'; END $$", "DO $$ BEGIN RAISE NOTICE '%% ?'; END $$", 0, set()),
    ("SELECT $tag$ ? $tag$, ?", "SELECT $tag$ ? $tag$, %s", 1, set()),
    ("SELECT 1", "SELECT 1", 0, set()),
])
def test_placeholders_are_translated_outside_quotes_only(sqlite: str, psycopg: str, positional: int,
                                                         names: set[str]) -> None:
    done = translate(sqlite)
    assert (done.sql, done.positional, set(done.names)) == (psycopg, positional, names)


@pytest.mark.parametrize(("sql", "message"), [
    ("SELECT ?1", "numbered placeholder"),
    ("SELECT ?, :a", "mixes"),
])
def test_what_psycopg_cannot_be_given_is_refused(sql: str, message: str) -> None:
    with pytest.raises(PlaceholderError, match=message):
        translate(sql)


def test_a_translation_is_kept() -> None:
    sql = "SELECT ? FROM kept_translation"
    assert translate(sql) is translate(sql)
