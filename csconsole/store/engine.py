"""What ``Store`` asks of its engine: the seam between the store's portable SQL and each database.

Two engines answer it: ``store/sqlite/engine.py`` (a file, sqlite3) and ``store/postgres/engine.py`` (a
server, psycopg through ``store/postgres/connection.py``). The query modules of ``csconsole.store`` speak
SQL both accept, with ``?`` placeholders, and reach for the engine only for what cannot be said alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from csconsole.domain.read_models import Order, TicketFilter

if TYPE_CHECKING:
    from csconsole.store.errors import Retry
    from csconsole.store.postgres.url import Location
    from csconsole.store.store import Store

Row = tuple[Any, ...]


class Engine(Protocol):
    name: str
    begin_write: str  # the first statement of a write: takes the store's one write order at once
    begin_read: str  # the first statement of a snapshot that several queries share
    database_error: type[Exception]  # what a statement may raise (an atomic() block turns it into a StoreError)
    error: type[Exception]  # every error of the driver
    pingpong_hops: str  # SQL: (queue, previous queue) of each hop along the paths of tickets bounced > 2
    # The FROM of a read of floor records by kind (``WHERE ticket_id IS NULL AND kind ...``): on SQLite the
    # partial index on their kind, named, as its statistics count ``ticket_id IS NULL`` a handful of rows.
    registry_kind_source: str

    def begin(self, conn: Any) -> None:
        """Begin a write transaction holding the store's one write order (``begin_write``), waiting as the
        engine waits for it (SQLite polls its lock every 2 ms; PostgreSQL queues on the advisory lock)."""

    def page_source(self, flt: TicketFilter, order: Order) -> str:
        """The FROM clause of a ticket list (SQLite names the index to walk)."""

    def count_source(self, flt: TicketFilter) -> str: ...

    def count_and_page(self, conn: Any, flt: TicketFilter, order: Order, count: tuple[str, list[object]],
                       page: tuple[str, list[object]]) -> tuple[int, list[Row]]:
        """A list's count and the rows of its first page (SQLite: the page only when the count is not 0;
        PostgreSQL: both in one round trip)."""

    def page_rows(self, conn: Any, flt: TicketFilter, order: Order, page: tuple[str, list[object]]) -> list[Row]:
        """The rows of a page's statement (``queries.page_statement``), planned as the list needs."""

    def search_ids(self, text: str) -> list[tuple[str, list[object]]] | None:
        """The ways in to the tickets the search box finds for ``text`` (SELECTs of ids, with their
        parameters), each from one of the engine's indexes; None: too short for them (``store/search.py``)."""

    def table_names(self, conn: Any) -> list[str]:
        """The store's own tables (the engine's bookkeeping left out)."""

    def text_columns(self, conn: Any, table: str) -> frozenset[str] | None:
        """The columns of ``table`` that hold text; None: any cell may (SQLite: a cell's type is its own)."""

    def row_json(self, conn: Any, table: str) -> str | None:
        """A SELECT expression that gives a row of ``table`` as the very text of ``json.dumps(row,
        ensure_ascii=False, separators=(",", ":"))``, keys in column order; None when the engine cannot
        spell every row of it so (the caller encodes the rows)."""

    def describe(self, error: BaseException, where: Location | str) -> str:
        """One plain line for an error of this engine."""

    def retry(self, error: BaseException) -> Retry | None:
        """Whether a unit of work that met ``error`` wrote nothing and may run again (``store/retry.py``)."""

    def schema_objects(self, conn: Any) -> dict[tuple[str, str], str]:
        """(type, name) → what ``audit verify`` compares, of every table, index and trigger of the store."""

    def expected_schema(self) -> dict[tuple[str, str], str]:
        """What ``schema_objects`` gives for a store that csconsole made."""

    def defer_references(self, conn: Any) -> None:
        """Inside a write: references are checked at COMMIT (a log restored before the rows it names)."""

    def before_commit(self, store: Store) -> None:
        """Last words of a write transaction (PostgreSQL tells listening consoles what changed)."""

    def commit(self, store: Store) -> None:
        """COMMIT the write (PostgreSQL: a connection lost at it asks the server what became of it)."""

    def data_version(self, conn: Any) -> int: ...

    def listener(self, store: Store, on_connection: Any = None) -> Any: ...

    def session_id(self, conn: Any) -> int | None: ...

    def session_login(self, conn: Any) -> Any:
        """The floor login of this session (``postgres/logins.SessionLogin``), or None: no login is checked."""

    def schema_version(self, conn: Any) -> int: ...

    def quick_check(self, conn: Any, where: Location) -> list[str]: ...

    def scan(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]:
        """The rows of a big SELECT, a batch at a time, while the same connection may go on writing
        (rebuild reads the whole log and updates tickets as it goes)."""

    def fill(self, conn: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Append many rows to a table, the fastest way the engine has (COPY on PostgreSQL); returns how many."""

    def after_copy(self, conn: Any) -> None:
        """Rows were written with their ids given: let new rows be numbered after them."""

    def index_new_tickets(self, conn: Any, subjects: Sequence[tuple[int, str]]) -> None:
        """New ticket rows just inserted, (id, subject): into the search index, in the same transaction."""

    def refill_search(self, conn: Any) -> None:
        """Make the search box's index again from the tickets and customers (``rebuild``)."""

    def tidy(self, conn: Any) -> None:
        """After a bulk load has committed: statistics (and the like) for the new rows."""
