"""``audit verify``: does the store hold what its events say, and could the events have been recorded so?

Four checks, each naming the first thing wrong in one plain line, in this order of weight:

1. **the chain**: every event's hash (``chain.verify``), and a head an auditor kept;
2. **forged appends** (``domain.provenance``): a live event dated backwards or in the future, an actor,
   owner, queue, customer or policy no earlier event added, a live action the console refuses;
3. **every derived table**, recomputed from the events alone (``recompute``) and compared row by row:
   tickets, recovery cases, evaluations, Zendesk links, queues, agents, customers, policies,
   checklists, PIN commitments;
4. **the schema**: every table, index and append-only trigger csconsole makes, as it makes them.

On a large store the chain is checked by a second process while this one recomputes the tables (the
machine has two cores; both passes read the same snapshot's events up to one head).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from csconsole.domain import clock
from csconsole.domain.provenance import LogClock, Problem, TicketWitness, is_history, shape_problem
from csconsole.domain.registry import Entity, Registry
from csconsole.domain.ticket import Event
from csconsole.domain.words import BACKFILL_MARK, IMPORT_MARK
from csconsole.store import chain, recompute, table_dump
from csconsole.store import registry as registry_rows
from csconsole.store.differences import Labels, describe, differences

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from csconsole.store.store import Store

Progress = Callable[[int, int], None]
CHILD_FROM = 200_000  # events: from this many the chain is checked in a second process
REGISTRY_ORDER = (Entity.QUEUE, Entity.AGENT, Entity.CUSTOMER, Entity.POLICY, Entity.CHECKLIST, Entity.PIN)
_MARKS = (f'"{IMPORT_MARK}":', f'"{BACKFILL_MARK}":')


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


class _Ticker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, max(total, 1), 0

    def __call__(self, units: int) -> None:
        self.done += units
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def verify(store: Store, expected_head: str | None = None, *, chain_only: bool = False,
           progress: Progress | None = None, now: str | None = None) -> Verdict:
    """Check the store (a read snapshot of it); ``chain_only``: the hash chain alone (seconds)."""
    with store.read():
        head = chain.head(store)
        if chain_only:
            tick = _Ticker(progress, head.seq)
            return _from_chain(chain.verify(store, expected_head, read=tick))
        return _Verify(store, head, expected_head, now or clock.now_text(), progress).run()


def _from_chain(found: chain.Verdict) -> Verdict:
    return Verdict(found.ok, found.checked, found.head, found.problem, found.bad_seq)


class _Verify:
    def __init__(self, store: Store, head: chain.Head, expected: str | None, now: str, progress: Progress | None):
        self.store, self.head, self.expected, self.now = store, head, expected, now
        self.tick = _Ticker(progress, 2 * head.seq)
        self.forged: tuple[Problem, Event | None, int | None] | None = None  # (what, event, its ticket)
        self.table_problem: str | None = None
        self.findings = 0
        self.rows = 0
        self.resolved: dict[int, int] = {}  # customer id → tickets resolved or closed, by the events

    def run(self) -> Verdict:
        store = self.store
        registry_clock = LogClock(self.now)
        registry, wrong = recompute.fold_registry(store, lambda e, r: self._check_record(e, r, registry_clock),
                                                  read=self.tick)
        if wrong is not None:
            event, what = wrong
            self._forged(Problem(event.seq or 0, what), event)
        child = None
        if self.head.seq >= CHILD_FROM:
            child = _ChainChild(store, self.expected, self.head.seq, registry.history_until, self.now)
        else:
            found, late = _check_chain(store, self.expected, self.head.seq, registry.history_until, self.now,
                                       self.tick)
            if not found.ok:
                return _from_chain(found)
            self._late(late)
        try:
            if wrong is None:
                self._tickets(registry, child)
                if self.table_problem is None:
                    self._records(registry)
            schema = _schema_problem(store)
            if child is not None:
                found, late = child.result(self.tick)
                if not found.ok:
                    return _from_chain(found)
                self._late(late)
        finally:
            if child is not None:
                child.stop()
        forged = self._forged_line()
        problem = forged or self.table_problem or schema
        bad = self.forged[0].seq if forged is not None and self.forged is not None else None
        return Verdict(problem is None, self.head.seq, self.head, problem or "", bad, self.rows, self.findings,
                       registry_rows.withheld_pins(store))

    # -- forged appends ----------------------------------------------------------------------------------

    def _check_record(self, event: Event, registry: Registry, log: LogClock) -> str | None:
        seq = event.seq or 0
        what = shape_problem(event)
        if what is None and event.actor is not None and not registry.exists_at(Entity.AGENT, event.actor, seq):
            what = f"by agent {event.actor}, whom no earlier event added"
        if what is None:
            late = log.feed(seq, event.at, is_history(event, registry.history_until))
            what = late.what if late is not None else None
        return what

    def _forged(self, problem: Problem, event: Event | None, ticket_id: int | None = None) -> None:
        if self.forged is None or problem.seq < self.forged[0].seq:
            self.forged = (problem, event, ticket_id)

    def _late(self, late: tuple[Problem, int | None, str, str] | None) -> None:
        if late is not None:
            problem, ticket_id, kind, at = late
            self._forged(problem, Event(ticket_id, kind, at, None, {}, problem.seq), ticket_id)

    def _forged_line(self) -> str | None:
        if self.forged is None:
            return None
        problem, event, ticket_id = self.forged
        if event is None:
            return f"event {problem.seq}: {problem.what}"
        on = "the floor's records" if event.ticket_id is None else table_dump.ticket_ref(self.store, event.ticket_id)
        return f"event {problem.seq} ({event.kind} on {on} at {event.at}): {problem.what}"

    # -- the tables ---------------------------------------------------------------------------------------

    def _tickets(self, registry: Registry, child: _ChainChild | None) -> None:
        store = self.store
        for low, high in recompute.ticket_ranges(store):
            witnesses: dict[int, TicketWitness] = {}

            def witness(ticket_id: int) -> TicketWitness:
                found = witnesses[ticket_id] = TicketWitness(registry)
                return found

            derived = recompute.derive(store, low, high, registry, witness, read=self.tick)
            for event, what in derived.unreadable:
                self._forged(Problem(event.seq or 0, what), event, event.ticket_id)
            for ticket_id, seen in witnesses.items():
                self.findings += seen.findings
                if seen.problem is not None:
                    events = [e for _, es in recompute.events_in(store, ticket_id, ticket_id + 1) for e in es]
                    event = next((e for e in events if e.seq == seen.problem.seq), None)
                    self._forged(seen.problem, event, ticket_id)
            for row in derived.tables["tickets"]:
                state = derived.states[row[0]]
                if state.is_done:
                    self.resolved[state.customer_id] = self.resolved.get(state.customer_id, 0) + 1
            if self.table_problem is None:
                refs = {tid: state.ref for tid, state in derived.states.items()}
                for table, (columns, _) in recompute.PER_TICKET.items():
                    made = derived.tables[table]
                    self.rows += len(made)
                    first = next(iter(differences(table, columns, recompute.stored_in(store, table, low, high), made,
                                                  lambda r, t=table: recompute.row_key(t, r))), None)
                    if first is not None:
                        self.table_problem = describe(first, Labels(registry, refs))
                        break
            if child is not None:
                child.poll(self.tick)

    def _records(self, registry: Registry) -> None:
        labels = Labels(registry)
        for entity in REGISTRY_ORDER:
            customers = entity is Entity.CUSTOMER
            columns = (*registry_rows.columns(entity), "resolved_tickets") if customers else registry_rows.columns(entity)
            made = recompute.registry_rows(registry, entity, self.resolved if customers else None)
            self.rows += len(made)
            table = registry_rows.SHAPES[entity].table if entity in registry_rows.SHAPES else registry_rows.PINS_TABLE
            first = next(iter(differences(table, columns, recompute.stored_registry(self.store, entity, customers),
                                          made, lambda r: (r[0],))), None)
            if first is not None:
                self.table_problem = describe(first, labels)
                return


# --- the chain, here or in a second process ------------------------------------------------------------

class _TicketClock:
    """The log's clock for the events on tickets (the registry's have theirs), fed by the chain's walk."""

    def __init__(self, now: str, history_until: int) -> None:
        self.clock = LogClock(now)
        self.until = history_until
        self.late: tuple[Problem, int | None, str, str] | None = None

    def __call__(self, seq: int, ticket_id: int | None, kind: str, at: str, data: str) -> None:
        if self.late is not None or ticket_id is None:
            return
        history = seq <= self.until or any(mark in data for mark in _MARKS)
        found = self.clock.feed(seq, at, history)
        if found is not None:
            self.late = (found, ticket_id, kind, at)


def _check_chain(store: Store, expected: str | None, until: int, history_until: int, now: str,
                 read: Callable[[int], None] | None) -> tuple[chain.Verdict, tuple[Problem, int | None, str, str] | None]:
    clock_ = _TicketClock(now, history_until)
    found = chain.verify(store, expected, until=until, observe=clock_, read=read)
    return found, clock_.late


def _chain_child(location: str, expected: str | None, until: int, history_until: int, now: str,
                 pipe: Connection) -> None:
    """The second process: the chain up to ``until``, with progress, then its verdict."""
    from csconsole.store.store import Store

    try:
        with Store.open(location, read_only=True) as store, store.read():
            found, late = _check_chain(store, expected, until, history_until, now, lambda n: pipe.send(("read", n)))
        pipe.send(("done", (found, late)))
    except BaseException as error:  # noqa: BLE001 - said by the parent, which owns the user's terminal
        pipe.send(("failed", f"{type(error).__name__}: {error}"))


class _ChainChild:
    def __init__(self, store: Store, expected: str | None, until: int, history_until: int, now: str) -> None:
        context = multiprocessing.get_context("spawn")  # the console calls this from a worker thread
        self.pipe, theirs = context.Pipe(duplex=False)
        self.process = context.Process(target=_chain_child, name="csconsole-verify-chain", daemon=True,
                                       args=(str(store.path), expected, until, history_until, now, theirs))
        self.process.start()
        theirs.close()
        self.outcome: Any = None

    def poll(self, tick: Callable[[int], None]) -> None:
        while self.outcome is None and self.pipe.poll():
            kind, value = self.pipe.recv()
            if kind == "read":
                tick(value)
            else:
                self.outcome = (kind, value)

    def result(self, tick: Callable[[int], None]) -> tuple[chain.Verdict, Any]:
        while self.outcome is None:
            if not self.pipe.poll(0.2):
                if not self.process.is_alive():
                    raise RuntimeError("the chain check's process stopped unexpectedly")
                continue
            self.poll(tick)
        kind, value = self.outcome
        if kind == "failed":
            raise RuntimeError(f"the chain check failed: {value}")
        return value  # type: ignore[no-any-return]

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=10)
        self.pipe.close()


# --- the schema -----------------------------------------------------------------------------------------

_KIND_WORD = {"table": "table", "index": "index", "trigger": "trigger"}


def _schema_problem(store: Store) -> str | None:
    engine = store._engine
    expected = engine.expected_schema()
    present = engine.schema_objects(store._conn)
    for (kind, name), sql in sorted(expected.items()):
        if (kind, name) not in present:
            if kind == "trigger":
                return (f"the append-only trigger {name} is missing (dropped): nothing in the file stops an edit "
                        "of the log")
            return f"the {_KIND_WORD[kind]} {name} is missing (dropped)"
        if kind == "trigger" and present[(kind, name)] != sql:
            return f"the append-only trigger {name} is not the one csconsole made (changed)"
    for (kind, name) in sorted(set(present) - set(expected)):
        if kind == "trigger":
            return f"a trigger {name} is in the store that csconsole never made"
    return None
