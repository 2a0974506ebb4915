"""Store connections the runner's worker threads borrow, one job at a time."""

from __future__ import annotations

import threading

from csconsole.services import Store, open_store


class WorkerConnections:
    """Kept between jobs: opening a writable store costs tens of milliseconds, a read-only one well under one."""

    def __init__(self, path: str, read_only: bool) -> None:
        self._path, self._read_only = path, read_only
        self._idle: dict[bool, list[Store]] = {True: [], False: []}  # by "opened read-only"
        self._lock = threading.Lock()
        self._closed = False

    @property
    def path(self) -> str:
        return self._path

    def borrow(self, write: bool) -> Store:
        read_only = self._read_only or not write
        with self._lock:
            if self._idle[read_only]:
                return self._idle[read_only].pop()
        return open_store(self._path, read_only=read_only)

    def give_back(self, store: Store) -> None:
        with self._lock:
            if not self._closed and not store.in_transaction:
                self._idle[store.read_only].append(store)
                return
        store.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle = self._idle[True] + self._idle[False]
            self._idle = {True: [], False: []}
        for store in idle:
            store.close()
