"""An import session is one unit of work: everything an importer writes lands together, or nothing does."""

from __future__ import annotations

import pytest

from csconsole.domain.ticket import Event
from csconsole.io.import_outcome import ImportCancelled
from csconsole.services import audit, queries
from csconsole.store.import_session import import_session
from tests.conftest import Floor
from tests.sql import connection


def _counts(floor: Floor) -> tuple[int, int, int, int]:
    conn = connection(floor.store)
    return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                 for t in ("tickets", "events", "agents", "queues"))


def _write(session, ref: str) -> None:
    at = "2026-03-02T09:00:00Z"
    ticket = session.new_ticket_id()
    created = Event(ticket, "created", at, None, {"customer": session.customer("Cleo", at), "subject": "s",
                                                  "channel": "email", "priority": "low",
                                                  "queue": session.queue("Returns")})
    state = session.open_ticket(ticket, ref, created)
    owner = session.agent("Zed")
    session.record(state, Event(ticket, "take", at, owner, {"queue": state.queue_id, "owner": owner}))


def test_a_finished_session_writes_everything_once(floor: Floor) -> None:
    before = _counts(floor)
    with import_session(floor.store) as session:
        _write(session, "IMP-1")
        assert session.queue("returns") == session.queue("Returns")  # found, not created twice
    # Events: the created and take, and one each for the queue, agent and customer the import added.
    assert _counts(floor) == (before[0] + 1, before[1] + 5, before[2] + 1, before[3] + 1)
    assert queries.find_ticket(floor.store, "IMP-1") and audit.verify(floor.store).ok


def test_a_cancelled_or_failed_session_writes_nothing(floor: Floor) -> None:
    before = _counts(floor)
    with pytest.raises(ImportCancelled):
        with import_session(floor.store) as session:
            _write(session, "IMP-1")
            raise ImportCancelled()
    with pytest.raises(KeyError):
        with import_session(floor.store) as session:
            _write(session, "IMP-2")
            raise KeyError("a bug half-way")
    assert _counts(floor) == before and not floor.store.in_transaction
