"""The one way the console runs a service: off the GUI thread, on its own store connection.

Each job borrows a Store from a small pool of worker connections (one job uses a connection at a
time; reads get read-only ones, which open in well under a millisecond), runs, and reports back on
the GUI thread. Writes then announce one ``changed`` signal; commits seen by the live poll of
``data_version`` (other processes, other consoles) take exactly the same path.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from csconsole.domain.errors import DomainError
from csconsole.services import Store, StoreError, database_failure, open_store

Job = Callable[[Store], Any]
Done = Callable[[Any], None]
Failed = Callable[[str], None]


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit through it, so slots run on the GUI thread.

    Only the job id crosses threads in the signal; the outcome waits in ``outcomes``. Python objects
    (None above all) carried by queued signals have tripped PySide's reference counting on 3.11.
    """

    finished = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[int, tuple[Any, str | None]] = {}
        self.lock = threading.Lock()


class _Connections:
    """Worker connections kept between jobs: opening a writable store costs tens of milliseconds."""

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


class _Task(QRunnable):
    def __init__(self, job_id: int, connections: _Connections, write: bool, job: Job, relay: _Relay) -> None:
        super().__init__()
        self._job_id, self._connections, self._write, self._job, self._relay = job_id, connections, write, job, relay
        self.started = False

    def run(self) -> None:
        self.started = True
        result: Any = None
        error: str | None = None
        try:
            store = self._connections.borrow(self._write)
            try:
                result = self._job(store)
            finally:
                self._connections.give_back(store)
        except (DomainError, StoreError) as refusal:
            error = str(refusal)
        except Exception as bug:  # noqa: BLE001 - shown to the user rather than lost in a thread
            error = database_failure(bug, self._connections.path)
            if error is None:
                error = f"unexpected error: {bug}"
                traceback.print_exc()
        with self._relay.lock:
            self._relay.outcomes[self._job_id] = (result, error)
        self._relay.finished.emit(self._job_id)


class Operations(QObject):
    """Runs reads and writes in a small pool; ``changed`` fires after every write and every outside commit."""

    changed = Signal()
    busy_changed = Signal(bool)
    write_failed = Signal(str)
    read_failed = Signal(str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store  # the GUI thread's connection: pages, details, the live poll
        self._pool = QThreadPool(self)  # writes and background reads (counts, stats, anchors)
        self._pool.setMaxThreadCount(2)
        # What the user is waiting to see (a new row set) never queues behind background counts.
        self._view_pool = QThreadPool(self)
        self._view_pool.setMaxThreadCount(1)
        self._tasks: dict[int, _Task] = {}  # held until reported: the pools do not own them
        self._connections = _Connections(str(store.path), store.read_only)
        self._keyed: dict[str, int] = {}  # latest job per key, so a newer request can replace a queued one
        self._relay = _Relay()
        self._relay.finished.connect(self._finished)
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[Done | None, Failed | None, bool]] = {}
        self._writes = 0
        self._version = store.data_version()
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.poll)

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def writing(self) -> bool:
        return self._writes > 0

    def start_polling(self, interval_ms: int) -> None:
        self._poll.start(max(50, interval_ms))

    @Slot()
    def poll(self) -> None:
        """Cheap (PRAGMA data_version): fires ``changed`` only when some other connection committed."""
        try:
            version = self.store.data_version()
        except Exception:  # noqa: BLE001 - a vanished file must not kill the timer loop
            return
        if version != self._version:
            self._version = version
            self.changed.emit()

    def read(self, job: Job, done: Done | None = None, failed: Failed | None = None, *,
             urgent: bool = False, key: str | None = None) -> None:
        """Run ``job`` off the GUI thread. ``urgent``: its own lane. ``key``: a newer read with the same key
        takes the place of an older one still waiting in the queue (typing fast, clicking chips)."""
        if key is not None and (older := self._keyed.get(key)) is not None:
            task = self._tasks.get(older)
            if task is not None and not task.started and (self._view_pool if urgent else self._pool).tryTake(task):
                self._tasks.pop(older, None)
                self._pending.pop(older, None)
        job_id = self._submit(job, done, failed, write=False, urgent=urgent)
        if key is not None:
            self._keyed[key] = job_id

    def write(self, job: Job, done: Done | None = None, failed: Failed | None = None) -> None:
        if self.read_only:
            message = self.tr("This store is open read-only; nothing can be changed.")
            if failed:
                failed(message)
            else:
                self.write_failed.emit(message)
            return
        self._writes += 1
        if self._writes == 1:
            self.busy_changed.emit(True)
        self._submit(job, done, failed, write=True)

    def _submit(self, job: Job, done: Done | None, failed: Failed | None, *, write: bool,
                urgent: bool = False) -> int:
        job_id = next(self._ids)
        self._pending[job_id] = (done, failed, write)
        task = _Task(job_id, self._connections, write, job, self._relay)
        task.setAutoDelete(False)
        self._tasks[job_id] = task
        (self._view_pool if urgent else self._pool).start(task)
        return job_id

    @Slot(int)
    def _finished(self, job_id: int) -> None:
        with self._relay.lock:
            result, error = self._relay.outcomes.pop(job_id, (None, "lost"))
        self._tasks.pop(job_id, None)
        done, failed, write = self._pending.pop(job_id, (None, None, False))
        if write:
            self._writes -= 1
            if self._writes == 0:
                self.busy_changed.emit(False)
        if error is not None:
            if failed:
                failed(str(error))
            else:
                (self.write_failed if write else self.read_failed).emit(str(error))
            return
        if done:
            done(result)
        if write:
            self.poll()  # our own commit: announce it now rather than at the next tick

    def wait(self, msecs: int = 30_000) -> bool:
        """Let running jobs finish (window closing, tests)."""
        return self._view_pool.waitForDone(msecs) and self._pool.waitForDone(msecs)

    def shutdown(self) -> None:
        self._poll.stop()
        for pool in (self._view_pool, self._pool):
            pool.clear()
        for pool in (self._view_pool, self._pool):
            pool.waitForDone(30_000)
        self._connections.close()
        self._pending.clear()
