"""The PostgreSQL engine: opening a store in a database (refusals, migrations), the chain's write order,
snapshots, telling other consoles what a commit changed, scans and COPY, and psycopg's errors as plain
lines. The store's query modules run here unchanged, through the adapter (``connection.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import psycopg

from csconsole.domain.read_models import Order, SortKey, TicketFilter
from csconsole.store import search, tallies
from csconsole.store.errors import Retry, StoreError
from csconsole.store.postgres import errors, floor_guard, logins, notify
from csconsole.store.postgres.appends import BEGIN_WRITE
from csconsole.store.postgres.connection import SCHEMA, Connection
from csconsole.store.postgres.ddl import expected_postgres_schema
from csconsole.store.postgres.migrate import (
    BOOKKEEPING,
    apply_migrations,
    check_version,
    resync_identities,
    stored_version,
)
from csconsole.store.postgres.url import PostgresURL, redact
from csconsole.store.retry import run_read
from csconsole.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from csconsole.store.postgres.url import Location
    from csconsole.store.store import Store

PLAIN = "tickets t"
# The hops of each path (a JSON array of [queue, owner] pairs) as (queue, previous queue), in path order.
PINGPONG_HOPS = tallies.POSTGRES_PATH_HOPS


# The unowned and SLA chips by number are the open tickets' index walked from its newest entry until a
# page is full, as SQLite is told to walk it (``store/sqlite/plans.py``). Left to itself the planner reads
# every unowned or SLA-flagged ticket and sorts them (1-3 ms at 100k, growing with the floor): it cannot
# know that these columns go with being open (an SLA clock runs only on an open ticket, an unowned one is
# mostly new), so it expects a handful of rows where there are hundreds. Without sorts it walks the index.
# The other chips, a queue and the plain list it already plans so (EXPLAIN ANALYZE, 100k store).
_IN_ORDER = "SET LOCAL enable_sort = off"
_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


def _walks_in_order(flt: TicketFilter, order: Order) -> bool:
    return (order.key is SortKey.ID and (flt.unowned or (flt.open_only and flt.sla is not None))
            and flt.status is None and flt.ticket_ids is None and not flt.search.strip())


def _reads(conn: Connection, statements: list[tuple[str, list[object]]], *,
           in_order: bool) -> list[list[tuple[Any, ...]]]:
    """Reads sent together, answered in one round trip; to walk indexes in order (``in_order``), in a
    snapshot of their own that holds the setting. Inside a transaction they run as they are: a setting of
    the transaction would outlive them."""
    if conn.in_transaction or not in_order:
        return conn.execute_all(statements)
    steps = [(_SNAPSHOT, []), (_IN_ORDER, []), *statements, ("COMMIT", [])]
    try:
        found = conn.execute_all(steps)
    except psycopg.Error:
        if _left_open(conn):
            conn.execute("ROLLBACK")
        raise
    return found[2:-1]


def _left_open(conn: Connection) -> bool:
    """A snapshot that failed half-way is still open on a connection that is still there."""
    return conn.in_transaction and not conn.lost


class PostgresEngine:
    name = "postgres"
    begin_write = BEGIN_WRITE  # READ COMMITTED, then the chain's advisory lock: one order for every write
    begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
    database_error: type[Exception] = psycopg.Error
    error: type[Exception] = psycopg.Error
    pingpong_hops = PINGPONG_HOPS
    registry_kind_source = "events"  # the planner takes the partial index on kind by itself

    def begin(self, conn: Connection) -> None:
        conn.execute(self.begin_write)  # the server queues writers on the chain's lock: no polling

    def page_source(self, flt: TicketFilter, order: Order) -> str:
        return PLAIN  # the planner picks the partial indexes by itself

    def count_source(self, flt: TicketFilter) -> str:
        return PLAIN

    search_ids = staticmethod(search.postgres_ids)

    def count_and_page(self, conn: Connection, flt: TicketFilter, order: Order, count: tuple[str, list[object]],
                       page: tuple[str, list[object]]) -> tuple[int, list[tuple[Any, ...]]]:
        """Both in one round trip: over loopback a round trip costs more than SQLite's whole page."""
        counted, rows = _reads(conn, [count, page], in_order=_walks_in_order(flt, order))
        return int(counted[0][0]), rows

    def page_rows(self, conn: Connection, flt: TicketFilter, order: Order,
                  page: tuple[str, list[object]]) -> list[tuple[Any, ...]]:
        if _walks_in_order(flt, order):
            return _reads(conn, [page], in_order=True)[0]
        return conn.execute(*page).fetchall()

    def table_names(self, conn: Connection) -> list[str]:
        return [name for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY tablename", (SCHEMA,)
        ) if name not in BOOKKEEPING]

    def row_json(self, conn: Connection, table: str) -> None:
        return None  # json_build_object spaces its keys and values: Python's json spells the rows

    def text_columns(self, conn: Connection, table: str) -> frozenset[str]:
        return frozenset(name for (name,) in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
            "AND data_type IN ('text', 'character varying', 'character')", (SCHEMA, table)))

    def schema_objects(self, conn: Connection) -> dict[tuple[str, str], str]:
        """(type, name) of every table, index and trigger of the store's schema. A table or an index is
        there or not; a trigger is "enabled" or "disabled" (ALTER TABLE … DISABLE TRIGGER keeps it, off)."""
        found: dict[tuple[str, str], str] = {}
        for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = ?", (SCHEMA,)):
            found[("table", name)] = ""
        for (name,) in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = ?", (SCHEMA,)):
            found[("index", name)] = ""
        for name, enabled in conn.execute(
            "SELECT t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND NOT t.tgisinternal", (SCHEMA,)
        ):
            found[("trigger", name)] = "disabled" if enabled == "D" else "enabled"
        return found

    def expected_schema(self) -> dict[tuple[str, str], str]:
        """What ``schema_objects`` gives for a store that csconsole made, read from the migrations."""
        return {**expected_postgres_schema(), **floor_guard.expected_triggers()}

    def defer_references(self, conn: Connection) -> None:
        """Inside a write: references are checked at COMMIT (every one is DEFERRABLE; ``ddl.py``)."""
        conn.execute("SET CONSTRAINTS ALL DEFERRED")

    def retry(self, error: BaseException) -> Retry | None:
        """A serialization failure, deadlock or lock timeout (a collision), or the server away for a moment
        (unavailable): the unit of work may run again (``errors.retry_reason``)."""
        return errors.retry_reason(error)

    def describe(self, error: BaseException, where: Location | str) -> str:
        shown = str(where) if isinstance(where, PostgresURL) else redact(str(where))
        return errors.describe(error, shown) if isinstance(error, psycopg.Error) else f"{shown}: {error}"

    def before_commit(self, store: Store) -> None:
        """Other consoles hear at COMMIT which tickets changed (never of a rolled-back write)."""
        touched = store._touched
        # No ticket named: "re-read what is shown". The transaction's id is kept for ``commit``.
        store._unit["xid"] = notify.notify(store._conn, touched if touched else ())

    def commit(self, store: Store) -> None:
        """COMMIT. A connection lost at COMMIT leaves it unknown whether the server committed (it may have
        written the commit and gone before saying so: a crash, a cut): the server is asked, once it
        answers again (within the store's bound), what became of the transaction. Committed: the write
        is done, and is not run again (it would be written twice). Aborted: the caller's error stands, and
        the unit may run again. Not known: one plain line saying so, never run again."""
        conn: Connection = store._conn
        xid = store._unit.get("xid")
        try:
            conn.execute("COMMIT")
        except psycopg.OperationalError:
            if xid is None or not conn.lost:
                raise
            if self._outcome(store, int(xid)) != "committed":
                raise
            store.commits_confirmed += 1

    def _outcome(self, store: Store, xid: int) -> str:
        conn: Connection = store._conn

        def ask() -> str | None:
            row = conn.execute("SELECT txid_status(?)", (xid,)).fetchone()
            return None if row is None or row[0] is None else str(row[0])

        try:
            status = run_read(ask, store.location)
        except StoreError as error:
            raise StoreError(f"{store.location}: the connection to the server was lost as this change was "
                             f"committed, and the server could not say since whether it was written ({error}); "
                             "look at the ticket before doing it again") from None
        if status not in ("committed", "aborted"):  # still in progress (the old session lives on): unknown
            raise StoreError(f"{store.location}: the connection to the server was lost as this change was "
                             "committed, and the server has not finished it yet; look at the ticket in a moment "
                             "before doing it again")
        return status

    def data_version(self, conn: Connection) -> int:
        return 0  # never moves: a store on a server tells its changes by notification (``listener``)

    def listener(self, store: Store, on_connection: Callable[[bool], None] | None = None) -> notify.Listener:
        assert isinstance(store.location, PostgresURL)
        return notify.Listener(store.location.conninfo, on_connection=on_connection)

    def session_id(self, conn: Connection) -> int | None:
        return None if conn.lost else conn.backend_pid

    def session_login(self, conn: Connection) -> logins.SessionLogin | None:
        return logins.session_login(conn)

    def schema_version(self, conn: Connection) -> int:
        return stored_version(conn) or 0

    def quick_check(self, conn: Connection, where: Location) -> list[str]:
        return []  # the server checks its own pages; ``audit verify`` checks the chain

    def scan(self, conn: Connection, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        return conn.scan(sql, params)

    def fill(self, conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        return conn.copy_rows(table, columns, rows)

    def after_copy(self, conn: Connection) -> None:
        resync_identities(conn)  # rows came with their ids: new ones go on after the largest

    def index_new_tickets(self, conn: Connection, subjects: Sequence[tuple[int, str]]) -> None:
        pass  # the trigram indexes are the tables' own

    def refill_search(self, conn: Connection) -> None:
        pass  # the trigram indexes are the tables' own: the server keeps them with every row

    def tidy(self, conn: Connection) -> None:
        """After a bulk load, outside its transaction: the planner's statistics, and (for the tables'
        owner or a superuser: who may VACUUM) the visibility map that lets counts read indexes alone."""
        owner = conn.execute(
            "SELECT tableowner = current_user OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
            "FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'tickets'").fetchone()
        conn.execute("VACUUM (ANALYZE) tickets, events" if owner and owner[0] else "ANALYZE")


ENGINE = PostgresEngine()


def open_postgres(store_class: type[Store], url: PostgresURL, *, read_only: bool, create: bool) -> Store:
    """Open the store in ``url``'s database (with ``create``, make one where there is none); refuse a
    database that holds no store, another schema of that name, or a store from a newer csconsole."""
    where = url.shown
    try:
        conn = Connection.connect(url.conninfo, read_only=read_only)
    except psycopg.Error as error:  # a server away: the opener may try again (``retry.run_read``)
        raise StoreError(errors.describe(error, where), retry=errors.retry_reason(error)) from None
    try:
        version = stored_version(conn)
        if version is None and not (create and not read_only):
            check_version(conn, where)  # says which: no store at all, or somebody else's schema
        if version is not None and version > SCHEMA_VERSION:
            check_version(conn, where)
        if version is None or version < SCHEMA_VERSION:
            if read_only:
                raise StoreError(f"{where} has an older schema ({version}); open it once without --read-only "
                                 "to upgrade it (as the store's administrator)")
            apply_migrations(conn, where)
            conn.close()  # statements prepared before the migration would meet changed tables
            conn = Connection.connect(url.conninfo, read_only=read_only)
    except psycopg.Error as error:
        conn.close()
        raise StoreError(errors.describe(error, where), retry=errors.retry_reason(error)) from None
    except BaseException:
        conn.close()
        raise
    return store_class(conn, url, read_only, ENGINE)
