"""The words of DESIGN §1 as closed sets of values."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"

    @property
    def may_supervise(self) -> bool:
        """Supervisors and managers may reassign and close any ticket."""
        return self is not Role.AGENT


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SOCIAL = "social"
    WALK_IN = "walk-in"


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


# Most urgent first: the order a supervisor sorts by.
PRIORITY_RANK: dict[str, int] = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_done(self) -> bool:
        return self not in OPEN_STATUSES


# The statuses of a ticket still being worked; the rest are done. The one definition: the store's SQL
# (store/fragments.py) and the domain's ``DONE`` are spelled from it.
OPEN_STATUSES: tuple[Status, ...] = (Status.NEW, Status.OPEN, Status.PENDING)


class EventKind(StrEnum):
    CREATED = "created"
    TAKE = "take"
    TRANSFER = "transfer"
    REASSIGN = "reassign"
    CONTACT = "contact"
    REPLY = "reply"
    STATUS = "status"
    ESCALATE = "escalate"
    NOTE = "note"
    RECOVERY_STEP = "recovery_step"
    EVALUATION = "evaluation"
    REVERT = "revert"  # a correction: names the events it takes back (undo), which then count for nothing
    # The floor's own records, on no ticket (domain/registry.py folds them): who works, where tickets
    # wait and for how long, who the customers are, the policies and checklists, the console PINs.
    QUEUE_ADDED = "queue_added"
    QUEUE_RENAMED = "queue_renamed"
    QUEUE_TARGETS_SET = "queue_targets_set"  # older stores: reply minutes per priority (now sla_policy_set)
    SLA_POLICY_SET = "sla_policy_set"  # a queue's (or the store-wide) schedule and targets
    AGENT_ADDED = "agent_added"
    AGENT_CHANGED = "agent_changed"
    CUSTOMER_ADDED = "customer_added"
    CUSTOMER_CHANGED = "customer_changed"
    POLICY_ADDED = "policy_added"
    POLICY_CHANGED = "policy_changed"
    CHECKLIST_SAVED = "checklist_saved"
    PIN_SET = "pin_set"
    PIN_CLEARED = "pin_cleared"
    # On a ticket, yet changing nothing its row shows: Zendesk's own metrics as an import found them, and
    # the reference of a ticket created before references were recorded in its ``created`` event.
    ZENDESK_SYNCED = "zendesk_synced"
    REF_RECORDED = "ref_recorded"


HOLDER_KINDS = frozenset({EventKind.TAKE, EventKind.TRANSFER, EventKind.REASSIGN})
REGISTRY_KINDS = frozenset({
    EventKind.QUEUE_ADDED, EventKind.QUEUE_RENAMED, EventKind.QUEUE_TARGETS_SET, EventKind.SLA_POLICY_SET,
    EventKind.AGENT_ADDED,
    EventKind.AGENT_CHANGED, EventKind.CUSTOMER_ADDED, EventKind.CUSTOMER_CHANGED, EventKind.POLICY_ADDED,
    EventKind.POLICY_CHANGED, EventKind.CHECKLIST_SAVED, EventKind.PIN_SET, EventKind.PIN_CLEARED,
})
BOOKKEEPING_KINDS = frozenset({EventKind.ZENDESK_SYNCED, EventKind.REF_RECORDED})
# What only a supervisor or manager does live (the services refuse anyone else); recorded history may
# hold others, which the audit lists as findings.
SUPERVISOR_KINDS = frozenset({EventKind.REASSIGN, EventKind.RECOVERY_STEP, EventKind.EVALUATION,
                              EventKind.SLA_POLICY_SET})

# Keys of an event's data that say where it came from. ``import``: the batch of imported history it came
# with (any non-empty text; importers use ``import_batch``), recorded with its historical time and judged
# as history, not as live work. ``backfill``: written by the migration that started keeping the floor's
# records as events, describing what was already there; its value is the seq of the last event written
# before it (the history that migration found).
IMPORT_MARK = "import"
BACKFILL_MARK = "backfill"


def import_batch(source: str, started_at: str) -> str:
    """The ``import`` mark of one import: what it read and when it started (``csv:2026-03-02T09:00:00Z``)."""
    return f"{source}:{started_at}"


class SlaState(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NONE = "none"  # no response is owed: the clock is stopped


class Tier(StrEnum):
    LOYAL = "loyal"
    STANDARD = "standard"


def parse_enum(enum: type[E], value: str, what: str) -> E:
    """The enum member for ``value``, or a BadInput naming what was expected."""
    from csconsole.domain.errors import BadInput

    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise BadInput(f"unknown {what} {value!r} (expected one of: {allowed})") from None
