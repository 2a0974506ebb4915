"""Import a Zendesk export, as the Zendesk Support API returns it: checked whole (a structural problem
anywhere writes nothing), then written a few tickets per short transaction.

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
``schedules.json``      ``{"schedules": [...]}``: business hours, zone, holidays (also as
                        ``schedules/{id}/holidays.json``); optional
``sla_policies.json``   ``{"sla_policies": [...]}``: become SLA policies (``zendesk_sla``); optional
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
imported. SLA policies (``zendesk_sla``) are set first, in the first chunk, as of the export's first
moment: the imported tickets are clocked under them from their start, and the store's open tickets they
govern are re-timed in the same transaction. Structural problems reject everything with ``FILE:ROW:FIELD: message`` lines, ROW being the
JSON path (``tickets[3]``); rule breaches in the history are kept and reported as findings.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csconsole.domain.findings import Finding, rule_breaches
from csconsole.domain.registry import ZendeskRecord
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import EventKind, Role
from csconsole.io.import_outcome import ImportCancelled, ImportPaused, ImportRejected, ImportResult, Progress
from csconsole.io.zendesk_check import STATUSES, SYSTEM_AUTHOR, Audit, Export, Metrics, Ticket, read_export
from csconsole.store.import_session import CHUNK_SECONDS, IMPORT_KEY, ImportSession, policy_book
from csconsole.store.store import Store
from csconsole.store.zendesk_schema import NO_GROUP

__all__ = ["Export", "ImportCancelled", "ZendeskImportResult", "import_zendesk", "read_export"]

REF_PREFIX = "ZD-"
AUTOMATION = "Zendesk automation"


@dataclass
class ZendeskImportResult(ImportResult):
    skipped: int = 0  # deleted tickets, and tickets with no new audits
    metrics: int = 0  # tickets carrying Zendesk's ticket_metrics
    sla_policies: int = 0  # SLA policies set (one already in force is not set again)
    retimed: int = 0  # open tickets already in the store whose clocks the policies moved


class _Writer:
    """Turns one ticket's audits into our events, through the import session."""

    def __init__(self, session: ImportSession, export: Export) -> None:
        self.session = session
        self.names = session
        self.export = export
        self.agents: dict[int, int] = {}  # Zendesk user id → agent id
        self.events = 0
        for user in export.users.values():
            if user.role is not None:
                queue = export.groups.get(user.default_group_id or 0, "")
                self.agents[user.id] = session.agent(user.name, user.role, queue)

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

    def customer(self, ticket: Ticket) -> int:
        if ticket.organization_id is not None:
            name, since = self.export.organizations[ticket.organization_id]
        else:
            requester = self.export.users[ticket.requester_id]
            name, since = requester.name, requester.created_at
        return self.names.customer(name, min(since or ticket.created_at, ticket.created_at))

    def record(self, state: TicketState, kind: EventKind, at: str, actor: int | None, data: dict[str, Any]) -> None:
        data[IMPORT_KEY] = self.export.batch
        self.session.record(state, Event(state.ticket_id, kind.value, at, actor, data))
        self.events += 1

    def open(self, ticket_id: int, ticket: Ticket, audits: list[Audit]) -> tuple[TicketState, list[Audit]]:
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
            "priority": priority, "queue": self.queue(initial("group_id", ticket.group_id)),
            IMPORT_KEY: self.export.batch})
        state = self.session.open_ticket(ticket_id, f"{REF_PREFIX}{ticket.id}", created)
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

    def replay(self, state: TicketState, audit: Audit, *, description: bool = False) -> None:
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
    """Import the export at ``path``: read and checked whole first, then written a few tickets per short
    transaction, so live work never waits long for the write lock.

    A run cut short (a crash, or ``cancel`` once a chunk has committed: ImportPaused) leaves whole tickets
    written with their Zendesk bookkeeping; importing the same export again writes the rest, since a
    ticket already imported gets only the audits newer than its last one. A cancel before the first
    chunk commits writes nothing (ImportCancelled).
    """
    export = read_export(path)
    session = ImportSession(store, export.batch)
    touched: list[int] = []
    counts = {"new": 0, "skipped": 0}
    total = len(export.tickets)
    done = committed = 0
    first = True
    sla = (0, 0)  # SLA policies set, open tickets re-timed
    while first or done < total:
        with session.chunk():
            if first:  # agents and the reference check ride in the first chunk: a cancel there writes nothing
                # Zendesk's users and groups become records as of the export's first moment.
                session.at = min((t.created_at for t in export.tickets), default=session.at)
                writer = _Writer(session, export)
                known = session.zendesk_tickets([t.id for t in export.tickets])
                _check_refs(session, export, known, path)
                sla = _set_policies(session, writer, export)
                first = False
            next_id = session.new_ticket_id()
            started = time.perf_counter()
            while done < total:
                if cancel is not None and cancel.is_set():
                    if committed:
                        raise ImportPaused(path, committed, total)
                    raise ImportCancelled()
                next_id = _write_ticket(session, writer, export, export.tickets[done], known, touched, counts,
                                        next_id)
                done += 1
                if progress is not None:
                    progress(done, total)
                if time.perf_counter() - started > CHUNK_SECONDS:
                    break
        committed = done
    if cancel is not None and cancel.is_set() and not committed:
        raise ImportCancelled()
    book = policy_book(store)
    findings: list[Finding] = []
    for ticket_id in touched:
        findings += rule_breaches(ticket_id, session.events(ticket_id), session.roles, book)
    return ZendeskImportResult(len(touched), counts["new"], writer.events, findings, warnings=export.warnings,
                               batch=export.batch, skipped=counts["skipped"],
                               metrics=sum(1 for t in export.tickets if t.id in export.metrics and not t.deleted),
                               sla_policies=sla[0], retimed=sla[1])


def _write_ticket(session: ImportSession, writer: _Writer, export: Export, ticket: Ticket,
                  known: dict[int, ZendeskRecord], touched: list[int], counts: dict[str, int], next_id: int) -> int:
    """One ticket's new audits as our events, and its Zendesk bookkeeping; returns the next free id."""
    session.at = ticket.created_at
    audits = export.audits.get(ticket.id, [])
    before = known.get(ticket.id)
    if ticket.deleted or (before is not None and not [a for a in audits if a.id > before.last_audit_id]):
        counts["skipped"] += 1
    elif before is None:
        ticket_id, next_id = next_id, next_id + 1
        state, rest = writer.open(ticket_id, ticket, audits)
        if len(rest) < len(audits):
            writer.replay(state, audits[0], description=True)
        for audit in rest:
            writer.replay(state, audit)
        touched.append(ticket_id)
        counts["new"] += 1
        before = known[ticket.id] = ZendeskRecord(ticket_id, ticket.id, 0, None, None, None, None, "")
    else:
        state = session.state(before.ticket_id)
        for audit in audits:
            if audit.id > before.last_audit_id:
                writer.replay(state, audit)
        touched.append(before.ticket_id)
    if before is not None and not ticket.deleted:
        metrics = export.metrics.get(ticket.id, Metrics(None, None, None, None))
        # Zendesk's figures as of the ticket's last change there: the same export gives the same event (and
        # chain) however many runs it takes.
        session.save_zendesk(ZendeskRecord(
            before.ticket_id, ticket.id, max((a.id for a in audits), default=before.last_audit_id),
            metrics.assignee_stations, metrics.group_stations, metrics.reopens, metrics.replies,
            ticket.updated_at or ticket.created_at))
    return next_id


def _set_policies(session: ImportSession, writer: _Writer, export: Export) -> tuple[int, int]:
    """The export's SLA policies, before any ticket of the import; then the open tickets they govern are
    re-timed in the same transaction. Returns (policies set, tickets re-timed)."""
    queues: list[int] = []
    store_wide = False
    for plan in export.sla:
        queue_id = None if plan.group_id is None else writer.queue(plan.group_id)
        if session.set_sla_policy(queue_id, plan.policy):
            store_wide = store_wide or queue_id is None
            queues += [] if queue_id is None else [queue_id]
    if not store_wide and not queues:
        return 0, 0
    return len(queues) + store_wide, session.retime_sla(None if store_wide else queues)


def _check_refs(session: ImportSession, export: Export, known: dict[int, ZendeskRecord], path: Path) -> None:
    """A ``ZD-`` reference already used by a ticket that did not come from this Zendesk is refused."""
    clash = session.refs_in_use([f"{REF_PREFIX}{t.id}" for t in export.tickets if t.id not in known])
    if clash:
        raise ImportRejected([f"{path}:tickets:id: ticket {ref} is already in the store, but not from a "
                              "Zendesk import" for ref in clash[:20]])
