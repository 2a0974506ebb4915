"""Small builders of ticket events and policy books for the SLA clock tests."""

from __future__ import annotations

from typing import Any

from csconsole.domain.sla_policy import PolicyBook, PolicyVersion, SlaPolicy
from csconsole.domain.sla_spec import parse_schedule
from csconsole.domain.sla_targets import parse_targets
from csconsole.domain.ticket import Event

AGENT = 11


class Story:
    """A ticket's events, numbered as the chain would number them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, kind: str, at: str, actor: int | None = AGENT, **data: Any) -> Story:
        self.events.append(Event(1, kind, at, actor, data, len(self.events) + 1))
        return self

    def created(self, at: str, priority: str = "normal", queue: int = 1, tier: str | None = None) -> Story:
        data: dict[str, Any] = {"customer": 5, "subject": "Bill wrong", "channel": "phone",
                                "priority": priority, "queue": queue}
        if tier is not None:
            data["tier"] = tier
        return self.add("created", at, None, **data)

    def reply(self, at: str) -> Story:
        return self.add("reply", at, note="hello")

    def contact(self, at: str) -> Story:
        return self.add("contact", at, None, note="again")

    def status(self, at: str, status: str) -> Story:
        return self.add("status", at, status=status, note="")

    def transfer(self, at: str, queue: int) -> Story:
        return self.add("transfer", at, queue=queue, owner=None, note="over to you")

    def escalate(self, at: str, priority: str) -> Story:
        return self.add("escalate", at, priority=priority, note="worse")


def policy(hours: str | None = None, timezone: str = "UTC", holidays: str | None = None,
           targets: tuple[str, ...] = ()) -> SlaPolicy:
    return SlaPolicy(parse_schedule(hours, timezone, holidays), parse_targets(targets))


def book(*versions: tuple[int | None, int, str, SlaPolicy | None]) -> PolicyBook:
    """Versions as (queue, after_seq, at, policy), numbered in order."""
    return PolicyBook(PolicyVersion(n, q, after, at, p) for n, (q, after, at, p) in enumerate(versions, 1))


BERLIN_OFFICE = policy("mon-fri 09:00-17:00", "Europe/Berlin", "DE-BY")
