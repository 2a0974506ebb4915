"""Use cases the console and the command line call. No Qt here; nothing lower is called from above."""

from csconsole.store.errors import StoreError
from csconsole.store.store import Store


def open_store(path: str, *, read_only: bool = False, create: bool = False) -> Store:
    return Store.open(path, read_only=read_only, create=create)


def database_failure(error: BaseException, path: str) -> str | None:
    """A plain message for a failure SQLite raised while reading (a damaged page, a full disk...), or
    None when ``error`` is not SQLite's: callers above the store need not know sqlite3."""
    import sqlite3
    from pathlib import Path

    from csconsole.store.store import describe_sqlite_error

    return describe_sqlite_error(error, Path(path)) if isinstance(error, sqlite3.Error) else None


def open_for_reading(path: str) -> Store:
    """Open read-only, first bringing an older store's schema up to date when the file is writable.

    For commands that only read: they change no byte of a current store, yet a store written by an
    older csconsole is upgraded once, as any command would, instead of being refused.
    """
    try:
        return Store.open(path, read_only=True)
    except StoreError as refusal:
        if "older schema" not in str(refusal):
            raise
    Store.open(path).close()
    return Store.open(path, read_only=True)


__all__ = ["Store", "StoreError", "database_failure", "open_for_reading", "open_store"]
