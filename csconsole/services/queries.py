"""What the console and the CLI read: lists, counts, per-queue figures, one ticket's whole story."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from csconsole.domain import clock, history
from csconsole.domain.errors import NotFound
from csconsole.domain.read_models import EventView, Key, Order, PathStep, QueueStats, TicketFilter, TicketRow
from csconsole.domain.recovery import RecoveryCase, fold_cases
from csconsole.domain.rules import Agent
from csconsole.domain.sla_view import ClockView, clock_views
from csconsole.domain.ticket import Event, effective, reverted_seqs
from csconsole.domain.words import EventKind
from csconsole.store import directory, ledger, queries
from csconsole.store import policies as policy_register
from csconsole.store.store import Store

__all__ = ["Key", "Order"]


def tickets_page(
    store: Store, flt: TicketFilter, *, order: Order = Order(), after: Key | None = None, limit: int = 100,
    now: str | None = None, inclusive: bool = False,
) -> list[TicketRow]:
    """Up to ``limit`` rows after the key ``after`` (``inclusive``: from the row of that key on)."""
    return queries.page(store, flt, now or clock.now_text(), order=order, after=after, limit=limit,
                        inclusive=inclusive)


def tickets_count(store: Store, flt: TicketFilter, now: str | None = None) -> int:
    return queries.count(store, flt, now or clock.now_text())


def tickets_count_and_page(
    store: Store, flt: TicketFilter, *, order: Order = Order(), limit: int = 100, now: str | None = None,
) -> tuple[int, list[TicketRow]]:
    """A list's count and first page, as a view shows them when its filter or sort changes."""
    return queries.count_and_page(store, flt, now or clock.now_text(), order=order, limit=limit)


def tickets_by_id(store: Store, ids: list[int], now: str | None = None) -> list[TicketRow]:
    return queries.rows_by_id(store, ids, now or clock.now_text())


def ticket_position(store: Store, flt: TicketFilter, ticket_id: int, *, order: Order = Order(),
                    now: str | None = None) -> int | None:
    """The row a ticket sits on in a list (0 first), or None when the list leaves it out."""
    return queries.position(store, flt, now or clock.now_text(), order=order, ticket_id=ticket_id)


def page_anchors(store: Store, flt: TicketFilter, *, order: Order, step: int, now: str | None = None) -> list[Key]:
    return queries.anchors(store, flt, now or clock.now_text(), order=order, step=step)


def key_of(row: TicketRow, order: Order) -> Key:
    return queries.key_of(row, order)


def all_tickets(store: Store, flt: TicketFilter, *, batch: int = 1000, now: str | None = None) -> Iterator[TicketRow]:
    """Every matching row, fetched page by page (for the CLI and exports; never held all at once)."""
    moment = now or clock.now_text()
    after: Key | None = None
    while True:
        rows = queries.page(store, flt, moment, after=after, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        after = queries.key_of(rows[-1], Order())


def find_ticket(store: Store, ref_or_id: str) -> int:
    """A ticket by its reference, or by its number."""
    text = ref_or_id.strip()
    found = queries.ticket_id_by_ref(store, text)
    if found is None and text.isdigit():
        found = int(text) if queries.ticket_exists(store, int(text)) else None
    if found is None:
        raise NotFound(f"no ticket {text!r}")
    return found


def queue_stats(store: Store, now: str | None = None) -> list[QueueStats]:
    return queries.queue_stats(store, now or clock.now_text())


@dataclass(frozen=True)
class AgentLoad:
    agent: Agent
    queue: str | None
    open_tickets: int


def agents_with_load(store: Store) -> list[AgentLoad]:
    queue_names, _ = directory.names(store)
    loads = queries.agent_loads(store)
    return [
        AgentLoad(a, queue_names.get(a.queue_id) if a.queue_id is not None else None, loads.get(a.id, 0))
        for a in directory.agents(store)
    ]


def agents(store: Store) -> list[Agent]:
    return directory.agents(store)


def agent_by_name(store: Store, name: str) -> Agent:
    return directory.agent_by_name(store, name)


def queues(store: Store) -> list[directory.Queue]:
    return directory.queues(store)


def queue_by_name(store: Store, name: str) -> directory.Queue:
    return directory.queue_by_name(store, name)


@dataclass(frozen=True)
class TicketDetail:
    row: TicketRow
    customer_since: str
    path: list[PathStep]
    events: list[EventView]
    recovery_cases: list[RecoveryCase]  # oldest first; folded from the ticket's own events
    clocks: list[ClockView]  # first reply, next reply, resolution, as they stand now


def ticket_detail(store: Store, ticket_id: int, now: str | None = None, *, currency: str = "") -> TicketDetail:
    """One ticket's whole story. ``currency`` goes with goodwill amounts in the history (a preference of the
    console: the events record amounts alone)."""
    now = now or clock.now_text()
    with store.read():
        rows = queries.rows_by_id(store, [ticket_id], now)
        state = ledger.load_state(store, ticket_id)
        if not rows or state is None:
            raise NotFound(f"no ticket with id {ticket_id}")
        row = rows[0]
        clocks = clock_views(state.sla, now, ledger.policy_book(store))
        customer = directory.customer_by_name(store, row.customer)
        queue_names, agent_names = directory.names(store)
        policy_names = {p.id: p.name for p in policy_register.policies(store)}
        raw = [(seq, kind, at, actor, json.loads(data))
               for seq, kind, at, actor, data in queries.event_rows(store, ticket_id)]
    story = [Event(ticket_id, kind, at, actor, data, seq) for seq, kind, at, actor, data in raw]
    undone = reverted_seqs(story)
    steps = history.path_steps([(e.kind, e.at, e.actor, e.data) for e in effective(story)],
                               queue_names, agent_names, row.customer)
    kinds = {seq: (kind, data) for seq, kind, _at, _actor, data in raw}

    def told(kind: str, data: dict[str, object]) -> str:
        if kind == EventKind.REVERT:
            return history.revert_summary(data, kinds)
        return history.summary(kind, data, queue_names, agent_names, policy_names, currency)

    events = [
        EventView(seq, kind, at, history.actor_name(actor, agent_names, row.customer), data, told(kind, data),
                  undone=seq in undone or kind == EventKind.REVERT)
        for seq, kind, at, actor, data in raw
    ]
    cases = fold_cases(story)
    return TicketDetail(row, customer.since if customer else "", steps, events, list(cases.values()), clocks)


@dataclass(frozen=True)
class FloorStats:
    queues: list[QueueStats]
    bounced_over_two: int
    senior_callbacks: int
    breached: int
    open_tickets: int


def floor_stats(store: Store, now: str | None = None) -> FloorStats:
    moment = now or clock.now_text()
    with store.read():
        per_queue = queries.queue_stats(store, moment)
        open_flt = TicketFilter(open_only=True)
        return FloorStats(
            queues=per_queue,
            bounced_over_two=queries.count(store, open_flt.with_(min_bounces=3), moment),
            senior_callbacks=queries.count(store, open_flt.with_(min_contacts=3), moment),
            breached=sum(q.breached for q in per_queue),
            open_tickets=sum(q.depth for q in per_queue),
        )

