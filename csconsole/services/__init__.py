"""Use cases the console and the command line call. No Qt here; nothing lower is called from above."""

from csconsole.store.errors import StoreError
from csconsole.store.store import Store


def open_store(path: str, *, read_only: bool = False, create: bool = False) -> Store:
    return Store.open(path, read_only=read_only, create=create)


__all__ = ["Store", "StoreError", "open_store"]
