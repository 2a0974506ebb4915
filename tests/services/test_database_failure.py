"""A failure SQLite raises while reading reaches the user (console job, CLI) as a plain line."""

from __future__ import annotations

import sqlite3

from csconsole.services import database_failure


def test_sqlite_failures_become_plain_lines() -> None:
    damaged = database_failure(sqlite3.DatabaseError("database disk image is malformed"), "/x/floor.db")
    assert damaged == "/x/floor.db is damaged (database disk image is malformed); restore it from a backup"
    assert database_failure(sqlite3.OperationalError("database or disk is full"), "/x/floor.db").startswith(
        "/x/floor.db: the disk is full")
    assert database_failure(ValueError("not ours"), "/x/floor.db") is None
