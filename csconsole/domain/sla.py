"""SLA targets and the state of a ticket's response clock (DESIGN §1, SLA)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from csconsole.domain.words import Priority, SlaState

# Minutes a customer may wait for a (next) response. Today's customers do not wait 24 hours.
DEFAULT_TARGETS: Mapping[Priority, int] = {
    Priority.URGENT: 15,
    Priority.HIGH: 60,
    Priority.NORMAL: 240,
    Priority.LOW: 480,
}

_DEFAULT_MINUTES = {p.value: m for p, m in DEFAULT_TARGETS.items()}  # by plain text: the fold's hot path

AT_RISK_SHARE = 0.25  # at risk once less than a quarter of the target is left


@dataclass(frozen=True)
class SlaTargets:
    """Targets per queue and priority, falling back to the defaults."""

    per_queue: Mapping[int, Mapping[str, int]] = field(default_factory=dict)

    def minutes(self, queue_id: int | None, priority: str) -> int:
        if queue_id is not None:
            own = self.per_queue.get(queue_id)
            if own and priority in own:
                return own[priority]
        minutes = _DEFAULT_MINUTES.get(priority)
        return minutes if minutes is not None else DEFAULT_TARGETS[Priority(priority)]  # refuses a bad one


@dataclass(frozen=True)
class SlaHistory:
    """The targets in force along the log: those from the start, then each change at its seq.

    A change moves the running response clocks of its queue's tickets to the new target (as the store
    does when a supervisor sets them) and counts for every event after it; clocks that stopped before
    keep the target they ran under.
    """

    changes: tuple[tuple[int, int, SlaTargets], ...] = ()  # (seq, queue id, every target from then on)
    start: SlaTargets = field(default_factory=SlaTargets)

    @property
    def latest(self) -> SlaTargets:
        return self.changes[-1][2] if self.changes else self.start


def sla_state(due_at: str | None, risk_at: str | None, now: str) -> SlaState:
    """State of the response clock; times are the store's UTC text, which orders as time."""
    if due_at is None:
        return SlaState.NONE
    if now >= due_at:
        return SlaState.BREACHED
    if risk_at is not None and now >= risk_at:
        return SlaState.AT_RISK
    return SlaState.OK
