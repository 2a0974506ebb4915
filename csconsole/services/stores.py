"""Whole stores: make an empty one (``init``), copy one into another across engines (``copy``)."""

from __future__ import annotations

from collections.abc import Callable

from csconsole.store import copying, initialise
from csconsole.store.copying import Copied
from csconsole.store.initialise import Initialised
from csconsole.store.postgres.url import PostgresURL
from csconsole.store.store import Store, Where, location_of

__all__ = ["Copied", "Initialised", "copy", "init", "is_new_file", "remove_new_file"]


def init(where: Where, *, grant: tuple[str, ...] = ()) -> Initialised:
    return initialise.initialise(where, grant)


def is_new_file(where: Where) -> bool:
    """A file path where no store is yet (``import`` and ``copy`` create the store there)."""
    location = location_of(where)
    return not isinstance(location, PostgresURL) and not location.exists()


def remove_new_file(where: Where) -> None:
    """Take back a store file made for work that did not land (with its WAL files)."""
    target = location_of(where)
    if not isinstance(target, PostgresURL):
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)


def copy(source: Where, destination: Where, progress: Callable[[int, int], None] | None = None) -> Copied:
    """Every table of ``source`` into ``destination`` (an empty store, or a file path where none is yet,
    made as ``init`` makes it); on any failure a file made here is removed again."""
    from csconsole.services import open_for_reading

    made = is_new_file(destination)
    try:
        with open_for_reading(source) as reading, Store.open(destination, create=True) as writing:
            return copying.copy_store(reading, writing, progress)
    except BaseException:
        if made:
            remove_new_file(destination)
        raise
