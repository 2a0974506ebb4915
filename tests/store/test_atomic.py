"""The store's unit of work: ``store.atomic()`` commits once, nests by savepoints, refuses a read-only
store, and says an engine's error as a plain line."""

from __future__ import annotations

import pytest

from csconsole.domain.errors import RuleViolation
from csconsole.services import StoreError, audit, open_store, people, queries, tickets
from tests.conftest import Floor
from tests.sql import connection


def _queues(floor: Floor) -> list[str]:
    """What another connection sees: only what was committed."""
    with open_store(floor.location, read_only=True) as other:
        return [q.name for q in queries.queues(other)]


def test_nested_units_commit_once_at_the_outermost_end(floor: Floor) -> None:
    store = floor.store
    with store.atomic():
        people.add_queue(store, "Returns")  # a use case with its own atomic(): a savepoint here
        with store.atomic():
            people.add_queue(store, "Sales")
        assert store.in_transaction
        assert _queues(floor) == ["Billing", "Tech"]  # nothing committed yet
    assert not store.in_transaction
    assert _queues(floor) == ["Billing", "Returns", "Sales", "Tech"]


def test_an_inner_failure_caught_by_its_caller_undoes_only_the_inner_part(floor: Floor) -> None:
    store = floor.store
    with store.atomic():
        people.add_queue(store, "Returns")
        with pytest.raises(RuleViolation):
            with store.atomic():
                people.add_queue(store, "Sales")
                raise RuleViolation("changed my mind")
        people.add_queue(store, "Shipping")
    assert _queues(floor) == ["Billing", "Returns", "Shipping", "Tech"]


def test_an_outer_failure_undoes_the_inner_work_too(floor: Floor) -> None:
    store = floor.store
    with pytest.raises(RuleViolation):
        with store.atomic():
            with store.atomic():
                people.add_queue(store, "Sales")
            raise RuleViolation("the whole use case is refused")
    assert _queues(floor) == ["Billing", "Tech"]
    assert not store.in_transaction


def test_use_cases_called_inside_one_unit_share_it_and_keep_the_chain_whole(floor: Floor) -> None:
    store = floor.store
    created = tickets.create_ticket(store, actor_id=None, customer="C", subject="s", channel="email",
                                    priority="low", queue_id=floor.billing)
    ticket = created.ticket_ids[0]
    with store.atomic():
        tickets.take(store, ticket, actor_id=floor.ana.id)
        with pytest.raises(RuleViolation):  # refused inside: its savepoint rolls back, the chain head too
            with store.atomic():
                tickets.add_note(store, ticket, actor_id=floor.ana.id, note="written, then undone")
                raise RuleViolation("undo the note")
        tickets.add_note(store, ticket, actor_id=floor.ana.id, note="kept")
    kinds = [k for (k,) in connection(store).execute("SELECT kind FROM events WHERE ticket_id = ? ORDER BY seq",
                                                      (ticket,))]
    assert kinds == ["created", "take", "note"]
    assert audit.verify(store).ok


def test_a_read_only_store_refuses_a_unit_of_work(floor: Floor) -> None:
    with open_store(floor.location, read_only=True) as reader:
        with pytest.raises(StoreError, match="open read-only; nothing can be changed"):
            with reader.atomic():
                pass


def test_an_error_of_the_engine_inside_gives_the_plain_message(floor: Floor) -> None:
    store = floor.store
    with pytest.raises(StoreError) as outer:
        with store.atomic():
            connection(store).execute("INSERT INTO queues (id, name) VALUES (1, 'Again')")  # id 1 is Billing's
    duplicate = ('duplicate key value violates unique constraint "queues_pkey"' if floor.site.on_postgres
                 else "UNIQUE constraint failed: queues.id")
    assert str(outer.value) == f"{floor.store.location}: {duplicate}"
    with pytest.raises(StoreError) as inner:
        with store.atomic():
            with store.atomic():
                connection(store).execute("INSERT INTO queues (id, name) VALUES (1, 'Again')")
    assert str(inner.value) == str(outer.value) and "Traceback" not in str(inner.value)
    assert _queues(floor) == ["Billing", "Tech"] and not store.in_transaction
