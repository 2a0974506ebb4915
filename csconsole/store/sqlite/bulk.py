"""Bulk loading into a new SQLite file: built under a private name with the journal and syncs off, indexed
once at the end, switched to WAL and renamed into place only when complete (all or nothing)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from csconsole.store import search, tallies
from csconsole.store.bulk import BulkLoader
from csconsole.store.schema import create_indexes, drop_indexes
from csconsole.store.store import Store


class SqliteBulkLoader(BulkLoader):
    def __init__(self, final_path: Path) -> None:
        self.final_path = final_path
        # One build per file at a time (the demo holds PATH.building.lock): a leftover here is a dead build's.
        self.tmp_path = final_path.with_name(f"{final_path.name}.building")
        self._remove_leftovers()
        store = Store.open(self.tmp_path, create=True)
        conn = store._conn
        conn.execute("PRAGMA journal_mode = OFF")  # a half-built file is thrown away, never opened
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -200000")
        conn.execute("PRAGMA threads = 2")  # index builds sort with a helper thread
        drop_indexes(Database(conn))
        search.sqlite_drop_triggers(conn)  # the search index is filled once, at the end
        tallies.sqlite_drop_triggers(conn)  # and the dashboard's tallies
        super().__init__(store)
        conn.execute("BEGIN")

    def finish(self) -> None:
        """Index, switch to WAL with full sync, and move the file into place."""
        self.flush()
        conn = self.store._conn
        conn.execute("COMMIT")
        create_indexes(Database(conn))
        search.sqlite_restore(conn)
        tallies.sqlite_restore(conn, tallies.SQLITE_PATH_HOPS)
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode = WAL")
        self.store.close()
        # A -wal left by an earlier file of that name would be replayed into this one and corrupt it.
        for stale in (Path(f"{self.final_path}-wal"), Path(f"{self.final_path}-shm")):
            stale.unlink(missing_ok=True)
        os.replace(self.tmp_path, self.final_path)

    def abandon(self) -> None:
        self.store.close()
        self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        for leftover in (self.tmp_path, Path(f"{self.tmp_path}-wal"), Path(f"{self.tmp_path}-shm")):
            leftover.unlink(missing_ok=True)
