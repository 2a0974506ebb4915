"""Import a Zendesk export, as the Zendesk Support API returns it, all or nothing.

Input: a folder or a ``.zip`` holding the API's JSON answers, either one file per resource or one
combined file (both may be mixed; pages of one resource are read in name order):

=====================  ===================================================================
``tickets.json``        ``{"tickets": [...]}``, plain list or incremental export
                        (``{"tickets": [...], "end_time": ..., "end_of_stream": ...}``);
                        pages as ``tickets-2.json``... A ticket listed twice (the incremental
                        export repeats updated tickets) counts once, its last listing wins.
``ticket_audits.json``  ``{"audits": [...]}`` (``/api/v2/ticket_audits``), or one file per
                        ticket under ``audits/`` (``/api/v2/tickets/{id}/audits``)
``users.json``          ``{"users": [...]}``: agent/admin become agents (admin → supervisor),
                        end-users become customers
``groups.json``         ``{"groups": [...]}``: become queues
``organizations.json``  ``{"organizations": [...]}``: an organisation is the customer
``ticket_metrics.json`` ``{"ticket_metrics": [...]}``: kept for the cross-check
``export.json``         any of the keys above in one object
=====================  ===================================================================

Mapping (one audit is one update in Zendesk; its events become ours, all at the audit's time):
ticket creation → ``created`` (and ``take`` when created assigned); an assignee and/or group change →
``take`` (the first assignment) or ``transfer`` (later; one event when both change in one audit),
noted with the audit's private comment; a public agent comment → ``reply``; an end-user comment →
``contact``; any other private agent comment → ``note``; a status change → ``status``
(new/open/pending/hold/solved/closed → new/open/pending/pending/resolved/closed); a priority change →
``escalate``. Automations (author -1) act as the agent ``Zendesk automation`` (a supervisor: business
rules are set up by admins). A ticket already imported gets only the audits newer than the last one
imported. Structural problems reject everything with ``FILE:ROW:FIELD: message`` lines, ROW being the
JSON path (``tickets[3]``); rule breaches in the history are kept and reported as findings.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.findings import Finding, rule_breaches
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import EventKind, Role, Status
from csconsole.io.csv_import import ImportCancelled, ImportRejected, ImportResult, Names, Problems, Progress
from csconsole.store import zendesk_schema
from csconsole.store.ledger import Ledger, load_events, load_state
from csconsole.store.store import Store
from csconsole.store.zendesk_schema import NO_GROUP, ZendeskTicket

RESOURCES: dict[str, str] = {  # JSON key → file name stem
    "tickets": "tickets", "audits": "ticket_audits", "users": "users", "groups": "groups",
    "organizations": "organizations", "ticket_metrics": "ticket_metrics",
}
COMBINED = "export.json"
AUDIT_FOLDER = "audits"
REF_PREFIX = "ZD-"
AUTOMATION = "Zendesk automation"
SYSTEM_AUTHOR = -1
NO_SUBJECT = "(no subject)"

STATUSES = {"new": Status.NEW, "open": Status.OPEN, "pending": Status.PENDING, "hold": Status.PENDING,
            "solved": Status.RESOLVED, "closed": Status.CLOSED}
PRIORITIES = ("urgent", "high", "normal", "low")
CHANNELS = {"email": "email", "web": "email", "voice": "phone", "chat": "chat", "native_messaging": "chat",
            "messaging": "chat", "twitter": "social", "facebook": "social"}
ROLES = {"end-user": None, "agent": Role.AGENT, "admin": Role.SUPERVISOR}
COMMENT_TYPES = ("Comment", "VoiceComment")
_PAGE = re.compile(r"^(?P<stem>[a-z_]+)(?:[-_](?P<page>\d+))?\.json$")


@dataclass
class ZendeskImportResult(ImportResult):
    skipped: int = 0  # deleted tickets, and tickets with no new audits
    metrics: int = 0  # tickets carrying Zendesk's ticket_metrics


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    file: str
    row: str  # JSON path, e.g. tickets[3]
    data: dict[str, Any]


class _Files:
    """A folder or a zip, as relative POSIX names → bytes (a zip's single top folder is looked through)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*.json") if p.is_file())
            self._prefix = ""
        elif path.is_file() and zipfile.is_zipfile(path):
            self._zip = zipfile.ZipFile(path)
            members = [n for n in self._zip.namelist() if n.endswith(".json") and not n.endswith("/")]
            tops = {n.split("/", 1)[0] for n in members}
            self._prefix = next(iter(tops)) + "/" if len(tops) == 1 and all("/" in n for n in members) else ""
            self.names = sorted(n[len(self._prefix):] for n in members)
        elif path.exists():
            raise BadInput(f"{path} is neither a folder nor a .zip of a Zendesk export")
        else:
            raise BadInput(f"{path} does not exist")

    def read(self, name: str) -> bytes:
        if self._zip is not None:
            return self._zip.read(self._prefix + name)
        return (self.path / name).read_bytes()

    def label(self, name: str) -> str:
        return f"{self.path}/{name}"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _page_key(name: str) -> tuple[str, int]:
    match = _PAGE.match(PurePosixPath(name).name)
    return (match["stem"], int(match["page"] or 0)) if match else ("", 0)


class _Reader:
    """Collects every resource's items from the files, with their file and JSON path for messages."""

    def __init__(self, files: _Files, problems: list[str]) -> None:
        self.files = files
        self.problems = problems
        self.items: dict[str, list[_Item]] = {key: [] for key in RESOURCES}

    def problem(self, file: str, row: str, column: str, message: str) -> None:
        reporter = Problems(file)
        reporter.lines = self.problems  # one list for every file: all problems, in order, capped once
        reporter.add(row, column, message)

    def read_all(self) -> None:
        by_stem = {stem: key for key, stem in RESOURCES.items()}
        pages: list[tuple[tuple[str, int], str, tuple[str, ...]]] = []
        for name in self.files.names:
            path = PurePosixPath(name)
            if len(path.parts) == 1 and name == COMBINED:
                pages.append((("", 0), name, tuple(RESOURCES)))
            elif len(path.parts) == 1 and _page_key(name)[0] in by_stem:
                pages.append((_page_key(name), name, (by_stem[_page_key(name)[0]],)))
            elif len(path.parts) == 2 and path.parts[0] == AUDIT_FOLDER:
                pages.append((("ticket_audits", 0), name, ("audits",)))
        if not any("tickets" in keys for _, _, keys in pages):
            self.problem(str(self.files.path), "-", "-",
                         "no tickets.json (or export.json) here; expected a Zendesk export "
                         "(tickets.json, ticket_audits.json, users.json, groups.json, ...)")
            return
        for _, name, keys in sorted(pages):
            self._read_file(name, keys, required=name != COMBINED)

    def _read_file(self, name: str, keys: tuple[str, ...], *, required: bool) -> None:
        label = self.files.label(name)
        try:
            document = json.loads(self.files.read(name).decode("utf-8-sig"))
        except UnicodeDecodeError:
            self.problem(label, "$", "-", "not UTF-8 text")
            return
        except json.JSONDecodeError as error:
            self.problem(label, "$", "-", f"not JSON: {error.msg} at line {error.lineno} column {error.colno}")
            return
        if not isinstance(document, dict):
            self.problem(label, "$", "-", "expected a JSON object like the Zendesk API returns")
            return
        found = False
        for key in keys:
            if key not in document:
                continue
            found = True
            values = document[key]
            if not isinstance(values, list):
                self.problem(label, key, "-", f"expected a list of {key}")
                continue
            for index, value in enumerate(values):
                row = f"{key}[{index}]"
                if isinstance(value, dict):
                    self.items[key].append(_Item(label, row, value))
                else:
                    self.problem(label, row, "-", "expected an object")
        if required and not found:
            self.problem(label, "$", keys[0], f"missing {keys[0]!r} list")


# --- checking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _User:
    id: int
    name: str
    role: Role | None  # None: an end-user
    default_group_id: int | None
    created_at: str | None


@dataclass(frozen=True)
class _Comment:
    public: bool
    author_id: int
    body: str


@dataclass(frozen=True)
class _Audit:
    id: int
    ticket_id: int
    at: str
    author_id: int
    created: dict[str, Any]  # field → value of Create events
    changes: dict[str, Any]  # field → new value of Change events
    previous: dict[str, Any]  # field → previous value of Change events
    comments: list[_Comment]


@dataclass(frozen=True)
class _Ticket:
    id: int
    created_at: str
    updated_at: str
    requester_id: int
    organization_id: int | None
    subject: str
    channel: str
    priority: str
    status: str
    group_id: int | None
    assignee_id: int | None
    deleted: bool


@dataclass(frozen=True)
class _Metrics:
    assignee_stations: int | None
    group_stations: int | None
    reopens: int | None
    replies: int | None


@dataclass
class Export:
    """A checked Zendesk export: everything the import writes, nothing left to refuse."""

    tickets: list[_Ticket] = field(default_factory=list)
    audits: dict[int, list[_Audit]] = field(default_factory=dict)
    users: dict[int, _User] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    organizations: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    metrics: dict[int, _Metrics] = field(default_factory=dict)


class _Checker:
    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.export = Export()
        self._item: _Item | None = None

    def bad(self, column: str, message: str) -> None:
        assert self._item is not None
        self.reader.problem(self._item.file, self._item.row, column, message)

    def id(self, data: dict[str, Any], key: str, *, required: bool = True, column: str | None = None) -> int | None:
        value = data.get(key)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():  # audit values come as text
            value = int(value)
        elif value == "":
            value = None
        if value is None:
            if required:
                self.bad(column or key, f"missing {key}")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(column or key, f"expected a number, got {value!r}")
            return None
        return value

    def text(self, data: dict[str, Any], key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.bad(key, f"missing {key}")
            return ""
        if not isinstance(value, str):
            self.bad(key, f"expected text, got {value!r}")
            return ""
        return value

    def time(self, data: dict[str, Any], key: str, *, required: bool = True) -> str:
        raw = self.text(data, key, required=required)
        if not raw:
            return ""
        try:
            return clock.parse_iso(raw)
        except BadInput as error:
            self.bad(key, str(error))
            return ""

    def count(self, data: dict[str, Any], key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.bad(key, f"expected a count (0 or more), got {value!r}")
            return None
        return value

    def check(self) -> Export:
        items = self.reader.items
        ex = self.export
        for self._item in items["groups"]:
            gid, name = self.id(self._item.data, "id"), self.text(self._item.data, "name")
            if gid is not None and name:
                ex.groups[gid] = name.strip()
        for self._item in items["organizations"]:
            oid, name = self.id(self._item.data, "id"), self.text(self._item.data, "name")
            if oid is not None and name:
                ex.organizations[oid] = (name.strip(), self.time(self._item.data, "created_at", required=False) or None)
        for self._item in items["users"]:
            self._user(self._item.data)
        tickets: dict[int, _Ticket] = {}
        for self._item in items["tickets"]:
            ticket = self._ticket(self._item.data)
            if ticket is not None:
                tickets.pop(ticket.id, None)
                tickets[ticket.id] = ticket  # the incremental export's last listing is the newest
        ex.tickets = sorted(tickets.values(), key=lambda t: (t.created_at, t.id))
        seen: set[int] = set()
        for self._item in items["audits"]:
            audit = self._audit(self._item.data, tickets)
            if audit is not None and audit.id not in seen:  # a per-ticket file may repeat the combined one
                seen.add(audit.id)
                ex.audits.setdefault(audit.ticket_id, []).append(audit)
        for audits in ex.audits.values():
            audits.sort(key=lambda a: (a.at, a.id))
        for self._item in items["ticket_metrics"]:
            data = self._item.data
            tid = self.id(data, "ticket_id")
            if tid is not None and tid not in tickets:
                self.bad("ticket_id", f"metrics for ticket {tid}, which is not in tickets.json")
            elif tid is not None:
                ex.metrics[tid] = _Metrics(self.count(data, "assignee_stations"), self.count(data, "group_stations"),
                                           self.count(data, "reopens"), self.count(data, "replies"))
        return ex

    def _user(self, data: dict[str, Any]) -> None:
        uid, name, role = self.id(data, "id"), self.text(data, "name"), self.text(data, "role")
        if role and role not in ROLES:
            self.bad("role", f"unknown role {role!r} (end-user, agent or admin)")
            return
        if not name.strip() and "name" in data:
            self.bad("name", "empty name")
            return
        group = self.id(data, "default_group_id", required=False)
        if group is not None and group not in self.export.groups:
            self.bad("default_group_id", f"unknown group {group}")
            group = None
        if uid is not None and name.strip() and role:
            self.export.users[uid] = _User(uid, name.strip(), ROLES[role], group,
                                           self.time(data, "created_at", required=False) or None)

    def _known_user(self, uid: int | None, column: str, *, agent: bool = False) -> None:
        if uid is None or uid == SYSTEM_AUTHOR and not agent:
            return
        user = self.export.users.get(uid)
        if user is None:
            self.bad(column, f"unknown user {uid} (not in users.json)")
        elif agent and user.role is None:
            self.bad(column, f"user {uid} ({user.name}) is an end-user; only agents can be assigned")

    def _known_group(self, gid: int | None, column: str) -> None:
        if gid is not None and gid not in self.export.groups:
            self.bad(column, f"unknown group {gid} (not in groups.json)")

    def _ticket(self, data: dict[str, Any]) -> _Ticket | None:
        before = len(self.reader.problems)
        tid = self.id(data, "id")
        status = self.text(data, "status")
        deleted = status == "deleted"
        if status and not deleted and status not in STATUSES:
            self.bad("status", f"unknown status {status!r}")
        priority = data.get("priority") or "normal"
        if priority not in PRIORITIES:
            self.bad("priority", f"unknown priority {priority!r}")
        created, updated = self.time(data, "created_at"), self.time(data, "updated_at", required=False)
        requester = self.id(data, "requester_id", required=not deleted)
        self._known_user(requester, "requester_id")
        organization = self.id(data, "organization_id", required=False)
        if organization is not None and organization not in self.export.organizations:
            self.bad("organization_id", f"unknown organization {organization} (not in organizations.json)")
        group, assignee = self.id(data, "group_id", required=False), self.id(data, "assignee_id", required=False)
        self._known_group(group, "group_id")
        self._known_user(assignee, "assignee_id", agent=True)
        subject = data.get("subject") or data.get("raw_subject") or ""
        via = data.get("via")
        channel = via.get("channel") if isinstance(via, dict) else None
        if len(self.reader.problems) > before or tid is None:
            return None
        return _Ticket(tid, created, updated or created, requester or 0, organization,
                       str(subject).strip() or NO_SUBJECT, CHANNELS.get(str(channel), "email"), priority,
                       status, group, assignee, deleted)

    def _audit(self, data: dict[str, Any], tickets: dict[int, _Ticket]) -> _Audit | None:
        before = len(self.reader.problems)
        aid, tid, at = self.id(data, "id"), self.id(data, "ticket_id"), self.time(data, "created_at")
        author = self.id(data, "author_id")
        self._known_user(author, "author_id")
        ticket = tickets.get(tid) if tid is not None else None
        if tid is not None and ticket is None:
            self.bad("ticket_id", f"audit of ticket {tid}, which is not in tickets.json")
        elif ticket is not None and at and at < ticket.created_at:
            self.bad("created_at", f"{at} is before its ticket was created ({ticket.created_at})")
        events = data.get("events")
        if not isinstance(events, list):
            self.bad("events", "expected a list of events")
            events = []
        created: dict[str, Any] = {}
        changes: dict[str, Any] = {}
        previous: dict[str, Any] = {}
        comments: list[_Comment] = []
        for j, event in enumerate(events):
            column = f"events[{j}]"
            if not isinstance(event, dict):
                self.bad(column, "expected an object")
                continue
            kind = event.get("type")
            if kind in ("Create", "Change"):
                name = event.get("field_name")
                value = self._field_value(event, "value", str(name), column)
                if kind == "Create":
                    created[str(name)] = value
                else:
                    changes[str(name)] = value
                    previous.setdefault(str(name), self._field_value(event, "previous_value", str(name), column))
            elif kind in COMMENT_TYPES:
                who = self.id(event, "author_id", required=False, column=f"{column}.author_id")
                self._known_user(who, f"{column}.author_id")
                body = event.get("body") if kind == "Comment" else event.get("body") or "(call)"
                public = event.get("public", True)
                if not isinstance(body, str):
                    self.bad(f"{column}.body", "expected the comment's text")
                elif not isinstance(public, bool):
                    self.bad(f"{column}.public", f"expected true or false, got {public!r}")
                else:
                    comments.append(_Comment(public, who if who is not None else (author or SYSTEM_AUTHOR), body))
            # Other event types (notifications, tags, SLA...) say nothing about holders or contacts.
        if len(self.reader.problems) > before or aid is None or tid is None or author is None:
            return None
        return _Audit(aid, tid, at, author, created, changes, previous, comments)

    def _field_value(self, event: dict[str, Any], key: str, name: str, column: str) -> Any:
        if name in ("assignee_id", "group_id"):
            value = self.id(event, key, required=False, column=f"{column}.{key}")
            if name == "group_id":
                self._known_group(value, f"{column}.{key}")
            else:
                self._known_user(value, f"{column}.{key}", agent=True)
            return value
        value = event.get(key)
        if name == "status" and key == "value" and value not in STATUSES:
            self.bad(f"{column}.value", f"unknown status {value!r}")
        if name == "priority" and key == "value" and value not in (*PRIORITIES, None, ""):
            self.bad(f"{column}.value", f"unknown priority {value!r}")
        return value


def read_export(path: Path) -> Export:
    """Read and check a Zendesk export; raise ImportRejected naming every structural problem."""
    files = _Files(path)
    problems: list[str] = []
    try:
        reader = _Reader(files, problems)
        reader.read_all()
        if problems:
            raise ImportRejected(problems)
        export = _Checker(reader).check()
    finally:
        files.close()
    if problems:
        raise ImportRejected(problems)
    return export


# --- writing --------------------------------------------------------------------------------------


class _Writer:
    """Turns one ticket's audits into our events through the Ledger, in the import's transaction."""

    def __init__(self, ledger: Ledger, names: Names, export: Export) -> None:
        self.ledger = ledger
        self.names = names
        self.export = export
        self.agents: dict[int, int] = {}  # Zendesk user id → agent id
        self.events = 0
        for user in export.users.values():
            if user.role is not None:
                queue = export.groups.get(user.default_group_id or 0, "")
                self.agents[user.id] = names.agent(user.name, user.role, queue)

    def automation(self) -> int:
        return self.names.agent(AUTOMATION, Role.SUPERVISOR)

    def queue(self, group_id: int | None) -> int:
        return self.names.queue(self.export.groups[group_id] if group_id is not None else NO_GROUP)

    def owner(self, user_id: int | None) -> int | None:
        return None if user_id is None else self.agents[user_id]

    def actor(self, author_id: int) -> int | None:
        """An agent, the automation, or None for an end-user (the customer)."""
        if author_id in self.agents:
            return self.agents[author_id]
        return None if author_id in self.export.users else self.automation()

    def customer(self, ticket: _Ticket) -> int:
        if ticket.organization_id is not None:
            name, since = self.export.organizations[ticket.organization_id]
        else:
            requester = self.export.users[ticket.requester_id]
            name, since = requester.name, requester.created_at
        return self.names.customer(name, min(since or ticket.created_at, ticket.created_at))

    def record(self, state: TicketState, kind: EventKind, at: str, actor: int | None, data: dict[str, Any]) -> None:
        self.ledger.record(state, Event(state.ticket_id, kind.value, at, actor, data))
        self.events += 1

    def open(self, ticket_id: int, ticket: _Ticket, audits: list[_Audit]) -> tuple[TicketState, list[_Audit]]:
        """``created`` (and ``take``, ``status`` as created); returns the audits still to replay."""
        first = audits[0] if audits and audits[0].created else None
        rest = audits[1:] if first else audits

        def initial(name: str, current: Any) -> Any:
            if first is not None:  # what the Create events set; a field they leave out was empty
                return first.created.get(name)
            for audit in rest:  # no Create audit: the first change tells what it was before
                if name in audit.previous:
                    return audit.previous[name]
            return current

        priority = initial("priority", ticket.priority) or "normal"
        created = Event(ticket_id, EventKind.CREATED.value, ticket.created_at, None, {
            "customer": self.customer(ticket), "subject": ticket.subject, "channel": ticket.channel,
            "priority": priority, "queue": self.queue(initial("group_id", ticket.group_id))})
        state = self.ledger.open_ticket(ticket_id, f"{REF_PREFIX}{ticket.id}", created)
        self.events += 1
        assignee = initial("assignee_id", ticket.assignee_id)
        if assignee is not None:
            actor = self.agents.get(first.author_id) if first else None
            self.record(state, EventKind.TAKE, ticket.created_at, actor or self.owner(assignee),
                        {"queue": state.queue_id, "owner": self.owner(assignee)})
        status = STATUSES[initial("status", ticket.status) or "new"]
        if status != state.status:
            at = ticket.created_at if audits else ticket.updated_at
            author = first.author_id if first else SYSTEM_AUTHOR
            self.record(state, EventKind.STATUS, at, self.actor(author), {"status": status.value, "note": ""})
        return state, rest

    def replay(self, state: TicketState, audit: _Audit, *, description: bool = False) -> None:
        at, author = audit.at, audit.author_id
        private = [c for c in audit.comments if not c.public and c.author_id in self.agents]
        note = "\n\n".join(c.body for c in private)
        moved = False
        if "assignee_id" in audit.changes or "group_id" in audit.changes:
            queue = self.queue(audit.changes["group_id"]) if "group_id" in audit.changes else state.queue_id
            owner = self.owner(audit.changes["assignee_id"]) if "assignee_id" in audit.changes else state.owner_id
            if (queue, owner) != state.holder:
                if not state.taken and owner is not None:
                    self.record(state, EventKind.TAKE, at, self.agents.get(author) or owner,
                                {"queue": queue, "owner": owner})
                else:
                    actor = self.agents.get(author) or state.owner_id or owner or self.automation()
                    self.record(state, EventKind.TRANSFER, at, actor, {"queue": queue, "owner": owner, "note": note})
                    moved = True
        for index, comment in enumerate(audit.comments):
            if description and index == 0:
                continue  # the ticket's description: the first contact, counted by ``created``
            if comment.author_id in self.agents:
                agent = self.agents[comment.author_id]
                if comment.public:
                    self.record(state, EventKind.REPLY, at, agent, {"note": comment.body})
                elif not moved:
                    self.record(state, EventKind.NOTE, at, agent, {"note": comment.body})
            elif comment.author_id in self.export.users:
                self.record(state, EventKind.CONTACT, at, None, {"note": comment.body})
        priority = audit.changes.get("priority")
        if priority and priority != state.priority:
            self.record(state, EventKind.ESCALATE, at, self.actor(author) or self.automation(),
                        {"priority": priority, "note": ""})
        if "status" in audit.changes:
            status = STATUSES[audit.changes["status"]]
            if status != state.status:
                self.record(state, EventKind.STATUS, at, self.actor(author), {"status": status.value, "note": ""})


def import_zendesk(
    store: Store, path: Path, *, progress: Progress | None = None, cancel: threading.Event | None = None
) -> ZendeskImportResult:
    """Import the export at ``path`` in one transaction; ``cancel`` (checked between tickets) rolls back."""
    export = read_export(path)
    now = clock.now_text()
    with store.write() as conn:
        ledger = Ledger(conn)
        names = Names(ledger)
        writer = _Writer(ledger, names, export)
        known = zendesk_schema.by_zendesk_id(conn, [t.id for t in export.tickets])
        _check_refs(conn, export, known, path)
        next_id = ledger.new_ticket_id()
        touched: list[int] = []
        new_tickets = skipped = 0
        total = len(export.tickets)
        for done, ticket in enumerate(export.tickets, 1):
            if cancel is not None and cancel.is_set():
                raise ImportCancelled()
            audits = export.audits.get(ticket.id, [])
            before = known.get(ticket.id)
            if ticket.deleted or (before is not None and not [a for a in audits if a.id > before.last_audit_id]):
                skipped += 1
            elif before is None:
                ticket_id, next_id = next_id, next_id + 1
                state, rest = writer.open(ticket_id, ticket, audits)
                if len(rest) < len(audits):
                    writer.replay(state, audits[0], description=True)
                for audit in rest:
                    writer.replay(state, audit)
                touched.append(ticket_id)
                new_tickets += 1
                before = ZendeskTicket(ticket_id, ticket.id, 0, None, None, None, None)
            else:
                state = load_state(conn, before.ticket_id)
                assert state is not None
                for audit in audits:
                    if audit.id > before.last_audit_id:
                        writer.replay(state, audit)
                touched.append(before.ticket_id)
            if before is not None and not ticket.deleted:
                metrics = export.metrics.get(ticket.id, _Metrics(None, None, None, None))
                zendesk_schema.save(conn, ZendeskTicket(
                    before.ticket_id, ticket.id, max((a.id for a in audits), default=before.last_audit_id),
                    metrics.assignee_stations, metrics.group_stations, metrics.reopens, metrics.replies), now)
            if progress is not None:
                progress(done, total)
        if cancel is not None and cancel.is_set():
            raise ImportCancelled()
        findings: list[Finding] = []
        for ticket_id in touched:
            findings += rule_breaches(ticket_id, load_events(conn, ticket_id), names.roles, ledger.targets)
    return ZendeskImportResult(len(touched), new_tickets, writer.events, findings, skipped,
                               sum(1 for t in export.tickets if t.id in export.metrics and not t.deleted))


def _check_refs(conn: sqlite3.Connection, export: Export, known: dict[int, ZendeskTicket], path: Path) -> None:
    """A ``ZD-`` reference already used by a ticket that did not come from this Zendesk is refused."""
    fresh = [f"{REF_PREFIX}{t.id}" for t in export.tickets if t.id not in known]
    clash: list[str] = []
    for start in range(0, len(fresh), 500):
        chunk = fresh[start:start + 500]
        marks = ",".join("?" * len(chunk))
        clash += [r for (r,) in conn.execute(f"SELECT ref FROM tickets WHERE ref IN ({marks})", chunk)]
    if clash:
        raise ImportRejected([f"{path}:tickets:id: ticket {ref} is already in the store, but not from a "
                              "Zendesk import" for ref in clash[:20]])

