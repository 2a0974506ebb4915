"""LISTEN/NOTIFY: a change is told at its COMMIT and never if rolled back; the listener outlives a restart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csconsole.store.postgres.connection import Connection
from csconsole.store.postgres.notify import MAX_PAYLOAD_BYTES, Change, Listener, decode, notify, payload
from tests.pg_server import PgServer


@pytest.fixture
def listener(pg_url: str) -> Iterator[Listener]:
    listening = Listener(pg_url)
    yield listening
    listening.close()


def first(listener: Listener, timeout: float = 5.0) -> Change | None:
    return next(iter(listener.changes(timeout)), None)


def test_a_committed_change_names_its_tickets(pg: Connection, listener: Listener) -> None:
    pg.execute("BEGIN")
    notify(pg, [12, 3, 12, 7])
    assert first(listener, 0.3) is None  # not before COMMIT
    pg.execute("COMMIT")
    assert first(listener) == Change(frozenset({3, 7, 12}))


def test_a_rolled_back_change_is_never_told(pg: Connection, listener: Listener) -> None:
    pg.execute("BEGIN")
    notify(pg, [666])
    pg.execute("ROLLBACK")
    pg.execute("BEGIN")
    notify(pg, [7])
    pg.execute("COMMIT")
    # Notifications come in commit order: had the rolled-back one been sent, it would come first.
    assert first(listener) == Change(frozenset({7}))
    assert first(listener, 0.2) is None


def test_notify_belongs_in_a_transaction(pg: Connection) -> None:
    with pytest.raises(RuntimeError, match="the append's transaction"):
        notify(pg, [1])


def test_too_many_tickets_for_one_payload_say_reread_everything(pg: Connection, listener: Listener) -> None:
    fits = list(range(1_000_000, 1_000_000 + MAX_PAYLOAD_BYTES // 8))  # 7 digits and a comma each
    assert len(payload(fits).encode()) <= MAX_PAYLOAD_BYTES and decode(payload(fits)).ticket_ids == set(fits)
    too_many = list(range(1_000_000, 1_002_000))
    assert payload(too_many) == "*"
    pg.execute("BEGIN")
    notify(pg, too_many)
    pg.execute("COMMIT")
    assert first(listener) == Change(None)
    assert decode("not,ours") == Change(None)


def test_the_listener_reconnects_after_a_server_restart(pg_server: PgServer, pg_url: str,
                                                        listener: Listener) -> None:
    pg_server.stop("immediate")
    try:
        assert list(listener.changes(0.5)) == []
        assert not listener.connected
    finally:
        pg_server.start()
    # Back: it says that anything may have changed while it was away, then carries on as before.
    assert first(listener) == Change(None) and listener.connected
    desk = Connection.connect(pg_url)
    desk.execute("BEGIN")
    notify(desk, [42])
    desk.execute("COMMIT")
    desk.close()
    assert first(listener) == Change(frozenset({42}))
