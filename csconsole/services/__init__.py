"""Use cases the console and the command line call. No Qt here; nothing lower is called from above."""

from csconsole.store.errors import StoreError
from csconsole.store.store import Store


def open_store(path: str, *, read_only: bool = False, create: bool = False) -> Store:
    return Store.open(path, read_only=read_only, create=create)


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


__all__ = ["Store", "StoreError", "open_for_reading", "open_store"]
