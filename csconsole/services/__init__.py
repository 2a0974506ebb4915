"""Use cases the console and the command line call. No Qt here; nothing lower is called from above.

What a caller needs beside the use cases, and nothing more of the store: ``open_store`` and
``open_for_reading`` give the handle every use case takes (``Store``: its path, whether it is read-only,
its warnings, ``close``; the connection stays the store's own), ``StoreError`` is what opening or
writing refuses with, and ``database_failure`` turns an engine's error into the plain line a user reads.
"""

from csconsole.store import Store, StoreError, describe_failure


def open_store(path: str, *, read_only: bool = False, create: bool = False) -> Store:
    return Store.open(path, read_only=read_only, create=create)


def database_failure(error: BaseException, path: str) -> str | None:
    """A plain message for a failure the store's engine raised while reading (a damaged page, a full
    disk...), or None when ``error`` is not the engine's: callers above the store need not know it."""
    return describe_failure(error, path)


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
