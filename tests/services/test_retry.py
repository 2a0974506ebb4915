"""Many desks at once: a use case that collides with another desk's transaction is run again, whole,
from a fresh read; no update is lost; when the bound is spent the person reads one plain line.

The collisions are real: another connection (another thread's store) holds the write lock. The busy
timeout of the desk under test is shortened so that what SQLite surfaces after it, "database is locked",
arrives in milliseconds instead of ten seconds.
"""

from __future__ import annotations

import ast
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from csconsole.domain.errors import DomainError, RuleViolation
from csconsole.services import Store, audit, open_store, queries, tickets
from csconsole.store.errors import Retry, StoreError
from csconsole.store.retry import BACKOFF, unit_of_work
from tests.conftest import Floor
from tests.sql import connection

SHORT_BUSY_MS = 50
SERVICES = Path(__file__).resolve().parents[2] / "csconsole" / "services"


def new_ticket(floor: Floor) -> int:
    change = tickets.create_ticket(floor.store, actor_id=None, customer="Acme", subject="Bill wrong",
                                   channel="phone", priority="normal", queue_id=floor.billing)
    return change.ticket_ids[0]


def events(store: Store) -> int:
    return int(connection(store).execute("SELECT count(*) FROM events").fetchone()[0])


@contextmanager
def another_desk_writing(path: Path, *, for_seconds: float | None) -> Iterator[threading.Event]:
    """Another desk's transaction, on a connection of its own, holding the write lock (released after
    ``for_seconds``, or when the yielded event is set)."""
    release, holding = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold() -> None:
        try:
            with open_store(str(path)) as other, other.atomic():
                holding.set()
                release.wait(for_seconds)
        except BaseException as error:
            failures.append(error)
            holding.set()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holding.wait(5)
    try:
        yield release
    finally:
        release.set()
        thread.join(10)
    assert failures == []


def impatient(store: Store) -> Store:
    connection(store).execute(f"PRAGMA busy_timeout = {SHORT_BUSY_MS}")
    return store


@pytest.mark.sqlite_only  # SQLite's write lock and busy timeout; a server's collisions: test_retry_reasons
def test_a_desk_rides_out_a_lock_held_past_its_busy_timeout(floor: Floor) -> None:
    ticket = new_ticket(floor)
    store = impatient(floor.store)
    before = events(store)
    with another_desk_writing(floor.path, for_seconds=0.3):
        began = time.monotonic()
        change = tickets.reply(store, ticket, actor_id=floor.ana.id, note="We are on it")
        waited = time.monotonic() - began
    assert waited > SHORT_BUSY_MS / 1000  # it really met the lock...
    assert store.retries >= 1  # ...and ran the use case again rather than fail
    assert events(store) == before + 1 == change.seqs[-1]  # written once
    assert audit.verify(store).ok


@pytest.mark.sqlite_only  # SQLite's write lock and busy timeout; a server's collisions: test_retry_reasons
def test_past_the_bound_a_desk_reads_one_plain_line_and_nothing_is_written(floor: Floor) -> None:
    ticket = new_ticket(floor)
    store = impatient(floor.store)
    before = events(store)
    with another_desk_writing(floor.path, for_seconds=None), pytest.raises(StoreError) as refused:
        tickets.reply(store, ticket, actor_id=floor.ana.id, note="We are on it")
    message = str(refused.value)
    assert "busy" in message and "nothing was written" in message and "Try again" in message
    assert "database is locked" not in message and "\n" not in message
    assert f"{BACKOFF[Retry.COLLISION].attempts} tries" in message
    assert refused.value.retry is None  # the bound is spent: a caller above must not loop on it again
    assert store.retries == BACKOFF[Retry.COLLISION].attempts - 1
    assert events(store) == before


def test_only_the_outermost_unit_runs_again(floor: Floor) -> None:
    """A use case called inside another's transaction is not re-run alone: its caller's reads would be
    stale. The outermost unit re-runs the whole."""
    calls: list[int] = []

    @unit_of_work
    def collides_once(store: Store) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise StoreError("in the way", retry=Retry.COLLISION)
        return len(calls)

    assert collides_once(floor.store) == 2
    calls.clear()
    with pytest.raises(StoreError, match="in the way"), floor.store.atomic():
        collides_once(floor.store)
    assert calls == [1]


def test_a_refusal_is_never_retried(floor: Floor) -> None:
    ticket = new_ticket(floor)
    tickets.take(floor.store, ticket, actor_id=floor.ana.id)
    with pytest.raises(RuleViolation):
        tickets.take(floor.store, ticket, actor_id=floor.raj.id)
    assert floor.store.retries == 0


DESKS = 6


def _at_once(location: str, action: str, ticket: int, agents: list[int], rounds: int) -> list[str]:
    """``DESKS`` desks (threads, a store each) doing ``action`` on one ticket at the same moment."""
    start = threading.Barrier(len(agents))
    outcomes: list[str] = []
    lock = threading.Lock()

    def desk(agent: int) -> None:
        with open_store(location) as store:
            start.wait()
            for n in range(rounds):
                try:
                    if action == "take":
                        tickets.take(store, ticket, actor_id=agent)
                    else:
                        tickets.contact(store, ticket, note=f"call {agent}-{n}")
                    outcome = "ok"
                except RuleViolation:
                    outcome = "refused"
                except DomainError as error:
                    outcome = f"error: {error}"
                with lock:
                    outcomes.append(outcome)

    threads = [threading.Thread(target=desk, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_desks_calling_at_once_lose_no_contact(floor: Floor) -> None:
    ticket = new_ticket(floor)
    outcomes = _at_once(floor.site.location, "contact", ticket, [floor.ana.id] * DESKS, rounds=10)
    assert outcomes == ["ok"] * DESKS * 10
    row = queries.tickets_by_id(floor.store, [ticket])[0]
    assert row.contacts == 1 + DESKS * 10  # the first contact, then every one of theirs: none lost
    assert audit.verify(floor.store).ok


def test_desks_taking_one_ticket_at_once_give_it_one_owner(floor: Floor) -> None:
    ticket = new_ticket(floor)
    agents = [floor.ana.id, floor.raj.id, floor.li.id, floor.sue.id, floor.max.id]
    outcomes = _at_once(floor.site.location, "take", ticket, agents, rounds=1)
    assert sorted(outcomes) == ["ok"] + ["refused"] * (len(agents) - 1)  # the rest re-checked on the new state
    detail = queries.ticket_detail(floor.store, ticket)
    assert [e.kind for e in detail.events] == ["created", "take"]


def unretried_units(source: str, name: str) -> list[str]:
    """Functions that open a write (``with store.atomic()``) without being a ``@unit_of_work``."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        writes = any(isinstance(item.context_expr, ast.Call) and isinstance(item.context_expr.func, ast.Attribute)
                     and item.context_expr.func.attr == "atomic"
                     for inner in ast.walk(node) if isinstance(inner, ast.With) for item in inner.items)
        marked = any(isinstance(d, ast.Name) and d.id == "unit_of_work" for d in node.decorator_list)
        if writes and not marked:
            found.append(f"{name}:{node.lineno}: {node.name} writes but is not a @unit_of_work")
    return found


def test_every_use_case_that_writes_is_a_unit_of_work() -> None:
    found = [line for file in sorted(SERVICES.glob("*.py"))
             for line in unretried_units(file.read_text(encoding="utf-8"), file.name)]
    assert found == []
    assert unretried_units("def f(store):\n    with store.atomic():\n        pass\n", "x.py") == [
        "x.py:1: f writes but is not a @unit_of_work"]
