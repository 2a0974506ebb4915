"""One import's writes, as one unit: ``with import_session(store) as session:``.

Everything an importer writes (queues, agents and customers found or created by name, tickets, their
events with the audit chain and derived columns, Zendesk's bookkeeping) goes through the session, inside
one ``store.atomic()``: all of it lands, or, on any error or a cancel raised inside, none of it does.
Every event it appends carries the import's mark (``data["import"]``, ``words.import_batch``): it is
history, recorded with its historical time, and ``audit verify`` judges it so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from csconsole.domain import clock
from csconsole.domain.sla import SlaTargets
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import IMPORT_MARK, Role, import_batch
from csconsole.store import directory, registry, zendesk_schema
from csconsole.store.ledger import Ledger, load_events, load_state
from csconsole.store.zendesk_schema import ZendeskTicket

if TYPE_CHECKING:
    from csconsole.store.store import Store

_CHUNK = 500  # references per IN (...) list


@contextmanager
def import_session(store: Store, source: str = "import") -> Iterator[ImportSession]:
    """``source`` names what is imported (``csv``, ``zendesk``) in the mark of every event."""
    with store.atomic():
        yield ImportSession(store, source)


class ImportSession:
    """Find-or-create of queues, agents and customers by name, and the ledger, in the import's unit."""

    def __init__(self, store: Store, source: str = "import") -> None:
        self._store = store
        self._ledger = Ledger(store)
        self.started_at = clock.now_text()
        self.batch = import_batch(source, self.started_at)
        self._queues = {q.name.lower(): q.id for q in directory.queues(store)}
        known = directory.agents(store)
        self._agents = {a.name.lower(): a.id for a in known}
        self.roles: dict[int, Role] = {a.id: a.role for a in known}
        self._customers: dict[str, int] = {}

    @property
    def targets(self) -> SlaTargets:
        return self._ledger.targets

    def queue(self, name: str) -> int:
        key = name.strip().lower()
        if key not in self._queues:
            self._queues[key] = registry.add_queue(self._ledger, name, at=self.started_at, batch=self.batch).id
        return self._queues[key]

    def agent(self, name: str, role: Role = Role.AGENT, queue: str = "") -> int:
        key = name.strip().lower()
        if key not in self._agents:
            agent = registry.add_agent(self._ledger, name, role, self.queue(queue) if queue else None,
                                       at=self.started_at, batch=self.batch)
            self._agents[key] = agent.id
            self.roles[agent.id] = role
        return self._agents[key]

    def set_role(self, agent_id: int, role: Role, queue: str = "") -> None:
        registry.change_agent(self._ledger, directory.agent(self._store, agent_id), role=role,
                              queue=self.queue(queue) if queue else None, at=self.started_at, batch=self.batch)
        self.roles[agent_id] = role

    def customer(self, name: str, at: str) -> int:
        if name not in self._customers:
            known = directory.customer_by_name(self._store, name) or registry.add_customer(
                self._ledger, name, at, at=self.started_at, batch=self.batch)
            self._customers[name] = known.id
        return self._customers[name]

    def new_ticket_id(self) -> int:
        return self._ledger.new_ticket_id()

    def open_ticket(self, ticket_id: int, ref: str, created: Event) -> TicketState:
        created.data[IMPORT_MARK] = self.batch
        return self._ledger.open_ticket(ticket_id, ref, created)

    def record(self, state: TicketState, event: Event) -> int:
        event.data[IMPORT_MARK] = self.batch
        return self._ledger.record(state, event)

    def state(self, ticket_id: int) -> TicketState:
        state = load_state(self._store, ticket_id)
        if state is None:
            raise LookupError(f"no ticket with id {ticket_id}")
        return state

    def events(self, ticket_id: int) -> list[Event]:
        return load_events(self._store, ticket_id)

    def refs_in_use(self, refs: list[str]) -> list[str]:
        return [ref for ref in existing_tickets(self._store, refs)]

    def zendesk_tickets(self, zendesk_ids: list[int]) -> dict[int, ZendeskTicket]:
        return zendesk_schema.by_zendesk_id(self._store, zendesk_ids)

    def save_zendesk(self, row: ZendeskTicket, imported_at: str) -> None:
        metrics = {"assignee_stations": row.assignee_stations, "group_stations": row.group_stations,
                   "reopens": row.reopens, "replies": row.replies}
        registry.sync_zendesk(self._ledger, row.ticket_id, row.zendesk_id, row.last_audit_id, metrics,
                              at=imported_at, batch=self.batch)


def existing_tickets(store: Store, refs: list[str]) -> dict[str, tuple[int, str]]:
    """Tickets with these references already in the store: ref → (id, time of its last event)."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(refs), _CHUNK):
        chunk = refs[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for ref, tid, at in store._conn.execute(
            f"SELECT ref, id, updated_at FROM tickets WHERE ref IN ({marks})", chunk
        ):
            found[ref] = (tid, at)
    return found
