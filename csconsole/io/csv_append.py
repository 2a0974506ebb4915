"""The second step of a CSV import: the staged rows appended in short transactions (csv_import.py checks
and stages them). Each chunk holds the write lock for about CHUNK_SECONDS; every event carries the batch
mark; the tickets this run creates are judged for rule breaches as their events are appended."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from csconsole.domain.errors import BadInput
from csconsole.domain.findings import Finding, judge, rule_breaches
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import EventKind, Role
from csconsole.io.import_outcome import ImportPaused, ImportResult, Progress
from csconsole.store import import_session as batches
from csconsole.store.import_session import CHUNK_SECONDS, IMPORT_KEY, ImportSession, RefTaken, Staging
from csconsole.store.store import Store


@dataclass(frozen=True)
class Row:
    line: int
    ticket: str
    at: str
    kind: str
    actor: str
    queue: str
    owner: str
    customer: str
    subject: str
    channel: str
    priority: str
    status: str
    note: str


# --------------------------------------------------------------------

def append(store: Store, file: Path, staging: Staging, batch: str, progress: Progress | None,
            cancel: threading.Event | None, by: int | None = None) -> ImportResult:
    """``by``: who gave the roles file its authority (its agents and roles are recorded as theirs)."""
    if staging.get("after_seq") is None:  # the first run of this batch: its events all come after this
        staging.set("after_seq", str(batches.head_seq(store)))
    done = resumed = batches.batch_events(store, batch, int(staging.get("after_seq") or 0))
    total = staging.count()
    session = ImportSession(store, batch)
    ids: dict[str, int] = {}
    judged = _Judged()
    agents = [(n, Role(r), q) for n, r, q in json.loads(staging.get("agents") or "[]")]
    pending = iter(staging.rows(after=done))
    row = next(pending, None)
    if row is not None:
        session.at = Row(*row[1:]).at  # the roles file's agents: as of the first row's moment
    try:
        with session.appending():
            while row is not None or agents:
                with session.chunk():
                    for name, role, queue in agents:
                        session.set_role(session.agent(name, role, queue, actor=by), role, queue, actor=by)
                    agents = []
                    row, done = _chunk(file, session, row, pending, batch, ids, judged, done)
                if progress is not None:
                    progress(done, total)
                if row is not None and cancel is not None and cancel.is_set():
                    raise ImportPaused(file, done, total)
    except KeyboardInterrupt:
        raise ImportPaused(file, done, total, interrupted=True) from None
    refs = [str(ref) for ref in staging.distinct(1)]
    others = [ref for ref in refs if ref not in judged.created]
    findings = judged.findings + _findings(store, others, session)
    return ImportResult(len(refs), int(staging.get("created") or 0), total, findings, batch=batch,
                        resumed_from=resumed)


class _Judged:
    """Rule breaches of the tickets this run creates, judged as each event is appended (their whole
    history is this batch); other tickets' histories are judged whole at the end."""

    def __init__(self) -> None:
        self.created: set[str] = set()
        self.findings: list[Finding] = []


def _chunk(file: Path, session: ImportSession, row: tuple[Any, ...] | None, pending: Iterator[tuple[Any, ...]],
           batch: str, ids: dict[str, int], judged: _Judged, done: int) -> tuple[tuple[Any, ...] | None, int]:
    """Append staged rows until the chunk has held the lock for CHUNK_SECONDS; (next row, rows done)."""
    states: dict[str, TicketState] = {}  # read again each chunk: live work may have moved a ticket between
    next_id = session.new_ticket_id()
    started = time.perf_counter()
    while row is not None:
        next_id = _append_row(file, session, Row(*row[1:]), batch, states, ids, next_id, judged)
        done += 1
        row = next(pending, None)
        if done % 32 == 0 and time.perf_counter() - started > CHUNK_SECONDS:
            break
    return row, done


def _append_row(file: Path, session: ImportSession, row: Row, batch: str, states: dict[str, TicketState],
                ids: dict[str, int], next_id: int, judged: _Judged) -> int:
    session.at = row.at  # a name first met here is a record of this moment
    if row.kind == EventKind.CREATED:
        ticket_id = ids[row.ticket] = next_id
        actor = None if not row.actor or row.actor == row.customer else session.agent(row.actor)
        created = Event(ticket_id, EventKind.CREATED, row.at, actor, {
            "customer": session.customer(row.customer, row.at), "subject": row.subject,
            "channel": row.channel, "priority": row.priority, "queue": session.queue(row.queue),
            IMPORT_KEY: batch})
        try:
            states[row.ticket] = session.open_ticket(ticket_id, row.ticket, created)
        except RefTaken:  # created live while the batch was being appended
            raise BadInput(f"{file}:{row.line}:ticket: ticket {row.ticket} was created in the store while this "
                           "import was being appended; the rows before it are in the store") from None
        judged.created.add(row.ticket)
        return next_id + 1
    state = states.get(row.ticket)
    if state is None:
        known = ids.get(row.ticket)
        if known is None:
            known = ids[row.ticket] = session.ticket_id(row.ticket)
        state = states[row.ticket] = session.state(known)
    event = _event(row, state, session, batch)
    found = judge(state.ticket_id, event, state, session.roles) if row.ticket in judged.created else []
    session.record(state, event)
    judged.findings += [replace(finding, seq=event.seq) for finding in found]
    return next_id


def _event(row: Row, state: TicketState, names: ImportSession, batch: str) -> Event:
    kind = row.kind
    actor = None if kind == EventKind.CONTACT else names.agent(row.actor)
    data: dict[str, object]
    if kind in (EventKind.TAKE, EventKind.TRANSFER, EventKind.REASSIGN):
        queue = names.queue(row.queue) if row.queue else state.queue_id
        owner: int | None
        if kind == EventKind.TAKE:
            owner = names.agent(row.owner) if row.owner else actor
        else:
            owner = names.agent(row.owner) if row.owner else None
        data = {"queue": queue, "owner": owner}
        if kind == EventKind.TRANSFER:
            data["note"] = row.note
        elif kind == EventKind.REASSIGN:
            data["reason"] = row.note
    elif kind == EventKind.STATUS:
        data = {"status": row.status, "note": row.note}
    elif kind == EventKind.ESCALATE:
        data = {"priority": row.priority or state.priority, "note": row.note}
    else:
        data = {"note": row.note}
    data[IMPORT_KEY] = batch
    return Event(state.ticket_id, kind, row.at, actor, data)


def _findings(store: Store, refs: list[str], session: ImportSession) -> list[Finding]:
    if not refs:
        return []
    ids = batches.ticket_ids(store, refs)
    book = batches.policy_book(store)
    findings: list[Finding] = []
    for ticket_id, events in batches.events_by_ticket(store, sorted(ids.values())):
        findings += rule_breaches(ticket_id, events, session.roles, book)
    return findings
