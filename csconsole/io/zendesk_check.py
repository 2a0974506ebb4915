"""Checking a read Zendesk export: every field the import needs, of the right type, pointing at what
exists; the result (``Export``) holds everything the import writes and nothing left to refuse."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.words import Role, Status
from csconsole.io.import_outcome import ImportRejected
from csconsole.io.import_text import name_warning
from csconsole.io.zendesk_read import ExportFiles, ExportReader, Item
from csconsole.io.zendesk_sla import SlaChecker, SlaPlan

SYSTEM_AUTHOR = -1
NO_SUBJECT = "(no subject)"
STATUSES = {"new": Status.NEW, "open": Status.OPEN, "pending": Status.PENDING, "hold": Status.PENDING,
            "solved": Status.RESOLVED, "closed": Status.CLOSED}
PRIORITIES = ("urgent", "high", "normal", "low")
CHANNELS = {"email": "email", "web": "email", "voice": "phone", "chat": "chat", "native_messaging": "chat",
            "messaging": "chat", "twitter": "social", "facebook": "social"}
ROLES = {"end-user": None, "agent": Role.AGENT, "admin": Role.SUPERVISOR}
COMMENT_TYPES = ("Comment", "VoiceComment")
MAX_ID = 2**63 - 1  # the store's INTEGER
_ID_TEXT = re.compile(r"-?[0-9]{1,19}")  # ASCII digits only: "²" is a digit to str.isdigit, not to int()


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role | None  # None: an end-user
    default_group_id: int | None
    created_at: str | None


@dataclass(frozen=True)
class Comment:
    public: bool
    author_id: int
    body: str


@dataclass(frozen=True)
class Audit:
    id: int
    ticket_id: int
    at: str
    author_id: int
    order: str  # the audit's time to the microsecond (clock.parse_iso_ordered): audits sort by it
    created: dict[str, Any]  # field → value of Create events
    changes: dict[str, Any]  # field → new value of Change events
    previous: dict[str, Any]  # field → previous value of Change events
    comments: list[Comment]


@dataclass(frozen=True)
class Ticket:
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
class Metrics:
    assignee_stations: int | None
    group_stations: int | None
    reopens: int | None
    replies: int | None


@dataclass
class Export:
    """A checked Zendesk export: everything the import writes, nothing left to refuse."""

    tickets: list[Ticket] = field(default_factory=list)
    audits: dict[int, list[Audit]] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    organizations: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    metrics: dict[int, Metrics] = field(default_factory=dict)
    sla: list[SlaPlan] = field(default_factory=list)  # schedules and SLA policies, by Zendesk's position
    warnings: list[str] = field(default_factory=list)  # FILE:ROW:FIELD lines of odd but kept data
    batch: str = ""  # sha256 of every byte read, shortened: the import's identity


class Checker:
    def __init__(self, reader: ExportReader) -> None:
        self.reader = reader
        self.export = Export()
        self._item: Item | None = None
        self.latest = clock.add_minutes(clock.now_text(), 24 * 60)  # clocks drift, history is not ahead
        self.warnings: list[str] = []
        self._order: dict[int, str] = {}  # id(record) → its created_at to the microsecond

    def bad(self, column: str, message: str) -> None:
        assert self._item is not None
        self.reader.problem(self._item.file, self._item.row, column, message)

    def id(self, data: dict[str, Any], key: str, *, required: bool = True, column: str | None = None) -> int | None:
        value = data.get(key)
        if isinstance(value, str) and _ID_TEXT.fullmatch(value.strip()):  # audit values come as text
            value = int(value.strip())
        elif value == "":
            value = None
        if value is None:
            if required:
                self.bad(column or key, f"missing {key}")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(column or key, f"expected a number, got {_short(value)}")
            return None
        if not -1 <= value <= MAX_ID:
            self.bad(column or key, f"id {_short(value)} is out of range (Zendesk ids are positive 64-bit numbers)")
            return None
        return value

    def text(self, data: dict[str, Any], key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.bad(key, f"missing {key}")
            return ""
        if not isinstance(value, str):
            self.bad(key, f"expected text, got {_short(value)}")
            return ""
        return value

    def time(self, data: dict[str, Any], key: str, *, required: bool = True) -> str:
        raw = self.text(data, key, required=required)
        if not raw:
            return ""
        try:
            at, order = clock.parse_iso_ordered(raw)
        except BadInput as error:
            self.bad(key, str(error))
            return ""
        if at > self.latest:
            self.bad(key, f"{at} is in the future (more than a day after now); history cannot have happened yet")
            return ""
        if key == "created_at":
            self._order[id(data)] = order
        return at

    def name(self, data: dict[str, Any], key: str = "name") -> str:
        value = self.text(data, key)
        warning = name_warning(value)
        if warning:
            assert self._item is not None
            self.warnings.append(f"{self._item.file}:{self._item.row}:{key}: {warning}")
        return value

    def count(self, data: dict[str, Any], key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.bad(key, f"expected a count (0 or more), got {_short(value)}")
            return None
        return value

    def check(self) -> Export:
        items = self.reader.items
        ex = self.export
        for self._item in items["groups"]:
            gid, name = self.id(self._item.data, "id"), self.name(self._item.data)
            if gid is not None and name:
                ex.groups[gid] = name.strip()
        for self._item in items["organizations"]:
            oid, name = self.id(self._item.data, "id"), self.name(self._item.data)
            if oid is not None and name:
                ex.organizations[oid] = (name.strip(), self.time(self._item.data, "created_at", required=False) or None)
        for self._item in items["users"]:
            self._user(self._item.data)
        sla = SlaChecker(self.reader, ex.groups)
        ex.sla = sla.check()
        self.warnings += sla.warnings
        tickets: dict[int, Ticket] = {}
        for self._item in items["tickets"]:
            ticket = self._ticket(self._item.data)
            if ticket is not None:
                tickets.pop(ticket.id, None)
                tickets[ticket.id] = ticket  # the incremental export's last listing is the newest
        ex.tickets = sorted(tickets.values(), key=lambda t: (t.created_at, t.id))
        self.export.warnings = self.warnings
        seen: set[int] = set()
        for self._item in items["audits"]:
            audit = self._audit(self._item.data, tickets)
            if audit is not None and audit.id not in seen:  # a per-ticket file may repeat the combined one
                seen.add(audit.id)
                ex.audits.setdefault(audit.ticket_id, []).append(audit)
        for audits in ex.audits.values():
            audits.sort(key=lambda a: (a.order, a.id))  # seconds alone lose the order within a second
        for self._item in items["ticket_metrics"]:
            data = self._item.data
            tid = self.id(data, "ticket_id")
            if tid is not None and tid not in tickets:
                self.bad("ticket_id", f"metrics for ticket {tid}, which is not in tickets.json")
            elif tid is not None:
                ex.metrics[tid] = Metrics(self.count(data, "assignee_stations"), self.count(data, "group_stations"),
                                           self.count(data, "reopens"), self.count(data, "replies"))
        return ex

    def _user(self, data: dict[str, Any]) -> None:
        uid, name, role = self.id(data, "id"), self.name(data), self.text(data, "role")
        if role and role not in ROLES:
            self.bad("role", f"unknown role {_short(role)} (end-user, agent or admin)")
            return
        if not name.strip() and "name" in data:
            self.bad("name", "empty name")
            return
        group = self.id(data, "default_group_id", required=False)
        if group is not None and group not in self.export.groups:
            self.bad("default_group_id", f"unknown group {group}")
            group = None
        if uid is not None and name.strip() and role:
            self.export.users[uid] = User(uid, name.strip(), ROLES[role], group,
                                           self.time(data, "created_at", required=False) or None)

    def _known_user(self, uid: int | None, column: str, *, agent: bool = False) -> None:
        if uid is None or (uid == SYSTEM_AUTHOR and not agent):
            return
        user = self.export.users.get(uid)
        if user is None:
            self.bad(column, f"unknown user {uid} (not in users.json)")
        elif agent and user.role is None:
            self.bad(column, f"user {uid} ({user.name}) is an end-user; only agents can be assigned")

    def _known_group(self, gid: int | None, column: str) -> None:
        if gid is not None and gid not in self.export.groups:
            self.bad(column, f"unknown group {gid} (not in groups.json)")

    def _ticket(self, data: dict[str, Any]) -> Ticket | None:
        before = len(self.reader.problems)
        tid = self.id(data, "id")
        status = self.text(data, "status")
        deleted = status == "deleted"
        if status and not deleted and status not in STATUSES:
            self.bad("status", f"unknown status {_short(status)}")
        priority = data.get("priority") or "normal"
        if priority not in PRIORITIES:
            self.bad("priority", f"unknown priority {_short(priority)}")
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
        return Ticket(tid, created, updated or created, requester or 0, organization,
                       str(subject).strip() or NO_SUBJECT, CHANNELS.get(str(channel), "email"), priority,
                       status, group, assignee, deleted)

    def _audit(self, data: dict[str, Any], tickets: dict[int, Ticket]) -> Audit | None:
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
        comments: list[Comment] = []
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
                    self.bad(f"{column}.public", f"expected true or false, got {_short(public)}")
                else:
                    comments.append(Comment(public, who if who is not None else (author or SYSTEM_AUTHOR), body))
            # Other event types (notifications, tags, SLA...) say nothing about holders or contacts.
        if len(self.reader.problems) > before or aid is None or tid is None or author is None:
            return None
        return Audit(aid, tid, at, author, self._order.pop(id(data), clock.order_key(at) if at else ""), created, changes, previous, comments)

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
            self.bad(f"{column}.value", f"unknown status {_short(value)}")
        if name == "priority" and key == "value" and value not in (*PRIORITIES, None, ""):
            self.bad(f"{column}.value", f"unknown priority {_short(value)}")
        return value


def read_export(path: Path) -> Export:
    """Read and check a Zendesk export; raise ImportRejected naming every structural problem."""
    files = ExportFiles(path)
    problems: list[str] = []
    try:
        reader = ExportReader(files, problems)
        reader.read_all()
        if problems:
            raise ImportRejected(problems)
        export = Checker(reader).check()
        export.batch = files.digest.hexdigest()[:24]
    finally:
        files.close()
    if problems:
        raise ImportRejected(problems)
    return export
