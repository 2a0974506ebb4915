"""Import the CSV event log of DESIGN §6, all or nothing.

The whole file is read and checked first; any structural problem rejects it with
``FILE:ROW:FIELD: message`` lines and nothing is written. A file that passes is written in one
transaction (one import session of the store). Rule breaches in the history are kept as they happened
and reported as findings.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.findings import Finding, rule_breaches
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import Channel, EventKind, Priority, Role, Status
from csconsole.io.import_outcome import ImportCancelled, ImportRejected, ImportResult, Problems, Progress
from csconsole.store.import_session import ImportSession, existing_tickets, import_session
from csconsole.store.store import Store

__all__ = ["COLUMNS", "MAX_FIELD", "ImportCancelled", "ImportRejected", "ImportResult", "import_csv"]

COLUMNS = ("ticket", "at", "kind", "actor", "queue", "owner", "customer", "subject", "channel", "priority",
           "status", "note")
AGENT_COLUMNS = ("name", "role", "queue")
IMPORTABLE = (EventKind.CREATED, EventKind.TAKE, EventKind.TRANSFER, EventKind.REASSIGN, EventKind.CONTACT,
              EventKind.REPLY, EventKind.STATUS, EventKind.ESCALATE, EventKind.NOTE)
MAX_FIELD = 10_000  # characters; longer is not a note, it is a mistake
@dataclass(frozen=True)
class _Row:
    line: int
    ticket: str
    at: str
    kind: EventKind
    actor: str
    queue: str
    owner: str
    customer: str
    subject: str
    channel: str
    priority: str
    status: str
    note: str


def _read_text(file: Path, problems: Problems) -> str:
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise BadInput(f"cannot read {file}: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(line, "-", f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8")
        problems.raise_if_any()
        raise AssertionError("unreachable") from None


def _records(file: Path, text: str, expected: tuple[str, ...], problems: Problems) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problems.add(1, "-", "the file is empty; expected a header row: " + ",".join(expected))
        problems.raise_if_any()
    except csv.Error as error:
        problems.add(1, "-", f"not a CSV header row ({error})")
        problems.raise_if_any()
    names = [h.strip().lower() for h in header]
    for column in expected:
        if column not in names:
            problems.add(1, column, "missing column")
    for column in names:
        if column not in expected:
            if column and column.isprintable() and ":" not in column:
                problems.add(1, column, "unknown column")
            else:  # NULs, control characters or ':' would break the one-line FILE:ROW:FIELD message
                problems.add(1, "-", f"unknown column {column!r}")
    problems.raise_if_any()
    records: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        for values in reader:
            line = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(names):
                problems.add(line, "-", f"{len(values)} fields where the header has {len(names)}")
                continue
            record = dict(zip(names, (v.strip() for v in values), strict=True))
            for column, value in record.items():
                if len(value) > MAX_FIELD:
                    problems.add(line, column, f"{len(value)} characters; at most {MAX_FIELD} are accepted")
            records.append((line, record))
    except csv.Error as error:
        problems.add(reader.line_num or line + 1, "-", f"broken CSV ({error})")
    problems.raise_if_any()
    return records


def _parse_rows(file: Path, problems: Problems) -> list[_Row]:
    rows: list[_Row] = []
    for line, r in _records(file, _read_text(file, problems), COLUMNS, problems):
        before = len(problems.lines)
        if not r["ticket"]:
            problems.add(line, "ticket", "missing ticket reference")
        kind_text = r["kind"].lower()
        kind: EventKind | None = None
        if kind_text not in {k.value for k in EventKind}:
            problems.add(line, "kind", f"unknown kind {r['kind']!r}")
        elif EventKind(kind_text) not in IMPORTABLE:
            problems.add(line, "kind", f"{kind_text} events are recorded in csconsole, not imported")
        else:
            kind = EventKind(kind_text)
        at = ""
        if not r["at"]:
            problems.add(line, "at", "missing time")
        else:
            try:
                at = clock.parse_iso(r["at"])
            except BadInput as error:
                problems.add(line, "at", str(error))
        if kind is not None:
            _check_kind_fields(line, kind, r, problems)
        if len(problems.lines) == before and kind is not None:
            rows.append(_Row(line, r["ticket"], at, kind, r["actor"], r["queue"], r["owner"], r["customer"],
                             r["subject"], r["channel"].lower(), r["priority"].lower(), r["status"].lower(),
                             r["note"]))
    return rows


def _check_kind_fields(line: int, kind: EventKind, r: dict[str, str], problems: Problems) -> None:
    def need(column: str, why: str) -> None:
        if not r[column]:
            problems.add(line, column, f"missing {column}: {why}")

    if kind == EventKind.CREATED:
        for column in ("customer", "subject", "channel", "priority", "queue"):
            need(column, "a created row opens the ticket")
        if r["channel"] and r["channel"].lower() not in {c.value for c in Channel}:
            problems.add(line, "channel", f"unknown channel {r['channel']!r}")
        if r["owner"]:
            problems.add(line, "owner", "a created row names no owner; add a take row")
    elif kind == EventKind.CONTACT:
        pass  # the actor is the customer; nothing else is needed
    else:
        need("actor", f"who did the {kind.value}")
    if kind in (EventKind.CREATED, EventKind.ESCALATE) and r["priority"] and \
            r["priority"].lower() not in {p.value for p in Priority}:
        problems.add(line, "priority", f"unknown priority {r['priority']!r}")
    if kind == EventKind.TRANSFER and not (r["queue"] or r["owner"]):
        problems.add(line, "queue", "a transfer names the new queue and/or owner")
    if kind == EventKind.REASSIGN:
        need("owner", "a reassign names the new owner")
    if kind == EventKind.STATUS:
        need("status", "a status row names the new status")
        if r["status"] and r["status"].lower() not in {s.value for s in Status}:
            problems.add(line, "status", f"unknown status {r['status']!r}")


def _check_order(rows: list[_Row], existing: dict[str, tuple[int, str]], problems: Problems) -> None:
    """Each ticket starts with ``created`` (unless it is already in the store) and runs forward in time."""
    last_at: dict[str, str] = {ref: at for ref, (_, at) in existing.items()}
    for row in rows:
        if row.kind == EventKind.CREATED:
            if row.ticket in last_at:
                where = "in the store" if row.ticket in existing else "earlier in the file"
                problems.add(row.line, "ticket", f"ticket {row.ticket} was already created {where}")
                continue
            last_at[row.ticket] = row.at
            continue
        previous = last_at.get(row.ticket)
        if previous is None:
            problems.add(row.line, "kind", f"{row.kind.value} before ticket {row.ticket} was created")
        elif row.at < previous:
            problems.add(row.line, "at", f"{row.at} is earlier than the ticket's previous event ({previous}); "
                                         "rows of a ticket must be in time order")
        else:
            last_at[row.ticket] = row.at


def _read_agents(file: Path) -> list[tuple[int, str, Role, str]]:
    problems = Problems(file)
    agents = []
    for line, r in _records(file, _read_text(file, problems), AGENT_COLUMNS, problems):
        if not r["name"]:
            problems.add(line, "name", "missing agent name")
        try:
            role = Role(r["role"].lower())
        except ValueError:
            problems.add(line, "role", f"unknown role {r['role']!r} (agent, supervisor or manager)")
            continue
        agents.append((line, r["name"], role, r["queue"]))
    problems.raise_if_any()
    return agents


def import_csv(
    store: Store, file: Path, *, agents_file: Path | None = None, progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportResult:
    problems = Problems(file)
    agents = _read_agents(agents_file) if agents_file else []
    rows = _parse_rows(file, problems)
    problems.raise_if_any()
    refs = sorted({r.ticket for r in rows})
    existing = existing_tickets(store, refs)
    _check_order(rows, existing, problems)
    problems.raise_if_any()

    with import_session(store, "csv") as session:
        for _, name, role, queue in agents:
            session.set_role(session.agent(name, role, queue), role, queue)
        states: dict[str, TicketState] = {}
        ids: dict[str, int] = {ref: tid for ref, (tid, _) in existing.items()}
        next_id = session.new_ticket_id()
        for done, row in enumerate(rows, 1):
            if row.kind == EventKind.CREATED:
                ticket_id = ids[row.ticket] = next_id
                next_id += 1
                actor = None if not row.actor or row.actor == row.customer else session.agent(row.actor)
                created = Event(ticket_id, EventKind.CREATED, row.at, actor, {
                    "customer": session.customer(row.customer, row.at), "subject": row.subject,
                    "channel": row.channel, "priority": row.priority, "queue": session.queue(row.queue)})
                states[row.ticket] = session.open_ticket(ticket_id, row.ticket, created)
            else:
                state = states.get(row.ticket)
                if state is None:
                    state = states[row.ticket] = session.state(ids[row.ticket])
                session.record(state, _event(row, state, session))
            if done % 1000 == 0 or done == len(rows):
                if cancel is not None and cancel.is_set():
                    raise ImportCancelled()  # leaves the import session: everything rolls back
                if progress:
                    progress(done, len(rows))
        findings: list[Finding] = []
        for ref in dict.fromkeys(r.ticket for r in rows):
            findings += rule_breaches(ids[ref], session.events(ids[ref]), session.roles, session.targets)
    return ImportResult(len(states), len(ids) - len(existing), len(rows), findings)


def _event(row: _Row, state: TicketState, names: ImportSession) -> Event:
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
    return Event(state.ticket_id, kind, row.at, actor, data)
