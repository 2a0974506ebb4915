"""For tests that look at rows directly: the store's own connection, in one place.

Nothing in csconsole/ may reach it (tests/test_architecture.py); a test may, to check what the store
wrote, or to damage it on purpose.
"""

from __future__ import annotations

import sqlite3

from csconsole.store import Store


def connection(store: Store) -> sqlite3.Connection:
    return store._conn
