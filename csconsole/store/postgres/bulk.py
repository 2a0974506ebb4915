"""Bulk loading into an empty store on PostgreSQL: one transaction holding the chain's lock, rows by COPY,
the ticket indexes dropped and built once at the end when the loader owns the tables (an administrator),
identities moved past the ids given. A failure or a cancel rolls all of it back: the store stays empty."""

from __future__ import annotations

from csconsole.store import search, tallies
from csconsole.store.bulk import BulkLoader
from csconsole.store.copying import refuse_a_store_in_use
from csconsole.store.postgres.migrate import resync_identities
from csconsole.store.postgres.url import PostgresURL
from csconsole.store.schema import create_indexes, drop_indexes
from csconsole.store.store import Store


class PostgresBulkLoader(BulkLoader):
    def __init__(self, url: PostgresURL) -> None:
        store = Store.open(url, create=True)
        try:
            refuse_a_store_in_use(store)
            conn = store._conn
            conn.execute(store._engine.begin_write)
            self._owner = bool(conn.execute(
                "SELECT tableowner = current_user FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename = 'tickets'").fetchone()[0])
            if self._owner:
                drop_indexes(conn)
                tallies.postgres_switch_triggers(conn, on=False)  # filled once, at the end
                for statement in search.POSTGRES_INDEXES:  # a GIN index is built far faster at once
                    conn.execute(f"DROP INDEX IF EXISTS {search.index_name(statement)}")
        except BaseException:
            store.close()
            raise
        super().__init__(store)

    def finish(self) -> None:
        self.flush()
        conn = self.store._conn
        if self._owner:
            create_indexes(conn)
            conn.execute(search.POSTGRES_EXTENSION_PATH)
            for statement in search.POSTGRES_INDEXES:
                conn.execute(statement)
            tallies.postgres_switch_triggers(conn, on=True)
            tallies.fill(conn, tallies.POSTGRES_PATH_HOPS)
        resync_identities(conn)
        conn.execute("COMMIT")
        self.store._engine.tidy(conn)
        self.store.close()

    def abandon(self) -> None:
        self.store._rollback()
        self.store.close()
