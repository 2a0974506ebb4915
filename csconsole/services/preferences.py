"""Business preferences that live in the store (shared by every console on it): SLA targets per queue,
each change an event in the chain.

Per-person preferences (identity, layout, theme, poll interval) live in QSettings (csconsole/settings.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from csconsole.domain.errors import BadInput, NotFound
from csconsole.domain.sla import DEFAULT_TARGETS
from csconsole.domain.words import Priority, parse_enum
from csconsole.store import directory, ledger, registry
from csconsole.store.ledger import Ledger, retime_sla
from csconsole.store.retry import unit_of_work
from csconsole.store.store import Store

MAX_TARGET_MINUTES = 7 * 24 * 60


def queue_targets(store: Store, queue_id: int) -> dict[str, int]:
    """The targets in force for a queue, per priority (its own where set, else the defaults)."""
    targets = ledger.sla_targets(store)
    return {p.value: targets.minutes(queue_id, p.value) for p in Priority}


@unit_of_work
def set_queue_targets(store: Store, queue_id: int, minutes: Mapping[str, int | None], *,
                      actor_id: int | None = None) -> int:
    """Set (or with None, clear back to the default) a queue's SLA targets, and move the response clocks
    of its open tickets to the new targets, in one transaction. Returns how many tickets moved."""
    clean: dict[Priority, int | None] = {}
    for name, value in minutes.items():
        priority = parse_enum(Priority, name, "priority")
        if value is not None and not 1 <= int(value) <= MAX_TARGET_MINUTES:
            raise BadInput(f"the {priority.value} target must be 1 to {MAX_TARGET_MINUTES} minutes, not {value}")
        clean[priority] = None if value is None or value == DEFAULT_TARGETS[priority] else int(value)
    with store.atomic():
        if not directory.queue_exists(store, queue_id):
            raise NotFound(f"no queue with id {queue_id}")
        registry.set_queue_targets(Ledger(store), queue_id, {p.value: v for p, v in clean.items()},
                                   actor=actor_id)
        return retime_sla(store, queue_id)
