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


HOLDER_KINDS = frozenset({EventKind.TAKE, EventKind.TRANSFER, EventKind.REASSIGN})


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
