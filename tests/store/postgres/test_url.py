"""A store is named by a path or a PostgreSQL URL; a malformed URL gets one plain line; no password is shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from csconsole.store.errors import StoreError
from csconsole.store.postgres.url import PostgresURL, default_location, parse_location, redact


@pytest.mark.parametrize(("text", "dbname", "user", "host", "port"), [
    ("postgresql://ana@db.example/floor", "floor", "ana", "db.example", None),
    ("postgres://ana@db.example:5433/floor", "floor", "ana", "db.example", "5433"),
    ("POSTGRESQL://ana@/floor?host=/run/postgresql", "floor", "ana", "/run/postgresql", None),
    ("postgresql:///floor", "floor", None, None, None),
    ("postgresql://ana@[::1]:5432/floor?sslmode=require", "floor", "ana", "::1", "5432"),
    ("postgresql://h1:5432,h2:5433/floor?target_session_attrs=read-write", "floor", None, "h1,h2", "5432,5433"),
])
def test_urls_are_read_as_libpq_reads_them(text: str, dbname: str, user: str | None, host: str | None,
                                           port: str | None) -> None:
    found = parse_location(text)
    assert isinstance(found, PostgresURL)
    assert (found.dbname, found.user, found.host, found.port) == (dbname, user, host, port)
    assert found.conninfo == str(found) == text.replace("POSTGRESQL", "postgresql")


@pytest.mark.parametrize("text", ["floor.db", "/var/lib/csconsole/floor.db", "C:\\stores\\floor.db",
                                  "./postgresql.db", "my store.db"])
def test_anything_else_is_a_file_path(text: str) -> None:
    assert parse_location(text) == Path(text)


@pytest.mark.parametrize(("text", "message"), [
    ("postgresql://ana@db.example", 'bad store URL "postgresql://ana@db.example": no database named'),
    ("postgresql://ana@db.example:99999/floor", 'the port "99999" is not a number from 1 to 65535'),
    ("postgresql://ana@db.example:http/floor", 'the port "http" is not a number'),
    ("postgresql://ana@db.example/floor?colour=blue", 'invalid URI query parameter: "colour"'),
    ("postgresql://ana@db.example/fl%zzoor", 'invalid percent-encoded token: "fl%zzoor"'),
    ("postgresql:floor", "write it as postgresql://USER@HOST/DATABASE"),
    ("mysql://ana@db.example/floor", "a store is a file path or a postgresql:// URL"),
    ("   ", "no store named"),
])
def test_a_malformed_url_gets_one_plain_line(text: str, message: str) -> None:
    with pytest.raises(StoreError) as refused:
        parse_location(text)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    if text.strip():
        assert str(refused.value).startswith('bad store URL "')


@pytest.mark.parametrize(("text", "shown"), [
    ("postgresql://ana:s3cret@db.example/floor", "postgresql://ana:***@db.example/floor"),
    ("postgresql://ana:s3@c/ret@db.example/floor", "postgresql://ana:***@db.example/floor"),
    ("postgresql://ana@db.example/floor?password=s3cret&sslmode=require",
     "postgresql://ana@db.example/floor?password=***&sslmode=require"),
    ("postgresql://ana:s3cret@db.example", "postgresql://ana:***@db.example"),
])
def test_a_password_is_never_shown(text: str, shown: str) -> None:
    assert redact(text) == shown
    try:
        found = parse_location(text)
    except StoreError as error:
        assert "s3" not in str(error) and "***" in str(error)
    else:
        assert str(found) == shown
        assert "s3" not in repr(found) and "s3" not in str(found)
        assert "s3" in found.conninfo  # for libpq: the password is kept, only never shown


def test_a_password_libpq_cannot_read_is_not_quoted_back() -> None:
    with pytest.raises(StoreError) as refused:
        parse_location("postgresql://ana:p%zzword@db.example/floor")
    assert "zz" not in str(refused.value)
    assert "the password cannot be read" in str(refused.value)


def test_csconsole_db_names_the_default_store(tmp_path: Path) -> None:
    fallback = tmp_path / "floor.db"
    assert default_location(fallback, {}) == fallback
    assert default_location(fallback, {"CSCONSOLE_DB": "  "}) == fallback
    assert default_location(fallback, {"CSCONSOLE_DB": "~/stores/floor.db"}) == Path.home() / "stores" / "floor.db"
    found = default_location(fallback, {"CSCONSOLE_DB": "postgresql://ana@db.example/floor"})
    assert isinstance(found, PostgresURL) and found.dbname == "floor"
    with pytest.raises(StoreError, match=r'^CSCONSOLE_DB: bad store URL "postgresql://ana:\*\*\*@h": no database'):
        default_location(fallback, {"CSCONSOLE_DB": "postgresql://ana:pw@h"})
