"""A realistic demo floor, deterministic for a seed (DESIGN §6 ``demo``).

A dozen queues, ~60 agents (supervisors and managers among them), customers with tenure (some loyal),
tickets over the last 30 days across channels and priorities. Most tickets are resolved by their
first owner; a tail is transferred, some genuinely ping-pong between two queues, some customers call
again and again, some SLAs are breached, and the recent ones are still open.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from csconsole.domain import clock
from csconsole.domain.errors import BadInput
from csconsole.domain.recovery import RecoveryCase
from csconsole.domain.registry_events import make_customer_added
from csconsole.domain.sla_policy import EMPTY_BOOK
from csconsole.domain.ticket import Event
from csconsole.domain.words import Role
from csconsole.io.demo_process import one_build_at_a_time, stories_in_child
from csconsole.io.demo_recovery import DemoRecovery, insert_derived, insert_policies
from csconsole.io.demo_words import (
    CHANNELS,
    CONTACT_NOTES,
    FIRST,
    LAST,
    PINGPONG_PAIRS,
    PRIORITIES,
    QUEUES,
    REASONS,
    REPLIES,
    SLA_MINUTES,
    SUBJECTS,
    TRANSFER_NOTES,
    customer_name,
)
from csconsole.store import registry
from csconsole.store.bulk import BulkLoader, EventRow, bulk_loader, encode_ticket
from csconsole.store.postgres.url import PostgresURL
from csconsole.store.store import Where, location_of

Progress = Callable[[int, int], None]

DAYS = 30


@dataclass(frozen=True)
class DemoSummary:
    tickets: int
    events: int
    agents: int
    queues: int
    customers: int
    seconds: float


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> Callable[[], str]:
    values = [v for v, _ in table]
    cum = []
    total = 0
    for _, w in table:
        total += w
        cum.append(total)
    import bisect

    def pick() -> str:
        return values[bisect.bisect_right(cum, rng.random() * total)]
    return pick


PARALLEL_FROM = 50_000  # from this size the stories are written in a second process while this one stores
BATCH = 10_000  # tickets a producer hands over at a time


def build_demo(
    where: Where, *, tickets: int = 20_000, seed: int = 7, now: datetime | None = None,
    progress: Progress | None = None, parallel: bool | None = None,
) -> DemoSummary:
    """Create the demo store at ``where``: a file that must not exist yet, or a database whose store is
    empty (created there when it has none).

    Large stores are built by two processes: a producer writes the tickets' stories (the CPU-heavy half:
    the floor's patterns and every derived number) while this process chains their hashes and stores
    them. Both ways give the same store, byte for byte in its events, for the same seed and ``now``, on
    either engine.
    """
    location = location_of(where)
    if isinstance(location, PostgresURL):
        return _build(location, tickets, seed, now, progress, parallel)  # the server refuses a store not empty
    if location.exists():
        raise BadInput(f"{location} already exists; the demo never overwrites a store")
    if not location.parent.exists():
        raise BadInput(f"folder {location.parent} does not exist")
    with one_build_at_a_time(location):
        return _build(location, tickets, seed, now, progress, parallel)


def _build(location: Path | PostgresURL, tickets: int, seed: int, now: datetime | None,
           progress: Progress | None, parallel: bool | None) -> DemoSummary:
    started = time.perf_counter()
    anchor = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    loader = bulk_loader(location)
    try:
        floor = _lay_out(loader, random.Random(seed), tickets, int(anchor.timestamp()))
        use_child = tickets >= PARALLEL_FROM if parallel is None else parallel
        batches = stories_in_child(_stories, floor) if use_child else _stories(floor)
        for batch in batches:
            loader.add_rows(batch.tickets, batch.events)
            for customer_id, count in batch.resolved.items():
                floor.resolved[customer_id] = floor.resolved.get(customer_id, 0) + count
            if batch.cases or batch.evaluations:
                loader.flush()  # their tickets first: a server checks every reference as it goes
                insert_derived(loader.store, batch.cases, batch.evaluations)
            if progress:
                progress(loader.tickets, tickets)
        loader.set_resolved_tickets(floor.resolved)
        loader.finish()
    except BaseException:
        loader.abandon()
        raise
    return DemoSummary(tickets, loader.last_seq, floor.agents, len(QUEUES), floor.customer_count,
                       time.perf_counter() - started)


@dataclass
class _Floor:
    """Everything the story producer needs, picklable (it may run in another process)."""

    total: int
    end: int
    rng_state: object
    staff: dict[str, list[int]]
    supervisors: list[int]
    queue_ids: dict[str, int]
    customer_count: int
    agents: int
    policy_ids: list[int]
    first_seq: int  # the stories' events come after the floor's records
    resolved: dict[int, int] = field(default_factory=dict)


@dataclass
class _Batch:
    tickets: list[tuple[object, ...]]
    events: list[EventRow]
    resolved: dict[int, int]  # customer id → tickets resolved or closed in this batch
    cases: list[RecoveryCase] = field(default_factory=list)
    evaluations: list[Event] = field(default_factory=list)


# The demo is generated history: every event is marked as imported (DEMO_BATCH), so ``audit verify`` judges
# its time order and its rule breaches as history, as it would an import's.
DEMO_BATCH = "demo"


def _lay_out(loader: BulkLoader, rng: random.Random, total: int, end: int) -> _Floor:
    """Queues, agents, customers and policies: the floor the tickets happen on."""
    opened = clock.from_epoch(end - (DAYS + 60) * 86400)  # the floor's records come before its tickets
    queue_ids = {}
    for name in QUEUES:
        queue_ids[name] = registry.add_queue(loader, name, at=opened, batch=DEMO_BATCH).id
    # ~60 agents: 4 per queue plus the leads; names unique.
    staff: dict[str, list[int]] = {q: [] for q in QUEUES}
    supervisors: list[int] = []
    used: set[str] = set()
    plan: list[tuple[str | None, Role]] = [(q, Role.AGENT) for q in QUEUES for _ in range(4)]
    plan += [(q, Role.SUPERVISOR) for q in QUEUES[:8]]
    plan += [(None, Role.MANAGER)] * 3
    for queue, role in plan:
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name not in used:
                used.add(name)
                break
        qid = queue_ids[queue] if queue else None
        agent_id = registry.add_agent(loader, name, role, qid, at=opened, batch=DEMO_BATCH).id
        if role is Role.AGENT and queue is not None:
            staff[queue].append(agent_id)
        else:
            supervisors.append(agent_id)
    # Customers: about one per three tickets; tenure up to six years; a few come back often.
    customer_count = max(1, total // 3)
    customers = []
    for i in range(customer_count):
        years = rng.random() ** 1.5 * 6
        since = end - int(years * 365 * 86400) - DAYS * 86400
        customers.append(make_customer_added(i + 1, customer_name(i), clock.from_epoch(since), opened))
    registry.add_many(loader, customers, DEMO_BATCH)
    policy_ids = insert_policies(loader, end, DEMO_BATCH)
    return _Floor(total, end, rng.getstate(), staff, supervisors, queue_ids, customer_count, len(plan),
                  policy_ids, loader.last_seq)


def _stories(floor: _Floor) -> Iterator[_Batch]:
    """Every ticket's events, numbered and folded, in batches. No database: runs anywhere."""
    rng = random.Random()
    rng.setstate(floor.rng_state)  # type: ignore[arg-type]
    channel = _weighted(rng, CHANNELS)
    priority = _weighted(rng, PRIORITIES)
    queue_weights = tuple((q, w) for q, w in zip(QUEUES, (20, 18, 10, 9, 3, 8, 10, 6, 4, 5, 2, 5), strict=True))
    pick_queue = _weighted(rng, queue_weights)
    start = floor.end - DAYS * 86400
    gen = _TicketStory(rng, floor.staff, floor.supervisors, floor.queue_ids, floor.end)
    # Service recovery (issue 4) draws from its own seeded stream so the tickets stay as they were.
    recovery = DemoRecovery(sum(rng.getstate()[1][:4]), floor.supervisors, floor.end, floor.policy_ids)
    book = EMPTY_BOOK  # the demo's queues keep the default policy: 24/7, DESIGN §1 targets
    seq = floor.first_seq
    batch = _Batch([], [], {})
    for n in range(1, floor.total + 1):
        # Tickets spread over 30 days, denser recently.
        created = start + int((rng.random() ** 0.9) * (floor.end - start - 600))
        queue = pick_queue()
        customer_id = 1 + int((rng.random() ** 2) * floor.customer_count) % floor.customer_count
        events = gen.story(n, created, queue, customer_id, channel(), priority())
        recovery.extend(events)
        state, row, rows = encode_ticket(n, f"T-{n:07d}", events, book, seq, DEMO_BATCH)
        seq += len(rows)
        batch.tickets.append(row)
        batch.events.extend(rows)
        if state.is_done:
            batch.resolved[customer_id] = batch.resolved.get(customer_id, 0) + 1
        if len(batch.tickets) >= BATCH:
            yield batch
            batch = _Batch([], [], {})
    batch.cases, batch.evaluations = recovery.derived()
    yield batch


class _TicketStory:
    """Writes one ticket's life as events, with the floor's real patterns."""

    def __init__(self, rng: random.Random, staff: dict[str, list[int]], supervisors: list[int],
                 queue_ids: dict[str, int], end: int) -> None:
        self.rng = rng
        self.staff = staff
        self.supervisors = supervisors
        self.queue_ids = queue_ids
        self.end = end
        self.partner: dict[str, str] = {}
        for a, b in PINGPONG_PAIRS:
            self.partner.setdefault(a, b)
            self.partner.setdefault(b, a)

    def story(self, n: int, created: int, queue: str, customer: int, channel: str, priority: str) -> list[Event]:
        rng = self.rng
        at = created
        events = [Event(n, "created", clock.from_epoch(at), None, {
            "customer": customer, "subject": rng.choice(SUBJECTS[queue]), "channel": channel,
            "priority": priority, "queue": self.queue_ids[queue]})]
        age_hours = (self.end - created) / 3600
        target = SLA_MINUTES[priority] * 60
        roll = rng.random()

        def step(seconds: float) -> bool:
            """Advance the clock; False once the story would run past now (the ticket stays open)."""
            nonlocal at
            at += max(1, int(seconds))
            return at < self.end

        # Some of the newest tickets wait unowned in their queue.
        if age_hours < 6 and roll < 0.35:
            return events
        # First response: mostly within target, a tail breaches it; the take comes first.
        late = rng.random() < 0.08
        first_reply = target * (rng.uniform(0.1, 0.9) if not late else rng.uniform(1.05, 4))
        if not step(first_reply * rng.uniform(0.1, 0.5)):
            return events
        owner = rng.choice(self.staff[queue])
        qid = self.queue_ids[queue]
        events.append(Event(n, "take", clock.from_epoch(at), owner, {"queue": qid, "owner": owner}))
        if not step(created + first_reply - at):
            return events
        events.append(Event(n, "reply", clock.from_epoch(at), owner, {"note": rng.choice(REPLIES)}))

        handoffs = 0
        if roll < 0.05 and queue in self.partner:
            handoffs = rng.choice((3, 3, 4, 5))  # genuine ping-pong between two queues
        elif roll < 0.13:
            handoffs = 1
        elif roll < 0.17:
            handoffs = 2
        here, other = queue, self.partner.get(queue) or rng.choice([q for q in QUEUES if q != queue])
        for _ in range(handoffs):
            if not step(rng.uniform(1800, 6 * 3600)):
                return events
            here, other = other, here
            new_owner = rng.choice(self.staff[here]) if rng.random() < 0.6 else None
            events.append(Event(n, "transfer", clock.from_epoch(at), owner, {
                "queue": self.queue_ids[here], "owner": new_owner, "note": rng.choice(TRANSFER_NOTES) if rng.random() > 0.02 else ""}))  # a few say nothing
            if rng.random() < 0.6:
                if not step(rng.uniform(600, 3 * 3600)):
                    return events
                events.append(Event(n, "contact", clock.from_epoch(at), None, {"note": rng.choice(CONTACT_NOTES)}))
                if rng.random() < 0.8:
                    if not step(rng.uniform(0.1, 0.95) * target):
                        return events
                    events.append(Event(n, "reply", clock.from_epoch(at), owner, {"note": rng.choice(REPLIES)}))
            if new_owner is None:
                if not step(rng.uniform(300, 2 * 3600)):
                    return events
                new_owner = rng.choice(self.staff[here])
                events.append(Event(n, "take", clock.from_epoch(at), new_owner,
                                    {"queue": self.queue_ids[here], "owner": new_owner}))
            owner = new_owner
            if rng.random() < 0.5:
                if not step(rng.uniform(300, target * 1.5)):
                    return events
                events.append(Event(n, "reply", clock.from_epoch(at), owner, {"note": rng.choice(REPLIES)}))
        # A supervisor steps in on some of the bounced ones.
        if handoffs >= 3 and rng.random() < 0.3:
            if not step(rng.uniform(600, 7200)):
                return events
            boss = rng.choice(self.supervisors)
            owner = rng.choice(self.staff[here])
            events.append(Event(n, "reassign", clock.from_epoch(at), boss, {
                "queue": self.queue_ids[here], "owner": owner, "reason": rng.choice(REASONS)}))
        # Customers who call back while waiting.
        extra_contacts = 0
        r = rng.random()
        if r < 0.04 + 0.1 * (handoffs >= 3):
            extra_contacts = 2
        elif r < 0.16:
            extra_contacts = 1
        for _ in range(extra_contacts):
            if not step(rng.uniform(1800, 30 * 3600)):
                return events
            events.append(Event(n, "contact", clock.from_epoch(at), None, {"note": rng.choice(CONTACT_NOTES)}))
            if not step(rng.uniform(0.1, 1.15) * target):
                return events
            events.append(Event(n, "reply", clock.from_epoch(at), owner, {"note": rng.choice(REPLIES)}))
        if rng.random() < 0.03:
            if not step(600):
                return events
            events.append(Event(n, "escalate", clock.from_epoch(at), owner,
                                {"priority": "urgent",
                                 "note": "Customer at risk of leaving"}))
        # Resolve, then close a day or so later.
        if not step(rng.uniform(600, 20 * 3600)):
            return events
        events.append(Event(n, "status", clock.from_epoch(at), owner, {"status": "resolved", "note": ""}))
        if not step(rng.uniform(3600, 48 * 3600)):
            return events
        # Now and then a colleague closes someone else's ticket: a rule breach the audit pack must find.
        closer = owner if rng.random() > 0.005 else rng.choice(self.staff[here])
        events.append(Event(n, "status", clock.from_epoch(at), closer, {"status": "closed", "note": ""}))
        return events
