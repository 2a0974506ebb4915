"""How the console hears of other desks' commits: one feed, two ways, both into the runner's changes event.

- A store file: ``PollFeed`` polls SQLite's ``data_version`` on the GUI thread (a few µs); a move means
  "something changed", which SQLite cannot name: ``Changes.unknown()``.
- A store on a server: ``ServerFeed`` LISTENs on a connection of its own in a thread of its own; each
  notification names the tickets a commit appended to, so only the screens showing those tickets
  re-read; ``*`` means any. When the server goes away it says so (``connected(False)``), reconnects by
  itself, then says "back" and "re-read everything" (what was committed meanwhile was told to nobody).
  A commit after a quiet spell is told at once; what follows within the poll interval is told together
  at its end, so a busy floor (40 desks: ~27 commits a second) costs a console a few re-reads a second,
  as the file's poll does, not one a commit.

Notifications from this console's own connections are left out: its commits announce themselves.
Only a bare signal crosses from the listening thread; what arrived waits in a locked list.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal, Slot

from csconsole.services.changes import Kind
from csconsole.ui.changes_event import Changes

RETRY_S = 1.0  # between attempts to reach a server that is away
WAIT_S = 0.25  # a listening round: how soon the thread notices it should stop
# What an appended event can change: the ticket, its recovery case, its evaluations.
TICKET_KINDS = (Kind.TICKETS, Kind.RECOVERY, Kind.EVALUATIONS)


class PollFeed(QObject):
    """SQLite: announces "unknown" changes whenever another connection committed."""

    changed = Signal(object)  # Changes, on the GUI thread
    connected = Signal(bool)  # never emitted: a file does not go away

    def __init__(self, version: Callable[[], int], writing: Callable[[], bool] = lambda: False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read_version, self._writing = version, writing
        self._version = self._safe_version()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)

    def start(self, interval_ms: int) -> None:
        self._timer.start(max(50, interval_ms))

    def catch_up(self) -> None:
        """Our own commit moved data_version too: take it in, so it is not announced again as unknown.
        (SQLite cannot say how many commits moved it: one from elsewhere landing between our worker's
        commit and this call is taken in too, and shows with the next change or refresh.)"""
        self._version = self._safe_version()

    def stop(self) -> None:
        self._timer.stop()

    def _safe_version(self) -> int:
        try:
            return self._read_version()
        except Exception:
            return self._version if hasattr(self, "_version") else 0

    @Slot()
    def _poll(self) -> None:
        if self._writing():
            return  # our own commit may have landed and not been announced yet: it will catch up then
        version = self._safe_version()
        if version != self._version:
            self._version = version
            self.changed.emit(Changes.unknown())


class ServerFeed(QObject):
    """PostgreSQL: LISTENs in a thread; tells changes by ticket, and when the server goes and comes back."""

    changed = Signal(object)  # Changes, on the GUI thread
    connected = Signal(bool)  # False: the server went away; True: it answers again
    _arrived = Signal()  # from the listening thread: something waits in _inbox

    def __init__(self, listen: Callable[[Callable[[bool], None]], Any], own_sessions: Callable[[], set[int]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listen, self._own_sessions = listen, own_sessions
        self._inbox: list[Any] = []
        self._told: bool | None = None  # the connection's state as last told
        self._states: list[bool] = []  # told since the last delivery
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._gap_ms = 0  # the least time between two deliveries (the poll interval)
        self._since = QElapsedTimer()  # since the last delivery
        self._held = QTimer(self)  # a delivery due at the end of the gap
        self._held.setSingleShot(True)
        self._held.timeout.connect(self._deliver)
        self._arrived.connect(self._arrive)

    def start(self, interval_ms: int = 0) -> None:
        self._gap_ms = max(0, interval_ms)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="csconsole-listener", daemon=True)
            self._thread.start()

    def catch_up(self) -> None:
        pass  # our own notifications are told apart by the session that sent them

    def stop(self) -> None:
        self._held.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5 * WAIT_S + 5)
            self._thread = None

    # --- the listening thread ------------------------------------------------------------------
    def _run(self) -> None:
        listener = None
        while not self._stop.is_set():
            if listener is None:
                try:
                    listener = self._listen(self._tell_connection)
                except Exception:
                    self._tell_connection(False)
                    self._stop.wait(RETRY_S)
                    continue
                if self._told is False:
                    self._tell_connection(True)
                    self._post(None)  # away meanwhile: re-read everything
            for change in listener.changes(WAIT_S):
                self._post(change)
                if self._stop.is_set():
                    break
        if listener is not None:
            listener.close()

    def _tell_connection(self, up: bool) -> None:
        with self._lock:
            if self._told == up:
                return
            self._told = up
            self._states.append(up)
        self._arrived.emit()

    def _post(self, change: Any) -> None:
        with self._lock:
            self._inbox.append(change)
        self._arrived.emit()

    # --- the GUI thread ------------------------------------------------------------------------
    @Slot()
    def _arrive(self) -> None:
        """The connection's state at once (the banner); the changes now, or with the next delivery due."""
        with self._lock:
            states, self._states = self._states, []
        for up in states:
            self.connected.emit(up)
        if self._held.isActive():
            return  # they join the delivery already due
        waited = self._since.elapsed() if self._since.isValid() else self._gap_ms
        if waited >= self._gap_ms:
            self._deliver()
        else:
            self._held.start(self._gap_ms - waited)

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            arrived, self._inbox = self._inbox, []
        if not arrived:
            return
        self._since.start()
        own = self._own_sessions()
        foreign = [c for c in arrived if c is None or c.sender is None or c.sender not in own]
        if not foreign:
            return
        if any(c is None or c.ticket_ids is None for c in foreign):
            self.changed.emit(Changes.unknown())
            return
        ids = frozenset().union(*(c.ticket_ids for c in foreign))
        self.changed.emit(Changes.of(TICKET_KINDS, ids))
