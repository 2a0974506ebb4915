"""Import the CSV event log of DESIGN §6: checked whole first, then appended without stopping the floor.

1. **Check and stage** (no write lock held): the file is read as it comes, in bounded memory; every row is
   checked (fields, kinds, times, order per ticket, against the store's tickets) and copied into a
   staging file beside the store. Any structural problem rejects the file with ``FILE:ROW:FIELD: message``
   lines, and nothing is written.
2. **Append** in short transactions (``ImportSession.chunk``), each holding the lock for ~0.2 s, so a
   live reassign waits for one chunk at most. Every event carries ``data["import"]``, the batch id (the
   file's sha256, shortened). A run cut short (crash, power cut, Ctrl+C) leaves the chunks it committed
   and the staging file; importing the same file again appends the rest and nothing twice.

Rule breaches in the history are kept as they happened and reported as findings; names with bidi
controls are kept and reported as warnings.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.rules import Agent, check_can_give_roles
from csconsole.domain.words import Channel, EventKind, Priority, Role, Status
from csconsole.io.csv_append import Row, append
from csconsole.io.csv_read import MAX_FIELD, Lines, records
from csconsole.io.import_file import open_regular
from csconsole.io.import_outcome import (
    ImportCancelled,
    ImportPaused,
    ImportRejected,
    ImportResult,
    Problems,
    Progress,
)
from csconsole.io.import_text import name_warning
from csconsole.store import directory
from csconsole.store import import_session as batches
from csconsole.store.import_session import Staging
from csconsole.store.store import Store

__all__ = ["COLUMNS", "MAX_FIELD", "ImportCancelled", "ImportPaused", "ImportRejected", "ImportResult",
           "import_csv"]

COLUMNS = ("ticket", "at", "kind", "actor", "queue", "owner", "customer", "subject", "channel", "priority",
           "status", "note")
AGENT_COLUMNS = ("name", "role", "queue")
KINDS = {k.value: k for k in EventKind}
CHANNELS = frozenset(c.value for c in Channel)
PRIORITIES = frozenset(p.value for p in Priority)
STATUSES = frozenset(s.value for s in Status)
IMPORTABLE = frozenset((EventKind.CREATED, EventKind.TAKE, EventKind.TRANSFER, EventKind.REASSIGN,
                        EventKind.CONTACT, EventKind.REPLY, EventKind.STATUS, EventKind.ESCALATE, EventKind.NOTE))
NAMES = ("actor", "queue", "owner", "customer")
FUTURE_TOLERANCE_MINUTES = 24 * 60  # clocks drift; history a day ahead of ours cannot be history
STAGE_BATCH = 5000
_HASH_CHUNK = 1 << 20


def batch_id(file: Path, agents_file: Path | None) -> str:
    """The import's identity: the same file (and roles file) is the same batch, resumed, never doubled."""
    digest = hashlib.sha256()
    for part in (file, agents_file):
        if part is not None:
            with open_regular(part, what="CSV file") as stream:
                while chunk := stream.read(_HASH_CHUNK):
                    digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def import_csv(
    store: Store, file: Path, *, agents_file: Path | None = None, progress: Progress | None = None,
    cancel: threading.Event | None = None, by: Agent | None = None,
) -> ImportResult:
    """``by``: the supervisor or manager on whose authority a roles file (``agents_file``) gives people
    their roles; a store that has no supervisor or manager yet (its first import) needs none."""
    agents = _read_agents(agents_file) if agents_file else []
    if agents:
        check_can_give_roles(by, has_supervisors=any(a.role.may_supervise for a in directory.agents(store)))
    batch = batch_id(file, agents_file)
    where = batches.staging_path(store, batch)
    staging = Staging.find(where)
    warnings: list[str] = []
    if staging is None or staging.get("state") != "sealed":
        if staging is not None:
            staging.close()
        staging = _stage(store, file, where, agents, warnings, progress, cancel)
    try:
        result = append(store, file, staging, batch, progress, cancel, by.id if by else None)
    except BaseException:
        staging.close()  # kept: the same import resumes from it
        raise
    staging.discard()
    result.warnings = warnings
    return result


# --- 1. check and stage ---------------------------------------------------------------------------------

def _stage(store: Store, file: Path, where: Path, agents: list[tuple[int, str, Role, str]], warnings: list[str],
           progress: Progress | None, cancel: threading.Event | None) -> Staging:
    problems = Problems(file)
    odd = Problems(file)
    staging = Staging.create(where, len(Row.__dataclass_fields__))
    try:
        with open_regular(file, what="CSV event log") as stream:
            size = max(1, _size(stream))
            lines = Lines(stream, problems)
            rows, created = _check_rows(store, file, lines, staging, problems, odd, progress, cancel, size)
        problems.raise_if_any()
        if rows == 0:
            raise ImportRejected([f"{file}:2:-: no events after the header row"])
        staging.set("source", str(file))
        staging.set("agents", json.dumps([(n, r.value, q) for _, n, r, q in agents]))
        staging.set("created", str(created))
        staging.set("state", "sealed")
        staging.seal()
    except BaseException:
        staging.discard()
        raise
    warnings += odd.lines
    return staging


def _size(stream: object) -> int:
    import os

    return os.fstat(stream.fileno()).st_size  # type: ignore[attr-defined]


def _check_rows(store: Store, file: Path, lines: Lines, staging: Staging, problems: Problems, odd: Problems,
                progress: Progress | None, cancel: threading.Event | None, size: int) -> tuple[int, int]:
    """Check every row as it is read and stage the good ones; returns (rows, tickets created)."""
    latest = clock.add_minutes(clock.now_text(), FUTURE_TOLERANCE_MINUTES)
    last: dict[str, str] = {}  # ticket → order key of its latest row
    news = _NewTickets(store, problems)
    buffer: list[tuple[object, ...]] = []
    rows = created = 0
    for line, r in records(lines, COLUMNS, problems):
        parsed = _parse_row(line, r, problems, odd, latest)
        if parsed is None or not _check_order(store, *parsed, last, news, problems):
            if problems.full:
                break
            continue
        row = parsed[0]
        created += row.kind == EventKind.CREATED
        buffer.append((row.line, row.ticket, row.at, row.kind, row.actor, row.queue, row.owner, row.customer,
                       row.subject, row.channel, row.priority, row.status, row.note))
        done = rows + len(buffer)
        if done % 1000:
            continue
        if cancel is not None and cancel.is_set():
            raise ImportCancelled()
        if progress is not None:
            progress(done, max(done, int(done * size / max(lines.bytes_read, 1))))
        if len(buffer) >= STAGE_BATCH and not problems.lines:
            staging.add(buffer, rows + 1)
            rows += len(buffer)
            buffer.clear()
    if not problems.full:
        news.check()
    if problems.lines:
        return 0, 0
    if cancel is not None and cancel.is_set():
        raise ImportCancelled()
    staging.add(buffer, rows + 1)
    return rows + len(buffer), created


def _parse_row(line: int, r: dict[str, str], problems: Problems, odd: Problems,
               latest: str) -> tuple[Row, str] | None:
    """The row, and its time's order key (to the microsecond), or None after naming its problems."""
    before = len(problems.lines)
    if not r["ticket"]:
        problems.add(line, "ticket", "missing ticket reference")
    kind_text = r["kind"].lower()
    kind = KINDS.get(kind_text)
    if kind is None:
        problems.add(line, "kind", f"unknown kind {r['kind']!r}")
    elif kind not in IMPORTABLE:
        problems.add(line, "kind", f"{kind_text} events are recorded in csconsole, not imported")
        kind = None
    at = key = ""
    if not r["at"]:
        problems.add(line, "at", "missing time")
    else:
        try:
            at, key = clock.parse_iso_ordered(r["at"])
        except BadInput as error:
            problems.add(line, "at", str(error))
        else:
            if at > latest:
                problems.add(line, "at", f"{at} is in the future (more than a day after now); "
                                         "history cannot have happened yet")
    for column in NAMES:
        warning = name_warning(r[column])
        if warning:
            odd.add(line, column, warning)
    if kind is not None:
        _check_kind_fields(line, kind, r, problems)
    if len(problems.lines) > before or kind is None:
        return None
    return Row(line, r["ticket"], at, kind.value, r["actor"], r["queue"], r["owner"], r["customer"],
                r["subject"], r["channel"].lower(), r["priority"].lower(), r["status"].lower(), r["note"]), key


def _check_kind_fields(line: int, kind: EventKind, r: dict[str, str], problems: Problems) -> None:
    def need(column: str, why: str) -> None:
        if not r[column]:
            problems.add(line, column, f"missing {column}: {why}")

    if kind == EventKind.CREATED:
        for column in ("customer", "subject", "channel", "priority", "queue"):
            need(column, "a created row opens the ticket")
        if r["channel"] and r["channel"].lower() not in CHANNELS:
            problems.add(line, "channel", f"unknown channel {r['channel']!r}")
        if r["owner"]:
            problems.add(line, "owner", "a created row names no owner; add a take row")
    elif kind == EventKind.CONTACT:
        pass  # the actor is the customer; nothing else is needed
    else:
        need("actor", f"who did the {kind.value}")
    if kind in (EventKind.CREATED, EventKind.ESCALATE) and r["priority"] and \
            r["priority"].lower() not in PRIORITIES:
        problems.add(line, "priority", f"unknown priority {r['priority']!r}")
    if kind == EventKind.TRANSFER and not (r["queue"] or r["owner"]):
        problems.add(line, "queue", "a transfer names the new queue and/or owner")
    if kind == EventKind.REASSIGN:
        need("owner", "a reassign names the new owner")
    if kind == EventKind.STATUS:
        need("status", "a status row names the new status")
        if r["status"] and r["status"].lower() not in STATUSES:
            problems.add(line, "status", f"unknown status {r['status']!r}")


class _NewTickets:
    """Tickets a file creates, checked against the store's references a few hundred at a time."""

    BATCH = 500

    def __init__(self, store: Store, problems: Problems) -> None:
        self.store, self.problems = store, problems
        self.pending: dict[str, int] = {}  # ref → line of its created row

    def add(self, ref: str, line: int) -> None:
        self.pending[ref] = line
        if len(self.pending) >= self.BATCH:
            self.check()

    def check(self) -> None:
        for ref in batches.existing_tickets(self.store, list(self.pending)):
            self.problems.add(self.pending[ref], "ticket", f"ticket {ref} was already created in the store")
        self.pending.clear()


def _check_order(store: Store, row: Row, key: str, last: dict[str, str], news: _NewTickets,
                 problems: Problems) -> bool:
    """Each ticket starts with ``created`` (unless it is already in the store) and runs forward in time,
    to the microsecond: two rows within one second keep their order, a step back within it is refused."""
    previous = last.get(row.ticket)
    if previous is None and row.kind == EventKind.CREATED:
        last[row.ticket] = key
        news.add(row.ticket, row.line)  # asked of the store with hundreds of others: a new ticket, mostly
        return True
    if previous is None:
        known = batches.existing_tickets(store, [row.ticket]).get(row.ticket)
        if known is not None:
            previous = last[row.ticket] = clock.order_key(known[1])
            if row.kind == EventKind.CREATED:
                problems.add(row.line, "ticket", f"ticket {row.ticket} was already created in the store")
                return False
    if row.kind == EventKind.CREATED:
        if previous is not None:
            problems.add(row.line, "ticket", f"ticket {row.ticket} was already created earlier in the file")
            return False
        last[row.ticket] = key
        return True
    if previous is None:
        problems.add(row.line, "kind", f"{row.kind} before ticket {row.ticket} was created")
        return False
    if key < previous:
        problems.add(row.line, "at", f"{_shown(key)} is earlier than the ticket's previous event "
                                     f"({_shown(previous)}); "
                                     "rows of a ticket must be in time order")
        return False
    last[row.ticket] = key
    return True


def _shown(key: str) -> str:
    return key.replace(".000000Z", "Z")


def _read_agents(file: Path) -> list[tuple[int, str, Role, str]]:
    problems = Problems(file)
    agents = []
    with open_regular(file, what="CSV file") as stream:
        for line, r in records(Lines(stream, problems), AGENT_COLUMNS, problems):
            if not r["name"]:
                problems.add(line, "name", "missing agent name")
            try:
                role = Role(r["role"].lower())
            except ValueError:
                problems.add(line, "role", f"unknown role {r['role']!r} (agent, supervisor or manager)")
                continue
            agents.append((line, r["name"], role, r["queue"]))
            if problems.full:
                break
    problems.raise_if_any()
    return agents


