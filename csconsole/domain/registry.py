"""The floor's records folded from their events: queues, agents, customers, policies, checklists, console
PINs, and each imported ticket's Zendesk link (DESIGN §1). Pure Python: the one definition of what each
of these events does, used by the store when it appends one, by ``rebuild`` and by ``audit verify``.

An event names its record by id in its data (``{"agent": 7, ...}``): folding the events in order gives
the ids the store holds. An event that adds a record carries all of it; one that changes a record carries
only what changed. ``registry_events.py`` is the one place each kind's data is spelled.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from csconsole.domain.errors import BadInput
from csconsole.domain.registry_events import ZENDESK_METRICS
from csconsole.domain.rules import Agent
from csconsole.domain.sla_policy import PolicyBook, PolicyVersion, SlaPolicy
from csconsole.domain.sla_targets import TargetTable
from csconsole.domain.ticket import Event
from csconsole.domain.words import BACKFILL_MARK, EventKind, Priority, Role


class FoldError(ValueError):
    """An event the fold cannot apply: it changes a record no event added, or its data is not readable."""


class Entity(StrEnum):
    QUEUE = "queue"
    AGENT = "agent"
    CUSTOMER = "customer"
    POLICY = "policy"
    CHECKLIST = "checklist"
    PIN = "pin"  # keyed by the agent it belongs to


@dataclass(frozen=True, slots=True)
class QueueRecord:
    id: int
    name: str
    targets: Mapping[str, int] = field(default_factory=dict)  # the queue's own SLA minutes, by priority


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: int
    name: str
    since: str


@dataclass(frozen=True, slots=True)
class PolicyRecord:
    id: int
    name: str
    description: str
    owner: str
    active: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class ChecklistRecord:
    id: int
    name: str
    definition: Mapping[str, Any]  # Checklist.to_data()
    created_at: str


@dataclass(frozen=True, slots=True)
class PinRecord:
    agent_id: int
    commitment: str  # pin_commitment() of the stored Argon2 string: never the PIN, never the hash
    set_at: str


@dataclass(frozen=True, slots=True)
class ZendeskRecord:
    ticket_id: int
    zendesk_id: int
    last_audit_id: int
    assignee_stations: int | None
    group_stations: int | None
    reopens: int | None
    replies: int | None
    imported_at: str


Record = QueueRecord | Agent | CustomerRecord | PolicyRecord | ChecklistRecord | PinRecord

ENTITY_OF: Mapping[str, Entity] = {
    EventKind.QUEUE_ADDED: Entity.QUEUE, EventKind.QUEUE_RENAMED: Entity.QUEUE,
    EventKind.QUEUE_TARGETS_SET: Entity.QUEUE,
    EventKind.AGENT_ADDED: Entity.AGENT, EventKind.AGENT_CHANGED: Entity.AGENT,
    EventKind.CUSTOMER_ADDED: Entity.CUSTOMER, EventKind.CUSTOMER_CHANGED: Entity.CUSTOMER,
    EventKind.POLICY_ADDED: Entity.POLICY, EventKind.POLICY_CHANGED: Entity.POLICY,
    EventKind.CHECKLIST_SAVED: Entity.CHECKLIST,
    EventKind.PIN_SET: Entity.PIN, EventKind.PIN_CLEARED: Entity.PIN,
}
_KEY = {Entity.QUEUE: "queue", Entity.AGENT: "agent", Entity.CUSTOMER: "customer", Entity.POLICY: "policy",
        Entity.CHECKLIST: "checklist", Entity.PIN: "agent"}
_ADDS = frozenset({EventKind.QUEUE_ADDED, EventKind.AGENT_ADDED, EventKind.CUSTOMER_ADDED, EventKind.POLICY_ADDED})


def entity_key(event: Event) -> tuple[Entity, int]:
    """The record an event changes."""
    entity = ENTITY_OF[event.kind]
    return entity, int(event.data[_KEY[entity]])


# --- the folds ------------------------------------------------------------------------------------------

def _targets(own: Mapping[str, int], given: Mapping[str, Any]) -> dict[str, int]:
    merged = dict(own)
    for priority, minutes in given.items():
        Priority(priority)
        if minutes is None:
            merged.pop(priority, None)
        else:
            merged[priority] = int(minutes)
    return {p.value: merged[p.value] for p in Priority if p.value in merged}


def _fold_queue(old: QueueRecord | None, event: Event) -> QueueRecord:
    d = event.data
    if event.kind == EventKind.QUEUE_ADDED:
        return QueueRecord(int(d["queue"]), str(d["name"]), _targets({}, d.get("targets") or {}))
    assert old is not None
    if event.kind == EventKind.QUEUE_RENAMED:
        return replace(old, name=str(d["name"]))
    return replace(old, targets=_targets(old.targets, d["targets"]))


def _queue_id(value: Any) -> int | None:
    return None if value is None else int(value)


def _fold_agent(old: Agent | None, event: Event) -> Agent:
    d = event.data
    if event.kind == EventKind.AGENT_ADDED:
        return Agent(int(d["agent"]), str(d["name"]), Role(d["role"]), _queue_id(d["queue"]),
                           bool(d.get("active", True)))
    assert old is not None
    return Agent(
        old.id, str(d.get("name", old.name)), Role(d["role"]) if "role" in d else old.role,
        _queue_id(d["queue"]) if "queue" in d else old.queue_id, bool(d.get("active", old.active)),
    )


def _fold_customer(old: CustomerRecord | None, event: Event) -> CustomerRecord:
    d = event.data
    if event.kind == EventKind.CUSTOMER_ADDED:
        return CustomerRecord(int(d["customer"]), str(d["name"]), str(d["since"]))
    assert old is not None
    return CustomerRecord(old.id, str(d.get("name", old.name)), str(d.get("since", old.since)))


def _fold_policy(old: PolicyRecord | None, event: Event) -> PolicyRecord:
    d = event.data
    if event.kind == EventKind.POLICY_ADDED:
        return PolicyRecord(int(d["policy"]), str(d["name"]), str(d["description"]), str(d["owner"]),
                            bool(d.get("active", True)), str(d.get("created_at") or event.at))
    assert old is not None
    return PolicyRecord(old.id, str(d.get("name", old.name)), str(d.get("description", old.description)),
                        str(d.get("owner", old.owner)), bool(d.get("active", old.active)), old.created_at)


def _fold_checklist(old: ChecklistRecord | None, event: Event) -> ChecklistRecord:
    d = event.data
    created = old.created_at if old is not None else str(d.get("created_at") or event.at)
    return ChecklistRecord(int(d["checklist"]), str(d["name"]), dict(d["definition"]), created)


def _fold_pin(old: PinRecord | None, event: Event) -> PinRecord | None:
    d = event.data
    if event.kind == EventKind.PIN_CLEARED:
        return None
    return PinRecord(int(d["agent"]), str(d["commitment"]), str(d.get("set_at") or event.at))


_FOLDS: Mapping[Entity, Callable[[Any, Event], Any]] = {
    Entity.QUEUE: _fold_queue, Entity.AGENT: _fold_agent, Entity.CUSTOMER: _fold_customer,
    Entity.POLICY: _fold_policy, Entity.CHECKLIST: _fold_checklist, Entity.PIN: _fold_pin,
}


def advance(old: Record | None, event: Event) -> Record | None:
    """The record after ``event`` (None: there is none, a PIN cleared). FoldError when it cannot apply."""
    entity, key = _checked_key(event)
    if event.kind in _ADDS and old is not None:
        raise FoldError(f"{event.kind} adds {entity.value} {key}, which an earlier event added")
    if old is None and event.kind not in _ADDS and entity not in (Entity.CHECKLIST, Entity.PIN):
        raise FoldError(f"{event.kind} changes {entity.value} {key}, which no earlier event added")
    try:
        return _FOLDS[entity](old, event)  # type: ignore[no-any-return]
    except (KeyError, TypeError, ValueError) as error:
        raise FoldError(f"{event.kind}: its data cannot be read ({type(error).__name__}: {error})") from None


def _checked_key(event: Event) -> tuple[Entity, int]:
    try:
        return entity_key(event)
    except (KeyError, TypeError, ValueError):
        raise FoldError(f"{event.kind} names no record it changes") from None


def _count(value: object) -> int | None:
    """A metric as the event carries it: a whole number, or None where the export had none."""
    return None if value is None else int(value)  # type: ignore[call-overload]  # int() refuses what is no number


def fold_zendesk(old: ZendeskRecord | None, event: Event) -> ZendeskRecord:
    """One ``zendesk_synced`` on top of what earlier imports found: metrics an export lacks keep the values
    an earlier one gave, and the last audit read only moves on."""
    d = event.data
    at = str(d.get("imported_at") or event.at)
    try:
        new = [_count(d.get(name)) for name in ZENDESK_METRICS]
        if old is None:
            assert event.ticket_id is not None
            return ZendeskRecord(event.ticket_id, int(d["zendesk_id"]), int(d["last_audit_id"]),
                                 new[0], new[1], new[2], new[3], at)
        kept = [n if n is not None else was for n, was in zip(new, (
            old.assignee_stations, old.group_stations, old.reopens, old.replies), strict=True)]
        return ZendeskRecord(old.ticket_id, old.zendesk_id, max(old.last_audit_id, int(d["last_audit_id"])),
                             kept[0], kept[1], kept[2], kept[3], at)
    except (KeyError, TypeError, ValueError) as error:
        raise FoldError(f"{event.kind}: its data cannot be read ({type(error).__name__}: {error})") from None


# --- the whole registry, with when each record came to be ---------------------------------------------

class Registry:
    """Every record as the events leave it, the agents as they stood at any seq, and the book of every SLA
    policy the store has had (``sla_policy_set``; in older stores a queue's reply minutes).

    A record written by the migration that started the registry (``backfill``) stands from the start: the
    history before it was recorded while that record already existed.
    """

    def __init__(self) -> None:
        self.records: dict[Entity, dict[int, Any]] = {entity: {} for entity in Entity}
        self.added: dict[Entity, dict[int, int]] = {entity: {} for entity in Entity}  # id → seq it was added
        self._agents: dict[int, tuple[list[int], list[Agent]]] = {}  # seqs and records as they changed
        self._versions: list[PolicyVersion] = []  # the SLA policy book, in the order made
        self._policies: dict[int | None, SlaPolicy | None] = {}  # each queue's own (None: store-wide)
        self._book: PolicyBook | None = None
        self.history_until = 0  # events up to this seq were recorded before the registry was kept as events
        self.last_seq = 0

    @property
    def queues(self) -> dict[int, QueueRecord]:
        return self.records[Entity.QUEUE]

    @property
    def agents(self) -> dict[int, Agent]:
        return self.records[Entity.AGENT]

    @property
    def customers(self) -> dict[int, CustomerRecord]:
        return self.records[Entity.CUSTOMER]

    def apply(self, event: Event) -> Record | None:
        seq = event.seq or 0
        backfill = event.data.get(BACKFILL_MARK)
        if backfill is not None:
            self.history_until = max(self.history_until, int(backfill))
        if event.kind == EventKind.SLA_POLICY_SET:
            self._set_policy(event, seq)
            self.last_seq = max(self.last_seq, seq)
            return None
        entity, key = _checked_key(event)
        table = self.records[entity]
        new = advance(table.get(key), event)
        since = 0 if backfill is not None else seq
        if new is None:
            table.pop(key, None)
        else:
            table[key] = new
            self.added[entity].setdefault(key, since)
        if entity is Entity.AGENT:
            seqs, states = self._agents.setdefault(key, ([], []))
            seqs.append(since)
            states.append(new)  # type: ignore[arg-type]
        elif entity is Entity.QUEUE and (event.kind == EventKind.QUEUE_TARGETS_SET
                                         or (new is not None and new.targets)):  # type: ignore[union-attr]
            self._add_version(key, _reply_minutes(self._policies.get(key), new.targets),  # type: ignore[union-attr]
                              since, event.at)
        self.last_seq = max(self.last_seq, seq)
        return new

    def _set_policy(self, event: Event, seq: int) -> None:
        data = event.data
        try:
            queue_id = _queue_id(data["queue"])
            policy = None if data["policy"] is None else SlaPolicy.from_dict(data["policy"])
        except (KeyError, TypeError, ValueError, AttributeError, BadInput) as error:
            raise FoldError(f"{event.kind}: its data cannot be read ({type(error).__name__}: {error})") from None
        if queue_id is not None and not self.exists_at(Entity.QUEUE, queue_id, seq or self.last_seq + 1):
            raise FoldError(f"{event.kind} sets the SLA policy of queue {queue_id}, which no earlier event added")
        self._add_version(queue_id, policy, seq, event.at)

    def _add_version(self, queue_id: int | None, policy: SlaPolicy | None, since: int, at: str) -> None:
        self._policies[queue_id] = policy
        after = max(since, self._versions[-1].after_seq) if self._versions else since
        self._versions.append(PolicyVersion(len(self._versions) + 1, queue_id, after, at, policy))
        self._book = None

    def book(self) -> PolicyBook:
        """Every SLA policy version so far: what the clocks of each event were laid under."""
        if self._book is None:
            self._book = PolicyBook(self._versions)
        return self._book

    def policy_of(self, queue_id: int | None) -> SlaPolicy | None:
        """A queue's own policy now (None: it follows the store-wide one); ``None`` asks the store-wide."""
        return self._policies.get(queue_id)

    def agent_at(self, agent_id: int, seq: int) -> Agent | None:
        """The agent as the events before ``seq`` left them; None if none had added them yet."""
        found = self._agents.get(agent_id)
        if found is None:
            return None
        seqs, states = found
        index = bisect.bisect_left(seqs, seq) - 1
        if index < 0 and seqs[0] == 0:
            index = 0  # backfilled: stood from the start
        return states[index] if index >= 0 else None

    def role_at(self, agent_id: int, seq: int | None) -> Role | None:
        agent = self.agent_at(agent_id, seq if seq is not None else self.last_seq + 1)
        return agent.role if agent is not None else None

    def exists_at(self, entity: Entity, key: int, seq: int) -> bool:
        added = self.added[entity].get(key)
        return added is not None and (added == 0 or added < seq)



def _reply_minutes(policy: SlaPolicy | None, minutes: Mapping[str, int]) -> SlaPolicy | None:
    """An older store's queue targets (reply minutes by priority, ``queue_targets_set``) as a policy: its
    first and next reply targets, under the schedule the queue had; None when it has none left."""
    if not minutes:
        return None
    table = TargetTable({(priority, "standard"): {"first": m, "next": m} for priority, m in minutes.items()})
    return SlaPolicy(policy.schedule if policy is not None else None, table)
