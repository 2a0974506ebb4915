"""Whole tables as they lie, for the audit pack's CSVs: names, row counts, rows in batches, and the
events ticket by ticket. Streamed: a 1M-ticket store (6M events) is never held in memory."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, cast

from csconsole.domain.ticket import Event
from csconsole.store.schema import TABLES

if TYPE_CHECKING:
    from csconsole.store.store import Store

BATCH = 5_000


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(store: Store) -> list[str]:
    return store._engine.table_names(store._conn)


def tables_with_rows(store: Store) -> list[str]:
    """The store's tables that hold at least one row (an empty store has none; the engine's bookkeeping of
    migrations is not the store's data)."""
    known = set(table_names(store))
    return [name for name in TABLES if name in known
            and store._conn.execute(f"SELECT 1 FROM {_quoted(name)} LIMIT 1").fetchone() is not None]


def row_count(store: Store, table: str) -> int:
    return int(store._conn.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0])


def column_names(store: Store, table: str) -> list[str]:
    return [d[0] for d in store._conn.execute(f"SELECT * FROM {_quoted(table)} LIMIT 0").description]


def table_rows(store: Store, table: str) -> tuple[list[str], Iterator[list[tuple[object, ...]]]]:
    """The table's column names, and its rows in batches of ``BATCH`` (inside ``store.read()``)."""
    return column_names(store, table), _batches(store._engine.scan(store._conn, f"SELECT * FROM {_quoted(table)}"))


def guarded_rows(store: Store, table: str, starts: Sequence[str], guard: str,
                 ) -> tuple[list[str], Iterator[list[tuple[object, ...]]]]:
    """``table_rows``, with every text cell that begins with one of ``starts`` (single characters) read with
    ``guard`` before it, by the database as it reads the row: io/safe_csv's rule for spreadsheets, without
    a Python call per cell. Numbers and NULLs come as they lie."""
    header = column_names(store, table)
    text = store._engine.text_columns(store._conn, table)
    opening = ", ".join(_literal(start) for start in starts)

    def cell(column: str) -> str:
        name = _quoted(column)
        if text is not None and column not in text:
            return name
        is_text = f"typeof({name}) = 'text' AND " if text is None else ""
        return f"CASE WHEN {is_text}substr({name}, 1, 1) IN ({opening}) THEN {_literal(guard)} || {name} ELSE {name} END"

    rows = store._engine.scan(store._conn, f"SELECT {', '.join(map(cell, header))} FROM {_quoted(table)}")
    return header, _batches(rows)


def json_lines(store: Store, table: str) -> Iterator[list[str]] | None:
    """The table's rows as the lines of ``raw/<table>.jsonl`` (each its JSON object and a newline), spelled
    by the database in batches of ``BATCH``, where the engine spells them as Python's json does
    (``Engine.row_json``); None where it does not."""
    spelled = store._engine.row_json(store._conn, table)
    return None if spelled is None else _lines(store, f"{spelled} || char(10)", table)


def _lines(store: Store, line: str, table: str) -> Iterator[list[str]]:
    rows = store._engine.scan(store._conn, f"SELECT {line} FROM {_quoted(table)}")
    return ([text for (text,) in cast("list[tuple[str]]", batch)] for batch in _batches(rows))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _batches(rows: Iterator[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    while batch := list(itertools.islice(rows, BATCH)):
        yield batch


def events_by_ticket(store: Store, read: Callable[[int], None] | None = None) -> Iterator[tuple[int, list[Event]]]:
    """Each ticket's events in order, one ticket at a time (the floor's records aside; the index on
    (ticket_id, seq) serves it); ``read`` hears how many events each batch held. Inside ``store.read()``."""
    rows = store._engine.scan(store._conn, "SELECT ticket_id, seq, kind, at, actor_id, data FROM events "
                                           "WHERE ticket_id IS NOT NULL ORDER BY ticket_id, seq")
    current: list[Event] = []
    current_id: int | None = None
    while batch := list(itertools.islice(rows, BATCH)):
        for ticket_id, seq, kind, at, actor, data in batch:
            if ticket_id != current_id:
                if current_id is not None:
                    yield current_id, current
                current, current_id = [], ticket_id
            current.append(Event(ticket_id, kind, at, actor, json.loads(data), seq))
        if read is not None:
            read(len(batch))
    if current_id is not None:
        yield current_id, current


def record_kinds(store: Store) -> dict[str, int]:
    """How many events of each kind the floor's records have (the events on no ticket)."""
    return dict(store._conn.execute(
        "SELECT kind, count(*) FROM events WHERE ticket_id IS NULL GROUP BY kind").fetchall())


def ticket_ref(store: Store, ticket_id: int) -> str:
    row = store._conn.execute("SELECT ref FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    return str(row[0]) if row else str(ticket_id)
