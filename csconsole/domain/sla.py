"""The state of an SLA clock at a moment (DESIGN §1, SLA).

The clocks themselves (first reply, next reply, resolution, in business time) are ``sla_clock.py``; the
targets ``sla_targets.py``; schedules and the policy book ``sla_policy.py``.
"""

from __future__ import annotations

from csconsole.domain.words import SlaState

AT_RISK_SHARE = 0.25  # at risk once less than a quarter of the target is left


def sla_state(due_at: str | None, risk_at: str | None, now: str) -> SlaState:
    """State of a clock (or of a ticket's earliest); times are the store's UTC text, which orders as time."""
    if due_at is None:
        return SlaState.NONE
    if now >= due_at:
        return SlaState.BREACHED
    if risk_at is not None and now >= risk_at:
        return SlaState.AT_RISK
    return SlaState.OK
