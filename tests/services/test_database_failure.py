"""A failure an engine raises while reading reaches the user (console job, CLI) as a plain line."""

from __future__ import annotations

import sqlite3

from csconsole.services import database_failure


def test_sqlite_failures_become_plain_lines() -> None:
    damaged = database_failure(sqlite3.DatabaseError("database disk image is malformed"), "/x/floor.db")
    assert damaged == "/x/floor.db is damaged (database disk image is malformed); restore it from a backup"
    assert database_failure(sqlite3.OperationalError("database or disk is full"), "/x/floor.db").startswith(
        "/x/floor.db: the disk is full")
    assert database_failure(ValueError("not ours"), "/x/floor.db") is None


def test_server_failures_become_plain_lines_without_the_password() -> None:
    import psycopg

    url = "postgresql://desk:s3cret@db.example/floor"
    lost = database_failure(psycopg.OperationalError("server closed the connection unexpectedly"), url)
    assert lost == "postgresql://desk:***@db.example/floor: the connection to the server was lost (did it restart?)"
    refused = database_failure(psycopg.errors.InsufficientPrivilege("permission denied for table events"), url)
    assert refused is not None and "permission denied" in refused and "s3cret" not in refused
