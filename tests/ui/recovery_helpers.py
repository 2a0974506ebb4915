"""Shared by the recovery console tests: a Runner over a store copy, and cases written through services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csconsole.domain import clock
from csconsole.services import Store, recovery

REFUNDS = "Refunds over $50 need approval"


def days(n: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=n)).isoformat()


def seed_cases(store: Store, supervisor: int) -> dict[str, int]:
    """Three cases: a promise past its date, a follow-up due today, a complete one. Returns ticket ids."""
    recovery.add_policy(store, REFUNDS, owner="Finance", description="Team lead approves refunds over $50")
    recovery.add_policy(store, "Returns need original packaging", owner="Returns")
    now = clock.now_text()

    def do(ticket: int, step: str, **fields: object) -> None:
        recovery.complete_step(store, ticket, actor_id=supervisor, step=step, note=f"{step} done", fields=fields,
                               at=now)

    plan = {"promise": 1, "follow_up": 2, "complete": 3}
    for ticket in plan.values():
        do(ticket, "acknowledge")
        do(ticket, "widen")
        do(ticket, "agree", promise="Refund the charge", promised_by=days(-2))
    for ticket in (plan["follow_up"], plan["complete"]):
        do(ticket, "resolve", fix="Refunded", outcome="recovered", follow_up=days(0))
    do(plan["complete"], "evaluate", root_cause="policy", policy=REFUNDS, change="Raise the limit")
    return plan
