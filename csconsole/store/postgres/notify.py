"""Live refresh on PostgreSQL: the append path NOTIFYs which tickets changed, consoles LISTEN.

A NOTIFY is sent in the append's own transaction, so it is delivered at COMMIT, after the change is
visible, and never for a change that was rolled back. PostgreSQL keeps a payload under 8000 bytes: a
change to more tickets than fit (about 1,000 seven-digit ids) is sent as ``*``, meaning "re-read what is
shown". Notifications of one transaction with the same payload arrive once.

A ``Listener`` holds its own connection (LISTEN ties up a session). When the server restarts it
reconnects by itself, and since what was committed meanwhile was told to nobody, its first word
after coming back is "re-read what is shown". Hearing "any" (a registry event is one) it also tells every
store of the process to read the queue and agent names again (``directory.forget_names``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from csconsole.store.directory import forget_names
from csconsole.store.postgres.connection import Connection, connect_raw

CHANNEL = "csconsole_changes"
MAX_PAYLOAD_BYTES = 7999  # PostgreSQL refuses a payload of 8000 bytes or more
EVERYTHING = "*"


@dataclass(frozen=True)
class Change:
    """Tickets another connection changed; ``None`` when any may have changed (re-read what is shown)."""

    ticket_ids: frozenset[int] | None
    sender: int | None = field(default=None, compare=False)  # the notifying session's backend pid


def payload(ticket_ids: Iterable[int] | None) -> str:
    """The tickets as the payload names them; none named (or too many to fit) is "re-read what is shown"."""
    text = ",".join(str(int(i)) for i in sorted(set(ticket_ids or ())))
    return text if text and len(text.encode()) <= MAX_PAYLOAD_BYTES else EVERYTHING


def decode(text: str, sender: int | None = None) -> Change:
    """A payload back into a change; one this code did not write means "re-read what is shown"."""
    try:
        return Change(frozenset(int(part) for part in text.split(",")), sender) \
            if text and text != EVERYTHING else Change(None, sender)
    except ValueError:
        return Change(None, sender)


def notify(conn: Connection, ticket_ids: Iterable[int] | None, channel: str = CHANNEL) -> int:
    """Tell listeners, at this transaction's COMMIT, that these tickets changed (None: any may have).
    Returns the transaction's id, asked in the same round trip (``engine.commit`` may need it)."""
    if not conn.in_transaction:
        raise RuntimeError("notify belongs in the append's transaction: outside one it would be sent at once")
    row = conn.execute("SELECT pg_notify(?, ?), txid_current()", (channel, payload(ticket_ids))).fetchone()
    assert row is not None
    return int(row[1])


class Listener:
    """LISTENs on ``channel`` over a connection of its own; ``changes`` yields what arrives."""

    def __init__(self, conninfo: str, channel: str = CHANNEL, *, retry_s: float = 0.2,
                 on_connection: Callable[[bool], None] | None = None) -> None:
        self.conninfo = conninfo
        self.channel = channel
        self.retry_s = retry_s
        self.on_connection = on_connection  # hears False when the server goes away, True when it is back
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._missed = False
        self._connect()  # a wrong URL or password fails here, loudly; later losses are retried

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def _connect(self) -> None:
        conn = connect_raw(self.conninfo, "csconsole listener")
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        self._conn = conn
        forget_names()  # what was committed before this LISTEN was told to nobody

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._missed = True

    def changes(self, timeout: float) -> Iterator[Change]:
        """Changes as they arrive, for ``timeout`` seconds; reconnects meanwhile if the server went away."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if not self.connected:
                try:
                    self._connect()
                except psycopg.OperationalError:
                    time.sleep(min(self.retry_s, left))
                    continue
                if self._missed:
                    self._missed = False
                    if self.on_connection is not None:
                        self.on_connection(True)
                    yield Change(None)
                continue
            assert self._conn is not None
            try:
                for note in self._conn.notifies(timeout=left):
                    change = decode(note.payload, note.pid)
                    if change.ticket_ids is None:  # a registry event among them: names may have changed
                        forget_names()
                    yield change
            except psycopg.OperationalError:
                self._drop()
                if self.on_connection is not None:
                    self.on_connection(False)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
