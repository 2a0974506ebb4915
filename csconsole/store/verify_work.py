"""The work of ``audit verify`` in parts that can run anywhere: here, or in the processes of a pool.

A part is a range of seqs of the chain or a range of ticket ids. A chain part checks each event's link
from the stored hash of the event before it, so the parts can run at once and together check every link
the one walk would. A ticket part folds its tickets from their events and compares them with their rows,
in one read snapshot of its own: what it compares is of one moment even while agents keep working. What
needs the whole log in order (the live events' clock, the first difference) is put together by
``verify`` from the parts' summaries, in order.
"""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from csconsole.domain.findings import Finding
from csconsole.domain.instants import to_seconds
from csconsole.domain.provenance import TIME_TOLERANCE, TicketWitness, moment
from csconsole.domain.registry import Registry
from csconsole.domain.words import BACKFILL_MARK, IMPORT_MARK, OPEN_STATUSES
from csconsole.store import chain, recompute
from csconsole.store.differences import Labels, describe, differences

if TYPE_CHECKING:
    from csconsole.store.postgres.url import Location
    from csconsole.store.store import Store

_EPOCH = datetime(1970, 1, 1)
_CUSTOMER, _STATUS = (recompute.TICKET_COLUMNS.index(c) for c in ("customer_id", "status"))
_OPEN = frozenset(status.value for status in OPEN_STATUSES)
CHAIN_PART = 250_000  # events a chain part checks
# The history's rule breaches a ticket part carries back for the audit pack's findings.csv, and all parts
# together (~200 bytes each); beyond them (an imported log that breaks a rule at every step) the parts carry
# none and the pack walks the log for them, a ticket at a time, in bounded memory.
CARRIED_BREACHES = 5_000
CARRIED_IN_ALL = 100_000
_MARKS = (f'"{IMPORT_MARK}":', f'"{BACKFILL_MARK}":')
Late = tuple[int, str, Any, str]  # seq, at, ticket id, kind: a live ticket event and its time


@dataclass
class ChainPart:
    """What one range of the chain found: the first broken link, and its live ticket events' times in the
    few forms the whole log's clock needs."""

    low: int
    high: int
    checked: int = 0
    problem: str = ""
    bad_seq: int | None = None
    kept_head_seen: bool = False
    last: chain.Head | None = None
    first_seq: int | None = None  # the first seq found in the range (a gap before it: events missing)
    late: tuple[Late, str] | None = None  # the first live event before one earlier in this part, and why
    lows: list[Late] = field(default_factory=list)  # each live event earlier than every one before it here
    top: Late | None = None  # the latest live event of the part


@dataclass
class TicketPart:
    low: int
    events: int = 0
    rows: int = 0
    findings: int = 0
    forged: tuple[int, str, Any, str, str] | None = None  # seq, why, ticket id, kind, at
    table_problem: str | None = None
    done: dict[int, int] = field(default_factory=dict)  # customer id → their tickets here that are done
    breaches: list[Finding] | None = None  # the history's rule breaches in order; None: too many to carry
    kinds: dict[str, int] = field(default_factory=dict)  # its tickets' events of each kind


class Worker:
    """One process's view of the store for the parts it is given: its own connection and registry."""

    def __init__(self, store: Store, expected_head: str | None, until: int, now: str,
                 registry: Registry | None = None) -> None:
        self.store, self.expected, self.until = store, expected_head, until
        self.limit_s = to_seconds(now) + TIME_TOLERANCE.total_seconds()
        self.registry = registry if registry is not None else recompute.fold_registry(store)[0]
        self.registry_head = _registry_head(store)

    # -- a range of the chain ----------------------------------------------------------------------------

    def chain_part(self, low: int, high: int) -> ChainPart:
        """Check seqs ``low``..``high``-1 (up to the verified head)."""
        part = ChainPart(low, high)
        conn = self.store._conn
        with self.store.read():
            before = conn.execute("SELECT hash FROM events WHERE seq = ?", (low - 1,)).fetchone() if low > 1 else None
            prev = chain.GENESIS if low == 1 else (before[0] if before else None)
            cursor = conn.execute(
                "SELECT seq, ticket_id, kind, at, actor_id, data, hash FROM events WHERE seq >= ? AND seq < ? "
                "AND seq <= ? ORDER BY seq", (low, high, self.until))
            self._walk(part, cursor, prev)
        return part

    def _walk(self, part: ChainPart, cursor: Any, prev: str | None) -> None:
        """Every link of the part, and its live events' times (the hot loop of verify: locals only)."""
        link, canonical, expected, seconds = chain.link, chain.canonical_event, self.expected, _seconds
        history_until, imported, backfilled = self.registry.history_until, _MARKS[0], _MARKS[1]
        limit, tolerance = self.limit_s, TIME_TOLERANCE.total_seconds()
        top_at: float | None = None
        low_at: float | None = None
        next_seq = part.low
        try:
            while batch := cursor.fetchmany(chain.BATCH):
                if part.first_seq is None:
                    part.first_seq = batch[0][0]
                for seq, ticket_id, kind, at, actor, data, stored in batch:
                    if seq != next_seq:
                        what = f"events {next_seq}..{seq - 1} are missing" if seq > next_seq else "sequence out of order"
                        part.problem, part.bad_seq = f"event {seq}: {what} (deleted or reordered)", seq
                        return
                    if prev is None or link(prev, canonical(seq, ticket_id, kind, at, actor, data)) != stored:
                        on = f"ticket {ticket_id}" if ticket_id is not None else "the floor's records"
                        part.problem = (f"event {seq} ({on}, {kind} at {at}) does not match its hash: edited, "
                                        "inserted or reordered")
                        part.bad_seq = seq
                        return
                    prev, next_seq = stored, seq + 1
                    if stored == expected:
                        part.kept_head_seen = True
                    if ticket_id is None or seq <= history_until or imported in data or backfilled in data:
                        continue  # the registry's clock is the registry pass's; history keeps its own times
                    when = seconds(at)
                    if part.late is None:
                        if when > limit:
                            part.late = ((seq, at, ticket_id, kind),
                                         "it is dated after this check ran (a clock cannot record the future)")
                        elif top_at is not None and when < top_at - tolerance:
                            part.late = ((seq, at, ticket_id, kind), late_line(part.top))
                    if top_at is None or when > top_at:
                        top_at, part.top = when, (seq, at, ticket_id, kind)
                    if low_at is None or when < low_at:
                        low_at = when
                        part.lows.append((seq, at, ticket_id, kind))
        finally:
            part.checked = next_seq - part.low
            if part.checked:
                part.last = chain.Head(next_seq - 1, prev or "")
        end = min(part.high, self.until + 1)
        if next_seq < end and not part.problem:
            part.problem, part.bad_seq = f"events {next_seq}..{end - 1} are missing (deleted)", next_seq

    # -- a range of tickets ------------------------------------------------------------------------------

    def ticket_part(self, low: int, high: int) -> TicketPart:
        part = TicketPart(low)
        store = self.store
        with store.read():
            head = _registry_head(store)
            if head != self.registry_head:  # the floor's records changed since this worker folded them
                self.registry, self.registry_head = recompute.fold_registry(store)[0], head
            registry = self.registry
            witness = TicketWitness(registry)

            def read(events: int) -> None:
                part.events += events

            collecting = gc.isenabled()
            gc.disable()  # millions of short-lived dicts and not one cycle: the collector only costs here
            try:
                derived = recompute.derive(store, low, high, registry, witness.begin, read=read)
            finally:
                if collecting:
                    gc.enable()
            forged = [(event.seq or 0, what, event.ticket_id, event.kind, event.at)
                      for event, what in derived.unreadable]
            part.findings += witness.findings
            part.breaches = witness.breaches if len(witness.breaches) <= CARRIED_BREACHES else None
            part.kinds = derived.kinds
            if witness.problem is not None and witness.problem_ticket is not None:
                ticket_id, seq = witness.problem_ticket, witness.problem.seq
                event = next((e for _, es in recompute.events_in(store, ticket_id, ticket_id + 1) for e in es
                              if e.seq == seq), None)
                forged.append((seq, witness.problem.what, ticket_id, event.kind if event else "?",
                               event.at if event else "?"))
            part.forged = min(forged, default=None)
            refs = {tid: state.ref for tid, state in derived.states.items()}
            done = part.done
            for row in derived.tables["tickets"]:  # the customers' resolved tickets, by the events
                if row[_STATUS] not in _OPEN:
                    done[row[_CUSTOMER]] = done.get(row[_CUSTOMER], 0) + 1
            for table, (columns, _) in recompute.PER_TICKET.items():
                made = derived.tables[table]
                part.rows += len(made)
                if part.table_problem is None:
                    first = next(iter(differences(table, columns, recompute.stored_in(store, table, low, high),
                                                  made, functools.partial(recompute.row_key, table))), None)
                    if first is not None:
                        part.table_problem = describe(first, Labels(registry, refs))
        return part


def _seconds(at: str) -> float:
    """An event's time as epoch seconds: the store's own format fast, any other as ``moment`` reads it."""
    if len(at) == 20 and at[19] == "Z":
        return to_seconds(at)
    return (moment(at) - _EPOCH).total_seconds()


def late_line(top: Late | None) -> str:
    at = top[1] if top is not None else "?"
    return f"it is dated before a live event already in the log ({at}): recorded live, it was backdated"


def _registry_head(store: Store) -> int:
    row = store._conn.execute("SELECT max(seq) FROM events WHERE ticket_id IS NULL").fetchone()
    return int(row[0] or 0)


# --- in a pool's process -------------------------------------------------------------------------------

_WORKER: list[Worker] = []


def start(location: Location, expected_head: str | None, until: int, now: str) -> None:
    """A pool process's initializer: its own read-only connection (a file, or the same server as the same
    login) and registry."""
    from csconsole.store.store import Store

    _WORKER.append(Worker(Store.open(location, read_only=True), expected_head, until, now))


def run(task: tuple[str, int, int]) -> ChainPart | TicketPart:
    what, low, high = task
    worker = _WORKER[0]
    return worker.chain_part(low, high) if what == "chain" else worker.ticket_part(low, high)
