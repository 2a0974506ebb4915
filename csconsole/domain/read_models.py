"""Read models: what lists and panels show, and the filters that select it. Plain data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

from csconsole.domain.sla import sla_state
from csconsole.domain.words import SlaState, Tier

NO_OWNER = "—"


class SlaFilter(StrEnum):
    BREACHED = "breached"
    ATTENTION = "attention"  # at risk or breached


class SortKey(StrEnum):
    ID = "id"
    CREATED = "created_at"
    BOUNCES = "bounces"
    CONTACTS = "contacts"
    SLA_DUE = "sla_due_at"
    PRIORITY = "priority"  # by rank: urgent, high, normal, low


@dataclass(frozen=True)
class Order:
    """How a ticket list is sorted: by one key, then by id the same way."""

    key: SortKey = SortKey.ID
    descending: bool = False


Key = tuple[object, int]  # a row's place in an Order: (its sort value, its id); pages continue after one


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets a list shows. Every field narrows; the default is every ticket."""

    queue_id: int | None = None
    status: str | None = None
    open_only: bool = False
    min_bounces: int | None = None
    min_contacts: int | None = None
    sla: SlaFilter | None = None
    unowned: bool = False
    owner_id: int | None = None
    search: str = ""
    ticket_ids: frozenset[int] | None = None

    def with_(self, **changes: object) -> TicketFilter:
        return replace(self, **changes)  # type: ignore[arg-type]


class TicketRow(NamedTuple):
    """One line of a ticket list, names resolved. A named tuple: pages build hundreds at a time."""

    id: int
    ref: str
    subject: str
    customer: str
    customer_tier: Tier
    queue: str
    owner: str | None
    status: str
    priority: str
    channel: str
    created_at: str
    updated_at: str
    sla_due_at: str | None
    sla_risk_at: str | None
    bounces: int
    pingpongs: int
    contacts: int
    path: tuple[str, ...] = ()
    last_seq: int = 0
    # Each SLA clock's due time where it runs (or waits past due), and whether one is paused (pending).
    first_reply_due_at: str | None = None
    next_reply_due_at: str | None = None
    resolution_due_at: str | None = None
    sla_paused: bool = False

    def sla_state(self, now: str) -> SlaState:
        return sla_state(self.sla_due_at, self.sla_risk_at, now)

    @property
    def bounced_over_two(self) -> bool:
        return self.bounces >= 3

    @property
    def senior_callback(self) -> bool:
        return self.contacts >= 3


@dataclass(frozen=True)
class QueueStats:
    queue_id: int
    name: str
    depth: int
    oldest_created_at: str | None
    at_risk: int
    breached: int


@dataclass(frozen=True)
class EventView:
    seq: int
    kind: str
    at: str
    actor: str  # agent name, or the customer's name for customer events
    data: dict[str, object]
    summary: str
    undone: bool = False  # taken back by an undo, or an undo itself: shown struck through, counted for nothing


@dataclass(frozen=True)
class PathStep:
    """One holder on a ticket's path, and the event that moved the ticket there."""

    queue: str
    owner: str | None
    kind: str
    at: str
    actor: str
    note: str
    returned: bool  # a ping-pong: back to a queue or owner that held it before

    @property
    def label(self) -> str:
        return f"{self.queue}/{self.owner or NO_OWNER}"
