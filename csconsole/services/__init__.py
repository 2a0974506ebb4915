"""Use cases the console and the command line call. No Qt here; nothing lower is called from above.

What a caller needs beside the use cases, and nothing more of the store: ``open_store`` and
``open_for_reading`` give the handle every use case takes (``Store``: its location, whether it is
read-only, its warnings, ``close``; the connection stays the store's own), ``StoreError`` is what opening
or writing refuses with, and ``database_failure`` turns an engine's error into the plain line a user reads.

A store is named by its location: an SQLite file's path, or a ``postgresql://`` URL (``Location``, as
``parse_location`` reads it from text); every opener takes either and gives the same ``Store``.
"""

from collections.abc import Callable
from typing import TypeVar

from csconsole.store import Location, Store, StoreError, Where, describe_failure, parse_location, run_read

R = TypeVar("R")


def open_store(where: Where, *, read_only: bool = False, create: bool = False) -> Store:
    return Store.open(where, read_only=read_only, create=create)


def database_failure(error: BaseException, where: Where) -> str | None:
    """A plain message for a failure the store's engine raised while reading (a damaged page, a full
    disk, a lost server...), or None when ``error`` is not the engine's: callers above the store need not
    know it."""
    return describe_failure(error, where)


def retry_read(work: Callable[[], R], where: Where, *, patient: bool = True) -> R:
    """Run a read (``work()``: queries of the use cases, its store's opening too) again while the server
    is away or the store busy, within the store's bound (``store/retry.py``); any failure of the engine
    leaves as one plain StoreError (``server_away`` when the server did not answer). ``patient=False``:
    no waiting, for the GUI thread."""
    return run_read(work, where, patient=patient)


def open_for_reading(where: Where) -> Store:
    """Open read-only, first bringing an older store's schema up to date when the file is writable.

    For commands that only read: they change no byte of a current store, yet a store written by an
    older csconsole is upgraded once, as any command would, instead of being refused.
    """
    try:
        return Store.open(where, read_only=True)
    except StoreError as refusal:
        if "older schema" not in str(refusal):
            raise
    Store.open(where).close()
    return Store.open(where, read_only=True)


__all__ = ["Location", "Store", "StoreError", "Where", "database_failure", "open_for_reading", "open_store",
           "parse_location", "retry_read"]
