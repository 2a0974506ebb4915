"""A whole store copied into another, empty one, on the same engine or the other (``csconsole copy``).

Read through one snapshot of the source; written in one transaction of the destination, so a failure
leaves it as empty as it was. Every table is copied as it lies, the events with their hashes; then, in
that same transaction, the destination's chain is verified against the source's head and its derived
state rebuilt from the events alone (what the source had drifted is corrected, and told). The canonical
encoding of an event does not depend on the engine, so both stores end with the same ``audit head``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from csconsole.store import chain, table_dump, tallies
from csconsole.store.errors import StoreError
from csconsole.store.rebuild import rebuild
from csconsole.store.schema import TABLES
from csconsole.store.store import Store

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]  # by table
    head: chain.Head
    corrected: int  # derived rows the destination's rebuild found different from the source's


def copy_store(source: Store, destination: Store, progress: Progress | None = None) -> Copied:
    if source.schema_version() != destination.schema_version():
        raise StoreError(f"{source.location} and {destination.location} have different schemas "
                         f"({source.schema_version()} and {destination.schema_version()}); open both once first")
    refuse_a_store_in_use(destination)
    with source.read():
        verdict = chain.verify(source)
        if not verdict.ok:
            raise StoreError(f"{source.location}: its chain does not verify ({verdict.problem}); nothing was "
                             "copied. Run csconsole audit verify on it")
        known = set(table_dump.table_names(source))
        # The dashboard's tallies are the destination's own: its triggers count the tickets as they come.
        tables = [t for t in TABLES if t in known and t not in tallies.TABLES]
        counts = {t: table_dump.row_count(source, t) for t in tables}
        total, done = sum(counts.values()), 0
        with destination.atomic():
            for table in tables:
                done = _copy_table(source, destination, table, done, total, progress)
            destination._engine.after_copy(destination._conn)
            corrected = rebuild(destination).corrected
            copied = chain.verify(destination, verdict.head.hash if verdict.head.seq else None)
            if not copied.ok or copied.head != verdict.head:
                raise StoreError(f"{destination.location}: the copy's chain does not match the source's "
                                 f"({copied.problem or copied.head}); nothing was copied")
    destination._engine.tidy(destination._conn)
    return Copied(counts, verdict.head, corrected)


def _copy_table(source: Store, destination: Store, table: str, done: int, total: int,
                progress: Progress | None) -> int:
    columns = [d[0] for d in source._conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
    rows = source._engine.scan(source._conn, f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1")

    def counted() -> Iterator[tuple[object, ...]]:  # rows as they pass, for the progress
        nonlocal done
        for row in rows:
            done += 1
            if progress is not None and done % 10_000 == 0:
                progress(done, total)
            yield row

    destination._engine.fill(destination._conn, table, columns, counted())
    if progress is not None:
        progress(done, total)
    return done


def refuse_a_store_in_use(store: Store) -> None:
    """A copy or a bulk load writes only into an empty store: never among someone's work."""
    used = table_dump.tables_with_rows(store)
    if used:
        raise StoreError(f"{store.location} already holds a store in use ({', '.join(used)} have rows); "
                         "give an empty one")
