"""Migration 0006 on a store of schema 5 with work in it: every event kept byte for byte (the head an
auditor kept still verifies), events may concern no ticket, the append-only guards and the index are
there again, and the records the store held are written as backfilled events after its history, so that
``audit verify`` of the migrated store holds and judges the earlier events as history."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from csconsole.domain.sla_policy import EMPTY_BOOK
from csconsole.domain.ticket import Event, fold
from csconsole.services import audit, open_store, tickets
from csconsole.services.pin import hasher
from csconsole.store import chain
from csconsole.store.ledger import STATE_COLUMNS, state_values
from csconsole.store.recovery_cases import INSERT_EVALUATION, evaluation_values
from csconsole.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.sql import connection

AT = "2026-03-02T09:00:00Z"


def _stories() -> dict[int, tuple[str, list[Event]]]:
    """Two tickets as schema 5 recorded them: ``created`` without the reference, history out of order
    (the second was imported after the first, with older times), a reassign by an agent (a breach)."""
    return {
        1: ("T-1", [
            Event(1, "created", "2026-03-02T09:00:00Z", None,
                  {"customer": 1, "subject": "Charged twice", "channel": "phone", "priority": "urgent", "queue": 1}),
            Event(1, "take", "2026-03-02T09:05:00Z", 1, {"queue": 1, "owner": 1}),
            Event(1, "status", "2026-03-02T10:00:00Z", 1, {"status": "resolved", "note": ""}),
            Event(1, "evaluation", "2026-03-02T11:00:00Z", 2,
                  {"associate": 1, "associate_score": 4, "policy": 1, "policy_score": 2, "comment": ""}),
        ]),
        2: ("ZD-1002", [
            Event(2, "created", "2026-02-01T08:00:00Z", None,
                  {"customer": 1, "subject": "Router", "channel": "email", "priority": "low", "queue": 2}),
            Event(2, "take", "2026-02-01T08:30:00Z", 3, {"queue": 2, "owner": 3}),
            Event(2, "reassign", "2026-02-01T09:00:00Z", 1, {"queue": 2, "owner": 1, "reason": "mine"}),
        ]),
    }


def make_v5_store(path: Path) -> chain.Head:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    MIGRATIONS.apply(Database(conn), stop_before=["0006_registry_events"])
    conn.execute("PRAGMA user_version = 5")
    conn.executemany("INSERT INTO queues (id, name, sla_urgent) VALUES (?, ?, ?)", [(1, "Billing", 30), (2, "Tech", None)])
    conn.executemany("INSERT INTO agents (id, name, role, queue_id, active) VALUES (?, ?, ?, ?, ?)",
                     [(1, "Ana", "agent", 1, 1), (2, "Sue", "supervisor", None, 1), (3, "Old", "agent", 2, 0)])
    conn.execute("INSERT INTO customers (id, name, since, resolved_tickets) VALUES (1, 'Acme', '2019-01-01T00:00:00Z', 1)")
    conn.execute("INSERT INTO policies (id, name, description, owner, active, created_at) "
                 "VALUES (1, 'Refunds', '', 'Finance', 1, ?)", (AT,))
    conn.execute("INSERT INTO checklists (id, name, data, created_at) VALUES (1, 'CALM', ?, ?)",
                 (json.dumps({"name": "CALM", "steps": []}, separators=(",", ":")), AT))
    conn.execute("INSERT INTO agent_pins (agent_id, hash, set_at) VALUES (2, ?, ?)", (hasher().hash("2468"), AT))
    head, seq = chain.GENESIS, 0
    for ticket_id, (ref, events) in _stories().items():
        for event in events:
            seq += 1
            event.seq = seq
            data = chain.canonical_data(event.data)
            head = chain.link(head, chain.canonical_event(seq, ticket_id, event.kind, event.at, event.actor, data))
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (seq, ticket_id, event.kind, event.at, event.actor, data, head))
            if event.kind == "evaluation":
                conn.execute(INSERT_EVALUATION, evaluation_values(event))
        # Schema 5's SLA columns keep their defaults: migration 8 lays every ticket's clocks from its events.
        state = fold(ticket_id, events, EMPTY_BOOK)
        conn.execute(f"INSERT INTO tickets (id, ref, {', '.join(STATE_COLUMNS)}) VALUES "
                     f"({', '.join('?' * (len(STATE_COLUMNS) + 2))})",
                     (ticket_id, ref, *state_values(state)[:len(STATE_COLUMNS)]))
    conn.execute("INSERT INTO zendesk_tickets VALUES (2, 1002, 5, 3, 2, 0, 1, ?)", (AT,))
    conn.execute("COMMIT")
    conn.close()
    return chain.Head(seq, head)


def _log(path: Path, upto: int) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT * FROM events WHERE seq <= ? ORDER BY seq", (upto,)).fetchall()
    conn.close()
    return rows


def test_a_schema_5_store_keeps_its_log_and_gets_its_records_as_events(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    kept = make_v5_store(path)
    before = _log(path, kept.seq)
    with open_store(str(path)) as store:
        assert store.schema_version() == SCHEMA_VERSION
        conn = connection(store)
        assert _log(path, kept.seq) == before  # every event, byte for byte
        backfilled = conn.execute("SELECT ticket_id, kind, data FROM events WHERE seq > ? ORDER BY seq",
                                  (kept.seq,)).fetchall()
        kinds = [kind for _, kind, _ in backfilled]
        assert kinds == ["queue_added"] * 2 + ["agent_added"] * 3 + ["customer_added", "policy_added",
                                                                         "checklist_saved", "pin_set"] \
            + ["ref_recorded"] * 2 + ["zendesk_synced"]
        assert all(json.loads(data)["backfill"] == kept.seq for _, _, data in backfilled)
        assert [t for t, kind, _ in backfilled if kind == "ref_recorded"] == [1, 2]
        (stored,) = conn.execute("SELECT hash FROM agent_pins").fetchone()
        assert not any(stored in data for _, _, data in backfilled)  # the hash's commitment, never the hash
        # The guards and the index are there again; an event may concern no ticket.
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'events'")}
        assert {"events_append_only_update", "events_append_only_delete", "ix_events_ticket",
                "ix_events_registry_kind"} <= names
        notnull = {name: flag for _, name, _, flag, _, _ in conn.execute("PRAGMA table_info(events)")}
        assert notnull["ticket_id"] == 0 and notnull["kind"] == 1
        verdict = audit.verify(store, kept.hash)  # the head kept before the migration still holds
        assert verdict.ok, verdict.problem
        assert verdict.findings == 1  # history, not a failure: the agent's reassign
        assert audit.rebuild(store).corrected == 0
        # Live work goes on after the backfill, and verifies.
        tickets.reassign(store, [2], actor_id=2, to_id=2, reason="one owner")
        assert audit.verify(store, kept.hash).ok


def test_the_migration_refuses_nothing_an_empty_store_held(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "new.db"), create=True) as store:
        assert audit.head(store).seq == 0 and audit.verify(store).ok
