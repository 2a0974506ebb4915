"""The one runner for all work off the GUI thread: reads, commits, and long tasks with progress and cancel.

Each job borrows a store connection of its own (``WorkerConnections``), runs in a small thread pool, and
reports back on the GUI thread. A commit then announces one ``changes`` event (``Changes``: which kinds
of data, which tickets); a commit by anyone else arrives through the same event from the live feed
(``live_feed.py``): as "unknown" from SQLite's ``data_version`` poll, by ticket from a server's
notifications. Screens listen to that event and never poll or announce by hand. ``server_connection``
tells when a server went away (False) and answers again (True).

A read that meets a server away is tried again, whole, within the store's bound (``services.retry_read``);
one that still finds it away is no error to show: the runner says the server is away (the window's
banner), asks it every second until it answers (or the live feed hears it back), then every screen
re-reads. Such a read's ``away`` handler is called, never its ``failed`` one.

Only job ids cross threads in signals; results wait in a locked dict. Python objects (None above all)
carried by queued signals have tripped PySide's reference counting on 3.11.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any, Literal

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from csconsole.domain.errors import DomainError
from csconsole.services import Store, StoreError, Where, database_failure, retry_read
from csconsole.services.changes import Kind
from csconsole.ui.changes_event import Changes
from csconsole.ui.live_feed import PollFeed, ServerFeed
from csconsole.ui.worker_connections import WorkerConnections

Job = Callable[[Store], Any]
Done = Callable[[Any], None]
Failed = Callable[[str], None]
Away = Callable[[], None]
PROBE_MS = 1000  # while a server is away and the live feed has not said so: how often to ask it
Connection = Literal["write", "read", "none"]


class Progress:
    """Handed to a long task: it reports (done, total) and asks whether the user cancelled."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self._report = report
        self._last = -1
        self.cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def __call__(self, done: int, total: int) -> None:
        step = max(1, total // 200)  # a couple of hundred updates at most, however long the task
        if done == total or done - self._last >= step or done < self._last:
            self._last = done
            self._report(done, total)


class Task(QObject):
    """A long job in flight. ``progressed`` carries (done, total); ``finished`` fires once, on the GUI thread,
    with ``result`` set on success, or ``error`` (the exception) and ``message`` (a plain line) on failure."""

    progressed = Signal(int, int)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.progress = Progress(self.progressed.emit)
        self.result: Any = None
        self.error: BaseException | None = None
        self.message = ""
        self.done = False

    def cancel(self) -> None:
        self.progress.cancel.set()

    @property
    def cancelled(self) -> bool:
        return self.progress.cancelled


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit through it, so slots run on the GUI thread."""

    finished = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.outcomes: dict[int, tuple[Any, BaseException | None, str | None]] = {}
        self.lock = threading.Lock()


class _Work(QRunnable):
    def __init__(self, job_id: int, run: Callable[[], Any], relay: _Relay, path: Where) -> None:
        super().__init__()
        self._job_id, self._run, self._relay, self._path = job_id, run, relay, path
        self.started = False

    def run(self) -> None:
        self.started = True
        result: Any = None
        error: BaseException | None = None
        message: str | None = None
        try:
            result = self._run()
        except (DomainError, StoreError) as refusal:
            error, message = refusal, str(refusal)
        except Exception as bug:
            error, message = bug, database_failure(bug, self._path)
            if message is None:
                message = f"unexpected error: {bug}"
                traceback.print_exc()
        with self._relay.lock:
            self._relay.outcomes[self._job_id] = (result, error, message)
        self._relay.finished.emit(self._job_id)


class Runner(QObject):
    """Runs every read, commit and long task off the GUI thread; ``changes`` fires after each commit."""

    changes = Signal(object)  # Changes, emitted on the GUI thread
    busy_changed = Signal(bool)  # a commit or a writing task is running
    failed = Signal(str)  # a job that was given no failure handler of its own failed
    server_connection = Signal(bool)  # a store on a server: False when it went away, True when it is back

    def __init__(self, store: Store | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store  # the GUI thread's connection: pages, small reads, the live poll
        self._pool = QThreadPool(self)  # commits, background reads and long tasks
        self._pool.setMaxThreadCount(2)
        # What the user is waiting to see (a new row set) never queues behind background counts.
        self._view_pool = QThreadPool(self)
        self._view_pool.setMaxThreadCount(1)
        self._connections = WorkerConnections(store.location, store.read_only) if store is not None else None
        self._work: dict[int, _Work] = {}  # held until reported: the pools do not own them
        self._keyed: dict[str, int] = {}  # latest read per key, so a newer request can replace a queued one
        self._relay = _Relay()
        self._relay.finished.connect(self._finished)
        self._ids = itertools.count(1)
        self._pending: dict[int, Callable[[Any, BaseException | None, str | None], None]] = {}
        self._writes = 0
        self._tasks: set[Task] = set()  # long tasks in flight: cancelled when the runner shuts down
        self._away = False  # the server did not answer (the live feed said so, or a read found it)
        self._probe = QTimer(self)
        self._probe.setInterval(PROBE_MS)
        self._probe.timeout.connect(self._ask_server)
        self._probing = False
        self._feed = self._live_feed(store)
        self._feed.changed.connect(self.changes.emit)
        self._feed.connected.connect(self._feed_told)

    # --- what it runs on ------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        """The GUI thread's own connection, for the small reads a screen makes while painting."""
        assert self._store is not None, "this runner has no store"
        return self._store

    @property
    def read_only(self) -> bool:
        return self._store is None or self._store.read_only

    @property
    def writing(self) -> bool:
        return self._writes > 0

    @property
    def server_away(self) -> bool:
        """The store's server is not answering now (the banner is up); it is asked again by itself."""
        return self._away

    def server_lost(self) -> None:
        """A read found the server away (here or on the GUI thread's own connection): say so, and ask it
        every second until it answers; then every screen re-reads."""
        if not self._away:
            self._set_away(True)
        if not self._probe.isActive():
            self._probe.start()

    def _feed_told(self, up: bool) -> None:
        self._set_away(not up)  # back: the feed itself tells every screen to re-read

    def _set_away(self, away: bool) -> None:
        if away == self._away:
            return
        self._away = away
        if not away:
            self._probe.stop()
        self.server_connection.emit(not away)

    def _ask_server(self) -> None:
        if self._probing or not self._away or self._connections is None:
            return
        self._probing = True

        def answered(_version: Any) -> None:
            self._probing = False
            if self._away:
                self._set_away(False)
                self._announce(Changes.unknown())  # what was committed meanwhile: every screen re-reads

        def still_away() -> None:
            self._probing = False

        self.read(lambda store: store.schema_version(), answered, lambda _message: still_away(), away=still_away,
                  patient=False)

    def start_polling(self, interval_ms: int) -> None:
        """Start hearing other desks' commits (a file: its poll every ``interval_ms``; a server: its
        notifications, as they come)."""
        self._feed.start(interval_ms)

    def _live_feed(self, store: Store | None) -> PollFeed | ServerFeed:
        if store is not None and store.notifies and self._connections is not None:
            connections = self._connections
            return ServerFeed(lambda told: store.listener(told), connections.sessions, self)
        return PollFeed(store.data_version if store is not None else (lambda: 0), lambda: self.writing, self)

    # --- the three kinds of work ----------------------------------------------------------------
    def read(self, job: Job, done: Done | None = None, failed: Failed | None = None, *,
             urgent: bool = False, key: str | None = None, away: Away | None = None, patient: bool = True) -> None:
        """Run ``job(store)`` on a read-only connection, again while the server is away (within the
        store's bound; ``patient=False``: once). ``urgent``: its own lane, for what the user waits to see.
        ``key``: a newer read with the same key replaces an older one still waiting (typing fast).
        ``away``: called instead of ``failed`` when the server still did not answer (the banner says so
        and every screen re-reads once it is back); not given, nothing is called."""
        if key is not None and (older := self._keyed.get(key)) is not None:
            work = self._work.get(older)
            if work is not None and not work.started and (self._view_pool if urgent else self._pool).tryTake(work):
                self._work.pop(older, None)
                self._pending.pop(older, None)

        def report(result: Any, error: BaseException | None, message: str | None) -> None:
            if isinstance(error, StoreError) and error.server_away:
                self.server_lost()
                if away is not None:
                    away()
            elif message is not None:
                (failed or self.failed.emit)(message)
            elif done is not None:
                done(result)

        where = self._connections.location if self._connections is not None else ""
        job_id = self._submit(lambda: retry_read(lambda: self._on_connection(job, write=False), where,
                                                 patient=patient), report, urgent=urgent)
        if key is not None:
            self._keyed[key] = job_id

    def commit(self, job: Job, done: Done | None = None, failed: Failed | None = None, *,
               touches: Iterable[Kind] | None = None) -> None:
        """Run ``job(store)`` (one service call: one transaction) on a writable connection, then announce
        ``changes``. A job returning a services ``Change`` says itself what it changed; for any other result
        ``touches`` names the kinds of data it changed (not given: unknown, every screen re-reads)."""
        if self.read_only:
            (failed or self.failed.emit)(self.tr("This store is open read-only; nothing can be changed."))
            return
        self._begin_write()

        def report(result: Any, error: BaseException | None, message: str | None) -> None:
            self._end_write()
            if message is not None:
                if isinstance(error, StoreError) and error.server_away:
                    self.server_lost()  # the banner too; the person is still told their action was not done
                (failed or self.failed.emit)(message)
                return
            if done is not None:
                done(result)
            self._announce(Changes.from_result(result, touches))

        self._submit(lambda: self._on_connection(job, write=True), report)

    def start_task(self, work: Callable[[Store | None, Progress], Any], *, connection: Connection,
                   touches: Iterable[Kind] | None = None, store_path: Where | None = None) -> Task:
        """A long job with progress and cancel (import, export, demo build): ``work(store, progress)`` on a
        connection of its own to the runner's store (``write``, ``read``; ``none`` for work that opens
        nothing, or only ``store_path``). A writing task that returns announces ``changes`` (``touches``,
        or unknown)."""
        task = Task(self)
        self._tasks.add(task)
        task.finished.connect(lambda: self._tasks.discard(task))
        path = store_path or (self._connections.location if self._connections else "")
        writes = connection == "write"
        if writes and self.read_only:
            task.error, task.message, task.done = PermissionError(), self.tr(
                "This store is open read-only; nothing can be changed."), True
            QTimer.singleShot(0, task.finished.emit)
            return task
        if writes:
            self._begin_write()

        def run() -> Any:
            if connection == "none":
                return work(None, task.progress)
            if self._connections is not None and store_path is None:
                with self._connections.own(read_only=not writes) as store:
                    return work(store, task.progress)
            from csconsole.services import open_store

            with open_store(path, read_only=not writes) as store:
                return work(store, task.progress)

        def report(result: Any, error: BaseException | None, message: str | None) -> None:
            task.result, task.error, task.message, task.done = result, error, message or "", True
            if writes:
                self._end_write()
                if error is None or result is not None:
                    self._announce(Changes.of(touches) if touches is not None else Changes.unknown())
            task.finished.emit()

        QTimer.singleShot(0, lambda: self._submit(run, report, path=path))  # callers connect first
        return task

    def wait_for(self, job: Job, *, write: bool = False) -> tuple[Any, str | None]:
        """Run ``job`` off the GUI thread and wait for it in a local event loop (start-up, before the window
        exists): the screen keeps painting while an Argon2id check runs. Returns (result, error message)."""
        loop = QEventLoop()
        outcome: list[tuple[Any, str | None]] = []

        def done(result: Any) -> None:
            outcome.append((result, None))
            loop.quit()

        def failed(message: str) -> None:
            outcome.append((None, message))
            loop.quit()

        if write:
            self.commit(job, done, failed)
        else:
            self.read(job, done, failed, away=lambda: failed(self.tr(
                "The server is not answering; try again in a moment.")))
        if not outcome:
            loop.exec()
        return outcome[0]

    def announce_settings(self, *kinds: Kind) -> None:
        """This console changed its own settings (not the store) that screens read: they hear it the same way."""
        self._announce(Changes.of(kinds))

    def reread_everything(self) -> None:
        """Refresh (F5): every screen re-reads what it shows, as after a commit whose changes are unknown."""
        self._announce(Changes.unknown())

    # --- inside -----------------------------------------------------------------------------------
    def _on_connection(self, job: Job, *, write: bool) -> Any:
        assert self._connections is not None, "this runner has no store"
        store = self._connections.borrow(write)
        try:
            return job(store)
        finally:
            self._connections.give_back(store)

    def _submit(self, run: Callable[[], Any], report: Callable[[Any, BaseException | None, str | None], None],
                *, urgent: bool = False, path: Where | None = None) -> int:
        job_id = next(self._ids)
        self._pending[job_id] = report
        work = _Work(job_id, run, self._relay, path or (self._connections.location if self._connections else ""))
        work.setAutoDelete(False)
        self._work[job_id] = work
        (self._view_pool if urgent else self._pool).start(work)
        return job_id

    @Slot(int)
    def _finished(self, job_id: int) -> None:
        with self._relay.lock:
            result, error, message = self._relay.outcomes.pop(job_id, (None, None, "lost"))
        self._work.pop(job_id, None)
        report = self._pending.pop(job_id, None)
        if report is not None:
            report(result, error, message)

    def _begin_write(self) -> None:
        self._writes += 1
        if self._writes == 1:
            self.busy_changed.emit(True)

    def _end_write(self) -> None:
        self._writes -= 1
        if self._writes == 0:
            self.busy_changed.emit(False)

    def _announce(self, changes: Changes) -> None:
        self._feed.catch_up()  # our own commit is not announced a second time as another's
        self.changes.emit(changes)

    def wait(self, msecs: int = 30_000) -> bool:
        """Let running jobs finish (window closing, tests)."""
        return self._view_pool.waitForDone(msecs) and self._pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Stop the live feed, cancel long tasks (an import in flight rolls back), let running jobs end."""
        self._probe.stop()
        self._feed.stop()
        for task in list(self._tasks):
            task.cancel()
        for pool in (self._view_pool, self._pool):
            pool.clear()
        for pool in (self._view_pool, self._pool):
            pool.waitForDone(30_000)
        if self._connections is not None:
            self._connections.close()
        self._pending.clear()
