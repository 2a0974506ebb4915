"""``audit verify``: does the store hold what its events say, and could the events have been recorded so?

Four checks, each naming the first thing wrong in one plain line, in this order of weight:

1. **the chain**: every event's hash (``chain``), and a head an auditor kept;
2. **forged appends** (``domain.provenance``): a live event dated backwards or in the future, an actor,
   owner, queue, customer or policy no earlier event added, a live action the console refuses;
3. **every derived table**, recomputed from the events alone (``recompute``) and compared row by row:
   tickets, recovery cases, evaluations, Zendesk links, queues, agents, customers (and their resolved
   tickets), policies, checklists, PIN commitments, the dashboard's tallies;
4. **the schema**: every table, index and append-only trigger csconsole makes, as it makes them.

The work is cut into parts (``verify_work``): ranges of the chain and ranges of tickets. A large store's
parts run in two processes (the machine's two cores), each with its own snapshot, while this one compares
the floor's records and the tallies in its own (and runs the caller's ``meanwhile``); the customers'
resolved tickets are counted by the parts as they fold the tickets, and the schema is checked last.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from csconsole.domain import clock
from csconsole.domain.findings import Finding
from csconsole.domain.provenance import TIME_TOLERANCE, LogClock, is_history, moment, shape_problem
from csconsole.domain.registry import Entity, Registry
from csconsole.domain.ticket import Event
from csconsole.store import chain, recompute, search, table_dump, tallies
from csconsole.store import registry as registry_rows
from csconsole.store.differences import Labels, describe, differences
from csconsole.store.verify_work import (
    CARRIED_IN_ALL,
    CHAIN_PART,
    ChainPart,
    Late,
    TicketPart,
    Worker,
    late_line,
    run,
    start,
)

if TYPE_CHECKING:
    from csconsole.store.store import Store

Progress = Callable[[int, int], None]
POOL_FROM = 200_000  # events: from this many the parts run in two processes
PROCESSES = 2
REGISTRY_ORDER = (Entity.QUEUE, Entity.AGENT, Entity.CUSTOMER, Entity.POLICY, Entity.CHECKLIST, Entity.PIN)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int  # events whose hash was checked
    head: chain.Head
    problem: str = ""
    bad_seq: int | None = None
    rows: int = 0  # derived rows compared with their events (0: the chain alone)
    findings: int = 0  # imported history out of time order or breaking a rule: listed, not failed
    withheld_pins: int = 0  # PIN hashes a store rebuilt from an audit pack does not have
    # Of a store that holds, for the audit pack (the same fold found them): the history's rule breaches by
    # ticket and seq, as ``findings.rule_breaches`` names them (None: too many to carry, or not looked for),
    # and the tickets' events of each kind.
    breaches: tuple[Finding, ...] | None = None
    ticket_kinds: dict[str, int] = field(default_factory=dict)


def verify(store: Store, expected_head: str | None = None, *, chain_only: bool = False,
           progress: Progress | None = None, now: str | None = None,
           meanwhile: Callable[[], None] | None = None) -> Verdict:
    """Check the store, in a read snapshot of it; ``chain_only``: the hash chain alone (seconds).

    ``meanwhile``: the caller's own work on this connection, in this snapshot, run once while the parts
    are checked by the pool's processes (the audit pack writes its tables then, on the core the pool
    leaves); on a store small enough to be checked here, or when there is nothing to check, before."""
    pending = [meanwhile] if meanwhile is not None else []

    def run_meanwhile() -> None:
        while pending:
            pending.pop()()

    with store.read():
        head = chain.head(store)
        gone = missing_tables(store)
        if gone and not chain_only:  # nothing to compare them with: the chain, then the table missing
            run_meanwhile()
            found = chain.verify(store, expected_head)
            problem = found.problem or f"the table {gone[0]} is missing (dropped)"
            return Verdict(False, found.checked, found.head, problem, found.bad_seq)
        if chain_only:
            run_meanwhile()
            found = chain.verify(store, expected_head, read=_Ticker(progress, head.seq))
            return Verdict(found.ok, found.checked, found.head, found.problem, found.bad_seq)
        verdict = _Verify(store, head, expected_head, now or clock.now_text(), progress, run_meanwhile).run()
        run_meanwhile()  # (already run, unless no part was checked)
        return verdict


class _Ticker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, max(total, 1), 0

    def __call__(self, units: int) -> None:
        self.done += units
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


class _Verify:
    def __init__(self, store: Store, head: chain.Head, expected: str | None, now: str,
                 progress: Progress | None, meanwhile: Callable[[], None]) -> None:
        self.store, self.head, self.expected, self.now = store, head, expected, now
        self.meanwhile = meanwhile
        self.tick = _Ticker(progress, 2 * head.seq)
        self.forged: tuple[int, str, int | None, str, str] | None = None  # seq, why, ticket, kind, at

    def run(self) -> Verdict:
        store = self.store
        with self._pool() as pool:  # its processes start, and fold the floor's records, while this one does
            registry_clock = LogClock(self.now)
            registry, wrong = recompute.fold_registry(
                store, lambda e, r: _check_record(e, r, registry_clock), read=self.tick)
            if wrong is not None:
                event, what = wrong
                self._forged((event.seq or 0, what, None, event.kind, event.at))
            tasks = self._tasks(registry, wrong is None)
            if pool is None:
                parts = self._run_here(tasks, registry)
                records = _records(store, registry) if wrong is None else None
            else:
                pending = pool.imap_unordered(run, tasks)  # the pool starts on them at once; meanwhile here:
                records = _records(store, registry) if wrong is None else None
                self.meanwhile()  # the caller's own work (the audit pack writes its tables)
                parts = self._collect(pending)
        chains = sorted((p for p in parts if isinstance(p, ChainPart)), key=lambda p: p.low)
        broken = self._chain_problem(chains)
        if broken is not None:
            return broken
        tickets = sorted((p for p in parts if isinstance(p, TicketPart)), key=lambda p: p.low)
        for part in tickets:
            if part.forged is not None:
                self._forged(part.forged)
        table = next((p.table_problem for p in tickets if p.table_problem), None)
        rows = sum(p.rows for p in tickets)
        if table is None and records is not None:
            table, counted, tallied = records
            rows += counted
            table = table or _resolved_problem(store, tickets) or tallied
        problem = self._forged_line() or table or _schema_problem(store)
        bad = self.forged[0] if self.forged is not None and problem == self._forged_line() else None
        carried = [p.breaches for p in tickets]
        breaches = tuple(f for found in carried for f in found or ()) \
            if problem is None and None not in carried else None
        kinds: dict[str, int] = {}
        for part in tickets:
            for kind, count in part.kinds.items():
                kinds[kind] = kinds.get(kind, 0) + count
        return Verdict(problem is None, self.head.seq, self.head, problem or "", bad, rows,
                       sum(p.findings for p in tickets), registry_rows.withheld_pins(store), breaches, kinds)

    def _tasks(self, registry: Registry, with_tickets: bool) -> list[tuple[str, int, int]]:
        chain_parts = [("chain", low, low + CHAIN_PART) for low in range(1, self.head.seq + 1, CHAIN_PART)]
        ticket_parts = [("tickets", low, high) for low, high in recompute.ticket_ranges(self.store)] \
            if with_tickets else []
        tasks: list[tuple[str, int, int]] = []
        every = max(1, len(ticket_parts) // max(1, len(chain_parts)))
        for index, part in enumerate(ticket_parts):  # interleaved: both processes stay busy to the end
            if index % every == 0 and chain_parts:
                tasks.append(chain_parts.pop(0))
            tasks.append(part)
        return tasks + chain_parts

    def _pool(self) -> contextlib.AbstractContextManager[Any]:
        """Two processes for a large store (None: the parts run here)."""
        if self.head.seq < POOL_FROM:
            return contextlib.nullcontext()
        context = multiprocessing.get_context("spawn")  # the console calls this from a worker thread
        return context.Pool(PROCESSES, initializer=start,
                            initargs=(self.store.location, self.expected, self.head.seq, self.now))

    def _run_here(self, tasks: list[tuple[str, int, int]], registry: Registry) -> list[ChainPart | TicketPart]:
        self.meanwhile()
        worker = Worker(self.store, self.expected, self.head.seq, self.now, registry)
        return self._collect(worker.chain_part(low, high) if what == "chain" else worker.ticket_part(low, high)
                             for what, low, high in tasks)

    def _collect(self, parts: Iterable[ChainPart | TicketPart]) -> list[ChainPart | TicketPart]:
        done: list[ChainPart | TicketPart] = []
        carried = 0
        for part in parts:
            done.append(part)
            self.tick(part.checked if isinstance(part, ChainPart) else part.events)
            if isinstance(part, TicketPart) and part.breaches is not None:
                carried += len(part.breaches)
                if carried > CARRIED_IN_ALL:
                    part.breaches = None  # too many to hold: the audit pack walks the log for them
        return done

    # -- putting the parts together -----------------------------------------------------------------------

    def _chain_problem(self, parts: Iterable[ChainPart]) -> Verdict | None:
        """The chain's first broken link, or a kept head missing; the first live event out of time order
        (into ``self.forged``)."""
        checked, seen, last = 0, self.expected is None, chain.Head(0, chain.GENESIS)
        carry: tuple[datetime, Late] | None = None  # latest live event so far, and its moment
        for part in parts:
            if part.problem:
                return Verdict(False, checked + part.checked, part.last or last, part.problem, part.bad_seq)
            checked += part.checked
            seen = seen or part.kept_head_seen
            last = part.last or last
            found = [part.late] if part.late is not None else []
            if carry is not None:
                limit = carry[0] - TIME_TOLERANCE
                low = next((x for x in part.lows if moment(x[1]) < limit), None)
                if low is not None:
                    found.append((low, late_line(carry[1])))
            if found:
                (seq, at, ticket_id, kind), why = min(found, key=lambda f: f[0][0])
                self._forged((seq, why, ticket_id, kind, at))
            if part.top is not None and (carry is None or moment(part.top[1]) > carry[0]):
                carry = (moment(part.top[1]), part.top)
        if not seen:
            return Verdict(False, checked, last,
                           f"the head {self.expected} kept earlier is not in the chain: the log was rewritten")
        return None

    def _forged(self, found: tuple[int, str, int | None, str, str]) -> None:
        if self.forged is None or found[0] < self.forged[0]:
            self.forged = found

    def _forged_line(self) -> str | None:
        if self.forged is None:
            return None
        seq, what, ticket_id, kind, at = self.forged
        on = "the floor's records" if ticket_id is None else table_dump.ticket_ref(self.store, ticket_id)
        return f"event {seq} ({kind} on {on} at {at}): {what}"


def _check_record(event: Event, registry: Registry, log: LogClock) -> str | None:
    """An event on no ticket: its shape, its actor, its time (the registry's own clock)."""
    seq = event.seq or 0
    what = shape_problem(event)
    if what is None and event.actor is not None and not registry.exists_at(Entity.AGENT, event.actor, seq):
        what = f"by agent {event.actor}, whom no earlier event added"
    if what is None:
        late = log.feed(seq, event.at, is_history(event, registry.history_until))
        what = late.what if late is not None else None
    return what


def _records(store: Store, registry: Registry) -> tuple[str | None, int, str | None]:
    """The floor's records against their events: the first difference, and how many rows were compared;
    and the dashboard's tallies against the ticket rows (which the parts prove, meanwhile, by the events)."""
    labels, compared = Labels(registry), 0
    for entity in REGISTRY_ORDER:
        made = recompute.registry_rows(registry, entity)
        compared += len(made)
        table = registry_rows.SHAPES[entity].table if entity in registry_rows.SHAPES else registry_rows.PINS_TABLE
        first = next(iter(differences(table, registry_rows.columns(entity), recompute.stored_registry(store, entity),
                                      made, lambda r: (r[0],))), None)
        if first is not None:
            return describe(first, labels), compared, None
    return None, compared, tallies.mismatch(store)


def _resolved_problem(store: Store, parts: Iterable[TicketPart]) -> str | None:
    """The first customer whose resolved tickets as stored are not the count of their tickets that are
    done by the events (which the parts counted as they folded them)."""
    done: dict[int, int] = {}
    for part in parts:
        for customer, count in part.done.items():
            done[customer] = done.get(customer, 0) + count
    for customer, stored in recompute.stored_resolved(store):
        counted = done.get(customer, 0)
        if stored != counted:
            return f"customer {customer}: resolved tickets is {stored} in the store, {counted} by its tickets' events"
    return None


def missing_tables(store: Store) -> list[str]:
    present = store._engine.schema_objects(store._conn)
    return sorted(name for kind, name in store._engine.expected_schema() if kind == "table"
                  and (kind, name) not in present)


_KIND_WORD = {"table": "table", "index": "index", "trigger": "trigger"}
FLOOR_GUARD = "floor_guard_"  # PostgreSQL's checks of who may write what (store/postgres/floor_guard.py)


def _schema_problem(store: Store) -> str | None:
    engine = store._engine
    expected = engine.expected_schema()
    present = engine.schema_objects(store._conn)
    for (kind, name), sql in sorted(expected.items()):
        if (kind, name) not in present:
            if kind == "trigger" and name.startswith(FLOOR_GUARD):
                return (f"the floor's guard {name} is missing (dropped): the server no longer checks who may "
                        "write what")
            if kind == "trigger" and name in tallies.TRIGGER_NAMES:
                return (f"the dashboard's trigger {name} is missing (dropped): its tallies no longer follow the "
                        "tickets")
            if kind == "trigger" and search.is_search_table(name):
                return f"the search index's trigger {name} is missing (dropped): the search box misses new rows"
            if kind == "trigger":
                return (f"the append-only trigger {name} is missing (dropped): nothing in the file stops an edit "
                        "of the log")
            return f"the {_KIND_WORD[kind]} {name} is missing (dropped)"
        if kind == "trigger" and present[(kind, name)] == "disabled" and name.startswith(FLOOR_GUARD):
            return f"the floor's guard {name} is switched off: the server no longer checks who may write what"
        if kind == "trigger" and present[(kind, name)] == "disabled" and name in tallies.TRIGGER_NAMES:
            return f"the dashboard's trigger {name} is switched off: its tallies no longer follow the tickets"
        if kind == "trigger" and present[(kind, name)] == "disabled":
            return (f"the append-only trigger {name} is switched off: nothing in the store stops an edit "
                    "of the log")
        if kind == "trigger" and present[(kind, name)] != sql and name in tallies.TRIGGER_NAMES:
            return f"the dashboard's trigger {name} is not the one csconsole made (changed)"
        if kind == "trigger" and present[(kind, name)] != sql:
            return f"the append-only trigger {name} is not the one csconsole made (changed)"
    for (kind, name) in sorted(set(present) - set(expected)):
        if kind == "trigger":
            return f"a trigger {name} is in the store that csconsole never made"
    return None
