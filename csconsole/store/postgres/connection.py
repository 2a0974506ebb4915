"""A psycopg 3 connection that the store's SQL can use as it uses ``sqlite3.Connection``.

The store drives sqlite3 in autocommit mode (``isolation_level=None``) and writes its own BEGIN, COMMIT,
ROLLBACK and SAVEPOINT statements; this connection is in psycopg's autocommit mode for the same reason,
so those statements mean what they say. Statements keep SQLite's ``?`` and ``:name`` placeholders, and
rows come back as plain tuples with SQLite's types for the values SQLite would give: a comparison is
``1`` or ``0`` (not ``True``), ``sum()`` of integers an ``int`` and ``avg()`` a ``float`` (PostgreSQL's
``numeric`` would be ``Decimal``). Errors are psycopg's; ``errors.describe`` makes them plain lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

import psycopg
from psycopg import conninfo as libpq
from psycopg.adapt import Buffer, Dumper, Loader
from psycopg.pq import TransactionStatus

from csconsole.store.postgres.placeholders import PlaceholderError, translate

SCHEMA = "csconsole"  # every table of a store lives in this schema, apart from anything else in the database
CONNECT_TIMEOUT_S = 10
# A statement is prepared on the server from its second use (psycopg counts them by text): a page or a
# count the console runs again and again is parsed once (0.1 ms a page), and after five runs the server
# may keep one plan for it (no planning either); a statement run once (a list of ids spelled in its text)
# costs no extra round trip. A statement that matches text (LIKE: the search box, the customer picker)
# is never prepared, so each run is planned for its own pattern: the one plan kept for a search knows
# neither the pattern nor the page's length, and walked every ticket (100-300 ms at 100k, not 1).
PREPARE_THRESHOLD = 1


def _prepare(sql: str) -> bool | None:
    """False: never prepare this statement; None: psycopg's threshold decides."""
    return False if " LIKE " in sql.upper() else None
Row = tuple[Any, ...]
_OPEN = (TransactionStatus.INTRANS, TransactionStatus.INERROR, TransactionStatus.ACTIVE)
Params = Sequence[Any] | Mapping[str, Any]


class _NumberLoader(Loader):
    """``numeric`` (what ``sum()`` and ``avg()`` of integers give) as SQLite gives it: int or float."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data)
        try:
            return int(text)
        except ValueError:
            return float(text)


class _BoolAsIntLoader(Loader):
    def load(self, data: Buffer) -> int:
        return 1 if bytes(data) == b"t" else 0


class _BoolAsIntDumper(Dumper):
    """True/False into the schema's 0/1 INTEGER columns, as sqlite3 stores them."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


def _sqlite_like(raw: psycopg.Connection[Row]) -> None:
    raw.prepare_threshold = PREPARE_THRESHOLD
    raw.adapters.register_loader("numeric", _NumberLoader)
    raw.adapters.register_loader("bool", _BoolAsIntLoader)
    raw.adapters.register_dumper(bool, _BoolAsIntDumper)


def connect_raw(conninfo: str, application_name: str, options: str = "") -> psycopg.Connection[Row]:
    """A psycopg connection in autocommit mode that gives up on a silent server within seconds, not
    hours (TCP keepalives; a Unix socket has no need of them). ``options``: libpq's, as -c settings."""
    settings: dict[str, Any] = {"options": options} if options else {}
    return psycopg.connect(conninfo, autocommit=True, application_name=application_name,
                           connect_timeout=CONNECT_TIMEOUT_S, keepalives=1, keepalives_idle=10,
                           keepalives_interval=5, keepalives_count=3, **settings)


def _bind(sql: str, params: Params) -> tuple[str, Params | None]:
    """The statement and values as psycopg takes them; refuses a mismatch as sqlite3 would."""
    try:
        translated = translate(sql)
    except PlaceholderError as error:
        raise psycopg.ProgrammingError(str(error)) from None
    if isinstance(params, Mapping):
        if translated.positional:
            raise psycopg.ProgrammingError("? placeholders need a sequence of values, not a mapping")
        missing = sorted(translated.names - params.keys())
        if missing:
            raise psycopg.ProgrammingError(f"no value given for :{missing[0]}")
        return (translated.sql, params) if translated.names else (sql, None)
    if translated.names:
        raise psycopg.ProgrammingError(":name placeholders need a mapping of values")
    if len(params) != translated.positional:
        raise psycopg.ProgrammingError(
            f"the statement has {translated.positional} placeholders but {len(params)} values were given"
        )
    # Without values psycopg sends the text as written, so only a statement with values gets %% for %.
    return (translated.sql, params) if params else (sql, None)


class Cursor:
    """The result of one statement: ``fetchone``, ``fetchall``, iteration, ``rowcount``."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: psycopg.Cursor[Row]) -> None:
        self._cursor = cursor

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone() if self._cursor.description is not None else None

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall() if self._cursor.description is not None else []

    def fetchmany(self, size: int = 1) -> list[Row]:
        return self._cursor.fetchmany(size) if self._cursor.description is not None else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self._cursor) if self._cursor.description is not None else iter(())

    @property
    def rowcount(self) -> int:
        """Rows changed by INSERT/UPDATE/DELETE (summed over ``executemany``); rows of a SELECT."""
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def lastrowid(self) -> NoReturn:
        raise psycopg.NotSupportedError("PostgreSQL has no lastrowid: add RETURNING id to the INSERT")

    def close(self) -> None:
        self._cursor.close()


class Connection:
    """One psycopg connection in autocommit mode, spoken to as the store speaks to sqlite3.

    A connection the server dropped (a restart, a network cut) is made again by itself before the next
    statement that begins something: a BEGIN, or a read on its own. Never inside a transaction, whose
    work died with the old connection (its caller hears of it), and never to retry a write that may
    have reached the server.
    """

    def __init__(self, raw: psycopg.Connection[Row],
                 reconnect: Callable[[], psycopg.Connection[Row]] | None = None) -> None:
        if not raw.autocommit:
            raise ValueError("the connection must be in autocommit mode: the store writes its own BEGIN")
        _sqlite_like(raw)
        self.raw = raw
        self._reconnect = reconnect
        self._scans = itertools.count(1)

    @classmethod
    def connect(cls, conninfo: str, *, schema: str | None = SCHEMA, application_name: str = "csconsole",
                read_only: bool = False) -> Connection:
        """Connect to ``conninfo`` (a libpq URL), with the store's schema alone on the search path;
        ``read_only``: every transaction of the session is (the server refuses any write)."""
        options = str(libpq.conninfo_to_dict(conninfo).get("options") or "")
        if schema is not None:
            options = f"{options} -c search_path={schema}".strip()
        if read_only:
            options = f"{options} -c default_transaction_read_only=on".strip()
        return cls(connect_raw(conninfo, application_name, options=options),
                   lambda: connect_raw(conninfo, application_name, options=options))

    @property
    def lost(self) -> bool:
        """The server is gone from this connection (it will be made again before the next BEGIN)."""
        return self.raw.closed or self.raw.broken

    def _fresh(self) -> None:
        if self._reconnect is not None and self.lost:
            raw = self._reconnect()
            _sqlite_like(raw)
            self.raw = raw

    def _run(self, sql: str, run: Callable[[], psycopg.Cursor[Row]]) -> Cursor:
        outside = not self.in_transaction
        if outside:
            self._fresh()
        try:
            return Cursor(run())
        except psycopg.OperationalError:
            if not (outside and self.lost and self._reconnect is not None and _begins_or_reads(sql)):
                raise
        self._fresh()  # the server restarted since this connection's last statement: once more, anew
        return Cursor(run())

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        query, values = _bind(sql, params)
        return self._run(sql, lambda: self.raw.execute(query.encode(), values,  # bytes: already psycopg's
                                                       prepare=_prepare(query)))

    def execute_all(self, statements: Sequence[tuple[str, Params]]) -> list[list[Row]]:
        """Several reads sent at once and answered in one round trip (psycopg's pipeline), each statement
        on its own as ``execute`` runs it; the rows of each, in order. Outside a transaction a lost
        connection is made again and the reads sent once more, as ``execute`` does."""
        bound = [_bind(sql, params) for sql, params in statements]

        def run() -> list[list[Row]]:
            cursors = []
            with self.raw.pipeline():
                for query, values in bound:
                    cursor = self.raw.cursor()
                    cursor.execute(query.encode(), values, prepare=_prepare(query))
                    cursors.append(cursor)
            return [Cursor(c).fetchall() for c in cursors]

        outside = not self.in_transaction
        if outside:
            self._fresh()
        try:
            return run()
        except psycopg.OperationalError:
            if not (outside and self.lost and self._reconnect is not None
                    and all(_begins_or_reads(sql) or sql == "COMMIT" for sql, _ in statements)):
                raise
        self._fresh()
        return run()

    def executemany(self, sql: str, seq_of_params: Iterable[Params]) -> Cursor:
        """One statement for many rows of values, pipelined (not a round trip a row)."""
        rows = list(seq_of_params)
        if not self.in_transaction:
            self._fresh()
        cursor = self.raw.cursor()
        if rows:
            query, values = _bind(sql, rows[0])
            if values is None:  # no placeholders: the statement as written, once a row
                for _ in rows:
                    cursor.execute(query.encode())
            else:
                cursor.executemany(query.encode(), rows)
        return Cursor(cursor)

    def stream(self, sql: str, params: Params = (), *, size: int = 10_000) -> Iterator[Row]:
        """Rows of a big SELECT (the whole log) a batch at a time: ``execute`` holds all of its result in
        memory, where sqlite3 steps through it. The connection runs nothing else until the last row."""
        query, values = _bind(sql, params)
        if not self.in_transaction:
            self._fresh()
        yield from self.raw.cursor().stream(query.encode(), values, size=size)

    def scan(self, sql: str, params: Params = (), *, size: int = 10_000) -> Iterator[Row]:
        """Rows of a big SELECT through a cursor on the server, ``size`` rows a round trip, while this
        connection goes on with other statements between batches (rebuild reads the log and writes the
        tickets as it goes). Inside a transaction only: the cursor lives as long as it."""
        if not self.in_transaction:
            raise psycopg.ProgrammingError("scan needs a transaction: BEGIN first (store.read() or atomic())")
        query, values = _bind(sql, params)
        cursor = self.raw.cursor(name=f"csconsole_scan_{next(self._scans)}")
        cursor.itersize = size
        try:
            cursor.execute(query.encode(), values)
            yield from cursor
        finally:
            if not self.lost and self.in_transaction:
                cursor.close()

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Append rows to ``table`` by COPY, the server's bulk path (a round trip a batch, not a row)."""
        count = 0
        with self.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN".encode()) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def executescript(self, script: str) -> Cursor:
        """Several statements without values, in one round trip."""
        return self._run(script, lambda: self.raw.execute(script.encode()))

    @property
    def backend_pid(self) -> int:
        return int(self.raw.info.backend_pid)

    @property
    def in_transaction(self) -> bool:
        """Inside BEGIN...COMMIT, also after a failed statement (PostgreSQL then refuses all but ROLLBACK
        until the transaction ends, where SQLite would carry on)."""
        return self.raw.info.transaction_status in _OPEN

    @property
    def closed(self) -> bool:
        return self.raw.closed

    def close(self) -> None:
        self._reconnect = None
        self.raw.close()


_SAFE_TO_REPEAT = ("BEGIN", "SELECT", "WITH", "SHOW", "SET ", "LISTEN")


def _begins_or_reads(sql: str) -> bool:
    """A statement that may be sent again after the connection was lost under it: it begins a
    transaction or reads (a SELECT on its own changes nothing the store keeps)."""
    return sql.lstrip().upper().startswith(_SAFE_TO_REPEAT)
