"""Connections to a fresh database of the run's own PostgreSQL server (tests/pg_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csconsole.store.postgres.connection import Connection


@pytest.fixture
def pg(pg_url: str) -> Iterator[Connection]:
    """The superuser's connection to an empty database."""
    conn = Connection.connect(pg_url)
    yield conn
    conn.close()
