"""SLA policies: each queue's business hours, holidays, closed days and targets, or the store-wide policy
every queue without its own follows (DESIGN §1, SLA; issue 15). Shared by every console on the store:
each change is an event in the chain, and the open tickets' clocks are re-timed in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from csconsole.domain import clock
from csconsole.domain.errors import BadInput, NotFound, RuleViolation
from csconsole.domain.sla_policy import DEFAULT_POLICY, PolicyBook, SlaPolicy
from csconsole.store import directory, ledger, registry
from csconsole.store.ledger import Ledger, retime_sla
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store

STORE_WIDE = "(every queue)"  # how the store-wide policy is named where a queue's name would stand


@dataclass(frozen=True)
class PolicyInForce:
    """What governs a queue's clocks now (``queue_id`` None: the store-wide policy)."""

    queue_id: int | None
    name: str
    policy: SlaPolicy
    own: bool  # set for this queue (or, store-wide, set at all); else inherited or the defaults

    def to_json(self) -> dict[str, object]:
        return {"queue": None if self.queue_id is None else self.name, "own": self.own, **self.policy.to_dict(),
                "described": self.policy.describe()}


@dataclass(frozen=True)
class PolicyChange:
    policy: PolicyInForce
    retimed: int  # open tickets whose clocks moved


def policies(store: Store) -> list[PolicyInForce]:
    """The store-wide policy, then every queue's, as they govern now."""
    found = ledger.policy_registry(store)
    store_wide = found.policy_of(None)
    rows = [PolicyInForce(None, STORE_WIDE, store_wide or DEFAULT_POLICY, store_wide is not None)]
    for queue in directory.queues(store):
        own = found.policy_of(queue.id)
        rows.append(PolicyInForce(queue.id, queue.name, own or store_wide or DEFAULT_POLICY, own is not None))
    return rows


def policy_for(store: Store, queue_id: int | None) -> PolicyInForce:
    for row in policies(store):
        if row.queue_id == queue_id:
            return row
    raise NotFound(f"no queue with id {queue_id}")


def book(store: Store) -> PolicyBook:
    """Every policy version so far, for reading clocks (the detail pane's ``clock_views``)."""
    return ledger.policy_book(store)


def amend(current: SlaPolicy, *, hours: str | None = None, timezone: str | None = None,
          holidays: str | None = None, closed: str | None = None, targets: Iterable[str] = ()) -> SlaPolicy:
    """``current`` with the parts given replaced; a BadInput naming the first bad part, else nothing."""
    return current.amended(hours, timezone, holidays, closed, list(targets))


@unit_of_work
def set_policy(store: Store, queue_id: int | None, policy: SlaPolicy | None, *, actor_id: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> PolicyChange:
    """Give a queue (``queue_id`` None: the store-wide policy) ``policy``; None puts a queue back under the
    store-wide policy. The open tickets it governs are re-timed in the same transaction, from now: what
    their clocks counted until then stays counted, the rest of each target is laid out anew."""
    with store.atomic():
        if queue_id is not None and not directory.queue_exists(store, queue_id):
            raise NotFound(f"no queue with id {queue_id}")
        if queue_id is None and policy is None:
            raise BadInput("the store-wide SLA policy cannot be cleared; set 24/7 hours to go back to the clock")
        if actor_id is not None:
            actor = directory.agent(store, actor_id)
            if not actor.role.may_supervise:
                raise RuleViolation(f"{actor.name} is an {actor.role.value}: only a supervisor or manager sets SLA policies")
        appender = Ledger(store)
        registry.set_sla_policy(appender, queue_id, policy, at=clock.now_text(), actor=actor_id)
        queues: Sequence[int] | None = None if queue_id is None else [queue_id]
        moved = retime_sla(store, queues, appender.book, progress)
        return PolicyChange(policy_for(store, queue_id), moved)
