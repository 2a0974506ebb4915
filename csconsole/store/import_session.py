"""One import's writes: ``with import_session(store) as session:`` as one unit, or a checked batch in
short units, ``with session.chunk():`` each.

Everything an importer writes (queues, agents and customers found or created by name, tickets, their
events with the audit chain and derived columns, Zendesk's bookkeeping) goes through the session. Inside
one ``import_session`` all of it lands, or, on any error or a cancel raised inside, none of it does. A
large import that was checked whole beforehand appends in chunks instead, each its own short transaction,
so live work on the floor never waits long for the write lock. Every event the session appends, the
floor's records it creates too, carries the batch's mark (``data["import"]``): it is history, recorded
with its historical time, and ``audit verify`` judges it so; it is also how a batch cut short by a crash
is found and resumed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from csconsole.domain import clock
from csconsole.domain.registry import ZendeskRecord
from csconsole.domain.sla_policy import PolicyBook, SlaPolicy
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import IMPORT_MARK, EventKind, Role, import_batch
from csconsole.store import directory, registry, zendesk_schema
from csconsole.store.ledger import Ledger, load_events, load_state, policy_book, policy_registry, retime_sla
from csconsole.store.sqlite.staging import SUFFIX, Staging

if TYPE_CHECKING:
    from csconsole.store.store import Store

_CHUNK = 500  # references per IN (...) list
# A chunk of a batch holds the write lock this long at most, then lets waiting writers in: a live
# reassign waits for one chunk, never for the import.
CHUNK_SECONDS = 0.2
PAUSE_SECONDS = 0.004  # between chunks: longer than a waiting writer's poll (store/sqlite/engine.py)
IMPORT_KEY = IMPORT_MARK  # data["import"] = batch id on every event an import appends


class RefTaken(Exception):
    """A ticket reference an import checked as free was taken by a live write before it was appended."""


@contextmanager
def import_session(store: Store, batch: str = "") -> Iterator[ImportSession]:
    """``batch`` is the mark of every event (the importer's batch id; else ``import:`` and the time)."""
    with store.atomic():
        session = ImportSession(store, batch)
        session._ledger = Ledger(store)
        yield session


class ImportSession:
    """Find-or-create of queues, agents and customers by name, and the ledger, in the import's unit."""

    def __init__(self, store: Store, batch: str = "") -> None:
        self._store = store
        self._ledger: Ledger | None = None
        # When the floor's records the import creates (a queue, an agent, a customer) are dated: the importer
        # moves it along the history it reads, so the same file gives the same events, the same chain.
        self.at = clock.now_text()
        self.batch = batch or import_batch("import", self.at)
        self._load_names()

    def _load_names(self) -> None:
        self._queues = {q.name.lower(): q.id for q in directory.queues(self._store)}
        known = directory.agents(self._store)
        self._agents = {a.name.lower(): a.id for a in known}
        self.roles: dict[int, Role] = {a.id: a.role for a in known}
        self._customers: dict[str, int] = {}

    @contextmanager
    def chunk(self) -> Iterator[ImportSession]:
        """One short unit of a checked batch; names found or created in a chunk that fails are forgotten."""
        try:
            with self._store.atomic():
                self._ledger = Ledger(self._store)
                self._ledger.defer_writes()
                yield self
                self._ledger.flush()
        except BaseException:
            self._load_names()
            raise
        finally:
            self._ledger = None
        time.sleep(PAUSE_SECONDS)

    @contextmanager
    def appending(self) -> Iterator[None]:
        """Around a batch's chunks: the engine's settings for many short appends, where it has any."""
        settings = getattr(self._store._engine, "appending_batch", None)
        if settings is None:
            yield
            return
        with settings(self._store._conn):
            yield

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            raise RuntimeError("an import writes inside import_session() or session.chunk()")
        return self._ledger

    @property
    def book(self) -> PolicyBook:
        return self.ledger.book

    def queue(self, name: str) -> int:
        key = name.strip().lower()
        if key not in self._queues:
            self._queues[key] = registry.add_queue(self.ledger, name, at=self.at, batch=self.batch).id
        return self._queues[key]

    def agent(self, name: str, role: Role = Role.AGENT, queue: str = "", *, actor: int | None = None) -> int:
        """The agent of that name, added (by ``actor``, or by the import itself) when the store has none."""
        key = name.strip().lower()
        if key not in self._agents:
            agent = registry.add_agent(self.ledger, name, role, self.queue(queue) if queue else None,
                                       at=self.at, actor=actor, batch=self.batch)
            self._agents[key] = agent.id
            self.roles[agent.id] = role
        return self._agents[key]

    def set_role(self, agent_id: int, role: Role, queue: str = "", *, actor: int | None = None) -> None:
        """A roles file's word on an agent, recorded as ``actor``'s (the supervisor who gave the file)."""
        registry.change_agent(self.ledger, directory.agent(self._store, agent_id), role=role,
                              queue=self.queue(queue) if queue else None, at=self.at, actor=actor, batch=self.batch)
        self.roles[agent_id] = role

    def set_sla_policy(self, queue_id: int | None, policy: SlaPolicy) -> bool:
        """A queue's (None: the store-wide) SLA policy as the import found it, dated and marked as the
        import's other records; nothing (False) when it is that queue's own policy already, so the same
        export imported again writes nothing, nor when this batch set it already (a resumed or repeated
        import does not undo an edit made since). The tickets appended after it are clocked under it."""
        if (own := policy_registry(self._store).policy_of(queue_id)) is not None \
                and own.to_dict() == policy.to_dict():
            return False
        if queue_id in self._policies_of_batch():
            return False
        registry.set_sla_policy(self.ledger, queue_id, policy, at=self.at, batch=self.batch)
        self.ledger.flush()  # the book is read from the events table: the new version must be in it
        self.ledger.refresh_targets()
        return True

    def _policies_of_batch(self) -> set[int | None]:
        """The queues (None: store-wide) whose SLA policy an earlier run of this batch set."""
        rows = self._store._conn.execute(
            "SELECT data FROM events WHERE ticket_id IS NULL AND kind = ? AND data LIKE ?",
            (EventKind.SLA_POLICY_SET.value, f'%"{IMPORT_KEY}":"{self.batch}"%'),
        )
        return {json.loads(data).get("queue") for (data,) in rows}

    def retime_sla(self, queue_ids: Sequence[int] | None) -> int:
        """After ``set_sla_policy``: re-time the open tickets of ``queue_ids`` (None: every queue) in this
        unit, as ``services.sla.set_policy`` does; how many moved."""
        self.ledger.flush()
        return retime_sla(self._store, queue_ids, self.ledger.book)

    def customer(self, name: str, at: str) -> int:
        if name not in self._customers:
            known = directory.customer_by_name(self._store, name) or registry.add_customer(
                self.ledger, name, at, at=self.at, batch=self.batch)
            self._customers[name] = known.id
        return self._customers[name]

    def new_ticket_id(self) -> int:
        return self.ledger.new_ticket_id()

    def open_ticket(self, ticket_id: int, ref: str, created: Event) -> TicketState:
        """The new ticket; RefTaken when its reference was taken meanwhile (a batch checked it before)."""
        created.data[IMPORT_MARK] = self.batch
        try:
            return self.ledger.open_ticket(ticket_id, ref, created)
        except self._store._engine.database_error as error:  # the engine's unique-key refusal
            text = str(error).lower()
            if "ref" not in text or not ("unique" in text or "duplicate" in text):
                raise
            raise RefTaken(ref) from None

    def record(self, state: TicketState, event: Event) -> int:
        event.data[IMPORT_MARK] = self.batch
        return self.ledger.record(state, event)

    def ticket_id(self, ref: str) -> int:
        return ticket_ids(self._store, [ref])[ref]

    def state(self, ticket_id: int) -> TicketState:
        state = load_state(self._store, ticket_id)
        if state is None:
            raise LookupError(f"no ticket with id {ticket_id}")
        return state

    def events(self, ticket_id: int) -> list[Event]:
        return load_events(self._store, ticket_id)

    def refs_in_use(self, refs: list[str]) -> list[str]:
        return [ref for ref in existing_tickets(self._store, refs)]

    def zendesk_tickets(self, zendesk_ids: list[int]) -> dict[int, ZendeskRecord]:
        return zendesk_schema.by_zendesk_id(self._store, zendesk_ids)

    def save_zendesk(self, row: ZendeskRecord) -> None:
        """What the export says of a ticket now, as of ``row.imported_at``: an event when it says anything new."""
        metrics = {"assignee_stations": row.assignee_stations, "group_stations": row.group_stations,
                   "reopens": row.reopens, "replies": row.replies}
        self.ledger.flush()  # the ticket row it points at, if it is new
        registry.sync_zendesk(self.ledger, row.ticket_id, row.zendesk_id, row.last_audit_id, metrics,
                              at=row.imported_at, batch=self.batch)


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


def batch_events(store: Store, batch: str, after_seq: int) -> int:
    """How many ticket events of ``batch`` the store holds past ``after_seq``: where a cut-short batch
    resumes (the floor's records the batch created carry its mark too, and are not rows of its file).

    The canonical data has no spaces and escapes every quote inside a value, so the pattern matches the
    batch's own key only.
    """
    row = store._conn.execute(
        "SELECT count(*) FROM events WHERE seq > ? AND ticket_id IS NOT NULL AND data LIKE ?",
        (after_seq, f'%"{IMPORT_KEY}":"{batch}"%')
    ).fetchone()
    return int(row[0])


def head_seq(store: Store) -> int:
    row = store._conn.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()
    return int(row[0])


def ticket_ids(store: Store, refs: list[str]) -> dict[str, int]:
    return {ref: tid for ref, (tid, _) in existing_tickets(store, refs).items()}


def staging_path(store: Store, batch: str) -> Path:
    """Where an import stages ``batch``: beside the store, so a second run of the same import finds it.

    A store on a server has no folder of its own: the batch is staged in this user's cache folder, named
    by the database (its URL without a password), where the same import on this desk finds it again.
    """
    if store.path is not None:
        return store.path.with_name(f"{store.path.name}.import-{batch}{SUFFIX}")
    location = store.location
    keep = location.without_password() if hasattr(location, "without_password") else str(location)
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "csconsole" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(keep.encode()).hexdigest()[:16]
    return folder / f"{name}.import-{batch}{SUFFIX}"


def tid_of(events: list[Event]) -> int:
    ticket_id = events[0].ticket_id
    assert ticket_id is not None  # these are a ticket's events
    return ticket_id


def events_by_ticket(store: Store, ids: list[int]) -> Iterator[tuple[int, list[Event]]]:
    """Each ticket's events in order, for these tickets, a few hundred tickets a query."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        current: list[Event] = []
        for seq, tid, kind, at, actor, data in store._conn.execute(
            f"SELECT seq, ticket_id, kind, at, actor_id, data FROM events WHERE ticket_id IN ({marks}) "
            "ORDER BY ticket_id, seq", chunk
        ):
            if current and current[0].ticket_id != tid:
                yield tid_of(current), current
                current = []
            current.append(Event(tid, kind, at, actor, json.loads(data), seq))
        if current:
            yield tid_of(current), current


__all__ = ["CHUNK_SECONDS", "IMPORT_KEY", "ImportSession", "RefTaken", "Staging", "batch_events", "events_by_ticket", "existing_tickets",
           "head_seq", "import_session", "policy_book", "staging_path", "ticket_ids"]
