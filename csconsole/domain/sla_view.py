"""Each SLA clock of a ticket as a person reads it at a moment: due, paused, met or breached by how much."""

from __future__ import annotations

from dataclasses import dataclass

from csconsole.domain.instants import to_seconds
from csconsole.domain.sla import sla_state
from csconsole.domain.sla_clock import CLOCKS, ClockState, SlaClocks
from csconsole.domain.sla_policy import EMPTY_BOOK, PolicyBook
from csconsole.domain.sla_targets import METRICS
from csconsole.domain.words import SlaState

LABELS = {"first_reply": "First reply", "next_reply": "Next reply", "resolution": "Resolution"}


@dataclass(frozen=True, slots=True)
class ClockView:
    name: str  # first_reply, next_reply, resolution
    state: ClockState
    sla_state: SlaState  # ok, at_risk, breached while it runs or waits past due; none otherwise
    due_at: str | None
    target_minutes: int
    minutes_left: float | None  # business minutes to spare; negative: breached by that much. None: off

    @property
    def label(self) -> str:
        return LABELS[self.name]


def clock_views(clocks: SlaClocks, now: str, book: PolicyBook = EMPTY_BOOK) -> list[ClockView]:
    """The three clocks at ``now`` (the store's UTC text), in the policy they run under."""
    policy = book.policy(clocks.queue_id, clocks.policy_version if clocks.policy_version is not None
                         else book.position(None))
    targets = policy.targets.resolve(clocks.priority, clocks.tier)
    views = []
    for name, metric in zip(CLOCKS, METRICS, strict=True):
        clock = getattr(clocks, name)
        state = ClockState(clock.state)
        target = int(getattr(targets, metric))
        if state == ClockState.RUNNING:
            counted = clock.banked + policy.calendar.elapsed_s(to_seconds(clock.since), to_seconds(now))
            left: float | None = target - counted / 60.0
        elif state == ClockState.PAUSED:
            left = target - clock.banked / 60.0
        elif clock.margin is not None:
            left = clock.margin / 60.0
        else:
            left = None
        live = state in (ClockState.RUNNING, ClockState.PAUSED)
        judged = sla_state(clock.due_at, clock.risk_at, now) if live else SlaState.NONE
        views.append(ClockView(name, state, judged, clock.due_at, target, left))
    return views
