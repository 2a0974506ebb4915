"""Could each event have been recorded as it claims? The checks of forged appends (``audit verify``).

The hash chain proves that no event changed after it was written; it cannot tell an event someone
appended by hand, with a correct link, from one the console recorded. These checks catch the appends
that give themselves away:

- **time**: a live event dated more than ``TIME_TOLERANCE`` before a live event already in the log, or
  after the moment of the check. Appends are one at a time, each dated as it is made; the tolerance
  covers a desk whose clock is a little off and an action that waited for the write lock. Five minutes
  is the clock skew Kerberos tolerates between machines of one network by default: wider lets a
  forger backdate further, narrower flags honest desks whose clocks drift between syncs.
- **who**: an actor, owner, queue, customer or policy that no earlier event added.
- **authority**: a live action the console refuses: by an inactive agent, one only a supervisor or
  manager may record (``SUPERVISOR_KINDS``) by an agent, or any rule breach of DESIGN §2, each judged
  by the roles in force at its moment.

History is judged as history: imported events (``import`` mark), what the registry's migration wrote
(``backfill``) and everything recorded before it (seq up to ``history_until``) carry the times and the
rule breaches of the system they came from. Their time order and their breaches are findings, never
failures; a reference to something that never existed fails all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from csconsole.domain.findings import Finding, breaches
from csconsole.domain.registry import Entity, Registry
from csconsole.domain.ticket import Event, TicketState
from csconsole.domain.words import (
    BACKFILL_MARK,
    HOLDER_KINDS,
    IMPORT_MARK,
    REGISTRY_KINDS,
    SUPERVISOR_KINDS,
    EventKind,
)

TIME_TOLERANCE = timedelta(minutes=5)
KNOWN_KINDS = frozenset(kind.value for kind in EventKind)


@dataclass(frozen=True)
class Problem:
    """What is wrong with one event, in words that follow its description."""

    seq: int
    what: str


def is_history(event: Event, history_until: int) -> bool:
    return (event.seq or 0) <= history_until or IMPORT_MARK in event.data or BACKFILL_MARK in event.data


def moment(at: str) -> datetime:
    """The store's UTC text as a time, whatever its precision (``...:05Z``, ``...:05.25Z``)."""
    return datetime.fromisoformat(at.removesuffix("Z"))


class LogClock:
    """Fed every event in seq order: the first live event whose time runs backwards or into the future."""

    def __init__(self, now: str, history_until: int = 0) -> None:
        self.latest_live: datetime | None = None
        self.latest_at = ""
        self.limit = moment(now) + TIME_TOLERANCE
        self.history_until = history_until
        self.out_of_order_history = 0  # history events older than the log's earlier ones: findings

    def feed(self, seq: int, at: str, history: bool) -> Problem | None:
        when = moment(at)
        if history:
            return None
        if when > self.limit:
            return Problem(seq, "it is dated after this check ran (a clock cannot record the future)")
        if self.latest_live is not None and when < self.latest_live - TIME_TOLERANCE:
            return Problem(seq, f"it is dated before a live event already in the log ({self.latest_at}): "
                                "recorded live, it was backdated")
        if self.latest_live is None or when > self.latest_live:
            self.latest_live, self.latest_at = when, at
        return None


def shape_problem(event: Event) -> str | None:
    """An event whose kind is not one csconsole records, or on a ticket when it is about none (or not)."""
    if event.kind not in KNOWN_KINDS:
        return f"kind {event.kind!r} is not one csconsole records"
    if (event.kind in REGISTRY_KINDS) != (event.ticket_id is None):
        return "it is on a ticket, yet about the floor's records" if event.ticket_id is not None \
            else "it is on no ticket, yet about one"
    return None


_BREACHING = frozenset({EventKind.TRANSFER, EventKind.REASSIGN, EventKind.STATUS})  # kinds findings.breaches judges
_EVALUATING = frozenset({EventKind.EVALUATION, EventKind.RECOVERY_STEP})


class TicketWitness:
    """Hears tickets' events with each ticket's state before each (``ticket.fold(..., witness=)``), one
    ticket after another (``begin``), and keeps the first event that could not have been recorded as it
    claims (with its ticket) and a count of the history's findings.

    Heard for every event of every ticket by ``audit verify``: the lookups are spelled out, not looped.
    """

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.problem: Problem | None = None
        self.problem_ticket: int | None = None
        self.findings = 0  # rule breaches and time-order slips in the history
        self.breaches: list[Finding] = []  # the history's rule breaches, in order (``findings.rule_breaches``)
        self._latest = ""
        self._ticket: int | None = None
        self._until = registry.history_until
        added = registry.added
        self._agents, self._queues = added[Entity.AGENT], added[Entity.QUEUE]
        self._customers, self._policies = added[Entity.CUSTOMER], added[Entity.POLICY]

    def begin(self, ticket_id: int) -> TicketWitness:
        """The next ticket's events follow."""
        self._ticket, self._latest = ticket_id, ""
        return self

    def __call__(self, event: Event, state: TicketState) -> None:
        if self.problem is not None and self.problem_ticket == self._ticket:
            return
        seq = event.seq or 0
        data = event.data
        kind = event.kind
        history = seq <= self._until or IMPORT_MARK in data or BACKFILL_MARK in data
        if kind not in KNOWN_KINDS or kind in REGISTRY_KINDS:
            what = shape_problem(event)
        else:
            try:
                what = self._unknown(event, seq, kind, data)
            except (KeyError, TypeError, ValueError):
                what = f"its data does not name what a {kind} needs"
        if what is None and not history and event.actor is not None:
            what = _live_authority(event, self.registry)
        if what is None and kind in _BREACHING:
            role = self.registry.role_at(event.actor, seq) if event.actor is not None else None
            for rule, detail in breaches(event, state, role):
                if not history:
                    what = f"{rule}: recorded live, yet the console refuses it"
                    break
                self.findings += 1
                self.breaches.append(Finding(self._ticket or 0, event.seq, event.at, rule, detail))
        if what is not None:
            if self.problem is None or seq < self.problem.seq:
                self.problem, self.problem_ticket = Problem(seq, what), self._ticket
            return
        at = event.at
        if history and at < self._latest:
            self.findings += 1  # imported out of time order: the source system's clock
        elif at > self._latest:
            self._latest = at

    def _unknown(self, event: Event, seq: int, kind: str, data: dict[str, object]) -> str | None:
        """The first record the event names that no earlier event added (0: added by the backfill)."""
        actor = event.actor
        if actor is not None:
            added = self._agents.get(actor)
            if added is None or (added and added >= seq):
                return f"by agent {actor}, whom no earlier event added"
        if kind == EventKind.CREATED:
            customer, queue = int(data["customer"]), int(data["queue"])  # type: ignore[call-overload]
            added = self._customers.get(customer)
            if added is None or (added and added >= seq):
                return f"for customer {customer}, which no earlier event added"
            added = self._queues.get(queue)
            if added is None or (added and added >= seq):
                return f"in queue {queue}, which no earlier event added"
        elif kind in HOLDER_KINDS:
            queue = int(data["queue"])  # type: ignore[call-overload]
            added = self._queues.get(queue)
            if added is None or (added and added >= seq):
                return f"to queue {queue}, which no earlier event added"
            owner = data.get("owner")
            if owner is not None:
                added = self._agents.get(owner)  # type: ignore[call-overload]
                if added is None or (added and added >= seq):
                    return f"to agent {owner}, whom no earlier event added"
        elif kind in _EVALUATING:
            associate, policy = data.get("associate"), data.get("policy")
            if associate is not None:
                added = self._agents.get(associate)  # type: ignore[call-overload]
                if added is None or (added and added >= seq):
                    return f"of agent {associate}, whom no earlier event added"
            if policy is not None:
                added = self._policies.get(policy)  # type: ignore[call-overload]
                if added is None or (added and added >= seq):
                    return f"naming policy {policy}, which no earlier event added"
        return None


def _live_authority(event: Event, registry: Registry) -> str | None:
    if event.actor is None:
        return None
    agent = registry.agent_at(event.actor, event.seq or 0)
    if agent is None:
        return None  # missing_reference said it
    if not agent.active:
        return f"by {agent.name}, who was not active then"
    if event.kind in SUPERVISOR_KINDS and not agent.role.may_supervise:
        return (f"a {event.kind} by {agent.name}, an {agent.role.value} then: only a supervisor or manager "
                "records it live")
    return None
