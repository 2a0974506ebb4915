"""Where a stored table differs from what its events make it, and that difference in one plain line.

``differences`` walks two row streams sorted by the same key (the table as stored, the table as the
events make it) and yields each row that is missing, extra or changed. ``describe`` names the first
column that differs in the words of the console: ``ticket T-0042: owner is Omar in the store, Priya by
its events``, ``agent 7: role is supervisor in the store, agent by its events``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from csconsole.domain.read_models import NO_OWNER
from csconsole.domain.registry import Registry

Row = tuple[Any, ...]
Key = Callable[[Row], tuple[Any, ...]]


@dataclass(frozen=True)
class Difference:
    table: str
    columns: tuple[str, ...]
    stored: Row | None
    derived: Row | None

    @property
    def column(self) -> str | None:
        """The first column that differs (None when a whole row is missing or extra)."""
        if self.stored is None or self.derived is None:
            return None
        return next(c for c, a, b in zip(self.columns, self.stored, self.derived, strict=True) if a != b)


def differences(table: str, columns: tuple[str, ...], stored: Iterable[Row], derived: Iterable[Row],
                key: Key) -> Iterator[Difference]:
    """Rows of ``stored`` and ``derived`` (each sorted by ``key``) that do not match, in key order."""
    mine, theirs = iter(stored), iter(derived)
    a, b = next(mine, None), next(theirs, None)
    while a is not None or b is not None:
        ka = key(a) if a is not None else None
        kb = key(b) if b is not None else None
        if b is None or (a is not None and ka < kb):  # type: ignore[operator]
            yield Difference(table, columns, a, None)
            a = next(mine, None)
        elif a is None or kb < ka:  # type: ignore[operator]
            yield Difference(table, columns, None, b)
            b = next(theirs, None)
        else:
            if tuple(a) != tuple(b):
                yield Difference(table, columns, a, b)
            a, b = next(mine, None), next(theirs, None)


# --- saying it ------------------------------------------------------------------------------------------

_NOUN = {"tickets": "ticket", "queues": "queue", "agents": "agent", "customers": "customer",
         "policies": "policy", "checklists": "checklist", "agent_pins": "PIN of agent",
         "recovery_cases": "recovery case", "evaluations": "evaluation", "zendesk_tickets": "Zendesk link of"}
_LABEL = {"customer_id": "customer", "queue_id": "queue", "owner_id": "owner", "closed_by": "closed by",
          "associate_id": "associate", "evaluator_id": "evaluator", "policy_id": "policy", "data": "steps",
          "hash": "hash", "resolved_tickets": "resolved tickets"}
_AGENT_COLUMNS = {"owner_id", "closed_by", "associate_id", "evaluator_id", "opened_by"}


class Labels:
    """Names by the events (the registry), and tickets' references, to say a difference plainly."""

    def __init__(self, registry: Registry, refs: Mapping[int, str] | None = None) -> None:
        self.registry = registry
        self.refs: Mapping[int, str] = refs or {}

    def agent(self, agent_id: Any) -> str:
        if agent_id is None:
            return "nobody"
        found = self.registry.agents.get(agent_id)
        return found.name if found is not None else f"agent {agent_id}"

    def queue(self, queue_id: Any) -> str:
        found = self.registry.queues.get(queue_id)
        return found.name if found is not None else f"queue {queue_id}"

    def ticket(self, ticket_id: Any) -> str:
        return self.refs.get(ticket_id) or f"ticket {ticket_id}"

    def value(self, table: str, column: str, value: Any) -> str:
        if column in _AGENT_COLUMNS or (table == "tickets" and column == "owner_id"):
            return self.agent(value)
        if column == "queue_id":
            return "none" if value is None else self.queue(value)
        if column == "customer_id":
            found = self.registry.customers.get(value)
            return found.name if found is not None else f"customer {value}"
        if column == "path":
            return " → ".join(f"{self.queue(q)}/{self.agent(o) if o is not None else NO_OWNER}"
                              for q, o in json.loads(value)) or "none"
        if column.startswith("sla_") and table == "queues":
            return "the default" if value is None else f"{value} min"
        if column == "active":
            return "active" if value else "inactive"
        if table == "agent_pins" and column == "hash":
            return "a hash" if value else "none"
        return "none" if value is None else str(value)


def subject(difference: Difference, labels: Labels) -> str:
    """What the row is: ``ticket T-0042``, ``agent 7``, ``recovery case 315 (T-0042)``."""
    row = difference.derived or difference.stored
    assert row is not None
    table = difference.table
    noun = _NOUN.get(table, table)
    if table == "tickets":
        ref = difference.derived[1] if difference.derived else difference.stored[1]  # type: ignore[index]
        return f"ticket {ref}"
    if table in ("recovery_cases", "evaluations"):
        return f"{noun} {row[0]} ({labels.ticket(row[1])})"
    if table == "zendesk_tickets":
        return f"{noun} {labels.ticket(row[0])}"
    return f"{noun} {row[0]}"


def describe(difference: Difference, labels: Labels) -> str:
    what = subject(difference, labels)
    table = difference.table
    if difference.derived is None:
        return f"{what} is in the store, but no event made it"
    if difference.stored is None:
        if table == "agent_pins":
            return f"{what} is missing in the store, though its events set it (the hash was deleted)"
        return f"{what} is missing in the store, though its events made it"
    column = difference.column
    assert column is not None
    index = difference.columns.index(column)
    if table == "agent_pins" and column == "hash":
        return f"{what}: the stored hash is not the one its events recorded (it was replaced)"
    label = _LABEL.get(column, column.replace("_", " "))
    if table == "queues" and column.startswith("sla_"):
        label = f"{column[4:]} SLA target"
    stored = labels.value(table, column, difference.stored[index])
    derived = labels.value(table, column, difference.derived[index])
    return f"{what}: {label} is {stored} in the store, {derived} by its events"
