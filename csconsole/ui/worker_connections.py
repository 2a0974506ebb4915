"""Store connections the runner's worker threads borrow, one job at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from csconsole.services import Location, Store, open_store


class WorkerConnections:
    """Kept between jobs: opening a writable store costs tens of milliseconds, a read-only one well under one.

    Knows every store it opened (also a long task's own), so the console can tell its own commits from
    another desk's among a server's notifications (``sessions``)."""

    def __init__(self, location: Location, read_only: bool) -> None:
        self._location, self._read_only = location, read_only
        self._idle: dict[bool, list[Store]] = {True: [], False: []}  # by "opened read-only"
        self._open: set[Store] = set()
        self._lock = threading.Lock()
        self._closed = False

    @property
    def location(self) -> Location:
        return self._location

    def borrow(self, write: bool) -> Store:
        read_only = self._read_only or not write
        with self._lock:
            if self._idle[read_only]:
                return self._idle[read_only].pop()
        store = open_store(self._location, read_only=read_only)
        with self._lock:
            self._open.add(store)
        return store

    def give_back(self, store: Store) -> None:
        with self._lock:
            if not self._closed and not store.in_transaction:
                self._idle[store.read_only].append(store)
                return
            self._open.discard(store)
        store.close()

    @contextmanager
    def own(self, read_only: bool) -> Iterator[Store]:
        """A store of a long task's own (an import holds its connection for minutes), counted as ours."""
        store = open_store(self._location, read_only=self._read_only or read_only)
        with self._lock:
            self._open.add(store)
        try:
            yield store
        finally:
            with self._lock:
                self._open.discard(store)
            store.close()

    def sessions(self) -> set[int]:
        """The server sessions of every connection open here now (none for a file)."""
        with self._lock:
            stores = list(self._open)
        return {sid for sid in (s.session_id() for s in stores) if sid is not None}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle = self._idle[True] + self._idle[False]
            self._idle = {True: [], False: []}
            self._open.difference_update(idle)
        for store in idle:
            store.close()
