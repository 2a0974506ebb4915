"""Property: for any event sequence, the derived columns kept incrementally equal what rebuild
computes from the events alone, and the audit chain verifies."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csconsole.domain import clock
from csconsole.domain.errors import DomainError
from csconsole.domain.rules import REVERTIBLE_KINDS, check_can_revert
from csconsole.domain.ticket import Event, reverted_seqs
from csconsole.services import audit, open_store, people
from csconsole.store import registry
from csconsole.store.ledger import Ledger, load_events, load_state
from tests.sites import Site
from tests.sql import connection

QUEUES, AGENTS, TICKETS = 3, 4, 3

step = st.tuples(
    st.integers(0, TICKETS - 1),  # which ticket
    st.sampled_from(["take", "transfer", "reassign", "contact", "reply", "status", "escalate", "note", "revert"]),
    st.integers(1, 600),  # minutes since the previous event
    st.integers(0, QUEUES - 1),
    st.one_of(st.none(), st.integers(0, AGENTS - 1)),
    st.sampled_from(["open", "pending", "resolved", "closed"]),
    st.sampled_from(["urgent", "high", "normal", "low"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, max_size=40), priorities=st.lists(st.sampled_from(["urgent", "low"]),
                                                                min_size=TICKETS, max_size=TICKETS))
def test_incremental_equals_rebuild_and_chain_verifies(
    new_site: Callable[[], Site], steps: list[tuple], priorities: list[str]
) -> None:
    with open_store(new_site().location, create=True) as store:
        queues = [people.add_queue(store, f"Q{i}").id for i in range(QUEUES)]
        staff = [people.add_agent(store, f"A{i}", "supervisor" if i == 0 else "agent") for i in range(AGENTS)]
        agents, supervisor = [a.id for a in staff], staff[0]
        moment = clock.from_text("2026-05-01T08:00:00Z").timestamp()
        with store.atomic():
            ledger = Ledger(store)
            customer = registry.add_customer(ledger, "Cust", "2020-01-01T00:00:00Z").id
            for t in range(TICKETS):
                ledger.open_ticket(t + 1, f"R{t}", Event(t + 1, "created", clock.from_epoch(int(moment)), None, {
                    "customer": customer, "subject": "s", "channel": "chat", "priority": priorities[t],
                    "queue": queues[0]}))
            recorded = 0
            for ticket, kind, minutes, queue, owner, status, priority in steps:
                moment += minutes * 60
                at = clock.from_epoch(int(moment))
                state = load_state(store, ticket + 1)
                assert state is not None
                actor = agents[owner if owner is not None else 1]
                data: dict[str, object]
                if kind in ("take", "transfer", "reassign"):
                    data = {"queue": queues[queue], "owner": agents[owner] if owner is not None else None}
                    if kind == "take":
                        data["owner"] = actor
                elif kind == "status":
                    data = {"status": status}
                elif kind == "escalate":
                    data = {"priority": priority, "note": "n"}
                elif kind == "revert":  # undo (or redo) the ticket's latest standing action, when it may be
                    story = load_events(store, ticket + 1)
                    undone = reverted_seqs(story)
                    standing = [e for e in story if e.seq not in undone and e.kind in REVERTIBLE_KINDS]
                    try:
                        check_can_revert(story, [standing[-1].seq] if standing else [], supervisor)
                    except DomainError:
                        continue
                    data = {"reverts": [standing[-1].seq], "note": "undo"}
                else:
                    data = {"note": "n"}
                data["import"] = "test"  # written past the services' rules: history, as an import's would be
                ledger.record(state, Event(ticket + 1, kind, at, None if kind == "contact" else actor, data))
                recorded += 1
        columns = "SELECT * FROM tickets ORDER BY id"
        customers = "SELECT * FROM customers ORDER BY id"
        incremental = connection(store).execute(columns).fetchall(), connection(store).execute(customers).fetchall()
        assert audit.rebuild(store).corrected == 0
        assert (connection(store).execute(columns).fetchall(), connection(store).execute(customers).fetchall()) == incremental
        verdict = audit.verify(store)
        records = QUEUES + AGENTS + 1  # the events that added the queues, agents and the customer
        assert verdict.ok and verdict.checked == records + TICKETS + recorded
